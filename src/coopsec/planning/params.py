"""A run's parameters as JSON (the API's and `coopsec plan allocate --params FILE`'s), turned
into the optimizer's `Params` and the run's own options.

Every key of `optimize.Params` may be given (weights, total budget, soft rules and their
penalties, `hard_rules` as a list, breadth, solver limits), plus:

- `partner_budgets`: {partner code: amount}, what each partner's new seats may cost in total;
- `neglected_areas`: [area codes] treated as neglected besides those the analytics flag;
- `frontier_sweep`: "breadth_weight" (default), "fairness_floor" or "none";
- `nominations`: "pending" (default: the pending nominations of activities in allocated
  mode) or "all", a what-if over every live nomination of every open or closed activity,
  as though none held a seat yet: such a run is measured and compared, never applied.

Every problem is reported at once, each naming its parameter (an unknown key too), as
`InstanceError` (an `Invalid` whose details list the field and the reason).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from coopsec.planning.optimize.frontier import SWEEPS
from coopsec.planning.optimize.instance import InstanceError, Params, Problem

PARAM_FIELDS = {f.name: f for f in dataclasses.fields(Params)}
INTEGER_FIELDS = ("breadth_seats", "threads")
NO_FRONTIER = "none"
EXTRA_KEYS = ("partner_budgets", "neglected_areas", "frontier_sweep", "nominations")
PENDING, EVERY = "pending", "all"


@dataclass(frozen=True)
class RunParams:
    """The optimizer's parameters and what the run adds to them."""

    params: Params
    partner_budgets: dict[str, float]
    neglected_areas: frozenset[str]
    frontier_sweep: str | None
    every_nomination: bool = False


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _field_problems(values: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """The `Params` keyword arguments, and the problems of type the dataclass cannot see."""
    kwargs: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, value in values.items():
        where = f"params.{name}"
        if name == "hard_rules":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(Problem(where, _("must be a list of rule names.")))
                continue
            kwargs[name] = frozenset(value)
        elif name == "total_budget" and value is None:
            kwargs[name] = None
        elif name in INTEGER_FIELDS:
            if not isinstance(value, int) or isinstance(value, bool):
                problems.append(Problem(where, _("must be a whole number, not %r.") % (value,)))
                continue
            kwargs[name] = value
        elif not _number(value):
            problems.append(Problem(where, _("must be a number, not %r.") % (value,)))
        else:
            kwargs[name] = float(value)
    return kwargs, problems


def _budgets(value: object) -> tuple[dict[str, float], list[Problem]]:
    if not isinstance(value, dict):
        return {}, [Problem("params.partner_budgets", _("must map partner codes to amounts."))]
    budgets: dict[str, float] = {}
    problems: list[Problem] = []
    for code, amount in value.items():
        if not _number(amount) or not math.isfinite(amount) or amount < 0:
            problems.append(
                Problem(
                    f"params.partner_budgets.{code}",
                    _("must be an amount ≥ 0, not %r.") % (amount,),
                )
            )
        else:
            budgets[str(code)] = float(amount)
    return budgets, problems


def parse_params(given: object) -> RunParams:
    """The run's parameters from the JSON object `given`. Raises InstanceError naming every
    bad or unknown key."""
    if not isinstance(given, dict):
        raise InstanceError([Problem("params", _("must be a JSON object of parameters."))])
    problems: list[Problem] = []
    unknown = sorted(set(given) - set(PARAM_FIELDS) - set(EXTRA_KEYS))
    for key in unknown:
        problems.append(
            Problem(
                f"params.{key}",
                _("unknown parameter; the parameters are: %(names)s.")
                % {"names": ", ".join([*PARAM_FIELDS, *EXTRA_KEYS])},
            )
        )
    kwargs, found = _field_problems({k: v for k, v in given.items() if k in PARAM_FIELDS})
    problems.extend(found)
    budgets, found = _budgets(given.get("partner_budgets", {}))
    problems.extend(found)
    areas = given.get("neglected_areas", [])
    if not isinstance(areas, list) or not all(isinstance(a, str) for a in areas):
        problems.append(Problem("params.neglected_areas", _("must be a list of area codes.")))
        areas = []
    sweep = given.get("frontier_sweep", "breadth_weight")
    if sweep not in (*SWEEPS, NO_FRONTIER):
        problems.append(
            Problem(
                "params.frontier_sweep",
                _("unknown sweep %(value)r; choose one of %(choices)s.")
                % {"value": sweep, "choices": ", ".join([*SWEEPS, NO_FRONTIER])},
            )
        )
    scope = given.get("nominations", PENDING)
    if scope not in (PENDING, EVERY):
        problems.append(
            Problem(
                "params.nominations",
                _("must be %(pending)r or %(every)r, not %(value)r.")
                % {"pending": PENDING, "every": EVERY, "value": scope},
            )
        )
    params = Params()
    try:
        params = Params(**kwargs)
    except InstanceError as exc:
        problems.extend(exc.problems)
    if problems:
        raise InstanceError(problems)
    return RunParams(
        params=params,
        partner_budgets=budgets,
        neglected_areas=frozenset(areas),
        frontier_sweep=None if sweep == NO_FRONTIER else sweep,
        every_nomination=scope == EVERY,
    )
