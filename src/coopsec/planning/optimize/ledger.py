"""The hard constraints, checked one seat at a time.

A `Ledger` keeps the running totals of an allocation — seats taken per activity, per partner
at each activity, money spent per partner and in total, each participant's booked dates — so
that the baselines can ask "does this nomination still fit?" as they go, the explanations can
ask "what stops this declined nomination?", and the tests can check any allocation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from coopsec.planning.optimize.conflicts import overlap
from coopsec.planning.optimize.instance import Instance, Nomination, Params

# Costs are sums of floats: a budget is met if the spend exceeds it by less than this share.
BUDGET_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Block:
    """One hard constraint that stops a nomination: `rule` is one of activity_full,
    partner_cap, partner_budget, total_budget, participant_conflict; `holders` are the
    nominations holding what it would need (the seats, the cap, the partner's money, the
    dates); none for the total budget, which every paid seat shares."""

    rule: str
    holders: tuple[int, ...]


def _over(spent: float, limit: float | None) -> bool:
    return limit is not None and spent > limit * (1 + BUDGET_TOLERANCE) + BUDGET_TOLERANCE


class Ledger:
    """Running totals of an allocation against the hard constraints."""

    def __init__(self, instance: Instance, params: Params, chosen: Iterable[int] = ()):
        self.instance = instance
        self.params = params
        self.at_activity: dict[int, list[int]] = defaultdict(list)
        self.at_activity_of: dict[tuple[int, str], list[int]] = defaultdict(list)
        self.by_partner: dict[str, list[int]] = defaultdict(list)
        self.by_participant: dict[str, list[int]] = defaultdict(list)
        self.spent: dict[str, float] = defaultdict(float)
        self.total_spent = 0.0
        self.chosen: list[int] = []
        for nomination_id in chosen:
            self.add(instance.nomination[nomination_id])

    def cost(self, nomination: Nomination) -> float:
        """What one seat for this nomination costs."""
        return self.instance.activity[nomination.activity].cost_per_seat

    def blocks(self, nomination: Nomination) -> list[Block]:
        """Every hard constraint that adding `nomination` would break (empty: it fits)."""
        found: list[Block] = []
        activity = self.instance.activity[nomination.activity]
        taken = self.at_activity[activity.id]
        if len(taken) >= activity.seats:
            found.append(Block("activity_full", tuple(taken)))
        mine = self.at_activity_of[activity.id, nomination.partner]
        if activity.cap is not None and len(mine) >= activity.cap:
            found.append(Block("partner_cap", tuple(mine)))
        cost = activity.cost_per_seat
        budget = self.instance.partner[nomination.partner].budget
        if cost > 0 and _over(self.spent[nomination.partner] + cost, budget):
            found.append(Block("partner_budget", tuple(self.by_partner[nomination.partner])))
        if cost > 0 and _over(self.total_spent + cost, self.params.total_budget):
            found.append(Block("total_budget", ()))
        clashes = tuple(
            other
            for other in self.by_participant[nomination.participant]
            if overlap(activity, self.instance.activity[self.instance.nomination[other].activity])
        )
        if clashes:
            found.append(Block("participant_conflict", clashes))
        return found

    def fits(self, nomination: Nomination) -> bool:
        """Whether `nomination` can be added without breaking a hard constraint."""
        return not self.blocks(nomination)

    def add(self, nomination: Nomination) -> None:
        """Book the seat (without checking: see `fits`)."""
        cost = self.cost(nomination)
        self.at_activity[nomination.activity].append(nomination.id)
        self.at_activity_of[nomination.activity, nomination.partner].append(nomination.id)
        self.by_partner[nomination.partner].append(nomination.id)
        self.by_participant[nomination.participant].append(nomination.id)
        self.spent[nomination.partner] += cost
        self.total_spent += cost
        self.chosen.append(nomination.id)


def violations(instance: Instance, params: Params, chosen: Iterable[int]) -> list[str]:
    """Every hard constraint the allocation `chosen` breaks, in words (empty: it is valid).

    Adds the seats one by one and reports each that did not fit, so a double booking is
    reported once, at its second seat.
    """
    ledger = Ledger(instance, params)
    found: list[str] = []
    for nomination_id in chosen:
        nomination = instance.nomination[nomination_id]
        for block in ledger.blocks(nomination):
            found.append(f"nomination {nomination_id}: {block.rule} (with {list(block.holders)})")
        ledger.add(nomination)
    return found
