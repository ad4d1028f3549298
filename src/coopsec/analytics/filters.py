"""The filters every analytics section shares (issue 6, item 7), as the URL carries them:
`from`, `to` (years), `framework`, `region`, `area`, `host`, `type`.

`Filters.parse` checks every parameter at once and raises Invalid naming each bad one;
the parsed codes are canonical (as stored), so the Q objects need no further look-up.
docs/analytics.md, "Filters", says which side of the data each filter narrows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from coopsec.activities.models import ActivityType, CooperationArea
from coopsec.errors import Invalid
from coopsec.network.models import Framework, Organization

PARAMETERS = ("from", "to", "framework", "region", "area", "host", "type")
FIRST_YEAR, LAST_YEAR = 1900, 2100
# Sections list every year of the range (zeros included): a bound on the rows one call makes.
MAX_YEARS = 30


@dataclass(frozen=True)
class Filters:
    """Parsed filters; empty strings and None mean "not filtered"."""

    year_from: int | None = None
    year_to: int | None = None
    framework: str = ""  # framework code
    region: str = ""  # a region or continent, as organizations are filed under it
    area: str = ""  # area code (a group stands for itself and its areas)
    host: str = ""  # host organization code
    type: str = ""  # activity type

    @classmethod
    def parse(cls, params: Mapping[str, str | None]) -> Filters:
        """Filters from query parameters. Raises Invalid with one entry per bad parameter."""
        values = {name: (params.get(name) or "").strip() for name in PARAMETERS}
        errors: dict[str, str] = {}
        years: dict[str, int | None] = {}
        for name in ("from", "to"):
            years[name] = _year(values[name], name, errors)
        year_from, year_to = years["from"], years["to"]
        if year_from is not None and year_to is not None:
            if year_to < year_from:
                errors["to"] = _("'to' (%(to)s) is before 'from' (%(from)s).") % {
                    "to": year_to, "from": year_from
                }  # fmt: skip
            elif year_to - year_from + 1 > MAX_YEARS:
                errors["to"] = _("A range covers at most %(n)s years.") % {"n": MAX_YEARS}
        framework = _framework(values["framework"], errors)
        region = _region(values["region"], errors)
        area = _area(values["area"], errors)
        host = _host(values["host"], errors)
        kind = values["type"]
        if kind and kind not in ActivityType.values:
            errors["type"] = _("'%(value)s' is not an activity type; use one of %(types)s.") % {
                "value": kind, "types": ", ".join(ActivityType.values)
            }  # fmt: skip
        if errors:
            raise Invalid(_("The analytics filters are not valid."), details=errors)
        return cls(year_from, year_to, framework, region, area, host, kind)

    def as_params(self) -> dict[str, str | int | None]:
        """The filters as query parameters (None: not filtered), to echo in an answer."""
        return {
            "from": self.year_from, "to": self.year_to, "framework": self.framework or None,
            "region": self.region or None, "area": self.area or None,
            "host": self.host or None, "type": self.type or None,
        }  # fmt: skip

    def activity_q(self, prefix: str = "", *, with_area: bool = True) -> Q:
        """The activity side: start year in the range, primary area (a group: its areas too),
        host and type. `prefix` reaches the activity from another model ("activity__")."""
        q = Q()
        if self.year_from is not None:
            q &= Q(**{f"{prefix}start__gte": date(self.year_from, 1, 1)})
        if self.year_to is not None:
            q &= Q(**{f"{prefix}start__lte": date(self.year_to, 12, 31)})
        if self.area and with_area:
            q &= Q(**{f"{prefix}primary_area__code": self.area}) | Q(
                **{f"{prefix}primary_area__parent__code": self.area}
            )
        if self.host:
            q &= Q(**{f"{prefix}host__code": self.host})
        if self.type:
            q &= Q(**{f"{prefix}type": self.type})
        return q

    def region_q(self, prefix: str = "") -> Q:
        """The partner side's region (or continent); empty Q when not filtered."""
        if not self.region:
            return Q()
        return Q(**{f"{prefix}region__iexact": self.region}) | Q(
            **{f"{prefix}continent__iexact": self.region}
        )

    def area_matches(self, code: str, parent: str | None) -> bool:
        """Does an area (with its parent's code) fall under the area filter?"""
        return not self.area or self.area in (code, parent)


def _year(text: str, name: str, errors: dict[str, str]) -> int | None:
    if not text:
        return None
    if not re.fullmatch(r"[0-9]{4}", text) or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        errors[name] = _("'%(value)s' is not a year between %(first)s and %(last)s.") % {
            "value": text, "first": FIRST_YEAR, "last": LAST_YEAR
        }  # fmt: skip
        return None
    return int(text)


def _framework(text: str, errors: dict[str, str]) -> str:
    if not text:
        return ""
    code = Framework.objects.filter(code__iexact=text).values_list("code", flat=True).first()
    if code is None:
        errors["framework"] = _("No framework with code '%(value)s'.") % {"value": text}
        return ""
    return code


def _region(text: str, errors: dict[str, str]) -> str:
    if not text:
        return ""
    match = (
        Organization.objects.filter(Q(region__iexact=text) | Q(continent__iexact=text))
        .values_list("region", "continent")
        .first()
    )
    if match is None:
        errors["region"] = _("No organization is filed under the region '%(value)s'.") % {
            "value": text
        }
        return ""
    region, continent = match
    return region if region.lower() == text.lower() else continent


def _area(text: str, errors: dict[str, str]) -> str:
    if not text:
        return ""
    code = CooperationArea.objects.filter(code__iexact=text).values_list("code", flat=True).first()
    if code is None:
        errors["area"] = _("No cooperation area '%(value)s'.") % {"value": text}
        return ""
    return code


def _host(text: str, errors: dict[str, str]) -> str:
    if not text:
        return ""
    code = (
        Organization.objects.filter(Q(code__iexact=text) | Q(iso3__iexact=text))
        .values_list("code", flat=True)
        .first()
    )
    if code is None:
        errors["host"] = _("No organization with code '%(value)s'.") % {"value": text}
        return ""
    return code
