"""Each declined nomination is explained by the constraint that actually stops it, naming the
nominations involved; the marginal seat value is the LP relaxation's price of a seat."""

from __future__ import annotations

import dataclasses

import pytest

from coopsec.planning.optimize import allocate
from coopsec.planning.optimize.explain import explain_declined, marginal_seat_values
from coopsec.planning.optimize.instance import Instance, Partner
from coopsec.planning.optimize.model import AllocationModel
from tests.planning.cases import PLAIN, activity, nomination

PARTNERS = (Partner("A", True), Partner("B", True))


def reasons(inst: Instance, chosen: frozenset[int] | set[int], nomination_id: int) -> list[str]:
    return [r.rule for r in explain_declined(inst, PLAIN, chosen)[nomination_id].reasons]


def test_activity_full_names_who_took_the_seats() -> None:
    inst = Instance(
        (activity(1, seats=2),),
        (
            nomination(1, 1, "A", rank=1),
            nomination(2, 1, "B", rank=1),
            nomination(3, 1, "B", rank=3),
        ),
        PARTNERS,
    )
    chosen = allocate(inst, PLAIN).chosen
    assert chosen == {1, 2}
    (reason,) = explain_declined(inst, PLAIN, chosen)[3].reasons
    assert reason.rule == "activity_full"
    assert set(reason.holders) == {1, 2}
    assert "Activity 1 is full" in reason.message
    assert "every one of them is worth at least as much" in reason.message


def test_partner_cap_budget_total_budget_and_clash() -> None:
    inst = Instance(
        (
            activity(1, seats=5, cap=1),
            activity(2, cost=100.0, day=3),
            activity(3, cost=100.0, day=6),
            activity(4, day=10, days=3),
            activity(5, day=11),
        ),
        (
            nomination(1, 1, "A"),
            nomination(2, 1, "A", rank=2),
            nomination(3, 2, "B"),
            nomination(4, 3, "B", rank=2),
            nomination(5, 4, "A", participant="alex"),
            nomination(6, 5, "A", participant="alex", rank=2),
        ),
        (Partner("A", True), Partner("B", True, budget=150.0)),
    )
    chosen = allocate(inst, PLAIN).chosen
    assert chosen == {1, 3, 5}
    why = explain_declined(inst, PLAIN, chosen)
    assert [r.rule for r in why[2].reasons] == ["partner_cap"]
    assert why[2].reasons[0].holders == (1,)
    assert [r.rule for r in why[4].reasons] == ["partner_budget"]
    assert "budget of 150 has 50 left, less than this seat's 100" in why[4].reasons[0].message
    assert [r.rule for r in why[6].reasons] == ["participant_conflict"]
    assert why[6].reasons[0].holders == (5,)
    assert "alex" in why[6].reasons[0].message
    # With a total budget of 150 instead, the same seat is stopped by the total.
    params = dataclasses.replace(PLAIN, total_budget=150.0)
    lifted = Instance(inst.activities, inst.nominations, PARTNERS)
    why = explain_declined(lifted, params, allocate(lifted, params).chosen)
    assert [r.rule for r in why[4].reasons] == ["total_budget"]


def test_every_binding_constraint_is_listed() -> None:
    inst = Instance(
        (activity(1, seats=1, days=3), activity(2, seats=1, day=1)),
        (
            nomination(1, 1, "A"),
            nomination(2, 2, "B", participant="sam"),
            nomination(3, 1, "B", participant="sam", rank=2),
        ),
        PARTNERS,
    )
    assert reasons(inst, {1, 2}, 3) == ["activity_full", "participant_conflict"]


def test_a_seat_that_fits_is_priced() -> None:
    inst = Instance(
        (activity(1), activity(2, day=2), activity(3, day=4)),
        (nomination(1, 1, "B"), nomination(2, 2, "A"), nomination(3, 3, "A")),
        (Partner("A", True), Partner("B", False)),
    )
    params = dataclasses.replace(PLAIN, non_operational_share=0.5, non_operational_penalty=10)
    chosen = allocate(inst, params).chosen
    assert 1 in chosen and len(chosen) == 2  # a third seat would break the 50% share
    (declined,) = {2, 3} - chosen
    (reason,) = explain_declined(inst, params, chosen)[declined].reasons
    # Value 2, penalty 10 * (0.5 * 3 - 1) = 5: the objective would drop by 3.
    assert reason.rule == "penalty"
    assert "lower the objective by 3.00" in reason.message
    # Left out of an allocation for no reason at all, the seat is flagged as the gap's.
    (reason,) = explain_declined(inst, PLAIN, {1})[2].reasons
    assert reason.rule == "gap" and "raise the objective by 2.00" in reason.message


def test_marginal_seat_value_is_the_price_of_the_next_seat() -> None:
    def instance(seats: int) -> Instance:
        return Instance(
            (activity(1, seats=seats), activity(2, seats=5, day=3)),
            (
                nomination(1, 1, "A", rank=1),
                nomination(2, 1, "B", rank=2),
                nomination(3, 1, "A", rank=3),
                nomination(4, 2, "B"),
            ),
            PARTNERS,
        )

    model = AllocationModel(instance(2), PLAIN)
    values = marginal_seat_values(model)
    # Two seats, values 2, 1.5, 4/3: one more seat admits the 4/3, one fewer loses the 1.5;
    # the dual of the (degenerate) seat row lies between the two.
    assert 4 / 3 - 1e-9 <= values[1] <= 1.5 + 1e-9
    assert values[2] == 0  # one nomination for five seats
    gain = AllocationModel(instance(3), PLAIN).relaxation().objective - model.relaxation().objective
    assert gain == pytest.approx(4 / 3)
    assert model.solve().chosen == {1, 2, 4}  # the relaxation left the MILP intact
