"""Attention balance (issue 6, item 3) as a page: the seats each partner received in a year,
operational and non-operational partners in two colours; the Lorenz curve of seats with the
Gini coefficient per year; the trend of the Gini coefficient and of the ratio of the two
groups' mean seats; every figure in tables.

A liaison receives its own partner's rows only: its chart shows its own seats per year, and
the curves and ratios are the anonymous aggregates the API gives it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from coopsec.analytics import access, selectors
from coopsec.analytics.measures import rounded
from coopsec.analytics.presentation import partner_names, year_span
from coopsec.analytics.sections.attention import Attention, AttentionYear, PartnerYear
from coopsec.analytics.views.base import open_page, project_errors

# Lorenz curves drawn at once (the latest years); the table has every year's Gini.
LORENZ_YEARS = 6


def _chosen_year(request: HttpRequest, years: list[int]) -> int | None:
    """The year of the per-partner chart: `?year=` when it is in the range, else the last."""
    text = request.GET.get("year", "")
    if text.isdigit() and int(text) in years:
        return int(text)
    return years[-1] if years else None


def _year_row(y: AttentionYear) -> dict[str, Any]:
    return {
        "row": y,
        "gini": rounded(y.gini),
        "mean_seats_operational": rounded(y.mean_seats_operational),
        "mean_seats_other": rounded(y.mean_seats_other),
        "operational_ratio": rounded(y.operational_ratio),
    }


def _partner_chart(rows: list[PartnerYear], year: int | None, own: bool) -> dict[str, Any]:
    """Seats per partner in one year, most first (staff); a liaison's own seats per year."""
    if own:
        shown = sorted(rows, key=lambda r: r.year)
        labels = [str(r.year) for r in shown]
    else:
        shown = sorted((r for r in rows if r.year == year), key=lambda r: (-r.seats, r.partner))
        labels = [r.partner for r in shown]
    return {
        "labels": labels,
        "seats": [r.seats for r in shown],
        "operational": [r.operational for r in shown],
        "text": {
            "operational": _("Operational partner"),
            "other": _("Non-operational partner"),
            "yTitle": _("Seats received"),
        },
    }


def _curves(found: Attention) -> dict[str, Any]:
    """The Lorenz curves of the latest years and the trend of Gini and ratio."""
    with_curve = [y for y in found.years if y.lorenz is not None][-LORENZ_YEARS:]
    return {
        "lorenz": [
            {
                "label": _("%(year)s (Gini %(gini)s)")
                % {"year": y.year, "gini": f"{rounded(y.gini) or 0:.2f}"},
                "points": [[rounded(x), rounded(s)] for x, s in y.lorenz or []],
            }
            for y in with_curve
        ],
        "years": [y.year for y in found.years],
        "gini": [rounded(y.gini) for y in found.years],
        "ratio": [rounded(y.operational_ratio) for y in found.years],
        "text": {
            "equality": _("Perfect equality"),
            "xTitle": _("Share of partners (fewest seats first)"),
            "yTitle": _("Share of seats"),
            "gini": _("Gini coefficient of seats"),
            "ratio": _("Operational / non-operational mean seats"),
            "parity": _("Parity (ratio 1)"),
        },
    }


@login_required
@project_errors
def attention(request: HttpRequest) -> HttpResponse:
    """Seats per partner by operational status, their spread and its trend."""
    page = open_page(request, access.ATTENTION)
    context: dict[str, Any] = {}
    if page.filters is not None:
        found = selectors.attention(actor=page.actor, filters=page.filters)
        years = [y.year for y in found.years]
        year = _chosen_year(request, years)
        own = not found.reader.names_partners
        names = partner_names(page.actor, (r.partner for r in found.rows))
        shown = [r for r in found.rows if own or r.year == year]
        context = {
            "found": found,
            "years": years,
            "span": year_span(years),
            "year": year,
            "year_links": [
                (y, "?" + "&".join(q for q in (page.form.query, f"year={y}") if q)) for y in years
            ],
            "own": own,
            "year_rows": [_year_row(y) for y in found.years],
            "latest": _year_row(found.years[-1]) if found.years else None,
            "partner_rows": [
                (r, names.get(r.partner, ""))
                for r in sorted(shown, key=lambda r: (r.year, -r.seats, r.partner))
            ],
            "partner_chart": _partner_chart(found.rows, year, own),
            "curves": _curves(found),
        }
    return page.render(request, "analytics/attention.html", context)
