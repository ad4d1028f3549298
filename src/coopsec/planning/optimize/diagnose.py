"""Why the hard rules cannot all be met, in a planner's words.

Seats, caps, budgets and "one seat per participant at a time" only ever forbid seats, so the
empty allocation meets them: infeasibility comes from a soft rule made hard (a fairness floor,
the non-operational share, a neglected-area fill) that they do not leave room for. Before
solving, `obvious_problems` checks the usual causes one partner or area at a time (its
budget, its participants' overlapping dates, the total budget, the operational partners'
floors against the non-operational share). If HiGHS still finds no allocation,
`iis_problems` asks it for an irreducible infeasible subset of the LP relaxation's rows and
names each row.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, cast

import highspy
import numpy as np

from coopsec.planning.optimize.instance import Instance, Nomination, Params, Problem
from coopsec.planning.optimize.value import fairness_targets, neglected_targets

if TYPE_CHECKING:
    from coopsec.planning.optimize.model import AllocationModel, Row

TOLERANCE = 1e-6
IIS_FROM_LP, IIS_IRREDUCIBLE = 2, 4  # HiGHS's iis_strategy bits


def _need(target: float) -> int:
    """Whole seats needed to reach a fractional target."""
    return max(0, math.ceil(target - TOLERANCE))


def _affordable(costs: list[float], limit: float | None) -> int:
    """How many of these seats, cheapest first, a budget of `limit` pays for."""
    if limit is None:
        return len(costs)
    spent, count = 0.0, 0
    for cost in sorted(costs):
        spent += cost
        if spent > limit * (1 + 1e-9) + 1e-9:
            break
        count += 1
    return count


def _without_clashes(spans: list[tuple[date, date]]) -> int:
    """The most of one participant's nominations that do not overlap (earliest end first)."""
    count, last_end = 0, None
    for start, end in sorted(spans, key=lambda s: (s[1], s[0])):
        if last_end is None or start > last_end:
            count, last_end = count + 1, end
    return count


def _partner_ceiling(
    instance: Instance, params: Params, partner: str, mine: list[Nomination]
) -> tuple[int, str]:
    """An upper bound on the seats `partner` (nominations `mine`) can hold, and what sets it."""
    spans: dict[str, list[tuple[date, date]]] = defaultdict(list)
    for x in mine:
        a = instance.activity[x.activity]
        spans[x.participant].append((a.start, a.end))
    budget = instance.partner[partner].budget
    limits = [b for b in (budget, params.total_budget) if b is not None]
    costs = [instance.activity[x.activity].cost_per_seat for x in mine]
    affordable = _affordable(costs, min(limits) if limits else None)
    bounds = [
        (instance.partner_demand.get(partner, 0), "the seats and caps of its activities allow"),
        (
            sum(_without_clashes(s) for s in spans.values()),
            "its participants' overlapping dates allow",
        ),
        (affordable, f"a budget of {min(limits):g} pays for" if limits else "its budget allows"),
    ]
    return min(bounds, key=lambda b: b[0])


def obvious_problems(instance: Instance, params: Params) -> list[Problem]:
    """The hard rules that visibly cannot be met, each with its cause (empty: none found)."""
    hard = params.hard_rules
    if not hard:
        return []
    problems: list[Problem] = []
    needs: dict[str, int] = {}
    ceilings: dict[str, int] = {}
    by_partner: dict[str, list[Nomination]] = defaultdict(list)
    for x in instance.nominations:
        by_partner[x.partner].append(x)
    floors = fairness_targets(instance, params)
    if "fairness_floor" in hard or "non_operational_share" in hard:
        for partner in instance.partner_demand:
            ceilings[partner], cause = _partner_ceiling(
                instance, params, partner, by_partner[partner]
            )
            needs[partner] = _need(floors[partner])
            if "fairness_floor" in hard and needs[partner] > ceilings[partner]:
                problems.append(
                    Problem(
                        f"partner {partner}",
                        f"the hard fairness floor ({params.fairness_floor:.0%} of a demand "
                        f"of {instance.partner_demand[partner]} seats) needs {needs[partner]} "
                        f"seats but {cause} at most {ceilings[partner]}.",
                    )
                )
    if "fairness_floor" in hard and params.total_budget is not None:
        cheapest = sum(
            sum(sorted(instance.activity[x.activity].cost_per_seat for x in by_partner[p])[:need])
            for p, need in needs.items()
        )
        if cheapest > params.total_budget * (1 + 1e-9):
            problems.append(
                Problem(
                    "params.total_budget",
                    f"the hard fairness floors cost at least {cheapest:g} (each partner's cheapest "
                    f"seats) but the total budget is {params.total_budget:g}.",
                )
            )
    if "neglected_fill" in hard and params.total_budget is not None:
        for area, target in neglected_targets(instance, params).items():
            need = _need(target)
            costs = [
                instance.activity[x.activity].cost_per_seat
                for x in instance.nominations
                if instance.activity[x.activity].area == area
            ]
            if _affordable(costs, params.total_budget) < need:
                problems.append(
                    Problem(
                        f"area {area}",
                        f"the hard minimum fill needs {need} seats but the total budget "
                        f"({params.total_budget:g}) pays for fewer.",
                    )
                )
    if {"fairness_floor", "non_operational_share"} <= hard:
        m = params.non_operational_share
        operational_floor = sum(n for p, n in needs.items() if instance.partner[p].operational)
        non_operational_most = sum(
            c for p, c in ceilings.items() if not instance.partner[p].operational
        )
        if non_operational_most * (1 - m) < m * operational_floor - TOLERANCE:
            problems.append(
                Problem(
                    "params.non_operational_share",
                    f"the operational partners' hard floors give them at least {operational_floor} "
                    f"seats, so non-operational partners would need "
                    f"{m / (1 - m) * operational_floor:.1f} for a {m:.0%} share, but can hold at "
                    f"most {non_operational_most}.",
                )
            )
    return problems


def describe(model: AllocationModel, row: Row) -> Problem:
    """One model row as a rule a planner recognizes."""
    inst, params = model.instance, model.params
    key = row.key
    if row.rule == "seats":
        return Problem(
            f"activity {key}", f"has only {inst.activity[cast(int, key)].seats} seat(s)."
        )
    if row.rule == "cap":
        activity, partner = cast(tuple[int, str], key)
        return Problem(
            f"activity {activity}",
            f"caps partner {partner} at {inst.activity[activity].cap} seats.",
        )
    if row.rule == "partner_budget":
        return Problem(f"partner {key}", f"has a budget of {inst.partner[str(key)].budget:g}.")
    if row.rule == "total_budget":
        return Problem("params.total_budget", f"is {params.total_budget:g}.")
    if row.rule == "participant":
        return Problem(f"participant {key}", "can hold one seat at a time.")
    if row.rule == "fairness_floor":
        target = fairness_targets(inst, params)[str(key)]
        return Problem(f"partner {key}", f"must get at least {target:g} seats (fairness floor).")
    if row.rule == "neglected_fill":
        target = neglected_targets(inst, params)[str(key)]
        return Problem(f"area {key}", f"must fill at least {target:g} seats (neglected area).")
    if row.rule == "non_operational_share":
        return Problem(
            "params.non_operational_share",
            f"non-operational partners must hold {params.non_operational_share:.0%} of the seats.",
        )
    return Problem(row.rule, "is part of the conflict.")


def iis_problems(model: AllocationModel) -> list[Problem]:
    """The rules in an irreducible infeasible subset of the LP relaxation's rows; or, when
    only whole seats make it infeasible, a problem saying so."""
    h, n = model.highs, model.n
    index = np.arange(n, dtype=np.int32)
    h.changeColsIntegrality(n, index, np.zeros(n, dtype=np.uint8))
    try:
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kInfeasible:
            return [
                Problem(
                    "hard rules",
                    "they can be met with fractions of seats but not with "
                    "whole seats; lower a hard target by a seat or make "
                    "the rule soft.",
                )
            ]
        # An elastic LP refined to an irreducible set: the default (a dual ray) finds none
        # when presolve has already proved infeasibility.
        h.setOptionValue("iis_strategy", IIS_FROM_LP | IIS_IRREDUCIBLE)
        status, iis = h.getIis()
        if status != highspy.HighsStatus.kOk or not iis.valid_:
            return []
        rules = [model.rows[r] for r in iis.row_index_]
        # Rows that only define helper columns (total seats, breadth, partner seats, pair
        # gaps) can be met whatever the seats are, so they are never the reason.
        helpers = ("seats_total", "breadth", "partner_seats", "spread")
        return [describe(model, row) for row in rules if row.rule not in helpers]
    finally:
        h.changeColsIntegrality(n, index, np.ones(n, dtype=np.uint8))
