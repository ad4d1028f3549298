"""Builders for cooperation-menu tests: activities in any state, users, nominations.

Everything is made through the real services (activities/services.py), so the objects are
exactly what the application would produce: audited, with `confirmed_count` in step.
The reference data (organizations, frameworks, areas) must be loaded: use the `reference`
(or `make_user`, `db`) fixture in the test.

    from tests.activities.factories import open_activity, liaison, nominate

    activity = open_activity(seats=10, cap=2, frameworks=["PfP"])
    georgia = liaison("GEO")
    nomination = nominate(georgia, activity, name="Nino B.")      # -> confirmed
    activity = reload(activity)                                   # fresh confirmed_count

Organizations are given by code: "NATO" (the alliance), partner states by ISO3 ("GEO" in PfP,
"JOR" in the Mediterranean Dialogue, "QAT" in ICI, "AUS" partners across the globe),
institutions by code ("PTEC-AUT-AUTINT", the default host).
"""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, timedelta
from typing import Any

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.activities import lifecycle, services
from coopsec.activities.models import (
    SEAT_STATES,
    Activity,
    Eligibility,
    Mode,
    Nomination,
)
from coopsec.network import dates
from coopsec.network.models import Organization

DEFAULT_HOST = "PTEC-AUT-AUTINT"
DEFAULT_AREA = "cbrn_defence"

_serial = itertools.count(1)

# --- people --------------------------------------------------------------------------------


def user(role: str, org: str, *, email: str = "", **extra: Any) -> User:
    """An active user of organization `org` (a code) holding one role."""
    n = next(_serial)
    return User.objects.create(
        username=extra.pop("username", None) or f"{role}-{org}-f{n}".lower(),
        organization=Organization.objects.get(code=org),
        roles=[role],
        email=email,
        **extra,
    )


def liaison(org: str = "GEO", *, email: str = "", **extra: Any) -> User:
    """A partner liaison officer of `org`."""
    return user(R.PARTNER_LIAISON, org, email=email, **extra)


def coordinator(**extra: Any) -> User:
    """An alliance coordinator (organization NATO)."""
    return user(R.COORDINATOR, "NATO", **extra)


def manager(host: str = DEFAULT_HOST, **extra: Any) -> User:
    """An institution manager of `host`."""
    return user(R.INSTITUTION_MANAGER, host, **extra)


def as_actor(who: User | Actor) -> Actor:
    """The Actor for a user (an Actor is returned unchanged)."""
    return who if isinstance(who, Actor) else Actor.from_user(who)


def coordinator_actor() -> Actor:
    """A coordinator acting without a user account (no user row is created)."""
    return Actor(
        user=None,
        organization=Organization.objects.get(code="NATO"),
        roles=frozenset({R.COORDINATOR}),
    )


def host_actor(activity: Activity) -> Actor:
    """The activity's host institution acting without a user account."""
    return Actor(
        user=None,
        organization=activity.host,
        roles=frozenset({R.INSTITUTION_MANAGER}),
    )


# --- activities ----------------------------------------------------------------------------


def activity_input(
    *,
    seats: int = 10,
    cap: int | None = 2,
    host: str = DEFAULT_HOST,
    area: str = DEFAULT_AREA,
    start: date | None = None,
    end: date | None = None,
    frameworks: list[str] | None = None,
    organizations: list[str] | None = None,
    eligibility: str | None = None,
    mode: str = Mode.FCFS,
    **fields: Any,
) -> services.ActivityInput:
    """An ActivityInput with sensible defaults.

    Start defaults to 60 days after `dates.today()` (so frozen dates move it too) and the
    end to 4 days after the start. Eligibility follows from the arguments: `organizations`
    -> listed organizations, `frameworks` -> those frameworks, neither -> all partners.
    Any other ActivityInput field can be given by name (title, type, registration_deadline…).
    """
    start = start or dates.today() + timedelta(days=60)
    end = end or start + timedelta(days=4)
    if eligibility is None:
        if organizations:
            eligibility = Eligibility.ORGANIZATIONS
        elif frameworks:
            eligibility = Eligibility.FRAMEWORKS
        else:
            eligibility = Eligibility.ALL_PARTNERS
    n = next(_serial)
    fields.setdefault("title", f"Test course {n}")
    fields.setdefault("type", "course")
    return services.ActivityInput(
        host=host,
        primary_area=area,
        start=start,
        end=end,
        seats=seats,
        per_partner_cap=cap,
        eligibility=eligibility,
        eligible_frameworks=list(frameworks or []),
        eligible_organizations=list(organizations or []),
        mode=mode,
        **fields,
    )


def proposed_activity(*, by: User | Actor | None = None, **kwargs: Any) -> Activity:
    """A `proposed` activity, created by `by` (default: a coordinator).

    Keyword arguments are those of `activity_input`.
    """
    actor = as_actor(by) if by is not None else coordinator_actor()
    return services.activity_create(actor=actor, data=activity_input(**kwargs))


# The path from `proposed` to each state, and who takes each step.
_STEPS = (lifecycle.APPROVED, lifecycle.OPEN, lifecycle.CLOSED, lifecycle.CONDUCTED)
_PATH: dict[str, tuple[str, ...]] = {
    lifecycle.PROPOSED: (),
    lifecycle.APPROVED: _STEPS[:1],
    lifecycle.OPEN: _STEPS[:2],
    lifecycle.CLOSED: _STEPS[:3],
    lifecycle.CONDUCTED: _STEPS,
    lifecycle.REPORTED: _STEPS,
    lifecycle.CANCELLED: (lifecycle.CANCELLED,),
}


def advance(activity: Activity, to: str, *, by: User | Actor | None = None) -> Activity:
    """Move an activity through the lifecycle (as a coordinator unless `by`) and return it."""
    actor = as_actor(by) if by is not None else coordinator_actor()
    return services.activity_transition(actor=actor, activity_id=activity.pk, to=to)


def activity_in_state(
    state: str, *, nominations: list[tuple[User, str]] | None = None, **kwargs: Any
) -> Activity:
    """An activity in any lifecycle state, moved there by a coordinator through the services.

    `conducted` and `reported` need a start in the past: without `start`, they start 10 days
    before today. `nominations` — (liaison user, participant name) pairs — are made while
    the activity is open (first come, first served), before it moves on. `reported` gets a
    report from its host. Keyword arguments are those of `activity_input`.
    """
    if state in (lifecycle.CONDUCTED, lifecycle.REPORTED) and "start" not in kwargs:
        kwargs["start"] = dates.today() - timedelta(days=10)
    activity = proposed_activity(**kwargs)
    for step in _PATH[state]:
        activity = advance(activity, step)
        if step == lifecycle.OPEN:
            for who, name in nominations or []:
                nominate(who, activity, name=name)
    if state == lifecycle.REPORTED:
        services.report_submit(
            actor=host_actor(activity),
            activity_id=activity.pk,
            data=services.ReportInput(summary="Went as planned."),
        )
    return reload(activity)


def open_activity(
    seats: int = 10,
    cap: int | None = 2,
    *,
    eligibility: str | None = None,
    host: str = DEFAULT_HOST,
    start: date | None = None,
    **kwargs: Any,
) -> Activity:
    """An activity open for nominations (proposed, approved and opened by a coordinator).

    Examples: `open_activity()` (10 seats, cap 2, all partners, first come first served);
    `open_activity(seats=3, cap=None, frameworks=["PfP"])`;
    `open_activity(organizations=["GEO"], mode="allocated")`.
    """
    return activity_in_state(
        lifecycle.OPEN, eligibility=eligibility, host=host, start=start, seats=seats, cap=cap,
        **kwargs,
    )  # fmt: skip


def reload(activity: Activity) -> Activity:
    """The activity as stored now (confirmed_count and state change behind your back)."""
    return Activity.objects.get(pk=activity.pk)


# --- nominations ---------------------------------------------------------------------------


def nominate(
    who: User | Actor,
    activity: Activity,
    *,
    name: str | None = None,
    email: str = "",
    rank: str = "",
    priority: int = 1,
) -> Nomination:
    """Nominate a participant of `who`'s organization (a liaison user or Actor).

    The participant is a new person unless `email` names one the partner nominated before.
    Returns the nomination (state confirmed, waitlisted or pending).
    """
    return services.nomination_create(
        actor=as_actor(who),
        activity_id=activity.pk,
        participant=services.ParticipantInput(
            name=name or f"Participant {next(_serial)}", email=email, rank=rank
        ),
        priority=priority,
    )


def seat_counts(activity: Activity) -> Counter[str]:
    """How many seat-holding nominations each partner (by code) has on the activity."""
    return Counter(
        Nomination.objects.filter(activity=activity, state__in=SEAT_STATES).values_list(
            "partner__code", flat=True
        )
    )


def check_seats(activity: Activity) -> Activity:
    """Assert the seat invariants and return the reloaded activity.

    `confirmed_count` equals the seat-holding nominations, never exceeds the seats, and no
    partner holds more than the per-partner cap.
    """
    fresh = reload(activity)
    holders = Nomination.objects.filter(activity=fresh, state__in=SEAT_STATES).count()
    assert fresh.confirmed_count == holders, (fresh.confirmed_count, holders)
    assert holders <= fresh.seats, (holders, fresh.seats)
    if fresh.per_partner_cap is not None:
        over = {p: n for p, n in seat_counts(fresh).items() if n > fresh.per_partner_cap}
        assert not over, f"partners above the cap of {fresh.per_partner_cap}: {over}"
    return fresh


def audit_actions(instance: Activity | Nomination) -> list[str]:
    """The audit trail's action names about an activity or nomination, oldest first."""
    from coopsec.audit.models import AuditEvent

    kind = "activity" if isinstance(instance, Activity) else "nomination"
    return list(
        AuditEvent.objects.filter(object_type=kind, object_id=str(instance.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
