"""A finished run shaped for its page: the three methods' figures side by side (a table and
the chart's JSON), the activities where one more seat pays most, the frontier's points with
each one's seats per partner, and a decision's row. No queries here: everything comes from
the run's stored figures and the decisions the view's selector read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopsec.planning.models import AllocationDecision, AllocationRun, Outcome
from coopsec.planning.reasons import decision_reasons

METHODS = (
    ("optimum", gettext_lazy("Optimum")),
    ("fcfs", gettext_lazy("First come, first served")),
    ("round_robin", gettext_lazy("Round robin")),
)
# (key in the method's figures, label, how it is shown)
FIGURES = (
    ("value", gettext_lazy("Value (the objective)"), "number"),
    ("bound", gettext_lazy("LP bound"), "number"),
    ("gap", gettext_lazy("Gap to the bound"), "percent2"),
    ("seconds", gettext_lazy("Seconds"), "number"),
    ("seats", gettext_lazy("Seats"), "integer"),
    ("partners_served", gettext_lazy("Partners served"), "integer"),
    ("gini", gettext_lazy("Gini of seats"), "gini"),
    ("min_satisfaction", gettext_lazy("Minimum satisfaction"), "percent"),
    ("neglected_fill", gettext_lazy("Neglected-area fill"), "percent"),
    ("total_value", gettext_lazy("Value of the seats"), "number"),
    ("cost", gettext_lazy("Cost"), "integer"),
)
MARGINAL_SHOWN = 20
SWEEP_LABELS = {
    "breadth_weight": gettext_lazy("Breadth weight"),
    "fairness_floor": gettext_lazy("Fairness floor"),
}


def shown(value: float | None, kind: str) -> str:
    """A figure in the reader's number format; "—" when there is none."""
    if value is None:
        return "—"
    if kind == "integer":
        return number_format(round(value), force_grouping=True)
    if kind == "percent":
        return f"{number_format(100 * value, decimal_pos=0)} %"
    if kind == "percent2":
        return f"{number_format(100 * value, decimal_pos=2)} %"
    if kind == "gini":
        return number_format(value, decimal_pos=3)
    return number_format(value, decimal_pos=2, force_grouping=True)


@dataclass(frozen=True)
class FigureRow:
    key: str
    label: str
    cells: list[str]  # optimum, first come first served, round robin


def comparison(run: AllocationRun) -> dict[str, Any]:
    """The methods' figures as table rows, and the chart's JSON: for each method the shares
    a committee compares (value against the bound, minimum satisfaction, neglected fill,
    Gini), all between 0 and 1."""
    metrics = run.metrics
    rows = [
        FigureRow(key, str(label), [shown(metrics[m].get(key), kind) for m, _label in METHODS])
        for key, label, kind in FIGURES
    ]
    optimum = metrics["optimum"]
    solver = metrics.get("solver")
    chart = {
        "labels": [
            _("Value ÷ bound"),
            _("Minimum satisfaction"),
            _("Neglected-area fill"),
            _("Gini of seats"),
        ],
        "methods": [
            {
                "label": str(label),
                "data": [
                    _ratio(metrics[m].get("value"), metrics[m].get("bound")),
                    metrics[m].get("min_satisfaction"),
                    metrics[m].get("neglected_fill"),
                    metrics[m].get("gini"),
                ],
            }
            for m, label in METHODS
        ],
        "text": {"axis": _("Share (0 to 1)")},
    }
    return {
        "rows": rows,
        "chart": chart,
        "adjustments": optimum.get("adjustments", 0),
        "solver_value": shown(solver["value"], "number") if solver else "",
        "status": optimum.get("status", ""),
    }


def _ratio(value: float | None, bound: float | None) -> float | None:
    if value is None or not bound:
        return None
    return round(value / bound, 4)


def marginal(run: AllocationRun) -> dict[str, Any]:
    """The activities where one more seat would raise the best objective most (the LP dual
    of their seats), highest first, those worth something only."""
    top = [m for m in run.marginal_seat_value if m["value"] > 0][:MARGINAL_SHOWN]
    rows = [
        {
            "code": m["code"],
            "value": shown(m["value"], "number"),
            "url": reverse("activities:activity-detail", args=[m["activity"]]),
        }
        for m in top
    ]
    chart = {
        "labels": [m["code"] for m in top],
        "values": [m["value"] for m in top],
        "text": {"value": _("Value of one more seat")},
    }
    return {"rows": rows, "chart": chart}


def frontier(run: AllocationRun) -> dict[str, Any]:
    """The frontier's points for the chart (the allocations' nomination lists left out: a
    point's seats per partner say what it gives whom), or the note saying why it is empty."""
    stored = run.frontier
    sweep = stored.get("sweep") or ""
    points = [
        {
            "parameter": p["parameter"],
            "breadth": p["breadth"],
            "depth": p["depth"],
            "total_value": p["total_value"],
            "objective": p["objective"],
            "gap": p["gap"],
            "seats": p["seats"],
            "partner_seats": p.get("partner_seats", {}),
        }
        for p in stored.get("points", [])
    ]
    k = stored.get("breadth_seats", 0)
    parameter = str(SWEEP_LABELS.get(sweep, sweep))
    return {
        "points": points,
        "note": stored.get("note", ""),
        "sweep": parameter,
        "breadth_seats": k,
        "chart": {
            "points": points,
            "text": {
                "x": _("Breadth: partners with at least %(k)s seats") % {"k": k},
                "y": _("Depth: mean seats per partner served"),
                "parameter": parameter,
                "breadth": _("Breadth"),
                "depth": _("Depth"),
                "value": _("Value of the seats"),
                "objective": _("Objective"),
                "seats": _("Seats"),
                "partner": _("Partner"),
                "point": _("Point"),
            },
        },
    }


def decision_row(decision: AllocationDecision) -> dict[str, Any]:
    """One decision as the table shows it: the three methods' outcomes, the value, the main
    reason and the others."""
    reason, reasons = decision_reasons(
        decision.reason_code, decision.reason_params, adjusted=decision.adjusted
    )
    return {
        "decision": decision,
        "outcome_label": Outcome(decision.outcome).label,
        "fcfs_label": Outcome(decision.fcfs_outcome).label,
        "round_robin_label": Outcome(decision.round_robin_outcome).label,
        "value": shown(decision.value, "number"),
        "reason": reason,
        "more": [r for r in reasons if r != reason],
    }
