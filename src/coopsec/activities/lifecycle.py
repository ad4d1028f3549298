"""The activity lifecycle as an explicit state machine (no Django here).

proposed -> approved -> open -> closed -> conducted -> reported, and cancelled from any state
before conducted. Who may take a transition is an access rule (activities/access.py).
"""

from __future__ import annotations

PROPOSED = "proposed"
APPROVED = "approved"
OPEN = "open"
CLOSED = "closed"
CONDUCTED = "conducted"
REPORTED = "reported"
CANCELLED = "cancelled"

STATES = (PROPOSED, APPROVED, OPEN, CLOSED, CONDUCTED, REPORTED, CANCELLED)

TRANSITIONS: dict[str, tuple[str, ...]] = {
    PROPOSED: (APPROVED, CANCELLED),
    APPROVED: (OPEN, CANCELLED),
    OPEN: (CLOSED, CANCELLED),
    CLOSED: (OPEN, CONDUCTED, CANCELLED),
    CONDUCTED: (REPORTED,),
    REPORTED: (),
    CANCELLED: (),
}

# States in which an activity is on the published menu for partners.
PUBLISHED = (OPEN, CLOSED, CONDUCTED, REPORTED)


def allowed_targets(state: str) -> tuple[str, ...]:
    return TRANSITIONS.get(state, ())


def transition_error(state: str, target: str) -> str | None:
    """None when `state -> target` is a transition of the machine, else why not."""
    if target not in STATES:
        return f"'{target}' is not a state; states are {', '.join(STATES)}."
    if target in allowed_targets(state):
        return None
    nexts = allowed_targets(state)
    if not nexts:
        return f"The activity is {state}; it cannot change state any more."
    return f"An activity that is {state} can go to {' or '.join(nexts)}, not to {target}."
