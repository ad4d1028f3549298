"""The planner's figures, recomputed by hand on a tiny allocation."""

from __future__ import annotations

import pytest

from coopsec.planning.optimize.instance import Instance, Partner
from coopsec.planning.optimize.metrics import allocation_metrics, gini
from tests.planning.cases import PLAIN, activity, nomination


def test_gini_by_hand() -> None:
    assert gini([]) == 0
    assert gini([0, 0]) == 0
    assert gini([4, 4, 4]) == 0
    # Mean absolute difference over all ordered pairs / (2 * mean): 4/9 / (2/3) = 2/3.
    assert gini([0, 0, 1]) == pytest.approx(2 / 3)
    assert gini([3, 1, 0]) == pytest.approx(0.5)


def test_metrics_by_hand() -> None:
    inst = Instance(
        (
            activity(1, seats=2, cap=1, area="cbrn_defence", neglected=True),
            activity(2, seats=3, cost=100.0, day=3),
            activity(3, seats=1, day=6),
        ),
        (
            nomination(1, 1, "A"),
            nomination(2, 1, "A"),
            nomination(3, 1, "B"),
            nomination(4, 2, "A"),
            nomination(5, 2, "B", rank=2),
            nomination(6, 3, "C"),
            nomination(7, 3, "A"),
        ),
        (Partner("A", True), Partner("B", False), Partner("C", True), Partner("D", True)),
    )
    # Demand (caps allowing): A 1 + 1 + 1 = 3, B 1 + 1 = 2, C 1; D did not nominate.
    assert inst.partner_demand == {"A": 3, "B": 2, "C": 1}
    m = allocation_metrics(inst, PLAIN, {1, 3, 4, 7})
    assert m.total_value == pytest.approx(4 * 2.0)  # every chosen one is a rank 1: 1 + 1/1
    assert m.seats == 4
    assert m.cost == pytest.approx(100.0)
    assert m.partners_served == 2
    assert m.gini == pytest.approx(0.5)  # seats A 3, B 1, C 0 (D did not nominate)
    assert m.min_satisfaction == 0  # C got none of its 1
    assert m.neglected_fill == pytest.approx(1.0)  # both cbrn_defence seats
    m = allocation_metrics(inst, PLAIN, {5, 6})
    assert m.total_value == pytest.approx(1.5 + 2.0)
    assert m.min_satisfaction == 0  # A
    assert m.neglected_fill == 0
    assert m.gini == pytest.approx(gini([0, 1, 1]))
