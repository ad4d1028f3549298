"""The MILP against brute force: on small random instances, enumerate all 2^n allocations with
an independent restatement of the rules (all clashing pairs, not cliques; the value formula
written out again) and check that the solver's allocation is valid and as good as the best."""

from __future__ import annotations

import dataclasses
import math
from itertools import combinations

import numpy as np
import numpy.typing as npt
import pytest

from coopsec.planning.optimize import allocate
from coopsec.planning.optimize.instance import (
    SOFT_RULES,
    InfeasibleError,
    Instance,
    Params,
    Partner,
)
from coopsec.planning.optimize.ledger import violations
from coopsec.planning.optimize.model import AllocationModel
from coopsec.planning.optimize.value import objective
from tests.planning.cases import PLAIN, activity, nomination, random_case

Mask = npt.NDArray[np.bool_]


def brute_force(inst: Instance, params: Params) -> tuple[Mask, npt.NDArray[np.float64]]:
    """Every allocation as a row of booleans, whether it is valid, and its objective."""
    noms = inst.nominations
    n = len(noms)
    take = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(bool)
    ok = np.ones(2**n, dtype=bool)
    act = {a.id: a for a in inst.activities}
    cost = np.array([act[x.activity].cost_per_seat for x in noms])
    seats_of = {}
    demand: dict[str, int] = {
        p.code: 0 for p in inst.partners if any(x.partner == p.code for x in noms)
    }
    reachable: dict[str, int] = {}
    for a in inst.activities:
        here = [i for i, x in enumerate(noms) if x.activity == a.id]
        ok &= take[:, here].sum(axis=1) <= a.seats
        at_activity = 0
        for code in {noms[i].partner for i in here}:
            mine = [i for i in here if noms[i].partner == code]
            allowed = min(len(mine), a.seats, a.cap if a.cap is not None else len(mine))
            demand[code] += allowed
            at_activity += allowed
            if a.cap is not None:
                ok &= take[:, mine].sum(axis=1) <= a.cap
        if a.neglected:
            reachable[a.area] = reachable.get(a.area, 0) + min(a.seats, at_activity)
    for p in inst.partners:
        mine = [i for i, x in enumerate(noms) if x.partner == p.code]
        seats_of[p.code] = take[:, mine].sum(axis=1)
        if p.budget is not None:
            ok &= take[:, mine].astype(float) @ cost[mine] <= p.budget + 1e-9
    if params.total_budget is not None:
        ok &= take.astype(float) @ cost <= params.total_budget + 1e-9
    for i, j in combinations(range(n), 2):
        a, b = act[noms[i].activity], act[noms[j].activity]
        if noms[i].participant == noms[j].participant and a.start <= b.end and b.start <= a.end:
            ok &= ~(take[:, i] & take[:, j])
    values = np.array(
        [
            params.weight_seat
            + params.weight_interest * x.interest / 5
            + params.weight_alliance * x.alliance_priority / 5
            + params.weight_rank / x.rank
            + params.weight_objective * x.serves_objective
            for x in noms
        ]
    )
    total = take.astype(float) @ values
    total += params.breadth_weight * sum(
        np.minimum(1.0, seats_of[p] / params.breadth_seats) for p in demand
    )
    # Σ_{p<q} |s_p - s_q| over the nominating partners, divided by their number.
    pairs = list(combinations(demand, 2))
    spread = sum(np.abs(seats_of[p] - seats_of[q]) for p, q in pairs) / len(demand)
    total = total - params.equity_weight * spread
    fairness = sum(
        np.maximum(0.0, params.fairness_floor * d - seats_of[p]) for p, d in demand.items()
    )
    all_seats = take.sum(axis=1)
    non_op = sum(seats_of[p.code] for p in inst.partners if not p.operational)
    non_operational = np.maximum(0.0, params.non_operational_share * all_seats - non_op)
    neglected = np.zeros(2**n)
    for area, can in reachable.items():
        here = [i for i, x in enumerate(noms) if act[x.activity].area == area]
        neglected += np.maximum(0.0, params.neglected_fill * can - take[:, here].sum(axis=1))
    rules = {
        "fairness_floor": (fairness, params.fairness_penalty),
        "non_operational_share": (non_operational, params.non_operational_penalty),
        "neglected_fill": (neglected, params.neglected_penalty),
    }
    for rule, (shortfall, penalty) in rules.items():
        if rule in params.hard_rules:
            ok &= shortfall <= 1e-6
        else:
            total = total - penalty * shortfall
    return ok, np.where(ok, total, -np.inf)


def check_against_brute_force(inst: Instance, params: Params) -> None:
    ok, totals = brute_force(inst, params)
    if not ok.any():
        with pytest.raises(InfeasibleError):
            allocate(inst, params)
        return
    solution = allocate(inst, params)
    assert solution.status == "optimal"
    assert violations(inst, params, solution.chosen) == []
    assert objective(inst, params, solution.chosen).broken_rules == ()
    ids = [x.id for x in inst.nominations]
    row = sum(1 << ids.index(i) for i in solution.chosen)
    assert ok[row], "the solver's allocation breaks a rule the brute force checks"
    best = totals.max()
    assert totals[row] == pytest.approx(best, abs=1e-6)
    assert solution.objective == pytest.approx(best, abs=1e-6)
    assert objective(inst, params, solution.chosen).objective == pytest.approx(best, abs=1e-6)
    assert solution.bound is not None and solution.bound >= best - 1e-6


@pytest.mark.parametrize("seed", range(60))
def test_milp_matches_brute_force(seed: int) -> None:
    check_against_brute_force(*random_case(seed))


@pytest.mark.parametrize("seed", range(60, 100))
def test_milp_matches_brute_force_with_hard_rules(seed: int) -> None:
    inst, params = random_case(seed)
    hard = frozenset(r for i, r in enumerate(SOFT_RULES) if (seed >> i) & 1 or i == seed % 3)
    check_against_brute_force(inst, dataclasses.replace(params, hard_rules=hard))


def test_brute_force_sees_the_rules() -> None:
    """The reference itself: 3 seats wanted at a 2-seat activity, one person twice on
    overlapping dates; the best valid allocation is the one a planner would pick by hand."""
    inst = Instance(
        (activity(1, seats=2, day=0, days=3), activity(2, seats=5, day=2)),
        (
            nomination(1, 1, "A", rank=1),
            nomination(2, 1, "B", rank=2, participant="p"),
            nomination(3, 1, "B", rank=3),
            nomination(4, 2, "B", rank=1, participant="p"),
        ),
        (Partner("A", True), Partner("B", True)),
    )
    ok, totals = brute_force(inst, PLAIN)
    best = int(np.argmax(totals))
    assert {i + 1 for i in range(4) if best >> i & 1} == {1, 3, 4}
    assert totals[best] == pytest.approx(2.0 + (1 + 1 / 3) + 2.0)
    assert not ok[0b1111]
    check_against_brute_force(inst, PLAIN)


def test_model_is_reused_with_new_parameters() -> None:
    """Re-solving one model with changed numbers gives what a fresh model gives."""
    inst, params = random_case(7, max_nominations=14)
    model = AllocationModel(inst, params)
    model.solve()
    for changed in (
        dataclasses.replace(params, breadth_weight=4.0, breadth_seats=1),
        dataclasses.replace(params, fairness_floor=0.9, non_operational_share=0.5),
        dataclasses.replace(params, total_budget=None, weight_rank=3.0),
        params,
    ):
        again = model.solve(changed)
        fresh = AllocationModel(inst, changed).solve()
        assert again.objective == pytest.approx(fresh.objective, abs=1e-6)
        assert objective(inst, changed, again.chosen).objective == pytest.approx(
            again.objective, abs=1e-6
        )


def test_report_has_bound_gap_and_time() -> None:
    inst, params = random_case(3)
    solution = allocate(inst, params)
    assert solution.method == "milp"
    assert solution.gap is not None and 0 <= solution.gap <= 1e-6
    assert solution.bound is not None and solution.objective is not None
    assert math.isclose(solution.bound, solution.objective, abs_tol=1e-5)
    assert solution.seconds > 0
