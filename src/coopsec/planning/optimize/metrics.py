"""How any allocation looks to a planner, whoever made it (the MILP, a baseline, a hand edit).

- total value: the sum of the chosen nominations' values (`value.nomination_value`), without
  the breadth bonus and the penalties, so it reads as "how much of what was asked for, and
  how well placed";
- seats filled, and what they cost;
- partners served: partners holding at least one seat;
- Gini of seats across the partners that nominated (0: all hold the same, towards 1: a few
  hold everything); partners left with nothing count as zeros;
- minimum partner satisfaction: the lowest share of its demand (seats it asked for that the
  caps allow, `Instance.partner_demand`) that any partner got;
- neglected-area fill: seats filled in neglected areas over the seats those areas offer.

`compare_with_baselines` checks issue 7's "done when" on one instance: the optimum's
objective (`value.score`, the same for every method) at least that of first come, first
served and of round robin, its Gini of seats lower than both, and its reported gap under
0.5%. The benchmark runs it on synthetic cycles; the Django adapter's instance of a real cycle
goes through the same function.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from coopsec.planning.optimize.baselines import first_come_first_served, round_robin
from coopsec.planning.optimize.instance import Instance, Params
from coopsec.planning.optimize.model import AllocationModel, Solution
from coopsec.planning.optimize.value import nomination_value, objective

DONE_WHEN_GAP = 0.005
# Objectives are sums of floats: "at least" allows this relative rounding.
VALUE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Metrics:
    """The planner's figures for one allocation (None where there is nothing to measure)."""

    total_value: float
    seats: int
    cost: float
    partners_served: int
    gini: float
    min_satisfaction: float | None
    neglected_fill: float | None


def gini(amounts: Sequence[float]) -> float:
    """Gini coefficient: the mean absolute difference between every two amounts over twice
    their mean, computed from the sorted amounts in O(n log n). 0 for no or all-zero amounts."""
    ordered = sorted(amounts)
    n, total = len(ordered), sum(ordered)
    if n == 0 or total == 0:
        return 0.0
    weighted = sum((i + 1) * x for i, x in enumerate(ordered))
    return (2 * weighted) / (n * total) - (n + 1) / n


def allocation_metrics(instance: Instance, params: Params, chosen: Iterable[int]) -> Metrics:
    """The metrics of the allocation giving a seat to each nomination id in `chosen`."""
    seats: Counter[str] = Counter()
    value = cost = 0.0
    neglected_filled = 0
    count = 0
    for nomination_id in chosen:
        nomination = instance.nomination[nomination_id]
        activity = instance.activity[nomination.activity]
        seats[nomination.partner] += 1
        value += nomination_value(nomination, params)
        cost += activity.cost_per_seat
        neglected_filled += activity.neglected
        count += 1
    nominating = {n.partner for n in instance.nominations}
    satisfaction = [
        seats[p] / demand for p, demand in instance.partner_demand.items() if demand > 0
    ]
    neglected_seats = sum(a.seats for a in instance.activities if a.neglected)
    return Metrics(
        total_value=value,
        seats=count,
        cost=cost,
        partners_served=sum(1 for p in nominating if seats[p] > 0),
        gini=gini([seats[p] for p in nominating]),
        min_satisfaction=min(satisfaction) if satisfaction else None,
        neglected_fill=neglected_filled / neglected_seats if neglected_seats else None,
    )


@dataclass(frozen=True)
class MethodFigures:
    """One method's allocation as the "done when" check sees it: the objective, the total
    value and Gini of `allocation_metrics`, and the solver's gap (None for a baseline)."""

    method: str
    objective: float
    total_value: float
    seats: int
    gini: float
    gap: float | None


@dataclass(frozen=True)
class Comparison:
    """The optimum against the two baselines on one instance; `failures` says in words each
    part of "done when" that does not hold (none: it holds)."""

    optimum: MethodFigures | None
    baselines: tuple[MethodFigures, ...]
    failures: tuple[str, ...]

    @property
    def holds(self) -> bool:
        """Whether the optimum beats both baselines on value and Gini within the gap."""
        return not self.failures


def _figures(instance: Instance, params: Params, solution: Solution) -> MethodFigures:
    metrics = allocation_metrics(instance, params, solution.chosen)
    return MethodFigures(
        method=solution.method,
        objective=objective(instance, params, solution.chosen).objective,
        total_value=metrics.total_value,
        seats=metrics.seats,
        gini=metrics.gini,
        gap=solution.gap,
    )


def _failures(optimum: MethodFigures, baselines: Iterable[MethodFigures]) -> Iterable[str]:
    if optimum.gap is None or not optimum.gap < DONE_WHEN_GAP:
        gap = "unknown" if optimum.gap is None else f"{optimum.gap:.3%}"
        yield f"the optimum's gap is {gap}, not under {DONE_WHEN_GAP:.1%}"
    for b in baselines:
        floor = b.objective - VALUE_TOLERANCE * max(1.0, abs(b.objective))
        if optimum.objective < floor:
            yield f"value {optimum.objective:,.2f} is below {b.method}'s {b.objective:,.2f}"
        if not optimum.gini < b.gini:
            yield f"Gini {optimum.gini:.4f} is not below {b.method}'s {b.gini:.4f}"


def compare_with_baselines(
    instance: Instance, params: Params, optimum: Solution | None = None
) -> Comparison:
    """Value and Gini of the optimum (solved here unless given), of first come, first served
    and of round robin on `instance`, and whether issue 7's "done when" holds.

    Raises InstanceError for bad parameters and InfeasibleError for unmeetable hard rules
    (from the solve).
    """
    solution = optimum or AllocationModel(instance, params).solve()
    baselines = tuple(
        _figures(instance, params, method(instance, params))
        for method in (first_come_first_served, round_robin)
    )
    if solution.objective is None:
        failure = f"the optimizer stopped ({solution.status}) without an allocation"
        return Comparison(None, baselines, (failure,))
    figures = _figures(instance, params, solution)
    return Comparison(figures, baselines, tuple(_failures(figures, baselines)))
