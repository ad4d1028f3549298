"""Area balance (issue 6, item 1) as a page: a heat table of activities per area and year
with the crowded and neglected flags, a bar chart of supply against demand per area over the
selected years, every figure in a table, and a drill-down per area to its activities and
(for the readers who may see them) its partners.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from coopsec.activities.models import ActivityType
from coopsec.analytics import access, selectors
from coopsec.analytics.measures import rounded
from coopsec.analytics.presentation import (
    AreaLine,
    area_lines,
    partner_names,
    percent,
    year_span,
)
from coopsec.analytics.views.base import open_page, project_errors


def _chart(lines: list[AreaLine]) -> dict[str, Any]:
    """What analytics-area-balance.js draws: seats offered against demand per area."""
    return {
        "labels": [line.name for line in lines],
        "seats": [line.seats for line in lines],
        "nominations": [line.nominations for line in lines],
        "flags": [line.flag for line in lines],
        "text": {
            "seats": _("Seats offered"),
            "nominations": _("Nominations (demand)"),
            "crowded": _("crowded"),
            "neglected": _("neglected"),
            "withheld": _("withheld"),
            "yTitle": _("Seats and nominations"),
        },
    }


@login_required
@project_errors
def area_balance(request: HttpRequest) -> HttpResponse:
    """Supply and demand per area and year, the flags, the chart and the tables."""
    page = open_page(request, access.AREA_BALANCE)
    context: dict[str, Any] = {}
    if page.filters is not None:
        found = selectors.area_balance(actor=page.actor, filters=page.filters)
        lines = area_lines(found, page.area_name)
        years = [t.year for t in found.years]
        context = {
            "found": found,
            "years": years,
            "span": year_span(years),
            "lines": lines,
            "chart": _chart(lines),
            "totals": [
                {
                    "row": t,
                    "fill_rate": percent(t.fill_rate),
                    "demand_ratio": rounded(t.demand_ratio),
                    "mean": rounded(t.mean_activities_per_area),
                }
                for t in found.years
            ],
            "crowded": [line for line in lines if line.flag == "crowded"],
            "neglected": [line for line in lines if line.flag == "neglected"],
            "withheld": any(line.nominations is None for line in lines),
        }
    return page.render(request, "analytics/area_balance.html", context)


def _type_label(code: str) -> str:
    return str(ActivityType(code).label) if code in ActivityType.values else code


@login_required
@project_errors
def area_detail(request: HttpRequest, area: str) -> HttpResponse:
    """One area's offered activities with their demand, and the partners' demand in it
    (every partner for staff, a liaison's own, none for institution managers)."""
    page = open_page(request, access.AREA_BALANCE, with_area=False)
    context: dict[str, Any] = {"area_code": area}
    if page.filters is not None:
        found = selectors.area_drill_down(actor=page.actor, filters=page.filters, area=area)
        names = partner_names(page.actor, (p.partner for p in found.partners or []))
        context = {
            "found": found,
            "area_code": found.area,
            "area_name": page.area_name(found.area),
            "activities": [(a, _type_label(a.type)) for a in found.activities],
            "partners": None
            if found.partners is None
            else [(p, names.get(p.partner, "")) for p in found.partners],
            "seats": sum(a.seats for a in found.activities),
        }
    else:
        context["area_name"] = page.area_name(area)
    return page.render(request, "analytics/area_detail.html", context)
