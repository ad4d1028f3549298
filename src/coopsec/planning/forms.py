"""The planning pages' forms: a new run (its scope and parameters) and the decisions' filters.

The run form shows the main parameters as fields, each starting at the optimizer's own
default (read from `optimize.Params`, so a tuned default shows up here unchanged), and
takes the rest as a JSON object ("advanced"). The form only parses what was typed; whether
the run can be made is `planning.services.run_create`'s to say, and its refusals are put
back next to the field they name (`RunForm.add_refusal`).
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopsec.network import dates
from coopsec.planning.models import Outcome
from coopsec.planning.optimize.instance import Params

DEFAULTS = {f.name: f.default for f in dataclasses.fields(Params)}
WEIGHTS = ("weight_seat", "weight_interest", "weight_alliance", "weight_rank", "weight_objective")
SHARES = ("fairness_floor", "non_operational_share", "neglected_fill")
# The parameters with a field of their own, in the order the form shows them.
MAIN_PARAMS = (*WEIGHTS, "total_budget", *SHARES, "breadth_weight", "breadth_seats", "time_limit")
# Cycles offered: from last year to three years ahead.
CYCLES_BACK, CYCLES_AHEAD = 1, 3

HELP = {
    "weight_seat": gettext_lazy("What any filled seat is worth."),
    "weight_interest": gettext_lazy("How much the partner's own interest in the area counts."),
    "weight_alliance": gettext_lazy(
        "How much the alliance's offered priority for the partner in the area counts."
    ),
    "weight_rank": gettext_lazy(
        "How much the partner's own ranking counts (its first choice fully, its second half)."
    ),
    "weight_objective": gettext_lazy("What serving an agreed programme objective adds."),
    "total_budget": gettext_lazy("What all new seats may cost together; empty for no limit."),
    "fairness_floor": gettext_lazy(
        "The share of its demand every partner should get (0 to 1; a soft rule)."
    ),
    "non_operational_share": gettext_lazy(
        "The share of seats non-operational partners should get (0 to 1; a soft rule)."
    ),
    "neglected_fill": gettext_lazy(
        "The share of neglected areas' seats that should be filled (0 to 1; a soft rule)."
    ),
    "breadth_weight": gettext_lazy(
        "The bonus for each partner reaching k seats: above 0 widens rather than deepens."
    ),
    "breadth_seats": gettext_lazy("k: the seats a partner needs to count as engaged."),
    "time_limit": gettext_lazy("How long the solver may search, in seconds."),
}
LABELS = {
    "weight_seat": gettext_lazy("Weight of a seat"),
    "weight_interest": gettext_lazy("Weight of the partner's interest"),
    "weight_alliance": gettext_lazy("Weight of the alliance's priority"),
    "weight_rank": gettext_lazy("Weight of the partner's rank"),
    "weight_objective": gettext_lazy("Weight of a programme objective"),
    "total_budget": gettext_lazy("Total budget"),
    "fairness_floor": gettext_lazy("Fairness floor"),
    "non_operational_share": gettext_lazy("Non-operational share"),
    "neglected_fill": gettext_lazy("Neglected-area fill"),
    "breadth_weight": gettext_lazy("Breadth weight"),
    "breadth_seats": gettext_lazy("Breadth seats (k)"),
    "time_limit": gettext_lazy("Time limit (seconds)"),
}


def _number(name: str, *, low: float, high: float | None = None) -> forms.Field:
    """A parameter's field, starting at the optimizer's default, between `low` and `high`."""
    default = DEFAULTS[name]
    field: forms.Field
    if isinstance(default, int) and not isinstance(default, bool):
        field = forms.IntegerField(initial=default, min_value=int(low))
    else:
        field = forms.FloatField(
            initial=default,
            required=default is not None,
            min_value=low,
            max_value=high,
            widget=forms.NumberInput(attrs={"step": "any"}),
        )
    field.label = LABELS[name]
    if isinstance(default, float) and default.is_integer():
        default = int(default)
    shown = _("none") if default is None else formats.localize(default)
    field.help_text = f"{HELP[name]} " + _("Default: %(value)s.") % {"value": shown}
    return field


class RunForm(forms.Form):
    """What a coordinator gives a new run."""

    cycle = forms.TypedChoiceField(
        label=gettext_lazy("Cycle"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=gettext_lazy("The year whose activities in allocated mode are allocated."),
    )
    activities = forms.CharField(
        label=gettext_lazy("Or these activities"),
        required=False,
        help_text=gettext_lazy(
            "Activity ids separated by commas, instead of a cycle (each in allocated mode, "
            "open or closed)."
        ),
    )
    advanced = forms.CharField(
        label=gettext_lazy("Other parameters (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=gettext_lazy(
            'A JSON object of any other parameter, e.g. {"hard_rules": ["fairness_floor"], '
            '"partner_budgets": {"GEO": 5000}, "frontier_sweep": "fairness_floor"} '
            "(docs/planning.md, “Parameters of a run”)."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        this = dates.today().year
        years = range(this - CYCLES_BACK, this + CYCLES_AHEAD + 1)
        cycle = self.fields["cycle"]
        assert isinstance(cycle, forms.TypedChoiceField)
        cycle.choices = [("", _("— (the activities below)")), *((y, str(y)) for y in years)]
        cycle.initial = this + 1
        for name in (*WEIGHTS, "total_budget", "breadth_weight"):
            self.fields[name] = _number(name, low=0)
        for name in SHARES:
            self.fields[name] = _number(name, low=0, high=1)
        self.fields["breadth_seats"] = _number("breadth_seats", low=1)
        self.fields["time_limit"] = _number("time_limit", low=0.1)
        self.order_fields(["cycle", "activities", *MAIN_PARAMS, "advanced"])

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The fields in the groups the page shows them in."""
        groups = (
            (_("What to allocate"), ("cycle", "activities")),
            (_("The value of a nomination"), WEIGHTS),
            (_("Budget and soft rules"), ("total_budget", *SHARES)),
            (_("Breadth and the solver"), ("breadth_weight", "breadth_seats", "time_limit")),
        )
        return [(title, [self[name] for name in names]) for title, names in groups]

    def clean_activities(self) -> list[int] | None:
        text = self.cleaned_data["activities"].strip()
        if not text:
            return None
        ids = []
        for token in re.split(r"[\s,;]+", text):
            if not token.isdigit():
                raise forms.ValidationError(
                    _("'%(value)s' is not an activity id (a whole number).") % {"value": token}
                )
            ids.append(int(token))
        return ids

    def clean_advanced(self) -> dict[str, Any]:
        text = self.cleaned_data["advanced"].strip()
        if not text:
            return {}
        try:
            given = json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError(
                _("This is not valid JSON: %(error)s.") % {"error": exc}
            ) from exc
        if not isinstance(given, dict):
            raise forms.ValidationError(_('Give a JSON object: {"name": value, …}.'))
        twice = sorted(set(given) & set(MAIN_PARAMS))
        if twice:
            raise forms.ValidationError(
                _("%(names)s has its own field above; set it there.") % {"names": ", ".join(twice)}
            )
        return given

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "cycle" in data and "activities" in data:
            if data["cycle"] is not None and data["activities"] is not None:
                self.add_error("cycle", _("Choose a cycle or list activities, not both."))
            elif data["cycle"] is None and data["activities"] is None:
                self.add_error("cycle", _("Choose a cycle, or list activities below."))
        return data

    def params(self) -> dict[str, Any]:
        """The run's parameters: every main field as given (an empty total budget left
        out), then the advanced ones."""
        data = self.cleaned_data
        main = {name: data[name] for name in MAIN_PARAMS if data.get(name) is not None}
        return {**main, **data["advanced"]}

    def add_refusal(self, details: object, message: str) -> None:
        """Put `run_create`'s refusal next to the fields it names (the rest above the form).

        `details` is the service's list of {"field", "message"}: "params.<name>" goes to
        that parameter's field (or to "advanced" when it has none), "cycle", "activities"
        and "activities[i]" to theirs, and "nominations" to the scope that was chosen.
        """
        if not isinstance(details, list) or not details:
            self.add_error(None, message)
            return
        scope = "cycle" if self.cleaned_data.get("cycle") is not None else "activities"
        for detail in details:
            where, text = str(detail.get("field", "")), str(detail.get("message", ""))
            name = where.removeprefix("params.")
            if where.startswith("params.") and name in MAIN_PARAMS:
                self.add_error(name, text)
            elif where.startswith(("params", "partner ")):
                self.add_error("advanced", f"{where}: {text}")
            elif where in ("cycle", "nominations"):
                self.add_error(scope if where == "nominations" else "cycle", text)
            elif where.startswith("activities"):
                self.add_error("activities", f"{where}: {text}")
            else:
                self.add_error(None, f"{where}: {text}" if where else text)


class DecisionFilterForm(forms.Form):
    """The decisions table's filters; the choices are the run's own partners and outcomes,
    and an activity is given by its code (a cycle has thousands)."""

    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), required=False)
    partner = forms.ChoiceField(label=gettext_lazy("Partner"), required=False)
    activity = forms.CharField(label=gettext_lazy("Activity code"), required=False, max_length=40)

    def __init__(self, data: Any, *, partners: list[str], activities: dict[str, int]) -> None:
        super().__init__(data)
        self.activity_ids = activities
        outcome = self.fields["outcome"]
        partner = self.fields["partner"]
        assert isinstance(outcome, forms.ChoiceField) and isinstance(partner, forms.ChoiceField)
        outcome.choices = [("", _("Any outcome")), *Outcome.choices]
        partner.choices = [("", _("Any partner")), *((code, code) for code in partners)]

    def clean_activity(self) -> int | None:
        code = self.cleaned_data["activity"].strip()
        if not code:
            return None
        if code not in self.activity_ids:
            raise forms.ValidationError(_("No activity %(code)s in this run.") % {"code": code})
        return self.activity_ids[code]

    def values(self) -> dict[str, Any]:
        """The selector's filters (none when a filter was refused: the page says why)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "outcome": data["outcome"] or None,
            "partner": data["partner"] or None,
            "activity": data["activity"],
        }
