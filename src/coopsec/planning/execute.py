"""What a run computes once its cycle is read: the optimum, the two baselines on the same
instance, an explanation of every decision, the marginal value of a seat per activity and
the deepen-versus-widen frontier. No database here: `planning.services.run_execute` reads
the cycle, calls `solve_cycle` with a progress callback and stores what it answers.

Figures per method (`metrics[method]`): `value` is the objective (the nominations' values,
the breadth bonus, less the soft rules' penalties: what the optimizer maximizes), `bound`
the best proven upper bound on it and `gap` = (bound - value) / value. The baselines get the
optimum's bound, so their gap says how far below the best possible they are. Then the
planner's figures of `optimize.metrics` (total value of the seats, seats, cost, partners
served, Gini, minimum satisfaction, neglected fill), the solve `seconds` and the `status`.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from coopsec.planning.models import Outcome
from coopsec.planning.optimize.baselines import first_come_first_served, round_robin
from coopsec.planning.optimize.explain import explain_declined, marginal_seat_values
from coopsec.planning.optimize.frontier import frontier
from coopsec.planning.optimize.instance import InfeasibleError, Instance, Params
from coopsec.planning.optimize.ledger import Ledger
from coopsec.planning.optimize.metrics import allocation_metrics
from coopsec.planning.optimize.model import AllocationModel, Solution, relative_gap
from coopsec.planning.reasons import NO_SEATS, explained, outcome_of

# The frontier re-solves the model once per point: eight points, each within this many
# seconds (or the run's own time limit if shorter), and none for a cycle larger than this.
FRONTIER_VALUES: dict[str, tuple[float, ...]] = {
    "breadth_weight": (0.0, 1.0, 2.0, 4.0, 6.0, 10.0, 15.0, 20.0),
    "fairness_floor": (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 0.9),
}
FRONTIER_POINT_SECONDS = 20.0
FRONTIER_MAX_NOMINATIONS = 50_000

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class RunResult:
    """Everything a finished run stores. `decisions` maps a nomination id to its outcome
    and reasons; `baselines` maps "fcfs" and "round_robin" to each nomination's outcome."""

    metrics: dict[str, dict[str, Any]]
    decisions: dict[int, tuple[str, list[dict[str, Any]]]]
    baselines: dict[str, dict[int, str]]
    marginal_seat_value: list[dict[str, Any]]
    frontier: dict[str, Any]


def figures(
    instance: Instance, params: Params, solution: Solution, bound: float | None
) -> dict[str, Any]:
    """One method's figures (see the module docstring)."""
    m = allocation_metrics(instance, params, solution.chosen)
    value = solution.objective
    return {
        "value": value,
        "bound": bound,
        "gap": None if value is None or bound is None else relative_gap(value, bound),
        "seconds": round(solution.seconds, 3),
        "seats": m.seats,
        "partners_served": m.partners_served,
        "gini": m.gini,
        "min_satisfaction": m.min_satisfaction,
        "neglected_fill": m.neglected_fill,
        "total_value": m.total_value,
        "cost": m.cost,
        "status": solution.status,
    }


def baseline_outcomes(instance: Instance, params: Params, chosen: frozenset[int]) -> dict[int, str]:
    """What a baseline's allocation means for each nomination, by the rule of
    `reasons.outcome_of` applied to the hard constraints that stop it."""
    ledger = Ledger(instance, params, chosen)
    outcomes: dict[int, str] = {}
    for nomination in instance.nominations:
        if nomination.id in chosen:
            outcomes[nomination.id] = Outcome.CONFIRMED
            continue
        rules = [
            NO_SEATS if b.rule == "activity_full" and not b.holders else b.rule
            for b in ledger.blocks(nomination)
        ]
        outcomes[nomination.id] = outcome_of(rules)
    return outcomes


def solve_cycle(
    instance: Instance,
    params: Params,
    *,
    codes: Mapping[int, str],
    sweep: str | None,
    progress: Progress,
) -> RunResult:
    """Solve, compare, explain and sweep one instance, reporting progress from 10 to 95%.
    `codes` names the activities by id.

    Raises InfeasibleError when the hard rules cannot all be met, and NoAllocation when the
    solver stops without any allocation.
    """
    progress(15, _("Solving"))
    model = AllocationModel(instance, params)
    solution = model.solve()
    if solution.objective is None:
        raise NoAllocation(
            _(
                "The solver stopped (%(status)s) before finding any allocation; raise the time "
                "limit."
            )
            % {"status": solution.status}
        )
    progress(50, _("Running the baselines"))
    fcfs = first_come_first_served(instance, params)
    robin = round_robin(instance, params)
    metrics = {
        "optimum": {
            **figures(instance, params, solution, solution.bound),
            "build_seconds": round(model.build_seconds, 3),
        },
        "fcfs": figures(instance, params, fcfs, solution.bound),
        "round_robin": figures(instance, params, robin, solution.bound),
    }
    baselines = {
        "fcfs": baseline_outcomes(instance, params, fcfs.chosen),
        "round_robin": baseline_outcomes(instance, params, robin.chosen),
    }
    progress(60, _("Explaining the decisions"))
    explanations = explain_declined(instance, params, solution.chosen)
    decisions = explained(instance, params, solution.chosen, explanations, codes)
    progress(70, _("Pricing one more seat per activity"))
    duals = marginal_seat_values(model)
    marginal = [
        {"activity": a, "code": codes[a], "value": round(v, 4)}
        for a, v in sorted(duals.items(), key=lambda item: (-item[1], item[0]))
    ]
    progress(75, _("Tracing the frontier"))
    traced = trace_frontier(instance, params, model, sweep)
    return RunResult(metrics, decisions, baselines, marginal, traced)


class NoAllocation(Exception):
    """The solver stopped (time or memory) before it had any allocation."""


def trace_frontier(
    instance: Instance, params: Params, model: AllocationModel, sweep: str | None
) -> dict[str, Any]:
    """The frontier's points, or none and a note saying why. Each point keeps its allocation
    (`chosen`) and its seats per partner, so a reader sees what each point gives whom."""
    if sweep is None:
        return {"sweep": None, "points": [], "note": _("No frontier was asked for.")}
    if len(instance.nominations) > FRONTIER_MAX_NOMINATIONS:
        return {
            "sweep": sweep,
            "points": [],
            "note": _(
                "Skipped: %(n)s nominations are more than the %(max)s a frontier is traced for."
            )
            % {"n": len(instance.nominations), "max": FRONTIER_MAX_NOMINATIONS},
        }
    limited = dataclasses.replace(params, time_limit=min(params.time_limit, FRONTIER_POINT_SECONDS))
    try:
        points = frontier(
            instance, limited, sweep=sweep, values=FRONTIER_VALUES[sweep], model=model
        )
    except InfeasibleError as exc:
        return {"sweep": sweep, "points": [], "note": exc.message}
    return {
        "sweep": sweep,
        "breadth_seats": params.breadth_seats,
        "points": [
            {
                "parameter": p.parameter,
                "breadth": p.breadth,
                "depth": p.depth,
                "total_value": p.total_value,
                "objective": p.objective,
                "gap": p.gap,
                "seats": len(p.chosen),
                "chosen": sorted(p.chosen),
                "partner_seats": _partner_seats(instance, p.chosen),
            }
            for p in points
        ],
        "note": "",
    }


def _partner_seats(instance: Instance, chosen: frozenset[int]) -> dict[str, int]:
    """Seats per partner code in an allocation, by code (partners with none left out)."""
    seats = Counter(instance.nomination[i].partner for i in chosen)
    return dict(sorted(seats.items()))
