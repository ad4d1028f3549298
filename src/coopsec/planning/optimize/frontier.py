"""Deepen versus widen: the allocations a sweep of one parameter traces.

Raising the breadth weight rewards every partner's first k seats more than further seats for
the partners already served; raising the fairness floor raises the minimum share of its demand
each partner must get. Either way the same capacity and budget are spread over more partners
(breadth: partners holding at least k seats) at some cost in depth (mean seats per engaged
partner, one holding at least one seat) and in total value. Each point is the MILP's
allocation for one value of the parameter; the model is built once and re-solved with new
numbers, each solve starting from the previous point's allocation.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from coopsec.planning.optimize.instance import Instance, InstanceError, Params, Problem
from coopsec.planning.optimize.metrics import allocation_metrics
from coopsec.planning.optimize.model import AllocationModel

SWEEPS: dict[str, tuple[float, ...]] = {
    "breadth_weight": (0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 11.0, 15.0, 20.0),
    "fairness_floor": (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
}


@dataclass(frozen=True)
class FrontierPoint:
    """One allocation of the sweep and where it sits between breadth and depth."""

    parameter: float
    breadth: int
    depth: float
    total_value: float
    objective: float | None
    gap: float | None
    chosen: frozenset[int]


def frontier(
    instance: Instance,
    params: Params,
    *,
    sweep: str = "breadth_weight",
    values: Sequence[float] | None = None,
    model: AllocationModel | None = None,
) -> list[FrontierPoint]:
    """Solve once per value of `sweep` (default values: `SWEEPS[sweep]`), in order.

    `model`, if given, is reused (it must be built for `instance`). Raises InstanceError for an
    unknown sweep or a value the parameter refuses, InfeasibleError if a point's hard rules
    cannot be met.
    """
    if sweep not in SWEEPS:
        raise InstanceError([Problem("sweep", f"unknown {sweep!r}; choose one of {list(SWEEPS)}.")])
    model = model or AllocationModel(instance, params)
    points: list[FrontierPoint] = []
    start: frozenset[int] = frozenset()
    for value in SWEEPS[sweep] if values is None else values:
        point = (
            dataclasses.replace(params, breadth_weight=value)
            if sweep == "breadth_weight"
            else dataclasses.replace(params, fairness_floor=value)
        )
        solution = model.solve(point, start=start)
        start = solution.chosen
        seats = Counter(instance.nomination[i].partner for i in solution.chosen)
        engaged = [s for s in seats.values() if s > 0]
        points.append(
            FrontierPoint(
                parameter=value,
                breadth=sum(1 for s in engaged if s >= params.breadth_seats),
                depth=sum(engaged) / len(engaged) if engaged else 0.0,
                total_value=allocation_metrics(instance, params, solution.chosen).total_value,
                objective=solution.objective,
                gap=solution.gap,
                chosen=solution.chosen,
            )
        )
    return points
