"""Hard rules that cannot be met are explained — the partner or area, the rule and what stands
in the way — and no allocation is returned."""

from __future__ import annotations

import dataclasses

import pytest

from coopsec.planning.optimize import allocate
from coopsec.planning.optimize.instance import InfeasibleError, Instance, Params, Partner
from tests.planning.cases import PLAIN, activity, nomination

HARD_FLOOR = dataclasses.replace(
    PLAIN, fairness_floor=1.0, hard_rules=frozenset({"fairness_floor"})
)


def problems(inst: Instance, params: Params = HARD_FLOOR) -> dict[str, str]:
    with pytest.raises(InfeasibleError) as error:
        allocate(inst, params)
    return {p.where: p.message for p in error.value.problems}


def test_floor_beyond_the_partner_budget() -> None:
    inst = Instance(
        tuple(activity(i, cost=100.0, day=3 * i) for i in (1, 2, 3)),
        tuple(nomination(i, i, "A") for i in (1, 2, 3)),
        (Partner("A", True, budget=150.0),),
    )
    found = problems(inst)
    assert found == {
        "partner A": "the hard fairness floor (100% of a demand of 3 seats) needs 3 seats but "
        "a budget of 150 pays for at most 1."
    }


def test_floor_beyond_one_persons_dates() -> None:
    inst = Instance(
        (activity(1, days=5), activity(2, day=2), activity(3, day=4)),
        tuple(nomination(i, i, "A", participant="kim") for i in (1, 2, 3)),
        (Partner("A", True),),
    )
    # Activities 2 and 3 do not overlap each other, both overlap 1: kim can go to two.
    assert "overlapping dates allow at most 2" in problems(inst)["partner A"]


def test_floors_beyond_the_total_budget() -> None:
    inst = Instance(
        (activity(1, cost=80.0), activity(2, cost=90.0, day=3)),
        (nomination(1, 1, "A"), nomination(2, 2, "B")),
        (Partner("A", True), Partner("B", True)),
    )
    found = problems(inst, dataclasses.replace(HARD_FLOOR, total_budget=100.0))
    assert "cost at least 170" in found["params.total_budget"]


def test_floors_against_the_non_operational_share() -> None:
    inst = Instance(
        (activity(1), activity(2, day=3)),
        (nomination(1, 1, "A"), nomination(2, 2, "B")),
        (Partner("A", True), Partner("B", False)),
    )
    params = dataclasses.replace(
        HARD_FLOOR,
        non_operational_share=0.6,
        hard_rules=frozenset({"fairness_floor", "non_operational_share"}),
    )
    assert "can hold at most 1" in problems(inst, params)["params.non_operational_share"]


def test_competing_floors_are_found_by_the_solver() -> None:
    """Each floor alone can be met; together they need two seats where there is one."""
    inst = Instance(
        (activity(1, seats=1),),
        (nomination(1, 1, "A"), nomination(2, 1, "B")),
        (Partner("A", True), Partner("B", True)),
    )
    found = problems(inst)
    assert found["activity 1"] == "has only 1 seat(s)."
    assert "partner A" in found and "partner B" in found
    assert "fairness floor" in found["partner A"]


def test_only_whole_seats_make_it_infeasible() -> None:
    inst = Instance(
        (activity(1, seats=1),),
        (nomination(1, 1, "A"), nomination(2, 1, "B")),
        (Partner("A", True), Partner("B", True)),
    )
    found = problems(inst, dataclasses.replace(HARD_FLOOR, fairness_floor=0.5))
    assert "fractions of seats but not with whole seats" in found["hard rules"]


def test_the_same_rules_soft_give_an_allocation() -> None:
    inst = Instance(
        (activity(1, seats=1),),
        (nomination(1, 1, "A"), nomination(2, 1, "B")),
        (Partner("A", True), Partner("B", True)),
    )
    solution = allocate(inst, dataclasses.replace(HARD_FLOOR, hard_rules=frozenset()))
    assert len(solution.chosen) == 1
