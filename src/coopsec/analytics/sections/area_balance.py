"""Area balance (issue 6, item 1): per cooperation area and year, the supply (activities,
seats) against the demand (nominations, seats confirmed, partners), with areas flagged
crowded or neglected against the thresholds in `settings.COOPSEC_ANALYTICS`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from coopsec.accounts.actor import Actor
from coopsec.activities.models import (
    SEAT_STATES,
    ActivityQuerySet,
    CooperationArea,
    Nomination,
    NominationState,
)
from coopsec.analytics import access
from coopsec.analytics.access import Reader
from coopsec.analytics.filters import Filters
from coopsec.analytics.measures import ratio
from coopsec.analytics.sections.base import (
    PartnerScope,
    Year,
    offered_activities,
    partner_scope,
    year_range,
)
from coopsec.analytics.sections.cache import kept
from coopsec.errors import NotFound

CROWDED, NEGLECTED = "crowded", "neglected"


@dataclass(frozen=True)
class Thresholds:
    crowded_index: float
    neglected_index: float
    flag_min_activities: int

    @classmethod
    def from_settings(cls) -> Thresholds:
        conf: dict[str, Any] = settings.COOPSEC_ANALYTICS
        return cls(
            crowded_index=float(conf["crowded_index"]),
            neglected_index=float(conf["neglected_index"]),
            flag_min_activities=int(conf["flag_min_activities"]),
        )

    def flag(self, activities: int, mean: float, year_total: int) -> str | None:
        """Crowded, neglected or neither, against the year's mean activities per area."""
        if year_total < self.flag_min_activities or mean == 0:
            return None
        index = activities / mean
        if index >= self.crowded_index:
            return CROWDED
        if index <= self.neglected_index:
            return NEGLECTED
        return None


@dataclass(frozen=True)
class Demand:
    """Demand figures of a cell; None where they are withheld from the reader."""

    nominations: int | None
    confirmed: int | None
    partners: int | None


@dataclass(frozen=True)
class AreaYear:
    area: str
    year: int
    activities: int
    seats: int
    nominations: int | None
    confirmed: int | None
    fill_rate: float | None
    demand_ratio: float | None
    partners: int | None
    flag: str | None
    supply_index: float | None  # activities / the year's mean activities per area


@dataclass(frozen=True)
class AreaYearTotal:
    """One year over the areas listed."""

    year: int
    activities: int
    seats: int
    nominations: int | None
    confirmed: int | None
    fill_rate: float | None
    demand_ratio: float | None
    partners: int | None
    mean_activities_per_area: float | None  # over every area, the basis of the flags


@dataclass(frozen=True)
class AreaBalance:
    filters: Filters
    reader: Reader
    thresholds: Thresholds
    rows: list[AreaYear]
    years: list[AreaYearTotal]


def _demand(reader: Reader, nominations: int, confirmed: int, partners: int) -> Demand:
    if reader.shows_group(partners):
        return Demand(nominations, confirmed, partners)
    return Demand(None, None, None)


@dataclass(frozen=True)
class _Taxonomy:
    order: list[str]  # every area code, in the taxonomy's order
    groups: set[str]  # codes of areas that have areas under them
    listed: set[str]  # codes the area filter lists


def _taxonomy(filters: Filters) -> _Taxonomy:
    rows = list(
        CooperationArea.objects.order_by("position", "code").values_list("code", "parent__code")
    )
    return _Taxonomy(
        order=[code for code, _parent in rows],
        groups={parent for _code, parent in rows if parent},
        listed={code for code, parent in rows if filters.area_matches(code, parent)},
    )


def area_balance(*, actor: Actor, filters: Filters) -> AreaBalance:
    """Supply and demand per area and year, zeros included, with the flags.

    The flags compare each area with the mean over every area (the area filter narrows the
    rows, not the comparison). Raises Forbidden for roles without access. Kept per data
    version (`sections/cache.py`).
    """
    reader = access.reader_for(actor, access.AREA_BALANCE)
    return kept(
        access.AREA_BALANCE,
        actor=actor,
        arguments=filters,
        compute=lambda: _area_balance(actor, filters, reader),
    )


def _area_balance(actor: Actor, filters: Filters, reader: Reader) -> AreaBalance:
    thresholds = Thresholds.from_settings()
    every_area = offered_activities(actor, filters, with_area=False)
    years = year_range(every_area, filters)
    scope = partner_scope(actor, filters, years, with_members=False)
    taxonomy = _taxonomy(filters)
    supply: dict[tuple[str, int], tuple[int, int]] = {
        (r["area"], r["year"]): (r["activities"], r["seats"] or 0)
        for r in every_area.values(area=F("primary_area__code"), year=Year("start"))
        .annotate(activities=Count("pk"), seats=Sum("seats"))
        .order_by()
    }
    demand, year_partners = _demand_rows(every_area, scope, taxonomy.listed)

    # Every leaf area counts in the mean, with or without activities, and so does a group
    # used as a primary area.
    used = {area for area, _year in supply}
    universe = [code for code in taxonomy.order if code not in taxonomy.groups or code in used]
    rows: list[AreaYear] = []
    totals: list[AreaYearTotal] = []
    for year in years:
        year_total = sum(supply.get((code, year), (0, 0))[0] for code in universe)
        mean = year_total / len(universe) if universe else 0.0
        cells = []
        for code in (c for c in universe if c in taxonomy.listed):
            activities, seats = supply.get((code, year), (0, 0))
            nominations, confirmed, partners = demand.get((code, year), (0, 0, 0))
            cell = _demand(reader, nominations, confirmed, partners)
            cells.append(_row(code, year, activities, seats, cell, mean, year_total, thresholds))
        rows.extend(cells)
        totals.append(_total(year, cells, year_partners.get(year, 0), mean, reader))
    position = {code: i for i, code in enumerate(taxonomy.order)}
    rows.sort(key=lambda r: (position[r.area], r.year))
    return AreaBalance(filters, reader, thresholds, rows, totals)


def _row(
    code: str,
    year: int,
    activities: int,
    seats: int,
    cell: Demand,
    mean: float,
    year_total: int,
    thresholds: Thresholds,
) -> AreaYear:
    return AreaYear(
        area=code,
        year=year,
        activities=activities,
        seats=seats,
        nominations=cell.nominations,
        confirmed=cell.confirmed,
        fill_rate=None if cell.confirmed is None else ratio(cell.confirmed, seats),
        demand_ratio=None if cell.nominations is None else ratio(cell.nominations, seats),
        partners=cell.partners,
        flag=thresholds.flag(activities, mean, year_total),
        supply_index=ratio(activities, mean),
    )


def _total(
    year: int, cells: list[AreaYear], partners: int, mean: float, reader: Reader
) -> AreaYearTotal:
    """The year over the listed areas. Its demand is withheld with any of its cells, so that
    a withheld cell cannot be had back by subtracting the others from the total."""
    activities, seats = sum(r.activities for r in cells), sum(r.seats for r in cells)
    withheld = not reader.shows_group(partners) or any(r.partners is None for r in cells)
    nominations = None if withheld else sum(r.nominations or 0 for r in cells)
    confirmed = None if withheld else sum(r.confirmed or 0 for r in cells)
    return AreaYearTotal(
        year=year,
        activities=activities,
        seats=seats,
        nominations=nominations,
        confirmed=confirmed,
        fill_rate=None if confirmed is None else ratio(confirmed, seats),
        demand_ratio=None if nominations is None else ratio(nominations, seats),
        partners=None if withheld else partners,
        mean_activities_per_area=mean if mean else None,
    )


def _demand_nominations(activities: ActivityQuerySet, scope: PartnerScope) -> QuerySet[Nomination]:
    return (
        Nomination.objects.filter(activity__in=activities)
        .exclude(state=NominationState.WITHDRAWN)
        .filter(scope.nomination_q())
        .order_by()
    )


def _demand_rows(
    activities: ActivityQuerySet, scope: PartnerScope, listed: set[str]
) -> tuple[dict[tuple[str, int], tuple[int, int, int]], dict[int, int]]:
    """(area, year) -> (demand nominations, seats held, distinct partners), and per year the
    distinct partners with demand in the `listed` areas.

    One query groups the demand by area, year and partner (a few thousand rows for ten
    years), and the partners are counted here: one pass over the nominations instead of a
    second for the years' partners, whose distinct count cannot be had from the areas'.
    """
    rows = (
        _demand_nominations(activities, scope)
        .values("partner_id", area=F("activity__primary_area__code"), year=Year("activity__start"))
        .annotate(nominations=Count("pk"), confirmed=Count("pk", filter=Q(state__in=SEAT_STATES)))
        .values_list("area", "year", "partner_id", "nominations", "confirmed")
    )
    cells: dict[tuple[str, int], tuple[int, int, int]] = {}
    year_partners: dict[int, set[int]] = defaultdict(set)
    for area, year, partner_id, nominations, confirmed in rows:
        before = cells.get((area, year), (0, 0, 0))
        cells[area, year] = (before[0] + nominations, before[1] + confirmed, before[2] + 1)
        if area in listed:
            year_partners[year].add(partner_id)
    return cells, {year: len(partners) for year, partners in year_partners.items()}


# --- drill-down ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaActivity:
    """One offered activity of the area, with its demand (None where withheld)."""

    code: str
    title: str
    year: int
    start: date
    host: str
    type: str
    state: str
    seats: int
    nominations: int | None
    confirmed: int | None
    partners: int | None


@dataclass(frozen=True)
class AreaPartner:
    partner: str
    nominations: int
    confirmed: int
    activities: int  # activities it made demand nominations to


@dataclass(frozen=True)
class AreaDrillDown:
    area: str
    filters: Filters
    reader: Reader
    activities: list[AreaActivity]
    partners: list[AreaPartner] | None  # None: the reader sees no partner rows at all


def area_drill_down(*, actor: Actor, filters: Filters, area: str) -> AreaDrillDown:
    """An area's offered activities with their demand, and its partners' demand: every
    partner for staff, a liaison's own partner only, none for institution managers.

    `area` (a code; a group stands for its areas) replaces the filters' area. Raises
    NotFound for an unknown area and Forbidden for roles without access to area balance.
    """
    reader = access.reader_for(actor, access.AREA_BALANCE)
    code = CooperationArea.objects.filter(code__iexact=area).values_list("code", flat=True).first()
    if code is None:
        raise NotFound(_("No cooperation area '%(value)s'.") % {"value": area})
    filters = replace(filters, area=code)
    activities = offered_activities(actor, filters)
    years = year_range(activities, filters)
    scope = partner_scope(actor, filters, years, with_members=False)
    demand = Q(nominations__in=_demand_nominations(activities, scope))
    rows = (
        activities.annotate(
            demand=Count("nominations", filter=demand),
            held=Count("nominations", filter=demand & Q(nominations__state__in=SEAT_STATES)),
            partners=Count("nominations__partner_id", filter=demand, distinct=True),
        )
        .values_list(
            "code", "title", "start", "host__code", "type", "state", "seats", "demand", "held",
            "partners",
        )
        .order_by("start", "code")
    )  # fmt: skip
    listed = []
    for a_code, title, start, host, kind, state, seats, nominations, held, partners in rows:
        cell = _demand(reader, nominations, held, partners)
        listed.append(
            AreaActivity(a_code, title, start.year, start, host, kind, state, seats,
                         cell.nominations, cell.confirmed, cell.partners)
        )  # fmt: skip
    return AreaDrillDown(code, filters, reader, listed, _area_partners(activities, scope, reader))


def _area_partners(
    activities: ActivityQuerySet, scope: PartnerScope, reader: Reader
) -> list[AreaPartner] | None:
    if not reader.names_partners and reader.own_partner_id is None:
        return None
    nominations = _demand_nominations(activities, scope)
    if not reader.names_partners:
        nominations = nominations.filter(partner_id=reader.own_partner_id)
    rows = (
        nominations.values(code=F("partner__code"))
        .annotate(
            nominations=Count("pk"),
            confirmed=Count("pk", filter=Q(state__in=SEAT_STATES)),
            activities=Count("activity_id", distinct=True),
        )
        .order_by("-nominations", "code")
    )
    return [AreaPartner(r["code"], r["nominations"], r["confirmed"], r["activities"]) for r in rows]
