"""Forms of the programme pages.

Entry forms only parse: they hand the services their typed inputs (ProgrammeInput,
ObjectiveInput, ItemInput, AssessmentInput, an interests map) and the services decide, so
a rule lives in one place and a refused value comes back as the service's own words on the
field it names (`add_service_errors`). Query-string forms (filters, the menu search, the
assessment period) report a value they cannot read and leave it out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coopsec.activities.forms import area_choices
from coopsec.activities.models import ActivityType, CooperationArea
from coopsec.activities.selectors import ActivityFilters
from coopsec.network.forms import IsoDateField
from coopsec.network.models import Organization
from coopsec.programmes.models import (
    PRIORITY_MAX,
    Objective,
    Programme,
    ProgrammeItem,
    ProgrammeStatus,
    ProgrammeType,
    Rating,
)
from coopsec.programmes.periods import parse_period
from coopsec.programmes.services import AssessmentInput, ItemInput, ObjectiveInput, ProgrammeInput

Choices = list[tuple[Any, Any]]


def _set_choices(form: forms.Form, name: str, choices: Choices) -> None:
    field = form.fields[name]
    if isinstance(field, forms.ChoiceField):
        field.choices = choices
    else:  # an IntegerField drawn as a select: the service judges the number
        field.widget.choices = choices


def error_messages(form: forms.Form) -> list[str]:
    """Each reason a query parameter was rejected, for display above the results."""
    if not form.is_bound:
        return []
    return [
        f"{form.fields[name].label}: {message}"
        for name, errors in form.errors.items()
        for message in errors
    ]


# --- lists ---------------------------------------------------------------------------------


class ProgrammeFilterForm(forms.Form):
    """The programme list's filters: partner (staff only) and status."""

    partner = forms.ChoiceField(required=False, label=_("Partner"))
    status = forms.ChoiceField(required=False, label=_("Status"))

    def __init__(self, data: Any, *, partners: Iterable[Organization] | None) -> None:
        super().__init__(data or None)
        _set_choices(self, "status", [("", _("Any status")), *ProgrammeStatus.choices])
        if partners is None:
            del self.fields["partner"]
        else:
            options = [(p.code, p.name) for p in partners]
            _set_choices(self, "partner", [("", _("Any partner")), *options])

    def values(self) -> tuple[str, str]:
        """(partner code, status), each "" when absent or rejected."""
        if not self.is_bound:
            return "", ""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return data.get("partner") or "", data.get("status") or ""


# --- programmes ----------------------------------------------------------------------------


class ProgrammeForm(forms.Form):
    """A programme's type, cycle and title."""

    type = forms.ChoiceField(choices=ProgrammeType.choices, label=_("Programme type"))
    cycle_start = forms.IntegerField(label=_("First year of the cycle"))
    cycle_end = forms.IntegerField(label=_("Last year of the cycle"))
    title = forms.CharField(
        required=False,
        max_length=200,
        label=_("Title"),
        help_text=_("Optional: how the programme is known, e.g. “ITPP 2027-2028”."),
    )

    def to_input(self) -> ProgrammeInput:
        data = self.cleaned_data
        return ProgrammeInput(
            type=data["type"],
            cycle_start=data["cycle_start"],
            cycle_end=data["cycle_end"],
            title=data["title"],
        )


def programme_initial(programme: Programme) -> dict[str, Any]:
    return {
        "type": programme.type,
        "cycle_start": programme.cycle_start,
        "cycle_end": programme.cycle_end,
        "title": programme.title,
    }


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What the partner should change"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AgreeForm(forms.Form):
    note = forms.CharField(required=False, max_length=300, label=_("Note for the record"))


# --- objectives ----------------------------------------------------------------------------


class ObjectiveForm(forms.Form):
    """An objective; coordinators also see whether it is agreed."""

    title = forms.CharField(max_length=250, label=_("Objective"))
    area = forms.ChoiceField(label=_("Cooperation area"))
    indicator = forms.CharField(
        max_length=300,
        label=_("Indicator"),
        help_text=_("What is measured, e.g. “officers trained in incident response”."),
    )
    baseline = forms.CharField(required=False, max_length=200, label=_("Baseline"))
    target = forms.CharField(max_length=200, label=_("Target"))
    target_date = IsoDateField(label=_("Target date"))
    agreed = forms.BooleanField(required=False, label=_("Agreed by both sides"))

    def __init__(
        self,
        data: Any = None,
        *,
        areas: Iterable[CooperationArea],
        may_agree: bool,
        initial: dict[str, Any] | None = None,
        auto_id: str = "id_%s",
    ) -> None:
        super().__init__(data, initial=initial, auto_id=auto_id)
        grouped = area_choices(areas, whole_groups=True)
        _set_choices(self, "area", [("", _("Choose an area")), *grouped])
        self.may_agree = may_agree
        if not may_agree:
            del self.fields["agreed"]

    def to_input(self) -> ObjectiveInput:
        data = self.cleaned_data
        return ObjectiveInput(
            title=data["title"],
            area=data["area"],
            indicator=data["indicator"],
            target=data["target"],
            target_date=data["target_date"],
            baseline=data["baseline"],
            agreed=bool(data["agreed"]) if self.may_agree else None,
        )


def objective_initial(objective: Objective) -> dict[str, Any]:
    return {
        "title": objective.title,
        "area": objective.area.code,
        "indicator": objective.indicator,
        "baseline": objective.baseline,
        "target": objective.target,
        "target_date": objective.target_date,
        "agreed": objective.agreed,
    }


# --- planned activities --------------------------------------------------------------------


class ItemForm(forms.Form):
    """A planned activity: a menu activity picked from the search (hidden `activity`), or an
    activity type in an area and year. The objective and year are drawn as selects but read
    as numbers, so that the service, not the form, says which ones the programme has."""

    objective = forms.IntegerField(required=False, label=_("Objective"), widget=forms.Select)
    activity = forms.IntegerField(required=False, widget=forms.HiddenInput)
    area = forms.ChoiceField(required=False, label=_("Cooperation area"))
    activity_type = forms.ChoiceField(required=False, label=_("Activity type"))
    year = forms.IntegerField(required=False, label=_("Year"), widget=forms.Select)
    planned_seats = forms.IntegerField(
        initial=1, label=_("Seats"), widget=forms.NumberInput(attrs={"min": 1, "max": 50})
    )
    note = forms.CharField(required=False, max_length=300, label=_("Note"))

    # The fields each way of planning shows.
    PLAN_FIELDS: Sequence[str] = (
        "objective", "area", "activity_type", "year", "planned_seats", "note",
    )  # fmt: skip
    MENU_FIELDS: Sequence[str] = ("objective", "planned_seats", "note")

    def __init__(
        self,
        data: Any = None,
        *,
        programme: Programme,
        objectives: Iterable[Objective],
        areas: Iterable[CooperationArea],
        initial: dict[str, Any] | None = None,
        auto_id: str = "id_%s",
    ) -> None:
        super().__init__(data, initial=initial, auto_id=auto_id)
        _set_choices(self, "objective", [(o.pk, o.title) for o in objectives])
        grouped = area_choices(areas, whole_groups=True)
        _set_choices(self, "area", [("", _("Choose an area")), *grouped])
        _set_choices(self, "activity_type", [("", _("Any type")), *ActivityType.choices])
        _set_choices(self, "year", [(y, str(y)) for y in programme.years])

    @property
    def is_menu_pick(self) -> bool:
        return bool(self.is_bound and self.data.get("activity"))

    def fields_for(self, names: Sequence[str]) -> list[forms.BoundField]:
        return [self[name] for name in names]

    @property
    def plan_fields(self) -> list[forms.BoundField]:
        return self.fields_for(self.PLAN_FIELDS)

    @property
    def menu_fields(self) -> list[forms.BoundField]:
        return self.fields_for(self.MENU_FIELDS)

    def to_input(self) -> ItemInput:
        data = self.cleaned_data
        return ItemInput(
            objective=data["objective"] or 0,
            activity=data["activity"],
            area=data["area"] or "",
            activity_type=data["activity_type"] or "",
            year=data["year"],
            planned_seats=data["planned_seats"],
            note=data["note"],
        )


def item_initial(item: ProgrammeItem) -> dict[str, Any]:
    return {
        "objective": item.objective_id,
        "activity": item.activity_id,
        "area": item.area.code if item.area is not None else "",
        "activity_type": item.activity_type,
        "year": item.year,
        "planned_seats": item.planned_seats,
        "note": item.note,
    }


class MenuSearchForm(forms.Form):
    """The search over the menu on a programme's page: activities in the cycle that the
    partner may nominate for."""

    q = forms.CharField(
        required=False,
        max_length=100,
        label=_("Search the menu"),
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Title, code or reference")}
        ),
    )
    area = forms.ChoiceField(required=False, label=_("Cooperation area"))

    def __init__(self, data: Any, *, areas: Iterable[CooperationArea]) -> None:
        searched = any(key in data for key in ("q", "area"))
        super().__init__(data if searched else None, auto_id="menu-%s")
        _set_choices(self, "area", [("", _("Any area")), *area_choices(areas, whole_groups=True)])

    def filters(self, *, programme: Programme) -> ActivityFilters:
        """The valid search within the programme's cycle, for its partner."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return ActivityFilters(
            q=(data.get("q") or "").strip(),
            area=data.get("area") or "",
            date_from=date(programme.cycle_start, 1, 1),
            date_to=date(programme.cycle_end, 12, 31),
            eligible_for=programme.partner.code,
        )


# --- assessments ---------------------------------------------------------------------------


def period_choices(programme: Programme) -> Choices:
    """Every period of the cycle and the year after it (when targets may fall), by year:
    the year, its halves, its quarters."""
    choices: Choices = []
    for year in range(programme.cycle_start, programme.cycle_end + 2):
        labels = [
            str(year),
            *(f"{year}-H{h}" for h in (1, 2)),
            *(f"{year}-Q{q}" for q in range(1, 5)),
        ]
        choices.append((str(year), [(label, label) for label in labels]))
    return choices


class PeriodForm(forms.Form):
    """Which period's evidence the assessment page shows."""

    period = forms.ChoiceField(label=_("Period"))

    def __init__(self, data: Any, *, programme: Programme, default: str) -> None:
        super().__init__(data if "period" in data else None, initial={"period": default})
        _set_choices(self, "period", period_choices(programme))
        self.default = default

    def value(self) -> str:
        if self.is_bound and self.is_valid():
            return str(self.cleaned_data["period"])
        return self.default


class AssessmentForm(forms.Form):
    """A rating and a narrative for the period whose evidence is shown."""

    period = forms.CharField(max_length=8, widget=forms.HiddenInput)
    rating = forms.ChoiceField(choices=Rating.choices, label=_("Rating"), widget=forms.RadioSelect)
    narrative = forms.CharField(
        required=False,
        max_length=10000,
        label=_("Narrative"),
        help_text=_("What happened in the period and why the rating is what it is."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def to_input(self, objective_id: int) -> AssessmentInput:
        data = self.cleaned_data
        return AssessmentInput(
            objective=objective_id,
            period=data["period"],
            rating=data["rating"],
            narrative=data["narrative"],
        )


def default_period(programme: Programme, today: date) -> str:
    """This year when it falls in the cycle (or the year after it); else the nearest end."""
    year = min(max(today.year, programme.cycle_start), programme.cycle_end + 1)
    return parse_period(str(year)).label


# --- interests -----------------------------------------------------------------------------


class InterestsForm(forms.Form):
    """One side's priority 0-5 for every area (field names are the area codes); an empty
    box counts as 0, as the service records areas it is not given."""

    note = forms.CharField(
        required=False,
        max_length=300,
        label=_("Note"),
        help_text=_("Optional: why the priorities changed."),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        areas: Iterable[CooperationArea],
        initial: dict[str, int] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.area_codes: list[str] = []
        for area in areas:
            self.fields[area.code] = forms.IntegerField(
                required=False,
                min_value=0,
                max_value=PRIORITY_MAX,
                label=area.display_name,
                widget=forms.NumberInput(
                    attrs={"min": 0, "max": PRIORITY_MAX, "step": 1, "inputmode": "numeric"}
                ),
            )
            self.area_codes.append(area.code)

    def priorities(self) -> dict[str, int]:
        data = self.cleaned_data
        return {code: data.get(code) or 0 for code in self.area_codes}
