"""The deepen-versus-widen sweep: breadth and depth computed from each point's allocation,
the breadth bonus rising and the rest of the objective falling as the breadth weight rises,
and the re-used model answering as a fresh one would."""

from __future__ import annotations

import dataclasses
from collections import Counter
from itertools import pairwise

import pytest

from coopsec.planning.optimize.frontier import frontier
from coopsec.planning.optimize.instance import Instance, InstanceError, Params
from coopsec.planning.optimize.model import AllocationModel
from coopsec.planning.optimize.synthetic import SyntheticSpec, synthetic_instance
from coopsec.planning.optimize.value import objective
from tests.planning.cases import PLAIN


@pytest.fixture(scope="module")
def scarce() -> tuple[Instance, Params]:
    """A cycle where money is short: a fifth of what the nominations would cost."""
    inst = synthetic_instance(SyntheticSpec(activities=60, nominations=300, partners=15, seed=2))
    paid = sum(inst.activity[n.activity].cost_per_seat for n in inst.nominations)
    return inst, dataclasses.replace(PLAIN, total_budget=0.2 * paid, breadth_seats=4)


def test_breadth_weight_sweep(scarce: tuple[Instance, Params]) -> None:
    inst, params = scarce
    points = frontier(inst, params, values=(0.0, 2.0, 5.0, 10.0, 30.0))
    assert [p.parameter for p in points] == [0.0, 2.0, 5.0, 10.0, 30.0]
    bonus, rest = [], []
    for point in points:
        seats = Counter(inst.nomination[i].partner for i in point.chosen)
        assert point.breadth == sum(1 for s in seats.values() if s >= params.breadth_seats)
        assert point.depth == pytest.approx(sum(seats.values()) / len(seats))
        score = objective(inst, dataclasses.replace(params, breadth_weight=1.0), point.chosen)
        bonus.append(score.breadth_bonus)
        rest.append(score.objective - score.breadth_bonus)
    # Optimal at each weight, so the rewarded quantity cannot fall as its weight rises.
    assert all(b2 >= b1 - 1e-6 for b1, b2 in pairwise(bonus))
    assert all(r2 <= r1 + 1e-6 for r1, r2 in pairwise(rest))
    assert bonus[-1] > bonus[0] and points[-1].breadth > points[0].breadth


def test_fairness_floor_sweep_reuses_the_model(scarce: tuple[Instance, Params]) -> None:
    inst, params = scarce
    model = AllocationModel(inst, params)
    points = frontier(inst, params, sweep="fairness_floor", model=model)
    assert len(points) == 10
    for point in (points[3], points[9]):
        fresh = AllocationModel(inst, dataclasses.replace(params, fairness_floor=point.parameter))
        assert point.objective == pytest.approx(fresh.solve().objective, abs=1e-6)


def test_unknown_sweep(scarce: tuple[Instance, Params]) -> None:
    with pytest.raises(InstanceError, match="unknown 'budget'"):
        frontier(*scarce, sweep="budget")
