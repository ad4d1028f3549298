"""What an allocation is worth: the value of a nomination and the objective of any allocation.

One definition serves the MILP (its column costs and soft-rule rows are built from the same
targets), the baselines (scored with it so they compare like for like), the explanations (the
gain of adding one declined nomination) and the tests (which enumerate allocations and score
them here). docs/planning.md states the formulas.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from coopsec.planning.optimize.instance import SCORE_MAX, Instance, Nomination, Params

# A hard rule is broken when its shortfall exceeds this (targets are fractional).
SHORTFALL_TOLERANCE = 1e-6


def nomination_value(nomination: Nomination, params: Params) -> float:
    """v = w_seat + w_interest·interest/5 + w_alliance·offered/5 + w_rank/rank
    + w_objective·[serves an objective].

    Interest and offered priority are scaled to [0, 1] so that the weights, not the scales,
    say how much each counts; the partner's own rank enters as 1/rank so its first choice
    counts fully, its second half as much, and so on; `w_seat` is what any filled seat is worth,
    so that a seat nobody rated still beats an empty one.
    """
    return (
        params.weight_seat
        + params.weight_interest * nomination.interest / SCORE_MAX
        + params.weight_alliance * nomination.alliance_priority / SCORE_MAX
        + params.weight_rank / nomination.rank
        + params.weight_objective * (1.0 if nomination.serves_objective else 0.0)
    )


def fairness_targets(instance: Instance, params: Params) -> dict[str, float]:
    """Seats each nominating partner should get: the fairness floor times its demand."""
    return {p: params.fairness_floor * d for p, d in instance.partner_demand.items()}


def neglected_targets(instance: Instance, params: Params) -> dict[str, float]:
    """Seats each neglected area should fill: the minimum fill times what it can fill."""
    return {g: params.neglected_fill * a for g, a in instance.area_attainable.items()}


def seat_spread(seats: Iterable[int], partners: int) -> float:
    """E = Σ_{p<q} |s_p - s_q| / P over the `partners` nominating partners (those missing from
    `seats` hold none): the seats times their Gini, in O(P log P) from the sorted counts.

    Dividing the Gini's numerator by P rather than by P·S keeps it linear in the seats, so
    the MILP can price it exactly; one seat moves E by at most (P - 1)/P < 1.
    """
    held = sorted(seats)
    if partners <= 0 or not held:
        return 0.0
    first = partners - len(held)  # rank (from 0, ascending) of the smallest count held
    return sum((2 * (first + i) - partners + 1) * s for i, s in enumerate(held)) / partners


@dataclass
class Tally:
    """Running sums of an allocation, enough to score it and to price one more seat.

    `ranked` is the seat counts of the partners holding any, ascending, so that pricing one
    more seat for a partner (how many partners hold more) is a bisection, not a scan.
    """

    value: float = 0.0
    seats: int = 0
    non_operational: int = 0
    by_partner: Counter[str] = field(default_factory=Counter)
    by_neglected_area: Counter[str] = field(default_factory=Counter)
    ranked: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, instance: Instance, params: Params, chosen: Iterable[int]) -> Tally:
        """The tally of the nominations whose ids are `chosen`."""
        tally = cls()
        for nomination_id in chosen:
            tally.add(instance, params, instance.nomination[nomination_id])
        return tally

    def holding_more(self, seats: int) -> int:
        """How many partners hold more than `seats` seats."""
        return len(self.ranked) - bisect_right(self.ranked, seats)

    def add(self, instance: Instance, params: Params, nomination: Nomination) -> None:
        """Count one more seat given to `nomination`."""
        self.value += nomination_value(nomination, params)
        self.seats += 1
        held = self.by_partner[nomination.partner]
        if held:
            del self.ranked[bisect_right(self.ranked, held) - 1]
        insort(self.ranked, held + 1)
        self.by_partner[nomination.partner] = held + 1
        if not instance.partner[nomination.partner].operational:
            self.non_operational += 1
        activity = instance.activity[nomination.activity]
        if activity.neglected:
            self.by_neglected_area[activity.area] += 1


@dataclass(frozen=True)
class Score:
    """An allocation's objective and its parts. `broken_rules` names the hard rules it misses
    (then it is not a feasible allocation and `objective` is meaningless)."""

    value: float
    breadth_bonus: float
    fairness_shortfall: float
    non_operational_shortfall: float
    neglected_shortfall: float
    seat_spread: float
    objective: float
    broken_rules: tuple[str, ...]


def score(instance: Instance, params: Params, tally: Tally) -> Score:
    """objective = Σ values + breadth bonus - penalty * shortfall, summed over the soft rules
    (a hard rule carries no penalty: it must have no shortfall), - equity weight * seat
    spread."""
    k = params.breadth_seats
    breadth = params.breadth_weight * sum(
        min(1.0, tally.by_partner[p] / k) for p in instance.partner_demand
    )
    fairness = sum(
        max(0.0, target - tally.by_partner[p])
        for p, target in fairness_targets(instance, params).items()
    )
    non_operational = max(0.0, params.non_operational_share * tally.seats - tally.non_operational)
    neglected = sum(
        max(0.0, target - tally.by_neglected_area[g])
        for g, target in neglected_targets(instance, params).items()
    )
    shortfalls = {
        "fairness_floor": (fairness, params.fairness_penalty),
        "non_operational_share": (non_operational, params.non_operational_penalty),
        "neglected_fill": (neglected, params.neglected_penalty),
    }
    penalty = sum(s * w for rule, (s, w) in shortfalls.items() if rule not in params.hard_rules)
    spread = seat_spread(tally.ranked, len(instance.partner_demand))
    broken = tuple(
        rule
        for rule, (s, _) in shortfalls.items()
        if rule in params.hard_rules and s > SHORTFALL_TOLERANCE
    )
    return Score(
        value=tally.value,
        breadth_bonus=breadth,
        fairness_shortfall=fairness,
        non_operational_shortfall=non_operational,
        neglected_shortfall=neglected,
        seat_spread=spread,
        objective=tally.value + breadth - penalty - params.equity_weight * spread,
        broken_rules=broken,
    )


def objective(instance: Instance, params: Params, chosen: Iterable[int]) -> Score:
    """The score of the allocation that gives a seat to each nomination id in `chosen`."""
    return score(instance, params, Tally.of(instance, params, chosen))


def spread_change(instance: Instance, tally: Tally, partner: str) -> float:
    """How much one more seat for `partner` changes the seat spread: +1/P for every other
    partner holding no more than it, -1/P for every one holding more."""
    partners = len(instance.partner_demand)
    more = tally.holding_more(tally.by_partner[partner])
    return (partners - 1 - 2 * more) / partners


def gain(instance: Instance, params: Params, tally: Tally, nomination: Nomination) -> float:
    """How much the objective would change if `nomination` were added to the tallied
    allocation — in O(log P), so every declined nomination of a large run can be priced."""
    partner = nomination.partner
    held = tally.by_partner[partner]
    k = params.breadth_seats
    delta = nomination_value(nomination, params)
    delta -= params.equity_weight * spread_change(instance, tally, partner)
    delta += params.breadth_weight * (min(1.0, (held + 1) / k) - min(1.0, held / k))
    if "fairness_floor" not in params.hard_rules:
        target = params.fairness_floor * instance.partner_demand.get(partner, 0)
        delta -= params.fairness_penalty * (max(0.0, target - held - 1) - max(0.0, target - held))
    if "non_operational_share" not in params.hard_rules:
        m = params.non_operational_share
        extra = 0 if instance.partner[partner].operational else 1
        before = max(0.0, m * tally.seats - tally.non_operational)
        after = max(0.0, m * (tally.seats + 1) - tally.non_operational - extra)
        delta -= params.non_operational_penalty * (after - before)
    activity = instance.activity[nomination.activity]
    if activity.neglected and "neglected_fill" not in params.hard_rules:
        target = params.neglected_fill * instance.area_attainable[activity.area]
        filled = tally.by_neglected_area[activity.area]
        delta -= params.neglected_penalty * (
            max(0.0, target - filled - 1) - max(0.0, target - filled)
        )
    return delta
