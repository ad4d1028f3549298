"""The filter bar every analytics page shares (issue 6, item 7): year range, framework,
region, area, host and activity type, read from the query string so that a page's state
lives in its URL and can be bookmarked or passed on.

The form only parses and renders: `Filters.parse` (analytics/filters.py, the API's own
parser) decides what is valid and says why, and its reasons land on the fields. A page with
a bad value shows the bar with the reasons and no figures (status 400).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from coopsec.activities.forms import area_choices
from coopsec.activities.models import ActivityType, CooperationArea
from coopsec.analytics.filters import FIRST_YEAR, LAST_YEAR, PARAMETERS, Filters
from coopsec.analytics.sections.redundancy import Parameters
from coopsec.errors import Invalid
from coopsec.network.models import Framework, Organization
from coopsec.network.selectors import RegionChoices

Choices = list[tuple[Any, Any]]
MAX_LENGTH = 80  # the API's longest code (activities.api.Code)


def _year_input(placeholder: Any) -> forms.TextInput:
    return forms.TextInput(
        attrs={
            "inputmode": "numeric",
            "pattern": "[0-9]{4}",
            "maxlength": 4,
            "placeholder": placeholder,
            "title": _("A year between %(first)s and %(last)s, e.g. 2026")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
        }
    )


class _CodeField(forms.CharField):
    """A code picked from a list: checked by Filters.parse, drawn as a select (which takes
    no maxlength attribute)."""

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {}


class AnalyticsFilterForm(forms.Form):
    """The shared filters, named as the API names them (`from`, `to`, `framework`, …).

    `filters` holds the parsed filters, or None when a value was refused (the reasons are
    the fields' errors). With `with_area` False (an area's drill-down, whose path names the
    area) the area field is left out and an `area` parameter is ignored.
    """

    def __init__(
        self,
        data: Mapping[str, str],
        *,
        frameworks: Iterable[Framework],
        regions: RegionChoices,
        areas: Iterable[CooperationArea],
        hosts: Iterable[Organization],
        with_area: bool = True,
    ) -> None:
        names = [p for p in PARAMETERS if with_area or p != "area"]
        raw = {name: str(data.get(name, "")).strip() for name in names}
        super().__init__(raw)
        self.fields["from"] = forms.CharField(
            required=False, max_length=4, label=_("From year"), widget=_year_input(_("first"))
        )
        self.fields["to"] = forms.CharField(
            required=False, max_length=4, label=_("To year"), widget=_year_input(_("last"))
        )
        self._select("framework", _("Framework"), _("Any framework"),
                     [(f.code, f.name) for f in frameworks])  # fmt: skip
        self._select("region", _("Region"), _("Any region"), _region_choices(regions))
        if with_area:
            self._select("area", _("Cooperation area"), _("Any area"),
                         area_choices(areas, whole_groups=True))  # fmt: skip
        self._select("host", _("Host"), _("Any host"),
                     [(o.code, o.short_name or o.name) for o in hosts])  # fmt: skip
        self._select("type", _("Activity type"), _("Any type"), list(ActivityType.choices))
        self.filters = self._parse(raw, with_area=with_area)

    def _select(self, name: str, label: Any, anything: Any, choices: Choices) -> None:
        # A CharField drawn as a select: the value is checked by Filters.parse, which says
        # what was wrong with it, rather than Django's generic "not one of the choices".
        self.fields[name] = _CodeField(
            required=False,
            max_length=MAX_LENGTH,
            label=label,
            widget=forms.Select(choices=[("", anything), *choices]),
        )

    def _parse(self, raw: dict[str, str], *, with_area: bool) -> Filters | None:
        if not self.is_valid():
            return None
        try:
            filters = Filters.parse(raw)
        except Invalid as exc:
            details = exc.details if isinstance(exc.details, dict) else {}
            for name, reason in details.items():
                self.add_error(name if name in self.fields else None, str(reason))
            return None
        # Show the values as stored ("pfp" selects PfP).
        canonical = {k: "" if v is None else str(v) for k, v in filters.as_params().items()}
        self.data = {name: canonical[name] for name in raw}
        return filters

    @property
    def query(self) -> str:
        """The valid filters as a query string ("" when none), for links between pages."""
        if self.filters is None:
            return ""
        values = {k: v for k, v in self.filters.as_params().items() if v is not None}
        if "area" not in self.fields:
            values.pop("area", None)
        return urlencode(values)

    def error_messages(self) -> list[str]:
        """Each refused value with its field's label, for the alert above the page."""
        return [
            f"{self.fields[name].label}: {message}" if name in self.fields else str(message)
            for name, errors in self.errors.items()
            for message in errors
        ]


def _region_choices(regions: RegionChoices) -> Choices:
    choices: Choices = []
    if regions.continents:
        choices.append((_("Continents"), [(c, c) for c in regions.continents]))
    if regions.regions:
        choices.append((_("Regions"), [(r, r) for r in regions.regions]))
    return choices


class RedundancyForm(forms.Form):
    """The redundancy section's own parameters, shown in the filter bar after the shared
    filters: how close in time and how alike two activities must be, and how many pairs to
    list. `Parameters.parse` (analytics/sections/redundancy.py) checks them; `errors` are
    its reasons, put on the fields."""

    def __init__(self, data: Mapping[str, str], *, errors: Mapping[str, str]) -> None:
        names = ("window_days", "threshold", "limit")
        super().__init__({name: str(data.get(name, "")).strip() for name in names})
        defaults = Parameters.defaults()  # shown as placeholders: what an empty box means
        numeric = {"inputmode": "numeric", "maxlength": 4}
        self.fields["window_days"] = forms.CharField(
            required=False, label=_("Days apart at most"),
            widget=forms.TextInput(attrs={**numeric, "placeholder": defaults.window_days}),
        )  # fmt: skip
        self.fields["threshold"] = forms.CharField(
            required=False, label=_("Similarity at least"),
            widget=forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 6,
                                          "placeholder": defaults.threshold}),
        )  # fmt: skip
        self.fields["limit"] = forms.CharField(
            required=False, label=_("Pairs listed"),
            widget=forms.TextInput(attrs={**numeric, "placeholder": defaults.limit}),
        )  # fmt: skip
        self.is_valid()
        for name, reason in errors.items():
            if name in self.fields:
                self.add_error(name, str(reason))

    def error_messages(self) -> list[str]:
        return [
            f"{self.fields[name].label}: {message}"
            for name, errors in self.errors.items()
            for message in errors
        ]
