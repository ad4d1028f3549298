"""Bad input is refused with every problem named: the field and the reason."""

from __future__ import annotations

from datetime import date

import pytest

from coopsec.planning.optimize import allocate
from coopsec.planning.optimize.instance import (
    Activity,
    Instance,
    InstanceError,
    Params,
    Partner,
)
from tests.planning.cases import PLAIN, activity, nomination


def problems(error: pytest.ExceptionInfo[InstanceError]) -> dict[str, str]:
    return {p.where: p.message for p in error.value.problems}


def test_every_instance_problem_is_listed() -> None:
    with pytest.raises(InstanceError) as error:
        Instance(
            (
                activity(1, seats=-2),
                activity(2, cap=0, cost=-5.0),
                activity(2),
                Activity(3, 5, None, 10.0, "", False, date(2027, 3, 5), date(2027, 3, 2)),
            ),
            (
                nomination(1, 99, "A"),
                nomination(2, 1, "Z", rank=0, interest=6, alliance=-1),
                nomination(2, 1, "A", participant=""),
            ),
            (Partner("A", True, budget=-1.0), Partner("A", False)),
        )
    found = problems(error)
    assert "must be a whole number ≥ 0" in found["activity 1.seats"]
    assert "-2" in found["activity 1.seats"]
    assert "≥ 1" in found["activity 2.cap"]
    assert "≥ 0" in found["activity 2.cost_per_seat"]
    assert "appears 2 times" in found["activity 2"]
    assert found["activity 3.area"] == "is empty."
    assert "before the start" in found["activity 3.end"]
    assert "unknown activity id 99" in found["nomination 1.activity"]
    assert "unknown partner 'Z'" in found["nomination 2.partner"]
    assert "≥ 1" in found["nomination 2.rank"]
    assert "0..5" in found["nomination 2.interest"]
    assert "0..5" in found["nomination 2.alliance_priority"]
    assert found["nomination 2.participant"] == "is empty."
    assert "appears 2 times" in found["nomination 2"]
    assert "appears 2 times" in found["partner A"]
    assert "≥ 0" in found["partner A.budget"]
    # The API error body lists the same problems.
    assert {"field": "activity 1.seats", "message": found["activity 1.seats"]} in (
        error.value.details or []
    )


def test_budget_below_the_cheapest_seat() -> None:
    acts = (activity(1, cost=500.0), activity(2, cost=300.0))
    noms = (nomination(1, 1, "A"), nomination(2, 2, "A"), nomination(3, 2, "B"))
    with pytest.raises(InstanceError) as error:
        Instance(acts, noms, (Partner("A", True, budget=250.0), Partner("B", True, budget=300.0)))
    assert problems(error) == {
        "partner A.budget": "250 is below the cheapest seat it nominated for (300): it could "
        "not be given any seat."
    }
    inst = Instance(acts, noms, (Partner("A", True), Partner("B", True)))
    with pytest.raises(InstanceError) as error:
        allocate(inst, Params(total_budget=299.0))
    assert "below the cheapest nominated seat (300)" in problems(error)["params.total_budget"]
    assert allocate(inst, Params(total_budget=300.0)).chosen in ({2}, {3})


def test_every_parameter_problem_is_listed() -> None:
    with pytest.raises(InstanceError) as error:
        Params(
            weight_rank=-1,
            fairness_penalty=float("nan"),
            fairness_floor=1.5,
            non_operational_share=1,
            total_budget=-3,
            hard_rules=frozenset({"fairness", "neglected_fill"}),
            breadth_seats=0,
            time_limit=0,
            mip_gap=1,
            threads=0,
        )
    found = problems(error)
    assert set(found) == {
        "params.weight_rank",
        "params.fairness_penalty",
        "params.fairness_floor",
        "params.non_operational_share",
        "params.total_budget",
        "params.hard_rules",
        "params.breadth_seats",
        "params.time_limit",
        "params.mip_gap",
        "params.threads",
    }
    assert "['fairness']" in found["params.hard_rules"]
    assert "[0, 1]" in found["params.fairness_floor"]


def test_unknown_method() -> None:
    inst = Instance((activity(1),), (nomination(1, 1, "A"),), (Partner("A", True),))
    with pytest.raises(InstanceError) as error:
        allocate(inst, PLAIN, method="lottery")
    assert "unknown 'lottery'" in problems(error)["method"]
