"""Redundancy (issue 6, item 6): pairs of offered activities that look like duplicates —
the same primary area, dates overlapping or at most `window_days` apart, different hosts,
and titles and descriptions alike enough (`analytics/similarity.py`) — ranked by score, with
the seats and cost they involve.

docs/analytics.md, "Redundancy", defines every figure. The pairs are found per area by
sorting the activities by start date and sweeping the window (`analytics/duplicates.py`):
never every pair of every activity, and the seats, cost and counts are added up without
listing every pair.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import DecimalField, ExpressionWrapper, F, Max
from django.utils.translation import gettext as _

from coopsec.accounts.actor import Actor
from coopsec.analytics.access import can_view_redundancy
from coopsec.analytics.duplicates import Found, Offer, collector_paused, find_pairs
from coopsec.analytics.filters import Filters
from coopsec.analytics.measures import rounded
from coopsec.analytics.sections.base import offered_activities
from coopsec.analytics.sections.cache import kept
from coopsec.errors import Forbidden, Invalid

DEFAULT_WINDOW_DAYS = 45
DEFAULT_THRESHOLD = 0.8
DEFAULT_LIMIT = 100
MAX_WINDOW_DAYS = 366
MAX_LIMIT = 1000
# Filters that say nothing about an activity (they narrow partners): not applied here.
PARTNER_SIDE = ("framework", "region")

# --- who reads it ---------------------------------------------------------------------------


# --- parameters -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameters:
    """How close in time and how alike two activities must be, and how many pairs to list."""

    window_days: int
    threshold: float
    limit: int

    @classmethod
    def defaults(cls) -> Parameters:
        """The defaults, which a deployment may change in `COOPSEC_ANALYTICS`
        (`redundancy_window_days`, `redundancy_threshold`)."""
        conf: Mapping[str, Any] = settings.COOPSEC_ANALYTICS
        return cls(
            window_days=int(conf.get("redundancy_window_days", DEFAULT_WINDOW_DAYS)),
            threshold=float(conf.get("redundancy_threshold", DEFAULT_THRESHOLD)),
            limit=DEFAULT_LIMIT,
        )

    @classmethod
    def parse(cls, params: Mapping[str, str | None], errors: dict[str, str]) -> Parameters:
        """`window_days`, `threshold` and `limit` from query parameters (empty: the default);
        each bad one is added to `errors`."""
        found = cls.defaults()
        window = _whole(params, "window_days", 0, MAX_WINDOW_DAYS, errors)
        limit = _whole(params, "limit", 1, MAX_LIMIT, errors)
        threshold = found.threshold
        text = (params.get("threshold") or "").strip()
        if text:
            try:
                threshold = float(text)
            except ValueError:
                threshold = -1.0
            if not 0 < threshold <= 1:  # also refuses nan
                errors["threshold"] = _(
                    "'%(value)s' is not a score above 0 and at most 1 (e.g. 0.8)."
                ) % {"value": text}
        return cls(
            window_days=found.window_days if window is None else window,
            threshold=threshold,
            limit=found.limit if limit is None else limit,
        )


def _whole(
    params: Mapping[str, str | None], name: str, least: int, most: int, errors: dict[str, str]
) -> int | None:
    text = (params.get(name) or "").strip()
    if not text:
        return None
    if not re.fullmatch(r"[0-9]{1,9}", text) or not least <= int(text) <= most:
        errors[name] = _("'%(value)s' is not a whole number from %(least)s to %(most)s.") % {
            "value": text, "least": least, "most": most
        }  # fmt: skip
        return None
    return int(text)


def parse(params: Mapping[str, str | None]) -> tuple[Filters, Parameters]:
    """The shared filters and this section's parameters. Raises Invalid naming every bad
    parameter at once."""
    errors: dict[str, str] = {}
    filters = Filters()
    try:
        filters = Filters.parse(params)
    except Invalid as exc:
        errors.update(exc.details if isinstance(exc.details, dict) else {})
    parameters = Parameters.parse(params, errors)
    if errors:
        raise Invalid(_("The redundancy parameters are not valid."), details=errors)
    return filters, parameters


# --- the answer -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One activity of a pair; `cost` is its seats times its cost per seat."""

    code: str
    title: str
    host: str
    start: date
    end: date
    seats: int
    cost: Decimal


@dataclass(frozen=True)
class Pair:
    """Two activities that look like duplicates; `a` starts first (then by code)."""

    a: Side
    b: Side
    area: str
    days_apart: int
    title_similarity: float | None
    text_similarity: float | None
    score: float
    seats: int  # both activities' seats
    cost: Decimal  # both activities' cost


@dataclass(frozen=True)
class AreaTotal:
    """An area's pairs, and the activities in at least one of them (each counted once)."""

    area: str
    pairs: int
    activities: int
    seats: int
    cost: Decimal


@dataclass(frozen=True)
class Redundancy:
    filters: Filters
    parameters: Parameters
    rows: list[Pair]  # the `limit` best pairs
    pairs: int  # every pair
    activities: int
    seats: int
    cost: Decimal
    by_area: list[AreaTotal]
    ignored: list[str]  # filters given that do not apply


def redundancy(
    *, actor: Actor, filters: Filters, parameters: Parameters, strategy: str | None = None
) -> Redundancy:
    """The pairs of offered activities the actor may see that look like duplicates.

    A pair belongs to the year its first activity starts in, so the year filter narrows the
    first activity (the second may start after `to`); `host` keeps the pairs one of whose
    activities it hosts; `area` and `type` narrow both. `strategy` forces the pair finder's
    method (tests). Raises Forbidden for roles that may not read it. Kept per data version
    (`sections/cache.py`).
    """
    if not can_view_redundancy(actor):
        raise Forbidden(_("Your role does not give access to this analytics section."))
    return kept(
        "redundancy",
        actor=actor,
        arguments=(filters, parameters, strategy),
        compute=lambda: _redundancy(actor, filters, parameters, strategy),
    )


def _redundancy(
    actor: Actor, filters: Filters, parameters: Parameters, strategy: str | None
) -> Redundancy:
    # The rows read and the word sets made are many containers and no cycle: the collector
    # would only slow the answer down (docs/analytics.md, "Redundancy").
    with collector_paused():
        offers, last_day = _offers(actor, filters, parameters)
        found = find_pairs(
            offers,
            window_days=parameters.window_days,
            threshold=parameters.threshold,
            limit=parameters.limit,
            host=filters.host or None,
            last_day=last_day,
            strategy=strategy,
        )
        return _assemble(filters, parameters, offers, found)


def _offers(
    actor: Actor, filters: Filters, parameters: Parameters
) -> tuple[list[Offer], date | None]:
    """The offered activities a pair may be made of (in no order: the finder sorts them), and
    the last day a pair's first activity may start on (None: no limit)."""
    activities = offered_activities(actor, replace(filters, host="", year_to=None))
    last_day = None if filters.year_to is None else date(filters.year_to, 12, 31)
    if last_day is not None:
        # A second activity may start up to the window after the first one's end.
        last_end = activities.filter(start__lte=last_day).aggregate(last=Max("end"))["last"]
        if last_end is None:
            return [], last_day
        activities = activities.filter(
            start__lte=max(last_day, last_end + timedelta(days=parameters.window_days))
        )
    per_seat = ExpressionWrapper(
        F("tuition_cost") + F("accommodation_cost"),
        output_field=DecimalField(max_digits=11, decimal_places=2),
    )
    rows = (
        activities.annotate(seat_cost=per_seat)
        .values_list(
            "code", "title", "title_fr", "description", "description_fr", "host__code",
            "primary_area__code", "start", "end", "seats", "seat_cost",
        )
        .order_by()
    )  # fmt: skip
    return list(itertools.starmap(Offer, rows)), last_day


def _side(offer: Offer) -> Side:
    return Side(
        code=offer.code,
        title=offer.title,
        host=offer.host,
        start=offer.start,
        end=offer.end,
        seats=offer.seats,
        cost=offer.seats * offer.cost_per_seat,
    )


def _assemble(
    filters: Filters, parameters: Parameters, offers: list[Offer], found: Found
) -> Redundancy:
    rows = []
    for listed in found.best:
        a, b = _side(offers[listed.a]), _side(offers[listed.b])
        rows.append(
            Pair(
                a=a,
                b=b,
                area=offers[listed.a].area,
                days_apart=listed.days_apart,
                title_similarity=rounded(listed.title_similarity),
                text_similarity=rounded(listed.text_similarity),
                score=listed.score,
                seats=a.seats + b.seats,
                cost=a.cost + b.cost,
            )
        )
    involved: dict[str, list[Offer]] = defaultdict(list)
    for index in found.involved:
        involved[offers[index].area].append(offers[index])
    by_area = [
        AreaTotal(
            area=area,
            pairs=count,
            activities=len(involved[area]),
            seats=sum(o.seats for o in involved[area]),
            cost=sum((o.seats * o.cost_per_seat for o in involved[area]), Decimal(0)),
        )
        for area, count in found.pairs_by_area.items()
        if count
    ]
    by_area.sort(key=lambda t: (-t.pairs, t.area))
    ignored = [name for name in PARTNER_SIDE if getattr(filters, name)]
    return Redundancy(
        filters=filters,
        parameters=parameters,
        rows=rows,
        pairs=sum(t.pairs for t in by_area),
        activities=sum(t.activities for t in by_area),
        seats=sum(t.seats for t in by_area),
        cost=sum((t.cost for t in by_area), Decimal(0)),
        by_area=by_area,
        ignored=ignored,
    )
