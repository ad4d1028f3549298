"""Area balance (issue 6, item 1) as a page: a heat table of activities per area and year
with the crowded and neglected flags, a bar chart of supply against demand per area over the
selected years, every figure in a table, and a drill-down per area to its activities and
(for the readers who may see them) its partners.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from coopsec.activities.models import ActivityType
from coopsec.analytics import access, selectors
from coopsec.analytics.measures import rounded
from coopsec.analytics.sections.area_balance import AreaBalance, AreaYear
from coopsec.analytics.views.base import (
    AnalyticsPage,
    open_page,
    partner_names,
    percent,
    project_errors,
    year_span,
)

HEAT_LEVELS = 5


@dataclass(frozen=True)
class Cell:
    """One area in one year, as the heat table and the full table show it."""

    row: AreaYear
    heat: int  # 0 (no activity) .. HEAT_LEVELS (the busiest cell)
    fill_rate: float | None  # percent
    demand_ratio: float | None


@dataclass(frozen=True)
class AreaLine:
    """One area over the selected years."""

    code: str
    name: str
    cells: list[Cell]
    activities: int
    seats: int
    nominations: int | None  # None when a year's demand is withheld from the reader
    flag: str | None  # the flag most of its years carry

    @property
    def flagged_years(self) -> int:
        return sum(1 for c in self.cells if c.row.flag is not None)


def _flag_of(rows: list[AreaYear]) -> str | None:
    """The flag most of the years carry (the latest such year breaks a tie)."""
    counts = Counter(r.flag for r in rows if r.flag is not None)
    if not counts:
        return None
    best = max(counts.values())
    return next(r.flag for r in reversed(rows) if r.flag is not None and counts[r.flag] == best)


def area_lines(found: AreaBalance, page: AnalyticsPage) -> list[AreaLine]:
    busiest = max((r.activities for r in found.rows), default=0)
    by_area: dict[str, list[AreaYear]] = {}
    for r in found.rows:
        by_area.setdefault(r.area, []).append(r)
    lines = []
    for code, rows in by_area.items():
        cells = [
            Cell(
                row=r,
                heat=math.ceil(HEAT_LEVELS * r.activities / busiest) if busiest else 0,
                fill_rate=percent(r.fill_rate),
                demand_ratio=rounded(r.demand_ratio),
            )
            for r in rows
        ]
        withheld = any(r.nominations is None for r in rows)
        lines.append(
            AreaLine(
                code=code,
                name=page.area_name(code),
                cells=cells,
                activities=sum(r.activities for r in rows),
                seats=sum(r.seats for r in rows),
                nominations=None if withheld else sum(r.nominations or 0 for r in rows),
                flag=_flag_of(rows),
            )
        )
    return lines


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
        lines = area_lines(found, page)
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
