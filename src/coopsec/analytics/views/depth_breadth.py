"""Depth versus breadth (issue 6, item 4) as a page: per year the partners engaged
(breadth) as bars and the median and mean activities per engaged partner (depth) as lines,
the Herfindahl concentration of seats, and the year-on-year widening/deepening."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from coopsec.analytics import access, selectors
from coopsec.analytics.measures import rounded
from coopsec.analytics.presentation import year_span
from coopsec.analytics.views.base import open_page, project_errors, signed


@login_required
@project_errors
def depth_breadth(request: HttpRequest) -> HttpResponse:
    """Breadth, depth and concentration per year, and the changes between years."""
    page = open_page(request, access.DEPTH_BREADTH)
    context: dict[str, Any] = {}
    if page.filters is not None:
        found = selectors.depth_breadth(actor=page.actor, filters=page.filters)
        years = [r.year for r in found.rows]
        changes = {c.year: c for c in found.changes}
        context = {
            "found": found,
            "span": year_span(years),
            "rows": [
                {
                    "row": r,
                    "median_depth": rounded(r.median_depth),
                    "mean_depth": rounded(r.mean_depth),
                    "hhi": rounded(r.hhi),
                    "change": changes.get(r.year),
                    "mean_depth_change": signed(changes[r.year].mean_depth_change)
                    if r.year in changes
                    else "",
                }
                for r in found.rows
            ],
            "chart": {
                "years": years,
                "breadth": [r.partners_engaged for r in found.rows],
                "median": [rounded(r.median_depth) for r in found.rows],
                "mean": [rounded(r.mean_depth) for r in found.rows],
                "hhi": [rounded(r.hhi) for r in found.rows],
                "text": {
                    "breadth": _("Partners engaged (breadth)"),
                    "median": _("Median activities per partner (depth)"),
                    "mean": _("Mean activities per partner (depth)"),
                    "hhi": _("Concentration of seats (HHI)"),
                    "yBreadth": _("Partners"),
                    "yDepth": _("Activities per partner"),
                },
            },
        }
    return page.render(request, "analytics/depth_breadth.html", context)
