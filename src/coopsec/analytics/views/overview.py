"""The analytics overview: one card per section the reader may open, with its headline
figures under the filters and a link to the section (filters carried along)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from coopsec.analytics import access, selectors
from coopsec.analytics.filters import Filters
from coopsec.analytics.measures import rounded
from coopsec.analytics.presentation import area_lines, year_span
from coopsec.analytics.sections.network import network
from coopsec.analytics.sections.redundancy import Parameters, redundancy
from coopsec.analytics.views.base import (
    REDUNDANCY,
    AnalyticsPage,
    actor_for,
    open_page,
    project_errors,
    tabs,
)
from coopsec.errors import Forbidden

OVERVIEW = "overview"


@dataclass
class Headline:
    """One section's card: its figures as (label, value, hint, decimals shown; 0 for a
    count) and lines of words."""

    section: str
    figures: list[tuple[str, Any, str, int]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def _area_balance(page: AnalyticsPage, filters: Filters) -> Headline:
    found = selectors.area_balance(actor=page.actor, filters=filters)
    lines = area_lines(found, page.area_name)
    crowded = [line.name for line in lines if line.flag == "crowded"]
    neglected = [line.name for line in lines if line.flag == "neglected"]
    card = Headline(access.AREA_BALANCE)
    card.figures = [
        (_("Crowded areas"), len(crowded), ", ".join(crowded), 0),
        (_("Neglected areas"), len(neglected), ", ".join(neglected), 0),
    ]
    card.lines = [
        _("%(activities)s activities, %(seats)s seats in %(span)s.")
        % {
            "activities": sum(line.activities for line in lines),
            "seats": sum(line.seats for line in lines),
            "span": year_span([t.year for t in found.years]) or "\N{EM DASH}",
        }
    ]
    return card


def _overlap(page: AnalyticsPage, filters: Filters) -> Headline:
    found = selectors.interest_overlap(actor=page.actor, filters=filters)
    card = Headline(access.OVERLAP)
    card.figures = [
        (_("Mean overlap score"), rounded(found.overall.mean), _("0 to 1"), 2),
        (_("Partners scored"), found.overall.partners, "", 0),
    ]
    card.lines = [_("Interests in force on %(date)s.") % {"date": found.as_of.isoformat()}]
    return card


def _attention(page: AnalyticsPage, filters: Filters) -> Headline:
    found = selectors.attention(actor=page.actor, filters=filters)
    card = Headline(access.ATTENTION)
    if found.years:
        last = found.years[-1]
        hint = str(last.year)
        card.figures = [
            (_("Gini coefficient of seats"), rounded(last.gini), hint, 2),
            (_("Operational / other mean seats"), rounded(last.operational_ratio), hint, 2),
        ]
    return card


def _depth_breadth(page: AnalyticsPage, filters: Filters) -> Headline:
    found = selectors.depth_breadth(actor=page.actor, filters=filters)
    card = Headline(access.DEPTH_BREADTH)
    if found.rows:
        last = found.rows[-1]
        hint = str(last.year)
        card.figures = [
            (_("Partners engaged"), last.partners_engaged, hint, 0),
            (_("Mean activities per partner"), rounded(last.mean_depth), hint, 2),
        ]
    if found.changes:
        change = found.changes[-1]
        words = {
            (True, True): _("In %(year)s the network widened and deepened."),
            (True, False): _("In %(year)s the network widened but did not deepen."),
            (False, True): _("In %(year)s the network deepened but did not widen."),
            (False, False): _("In %(year)s the network neither widened nor deepened."),
            (True, None): _("In %(year)s the network widened."),
            (False, None): _("In %(year)s the network did not widen."),
        }[(change.widened, change.deepened)]
        card.lines = [words % {"year": change.year}]
    return card


def _network(page: AnalyticsPage, filters: Filters) -> Headline:
    found = network(actor=page.actor, filters=filters)
    card = Headline(access.NETWORK)
    card.figures = [
        (_("Partners linked"), found.partners, _("holding a seat"), 0),
        (_("Communities"), found.community_count, "", 0),
    ]
    if found.cross_framework_share is not None:
        card.lines = [
            _("%(share)s%% of the links' weight crosses framework lines.")
            % {"share": f"{100 * found.cross_framework_share:.0f}"}
        ]
    return card


def _redundancy(page: AnalyticsPage, filters: Filters) -> Headline:
    found = redundancy(actor=page.actor, filters=filters, parameters=Parameters.defaults())
    card = Headline(REDUNDANCY)
    card.figures = [
        (_("Look-alike pairs"), found.pairs, _("with the default thresholds"), 0),
        (_("Seats involved"), found.seats, "", 0),
    ]
    return card


HEADLINES = {
    access.AREA_BALANCE: _area_balance,
    access.OVERLAP: _overlap,
    access.ATTENTION: _attention,
    access.DEPTH_BREADTH: _depth_breadth,
    access.NETWORK: _network,
    REDUNDANCY: _redundancy,
}


@login_required
@project_errors
def overview(request: HttpRequest) -> HttpResponse:
    """Every section the reader may open, with its headline figures. Readers who may open
    none (auditors) get 403."""
    actor = actor_for(request)
    readable = [s for s in access.SECTIONS if access.can_view_section(actor, s)]
    if not readable:
        raise Forbidden(_("Your role does not give access to the analytics."))
    # The first readable section's rule admits the reader; the tabs mark no section.
    page = replace(open_page(request, readable[0]), section=OVERVIEW)
    cards: list[tuple[Any, Headline]] = []
    if page.filters is not None:
        for tab in tabs(actor, OVERVIEW, page.form.query):
            headline = HEADLINES.get(tab.section)
            if headline is not None:
                cards.append((tab, headline(page, page.filters)))
    return page.render(request, "analytics/overview.html", {"cards": cards})
