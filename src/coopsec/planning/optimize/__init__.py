"""The seat and budget allocation model: plain Python and HiGHS, no Django.

`allocate(instance, params, method=...)` is the one entry point, networkx-style: the same
`Instance` and `Params` go to the MILP or to a baseline and come back as the same `Solution`,
so a caller can swap one for the other. docs/planning.md describes the model.
"""

from __future__ import annotations

from collections.abc import Callable

from coopsec.planning.optimize.baselines import first_come_first_served, round_robin
from coopsec.planning.optimize.instance import Instance, InstanceError, Params, Problem
from coopsec.planning.optimize.model import AllocationModel, Solution


def _milp(instance: Instance, params: Params) -> Solution:
    return AllocationModel(instance, params).solve()


METHODS: dict[str, Callable[[Instance, Params], Solution]] = {
    "milp": _milp,
    "fcfs": first_come_first_served,
    "round_robin": round_robin,
}


def allocate(instance: Instance, params: Params, *, method: str = "milp") -> Solution:
    """Allocate the instance's seats by `method`: "milp" (optimal within `params.mip_gap` and
    `params.time_limit`), "fcfs" (first come, first served) or "round_robin" (by partner).

    Raises InstanceError for bad input or an unknown method, InfeasibleError when hard rules
    cannot all be met.
    """
    if method not in METHODS:
        raise InstanceError(
            [Problem("method", f"unknown {method!r}; choose one of {list(METHODS)}.")]
        )
    return METHODS[method](instance, params)
