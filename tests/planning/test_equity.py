"""The equity term: the seat spread is the seats times their Gini, the MILP trades value for
a smaller spread exactly as the objective says, never refuses a seat below the safe weight,
and the "done when" check reports what it compares."""

from __future__ import annotations

import dataclasses
import random

import pytest

from coopsec.planning.optimize import allocate
from coopsec.planning.optimize.explain import explain_declined
from coopsec.planning.optimize.instance import Instance, Partner
from coopsec.planning.optimize.ledger import Ledger
from coopsec.planning.optimize.metrics import (
    allocation_metrics,
    compare_with_baselines,
    gini,
)
from coopsec.planning.optimize.model import Solution
from coopsec.planning.optimize.synthetic import SyntheticSpec, synthetic_instance
from coopsec.planning.optimize.value import Tally, gain, objective, seat_spread
from tests.planning.cases import PLAIN, activity, nomination, random_case


def test_seat_spread_by_hand() -> None:
    # Seats 3, 1 and a partner with none: (|3-1| + |3-0| + |1-0|) / 3 = 2 = 4 seats x Gini 0.5.
    assert seat_spread([3, 1], 3) == pytest.approx(2.0)
    assert gini([3, 1, 0]) == pytest.approx(0.5)
    assert seat_spread([2, 2, 2], 3) == 0
    assert seat_spread([], 4) == 0


@pytest.mark.parametrize("seed", range(20))
def test_seat_spread_is_seats_times_gini_and_gain_is_exact(seed: int) -> None:
    """On random allocations (valid or not: the objective does not care), the score's spread is
    seats x Gini of the metrics, and `gain` is the objective's change when one is added."""
    inst, params = random_case(seed)
    params = dataclasses.replace(params, equity_weight=random.Random(seed).uniform(0.5, 5))
    rng = random.Random(seed)
    ids = [n.id for n in inst.nominations]
    for _ in range(10):
        chosen = {i for i in ids if rng.random() < 0.5}
        score = objective(inst, params, chosen)
        metrics = allocation_metrics(inst, params, chosen)
        assert score.seat_spread == pytest.approx(metrics.seats * metrics.gini)
        tally = Tally.of(inst, params, chosen)
        for nomination_id in set(ids) - chosen:
            added = objective(inst, params, chosen | {nomination_id}).objective
            expected = added - score.objective
            assert gain(inst, params, tally, inst.nomination[nomination_id]) == pytest.approx(
                expected, abs=1e-9
            )


def _two_partners() -> Instance:
    """One seat both partners want (A's first choice, B's second); two more seats A has to
    itself at a roomy activity on other days."""
    return Instance(
        (activity(1, seats=1), activity(2, seats=5, day=3)),
        (
            nomination(1, 1, "A", rank=1),
            nomination(2, 1, "B", rank=2),
            nomination(3, 2, "A"),
            nomination(4, 2, "A"),
        ),
        (Partner("A", True), Partner("B", True)),
    )


def test_equity_gives_a_contested_seat_to_the_partner_with_fewer() -> None:
    inst = _two_partners()
    assert allocate(inst, PLAIN).chosen == {1, 3, 4}  # A 3 seats, B none: values 2 > 1.5
    # With λ = 1: A 3, B 0 scores 6 - 1·3/2 = 4.5; A 2, B 1 scores 5.5 - 1·1/2 = 5.
    fair = dataclasses.replace(PLAIN, equity_weight=1.0)
    solution = allocate(inst, fair)
    assert solution.chosen == {2, 3, 4}
    assert solution.objective == pytest.approx(5.0)


def test_above_the_safe_weight_the_best_served_partner_gives_up_a_seat() -> None:
    """λ·(P-1)/P above a seat's value: the seat is refused though nobody else can use it, and
    the explanation says it is the spread between partners."""
    inst = Instance(
        (activity(1, seats=5), activity(2, seats=5, day=3), activity(3, seats=5, day=6)),
        (
            nomination(1, 1, "A", rank=1),
            nomination(2, 2, "A", rank=2),
            nomination(3, 3, "A", rank=3),
            nomination(4, 1, "B", rank=1),
        ),
        (Partner("A", True), Partner("B", True)),
    )
    # All four: 2 + 1.5 + 4/3 + 2 - 4·2/2 = 2.83; without A's third: 5.5 - 4·1/2 = 3.5;
    # one seat each: 4 - 0 = 4.
    strict = dataclasses.replace(PLAIN, equity_weight=4.0)
    solution = allocate(inst, strict)
    assert solution.chosen == {1, 4}
    assert solution.objective == pytest.approx(4.0)
    (reason,) = explain_declined(inst, strict, solution.chosen)[2].reasons
    assert reason.rule == "penalty"
    # Nomination 2 (value 1.5) would move the spread from 0 to 1/2, at a cost of 4·1/2 = 2.
    assert "lower the objective by 0.50: partner A already holds 1 seats" in reason.message
    assert "spread of seats between partners at a cost of 2.00" in reason.message


@pytest.mark.parametrize("seed", range(15))
def test_below_the_safe_weight_no_seat_that_fits_is_refused(seed: int) -> None:
    """Every value is at least w_seat = 1 and one seat moves the spread by less than 1, so
    with λ = 1 and no other soft rule the optimum declines only what a hard rule stops."""
    inst, _ = random_case(seed)
    params = dataclasses.replace(PLAIN, equity_weight=1.0)
    chosen = allocate(inst, params).chosen
    ledger = Ledger(inst, params, chosen)
    assert all(ledger.blocks(n) for n in inst.nominations if n.id not in chosen)


@pytest.fixture(scope="module")
def scarce() -> Instance:
    """A cycle where money is short (60% of what the nominations would cost)."""
    return synthetic_instance(SyntheticSpec(activities=60, nominations=300, partners=15, seed=2))


def test_done_when_check(scarce: Instance) -> None:
    paid = sum(scarce.activity[n.activity].cost_per_seat for n in scarce.nominations)
    params = dataclasses.replace(PLAIN, total_budget=0.6 * paid, equity_weight=3.0)
    comparison = compare_with_baselines(scarce, params)
    assert comparison.optimum is not None
    assert [b.method for b in comparison.baselines] == ["fcfs", "round_robin"]
    for figures in (comparison.optimum, *comparison.baselines):
        assert figures.gini >= 0
    best = comparison.optimum
    assert best.gap is not None and best.gap < 0.005
    assert all(best.objective >= b.objective - 1e-9 for b in comparison.baselines)
    assert comparison.holds == all(best.gini < b.gini for b in comparison.baselines)
    # Without the equity term the optimum takes every cheap seat and its Gini follows demand.
    plain = compare_with_baselines(scarce, dataclasses.replace(params, equity_weight=0.0))
    assert plain.optimum is not None and plain.optimum.gini > best.gini
    # A solution with no gap (a heuristic's) cannot pass, whatever its figures.
    heuristic = Solution("milp", "heuristic", 1e9, None, None, 0.0, frozenset())
    unproven = compare_with_baselines(scarce, params, heuristic)
    assert unproven.optimum is not None and unproven.optimum.objective == 0  # rescored
    assert unproven.failures[0] == "the optimum's gap is unknown, not under 0.5%"
    assert "value 0.00 is below fcfs's" in unproven.failures[1]
