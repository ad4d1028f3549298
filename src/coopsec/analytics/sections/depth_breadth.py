"""Depth versus breadth (issue 6, item 4): per year, how many partners the menu engaged
(breadth), how many activities each engaged partner was in (depth: median and mean), and how
concentrated the seats were (Herfindahl index) — the widening/deepening picture."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from coopsec.accounts.actor import Actor
from coopsec.analytics import access
from coopsec.analytics.access import Reader
from coopsec.analytics.filters import Filters
from coopsec.analytics.measures import hhi, mean, median
from coopsec.analytics.sections.base import (
    Received,
    offered_activities,
    partner_scope,
    received_by_partner_year,
    year_range,
)
from coopsec.analytics.sections.cache import kept


@dataclass(frozen=True)
class DepthYear:
    year: int
    partners_engaged: int
    median_depth: float | None
    mean_depth: float | None
    hhi: float | None
    seats: int | None
    withheld: bool


@dataclass(frozen=True)
class Change:
    """A year against the year before: more partners (widened), more activities per
    engaged partner (deepened)."""

    year: int
    breadth_change: int
    mean_depth_change: float | None
    widened: bool
    deepened: bool | None


@dataclass(frozen=True)
class DepthBreadth:
    filters: Filters
    reader: Reader
    rows: list[DepthYear]
    changes: list[Change]


def depth_breadth(*, actor: Actor, filters: Filters) -> DepthBreadth:
    """Breadth, depth and concentration per year, with the year-on-year changes.

    A partner is engaged in a year when it holds at least one seat in an offered activity
    starting that year; its depth is the number of such activities. Raises Forbidden. Kept
    per data version (`sections/cache.py`).
    """
    reader = access.reader_for(actor, access.DEPTH_BREADTH)
    return kept(
        access.DEPTH_BREADTH,
        actor=actor,
        arguments=filters,
        compute=lambda: _depth_breadth(actor, filters, reader),
    )


def _depth_breadth(actor: Actor, filters: Filters, reader: Reader) -> DepthBreadth:
    activities = offered_activities(actor, filters)
    years = year_range(activities, filters)
    scope = partner_scope(actor, filters, years, with_members=False)
    by_year: dict[int, list[Received]] = defaultdict(list)
    for (_partner, year), got in received_by_partner_year(activities, scope).items():
        by_year[year].append(got)
    rows = [_year(year, by_year.get(year, []), reader) for year in years]
    changes = [_change(before, after) for before, after in itertools.pairwise(rows)]
    return DepthBreadth(filters, reader, rows, changes)


def _year(year: int, engaged: list[Received], reader: Reader) -> DepthYear:
    shown = reader.shows_group(len(engaged))
    depths = [got.activities for got in engaged]
    seats = [got.seats for got in engaged]
    return DepthYear(
        year=year,
        partners_engaged=len(engaged),
        median_depth=median(depths) if shown else None,
        mean_depth=mean(depths) if shown else None,
        hhi=hhi(seats) if shown else None,
        seats=sum(seats) if shown else None,
        withheld=not shown,
    )


def _change(before: DepthYear, after: DepthYear) -> Change:
    depth_change = (
        after.mean_depth - before.mean_depth
        if after.mean_depth is not None and before.mean_depth is not None
        else None
    )
    return Change(
        year=after.year,
        breadth_change=after.partners_engaged - before.partners_engaged,
        mean_depth_change=depth_change,
        widened=after.partners_engaged > before.partners_engaged,
        deepened=None if depth_change is None else depth_change > 0,
    )
