"""Query-string forms of the registry's pages: the as-of date and the organization filters.

Every form here reads GET parameters, so a page's state lives in its URL and can be
bookmarked. A value that does not parse is reported on the page and left out; it never
turns into a server error.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from coopsec.network import dates
from coopsec.network.models import Framework, OrganizationKind
from coopsec.network.selectors import RegionChoices

ISO_DATE = "%Y-%m-%d"


class IsoDateField(forms.DateField):
    """A YYYY-MM-DD date whose error message quotes what was typed."""

    default_error_messages = {
        "invalid": _("“%(value)s” is not a valid date; use the form YYYY-MM-DD."),
    }
    widget = forms.DateInput(attrs={"type": "date"}, format=ISO_DATE)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", [ISO_DATE])
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:
        try:
            return super().to_python(value)
        except ValidationError as exc:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from exc


class AsOfForm(forms.Form):
    """The date a page answers for; today when none is given or it is not a date."""

    as_of = IsoDateField(required=False, label=_("As of"))

    def as_of_date(self) -> date:
        """The valid date asked for, else today."""
        if self.is_bound and self.is_valid() and self.cleaned_data["as_of"]:
            value: date = self.cleaned_data["as_of"]
            return value
        return dates.today()

    def error_messages(self) -> list[str]:
        """Each reason a parameter was rejected, for display on the page."""
        if not self.is_bound:
            return []
        return [str(message) for errors in self.errors.values() for message in errors]


class OrganizationFilterForm(AsOfForm):
    """Filters of the organization list. The as-of date is optional here: blank means any
    time, not today."""

    q = forms.CharField(
        required=False,
        max_length=100,
        label=_("Search"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, code or city")}),
    )
    kind = forms.ChoiceField(required=False, label=_("Kind"))
    framework = forms.CharField(
        required=False,
        max_length=16,
        label=_("Framework"),
        widget=forms.Select,
    )
    region = forms.CharField(required=False, max_length=60, label=_("Region"), widget=forms.Select)
    as_of = IsoDateField(required=False, label=_("In the network on"))

    field_order = ["q", "kind", "framework", "region", "as_of"]

    def __init__(
        self,
        data: Any = None,
        *,
        frameworks: Iterable[Framework],
        regions: RegionChoices,
    ) -> None:
        super().__init__(data)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", _("Any kind")), *OrganizationKind.choices]
        framework_widget = self.fields["framework"].widget
        assert isinstance(framework_widget, forms.Select)
        framework_widget.choices = [
            ("", _("Any framework")),
            *((fw.code, f"{fw.code} — {fw.name}") for fw in frameworks),
        ]
        region_widget = self.fields["region"].widget
        assert isinstance(region_widget, forms.Select)
        region_widget.choices = [
            ("", _("Any region")),
            (_("Continents"), [(c, c) for c in regions.continents]),
            (_("Regions"), [(r, r) for r in regions.regions]),
        ]

    def filters(self) -> dict[str, Any]:
        """The valid filters as keyword arguments of `selectors.organization_list`; a
        rejected value is left out (its reason is in `error_messages()`)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        cleaned = self.cleaned_data
        return {
            name: cleaned.get(name) or None
            for name in ("kind", "framework", "region", "as_of", "q")
        }
