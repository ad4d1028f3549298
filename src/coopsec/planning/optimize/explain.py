"""Why each declined nomination was declined, and where one more seat would buy the most.

Declined nominations: with every chosen seat booked in a `Ledger`, a declined nomination is
asked what stops it. If a hard constraint does, each one that does is a reason, naming the
nominations that hold what it needed (the activity's seats, the partner's cap there, the
partner's money, the participant's dates). If none does, adding it is possible, and the
reason is its price: adding it would lower the objective (the non-operational share, or the
equity term for a partner already holding more seats than most, can make a seat cost more
than it brings), or — for a solution within a gap of the optimum — it would have raised it a
little and the solver stopped before finding that.

Marginal seat values: the dual of each activity's seat row in the LP relaxation of the same
model (`AllocationModel.relaxation`). It is the rate at which the relaxed optimum rises per
extra seat at that activity, everything else free to adjust; a fractional-seat estimate, not
a promise about whole seats, but it ranks activities by where added capacity pays most, which
is the investment-versus-benefit question. Zero means the activity turns nobody away, or the
people it turns away are blocked by something else (their cap, budget or dates).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from coopsec.planning.optimize.instance import Instance, Nomination, Params
from coopsec.planning.optimize.ledger import Block, Ledger
from coopsec.planning.optimize.model import AllocationModel
from coopsec.planning.optimize.value import Tally, gain, nomination_value, spread_change

TOLERANCE = 1e-9


@dataclass(frozen=True)
class Reason:
    """One reason a nomination was declined. `rule` is a hard constraint's name (see
    `ledger.Block`), `penalty` (adding it would lower the objective) or `gap` (it would
    raise it, but the solver stopped within its gap); `holders` are the nominations involved."""

    rule: str
    message: str
    holders: tuple[int, ...] = ()


@dataclass(frozen=True)
class Explanation:
    """Why `nomination` was declined; the first reason is the main one."""

    nomination: int
    reasons: tuple[Reason, ...]


def explain_declined(
    instance: Instance, params: Params, chosen: Iterable[int]
) -> dict[int, Explanation]:
    """An explanation for every nomination not in the allocation `chosen`, by id."""
    chosen_ids = frozenset(chosen)
    ledger = Ledger(instance, params, chosen_ids)
    tally = Tally.of(instance, params, chosen_ids)
    explanations: dict[int, Explanation] = {}
    for nomination in instance.nominations:
        if nomination.id in chosen_ids:
            continue
        blocks = ledger.blocks(nomination)
        if blocks:
            reasons = tuple(_blocked(instance, params, ledger, nomination, b) for b in blocks)
        else:
            reasons = (_priced(instance, params, tally, nomination),)
        explanations[nomination.id] = Explanation(nomination.id, reasons)
    return explanations


def _blocked(
    instance: Instance, params: Params, ledger: Ledger, nomination: Nomination, block: Block
) -> Reason:
    activity = instance.activity[nomination.activity]
    held = list(block.holders)
    if block.rule == "activity_full":
        if not held:
            return Reason(block.rule, f"Activity {activity.id} has no seats.")
        value = nomination_value(nomination, params)
        values = [nomination_value(instance.nomination[h], params) for h in held]
        comparison = (
            "every one of them is worth at least as much"
            if min(values) >= value - TOLERANCE
            else "some are worth less, but giving this seat instead would cost more elsewhere "
            "(their partner's fairness floor, breadth, the spread of seats between partners, "
            "or a seat it would free up)"
        )
        return Reason(
            block.rule,
            f"Activity {activity.id} is full: its {activity.seats} seats went to nominations "
            f"{held} (values {min(values):.2f}-{max(values):.2f}; this one {value:.2f}); "
            f"{comparison}.",
            block.holders,
        )
    if block.rule == "partner_cap":
        return Reason(
            block.rule,
            f"Partner {nomination.partner} already holds its cap of {activity.cap} seats at "
            f"activity {activity.id} (nominations {held}).",
            block.holders,
        )
    if block.rule == "partner_budget":
        budget = instance.partner[nomination.partner].budget or 0.0
        left = budget - ledger.spent[nomination.partner]
        return Reason(
            block.rule,
            f"Partner {nomination.partner}'s budget of {budget:g} has {left:g} left, less than "
            f"this seat's {activity.cost_per_seat:g}.",
            block.holders,
        )
    if block.rule == "total_budget":
        left = (params.total_budget or 0.0) - ledger.total_spent
        return Reason(
            block.rule,
            f"The total budget of {params.total_budget:g} has {left:g} left, less than this "
            f"seat's {activity.cost_per_seat:g}.",
        )
    return Reason(
        block.rule,
        f"Participant {nomination.participant} already holds a seat on overlapping dates "
        f"(nomination {held}).",
        block.holders,
    )


def _priced(instance: Instance, params: Params, tally: Tally, nomination: Nomination) -> Reason:
    delta = gain(instance, params, tally, nomination)
    value = nomination_value(nomination, params)
    if value <= TOLERANCE and delta >= -TOLERANCE:
        return Reason("penalty", "It fits, but under these weights it is worth nothing.")
    if delta <= TOLERANCE:
        equity = params.equity_weight * spread_change(instance, tally, nomination.partner)
        if equity > value - TOLERANCE:
            held = tally.by_partner[nomination.partner]
            others = len(instance.partner_demand) - 1
            fewer = others - tally.holding_more(held)
            return Reason(
                "penalty",
                f"It fits, but adding it would lower the objective by {-delta:.2f}: partner "
                f"{nomination.partner} already holds {held} seats, at least as many as "
                f"{fewer} of the other {others} partners, so one more widens the spread of seats "
                f"between partners at a cost of {equity:.2f} (equity weight "
                f"{params.equity_weight:g}), more than its value {value:.2f}.",
            )
        return Reason(
            "penalty",
            f"It fits, but adding it would lower the objective by {-delta:.2f}: its value "
            f"{value:.2f} is less than the penalty for taking the non-operational partners' "
            f"share further below {params.non_operational_share:.0%}.",
        )
    return Reason(
        "gap",
        f"It fits and would raise the objective by {delta:.2f}; the solver stopped within its "
        f"gap target ({params.mip_gap:.2%}) before finding that.",
    )


def marginal_seat_values(model: AllocationModel) -> dict[int, float]:
    """For every activity, the value of one more seat: its seat row's LP-relaxation dual."""
    return model.relaxation().seat_value
