"""Interest overlap (issue 6, item 2) as a page: the histogram of the partners' overlap
scores with their mean and median, the same per framework and per region, the areas the
alliance offers without being asked and the reverse, and the partners' rows (a liaison: its
own)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from coopsec.analytics import access, selectors
from coopsec.analytics.measures import HISTOGRAM_BINS, rounded
from coopsec.analytics.presentation import partner_names
from coopsec.analytics.sections.overlap import Distribution
from coopsec.analytics.views.base import open_page, project_errors


@dataclass(frozen=True)
class Group:
    """A distribution as a table row: a framework or a region, or everyone."""

    label: str
    name: str
    partners: int
    mean: float | None
    median: float | None
    withheld: bool


def _group(label: str, name: str, d: Distribution) -> Group:
    return Group(label, name, d.partners, rounded(d.mean), rounded(d.median), d.withheld)


def _bins() -> list[str]:
    return [
        f"{k / HISTOGRAM_BINS:.1f}\N{EN DASH}{(k + 1) / HISTOGRAM_BINS:.1f}"
        for k in range(HISTOGRAM_BINS)
    ]


@login_required
@project_errors
def overlap(request: HttpRequest) -> HttpResponse:
    """The distribution of overlap scores, per group, and the areas' mismatches."""
    page = open_page(request, access.OVERLAP)
    context: dict[str, Any] = {}
    if page.filters is not None:
        found = selectors.interest_overlap(actor=page.actor, filters=page.filters)
        names = partner_names(page.actor, (r.partner for r in found.rows))
        bins = _bins()
        context = {
            "found": found,
            "overall": _group("", _("Every partner scored"), found.overall),
            "histogram": list(zip(bins, found.overall.histogram or [], strict=False)),
            "by_framework": [
                _group(code, page.frameworks.get(code, code), d)
                for code, d in found.by_framework.items()
            ],
            "by_region": [_group(region, region, d) for region, d in found.by_region.items()],
            "areas": None
            if found.areas is None
            else [(page.area_name(a.area), a) for a in found.areas],
            "rows": [
                {
                    "row": r,
                    "name": names.get(r.partner, ""),
                    "score": rounded(r.score),
                    "asked_not_offered": [page.area_name(a) for a in r.asked_not_offered],
                    "offered_not_asked": [page.area_name(a) for a in r.offered_not_asked],
                }
                for r in found.rows
            ],
            "ignored": [str(page.form.fields[name].label) for name in found.ignored],
            "chart": {
                "labels": bins,
                "partners": found.overall.histogram,
                "mean": rounded(found.overall.mean),
                "median": rounded(found.overall.median),
                "text": {
                    "partners": _("Partners"),
                    "xTitle": _("Overlap score (0: nothing in common, 1: offered as asked)"),
                    "yTitle": _("Partners"),
                },
            },
        }
    return page.render(request, "analytics/overlap.html", context)
