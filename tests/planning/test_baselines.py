"""The baselines keep the same hard constraints, follow their own order, leave nothing that
still fits, and are scored like the MILP — which beats them on the same instance."""

from __future__ import annotations

import dataclasses

import pytest

from coopsec.planning.optimize import allocate
from coopsec.planning.optimize.instance import Instance, Partner
from coopsec.planning.optimize.ledger import Ledger, violations
from coopsec.planning.optimize.synthetic import SyntheticSpec, synthetic_instance
from coopsec.planning.optimize.value import objective
from tests.planning.cases import PLAIN, activity, nomination, random_case


@pytest.mark.parametrize("method", ["fcfs", "round_robin"])
@pytest.mark.parametrize("seed", range(40))
def test_baselines_respect_hard_constraints(method: str, seed: int) -> None:
    inst, params = random_case(seed)
    solution = allocate(inst, params, method=method)
    assert violations(inst, params, solution.chosen) == []
    assert solution.objective == pytest.approx(objective(inst, params, solution.chosen).objective)
    assert solution.bound is None and solution.gap is None
    # Greedy to the end: every nomination left out is stopped by some hard constraint.
    ledger = Ledger(inst, params, solution.chosen)
    assert all(ledger.blocks(n) for n in inst.nominations if n.id not in solution.chosen)


def two_partners() -> Instance:
    """Partner A asked first for both seats of activity 1 (its 1st and 2nd choices); B asked
    later for one (its 1st choice); activity 2 has room for A's 3rd choice."""
    return Instance(
        (activity(1, seats=2), activity(2, seats=5, day=10)),
        (
            nomination(1, 1, "A", rank=1, minute=1),
            nomination(2, 1, "A", rank=2, minute=2),
            nomination(3, 1, "B", rank=1, minute=30),
            nomination(4, 2, "A", rank=3, minute=40),
        ),
        (Partner("A", True), Partner("B", False)),
    )


def test_first_come_first_served_follows_submission_time() -> None:
    assert allocate(two_partners(), PLAIN, method="fcfs").chosen == {1, 2, 4}


def test_round_robin_gives_each_partner_a_turn() -> None:
    # A takes its rank 1, B its rank 1 (the last seat of activity 1), A's rank 2 no longer
    # fits, so A's next turn takes its rank 3 at activity 2.
    assert allocate(two_partners(), PLAIN, method="round_robin").chosen == {1, 3, 4}


def test_budgets_stop_first_come_first_served() -> None:
    seats = (activity(1, cost=400.0), activity(2, cost=300.0, day=5), activity(3, cost=50.0, day=9))
    noms = (nomination(1, 1, "A"), nomination(2, 2, "A"), nomination(3, 3, "A"))
    # Total budget 650: 400 fits, 400 + 300 does not, 400 + 50 does.
    inst = Instance(seats, noms, (Partner("A", True),))
    solution = allocate(inst, dataclasses.replace(PLAIN, total_budget=650.0), method="fcfs")
    assert solution.chosen == {1, 3}
    # Partner budget 720: 400 + 300 fits, the 50 on top does not.
    inst = Instance(seats, noms, (Partner("A", True, budget=720.0),))
    assert allocate(inst, PLAIN, method="fcfs").chosen == {1, 2}


def test_optimum_beats_both_baselines_on_a_synthetic_cycle() -> None:
    inst = synthetic_instance(SyntheticSpec(activities=250, nominations=1000, partners=30, seed=5))
    paid = sum(inst.activity[n.activity].cost_per_seat for n in inst.nominations)
    params = dataclasses.replace(PLAIN, total_budget=0.5 * paid, fairness_floor=0.3)
    best = allocate(inst, params)
    assert best.status == "optimal" and best.objective is not None
    for method in ("fcfs", "round_robin"):
        baseline = allocate(inst, params, method=method)
        assert baseline.objective is not None and best.objective >= baseline.objective
