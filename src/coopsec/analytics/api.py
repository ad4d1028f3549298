"""The analytics API under /api/v1/analytics (issue 6, item 9: the contract other tools rely
on; extend it, don't rename it): read-only indicators with the shared filters.

Every route answers `{"definitions_version", "rows", "summary"}`; docs/analytics.md defines
every figure under that version. Computed numbers are rounded here, once, to
`measures.DECIMALS` decimals; counts are exact.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from coopsec.activities.api import Code
from coopsec.analytics import selectors
from coopsec.analytics.access import Reader
from coopsec.analytics.filters import Filters
from coopsec.analytics.measures import HISTOGRAM_BINS, rounded
from coopsec.analytics.sections.overlap import Distribution
from coopsec.api.auth import actor_of

router = Router(tags=["analytics"], by_alias=True)

# --- shared --------------------------------------------------------------------------------


class _FiltersWithoutArea(Schema):
    year_from: Code = Field("", alias="from", description="first year (YYYY) of activities")
    year_to: Code = Field("", alias="to", description="last year (YYYY); at most 30 years")
    framework: Code = Field("", description="partners in this framework that year (code)")
    region: Code = Field("", description="partners filed under this region or continent")
    host: Code = Field("", description="host institution's code")
    type: Code = Field("", description="activity type, e.g. course")

    def parse(self) -> Filters:
        return Filters.parse(
            {
                "from": self.year_from, "to": self.year_to, "framework": self.framework,
                "region": self.region, "area": getattr(self, "area", ""), "host": self.host,
                "type": self.type,
            }
        )  # fmt: skip


class FiltersQuery(_FiltersWithoutArea):
    """The filters every section takes; an unknown code or a bad year answers 400 naming the
    parameter. Empty means not filtered."""

    area: Code = Field("", description="primary area (a group stands for its areas)")


class FiltersOut(Schema):
    from_: int | None = Field(alias="from")
    to: int | None
    framework: str | None
    region: str | None
    area: str | None
    host: str | None
    type: str | None


class ReaderOut(Schema):
    names_partners: bool = Field(description="per-partner rows for every partner")
    min_group: int | None = Field(
        description="figures built from fewer partners than this are null (withheld); "
        "null: nothing is withheld"
    )


def _reader(reader: Reader) -> dict[str, Any]:
    return {"names_partners": reader.names_partners, "min_group": reader.min_group or None}


def _answer(rows: list[dict[str, Any]], summary: dict[str, Any]) -> dict[str, Any]:
    return {"definitions_version": selectors.DEFINITIONS_VERSION, "rows": rows, "summary": summary}


# --- area balance --------------------------------------------------------------------------


class AreaBalanceRow(Schema):
    area: str = Field(description="the activities' primary area (code)")
    year: int = Field(description="the year the activities start in")
    activities: int = Field(description="offered activities")
    seats: int = Field(description="seats those activities offer")
    nominations: int | None = Field(description="demand: nominations except withdrawn ones")
    confirmed: int | None = Field(description="seats held (confirmed, attended, no-show)")
    fill_rate: float | None = Field(description="confirmed / seats")
    demand_ratio: float | None = Field(description="nominations / seats")
    partners: int | None = Field(description="distinct partners with demand")
    flag: Literal["crowded", "neglected"] | None


class Thresholds(Schema):
    crowded_index: float
    neglected_index: float
    flag_min_activities: int


class AreaYearTotal(Schema):
    year: int
    activities: int
    seats: int
    nominations: int | None
    confirmed: int | None
    fill_rate: float | None
    demand_ratio: float | None
    partners: int | None
    mean_activities_per_area: float | None = Field(description="over every area: the flags' basis")


class Flagged(Schema):
    area: str
    year: int
    supply_index: float = Field(description="activities / the year's mean activities per area")


class AreaBalanceSummary(Schema):
    filters: FiltersOut
    reader: ReaderOut
    thresholds: Thresholds
    years: list[AreaYearTotal] = Field(description="each year over the areas listed")
    crowded: list[Flagged]
    neglected: list[Flagged]


class AreaBalanceOut(Schema):
    definitions_version: str
    rows: list[AreaBalanceRow]
    summary: AreaBalanceSummary


@router.get("/area-balance", response=AreaBalanceOut, summary="Area balance")
def area_balance(request: HttpRequest, filters: Query[FiltersQuery]) -> dict[str, Any]:
    """Per cooperation area and year: supply (activities, seats) and demand (nominations,
    seats held, partners), fill rate and demand ratio, and the crowded/neglected flag.
    Coordinators, analysts, admins, partner liaisons and institution managers; demand
    figures built from too few partners are null for liaisons and managers."""
    found = selectors.area_balance(actor=actor_of(request), filters=filters.parse())
    rows = [
        {
            "area": r.area, "year": r.year, "activities": r.activities, "seats": r.seats,
            "nominations": r.nominations, "confirmed": r.confirmed,
            "fill_rate": rounded(r.fill_rate), "demand_ratio": rounded(r.demand_ratio),
            "partners": r.partners, "flag": r.flag,
        }
        for r in found.rows
    ]  # fmt: skip
    flagged = {
        flag: [
            {"area": r.area, "year": r.year, "supply_index": rounded(r.supply_index)}
            for r in found.rows
            if r.flag == flag
        ]
        for flag in ("crowded", "neglected")
    }
    years = [
        {
            "year": t.year, "activities": t.activities, "seats": t.seats,
            "nominations": t.nominations, "confirmed": t.confirmed,
            "fill_rate": rounded(t.fill_rate), "demand_ratio": rounded(t.demand_ratio),
            "partners": t.partners,
            "mean_activities_per_area": rounded(t.mean_activities_per_area),
        }
        for t in found.years
    ]  # fmt: skip
    summary = {
        "filters": found.filters.as_params(),
        "reader": _reader(found.reader),
        "thresholds": vars(found.thresholds),
        "years": years,
        **flagged,
    }
    return _answer(rows, summary)


class AreaActivityRow(Schema):
    activity: str = Field(description="activity code")
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


class AreaPartnerOut(Schema):
    partner: str
    nominations: int = Field(description="demand nominations to the area's activities")
    confirmed: int = Field(description="seats held")
    activities: int = Field(description="activities it nominated to")


class AreaDrillDownSummary(Schema):
    area: str
    filters: FiltersOut
    reader: ReaderOut
    partners: list[AreaPartnerOut] | None = Field(
        description="every partner for staff; a liaison's own only; null for institution managers"
    )


class AreaDrillDownOut(Schema):
    definitions_version: str
    rows: list[AreaActivityRow]
    summary: AreaDrillDownSummary


@router.get("/area-balance/{area}", response=AreaDrillDownOut, summary="Area drill-down")
def area_drill_down(
    request: HttpRequest, area: str, filters: Query[_FiltersWithoutArea]
) -> dict[str, Any]:
    """One area's offered activities (a group: its areas'), each with its demand, and the
    partners' demand in it (every partner for staff, a liaison's own only). Takes the
    shared filters but `area`: the path names it. Unknown area: 404."""
    found = selectors.area_drill_down(actor=actor_of(request), filters=filters.parse(), area=area)
    rows = [
        {
            "activity": a.code, "title": a.title, "year": a.year, "start": a.start,
            "host": a.host, "type": a.type, "state": a.state, "seats": a.seats,
            "nominations": a.nominations, "confirmed": a.confirmed, "partners": a.partners,
        }
        for a in found.activities
    ]  # fmt: skip
    summary = {
        "area": found.area,
        "filters": found.filters.as_params(),
        "reader": _reader(found.reader),
        "partners": None if found.partners is None else [vars(p) for p in found.partners],
    }
    return _answer(rows, summary)


# --- interest overlap ----------------------------------------------------------------------


class OverlapRow(Schema):
    partner: str
    region: str
    frameworks: list[str] = Field(description="frameworks it is in on the as-of date")
    score: float | None = Field(description="cosine overlap; null unless both sides stated")
    asked_not_offered: list[str] = Field(description="areas it asks for, offered at 0")
    offered_not_asked: list[str] = Field(description="areas offered to it, asked at 0")


class HistogramBin(Schema):
    from_: float = Field(alias="from")
    to: float
    partners: int


class DistributionOut(Schema):
    partners: int = Field(description="partners with a score")
    mean: float | None
    median: float | None
    histogram: list[HistogramBin] | None
    withheld: bool


class GroupDistribution(DistributionOut):
    group: str = Field(description="framework code or region")


class AreaMismatchOut(Schema):
    area: str
    offered_not_asked: int = Field(description="partners offered it (> 0) asking 0")
    asked_not_offered: int = Field(description="partners asking it (> 0) offered 0")
    offered_more: int = Field(description="partners offered more than they ask")
    asked_more: int = Field(description="partners asking more than they are offered")


class OverlapSummary(DistributionOut):
    filters: FiltersOut
    reader: ReaderOut
    as_of: date = Field(description="interests in force on this day")
    population: int = Field(description="partners considered (with or without a score)")
    by_framework: list[GroupDistribution]
    by_region: list[GroupDistribution]
    areas: list[AreaMismatchOut] | None
    ignored_filters: list[str] = Field(description="filters given that do not apply here")


class OverlapDistributionOut(Schema):
    definitions_version: str
    rows: list[OverlapRow]
    summary: OverlapSummary


def _distribution(d: Distribution) -> dict[str, Any]:
    bins = None
    if d.histogram is not None:
        bins = [
            {"from": k / HISTOGRAM_BINS, "to": (k + 1) / HISTOGRAM_BINS, "partners": n}
            for k, n in enumerate(d.histogram)
        ]
    return {
        "partners": d.partners, "mean": rounded(d.mean), "median": rounded(d.median),
        "histogram": bins, "withheld": d.withheld,
    }  # fmt: skip


@router.get("/overlap", response=OverlapDistributionOut, summary="Interest overlap")
def overlap(request: HttpRequest, filters: Query[FiltersQuery]) -> dict[str, Any]:
    """The distribution of partner-versus-alliance overlap scores (overall, per framework,
    per region) and, per area, how many partners are offered it without asking and the
    reverse. Interests in force at the end of `to` (default: today). Coordinators,
    analysts, admins and partner liaisons (a liaison: its own row only)."""
    found = selectors.interest_overlap(actor=actor_of(request), filters=filters.parse())
    rows = [
        {
            "partner": r.partner, "region": r.region, "frameworks": r.frameworks,
            "score": rounded(r.score), "asked_not_offered": r.asked_not_offered,
            "offered_not_asked": r.offered_not_asked,
        }
        for r in found.rows
    ]  # fmt: skip
    summary = {
        **_distribution(found.overall),
        "filters": found.filters.as_params(),
        "reader": _reader(found.reader),
        "as_of": found.as_of,
        "population": found.partners,
        "by_framework": [{"group": k, **_distribution(v)} for k, v in found.by_framework.items()],
        "by_region": [{"group": k, **_distribution(v)} for k, v in found.by_region.items()],
        "areas": None if found.areas is None else [vars(a) for a in found.areas],
        "ignored_filters": found.ignored,
    }
    return _answer(rows, summary)


# --- attention balance ---------------------------------------------------------------------


class AttentionRow(Schema):
    partner: str
    year: int
    operational: bool = Field(description="contributing to an operation on a day of the year")
    activities: int = Field(description="offered activities it held a seat in")
    seats: int = Field(description="seats it held (confirmed, attended, no-show)")


class AttentionYear(Schema):
    year: int
    partners: int = Field(description="partners counted (zeros included)")
    operational_partners: int
    seats: int | None
    gini: float | None
    lorenz: list[list[float]] | None = Field(
        description="[share of partners, share of seats], poorest first"
    )
    mean_seats_operational: float | None
    mean_seats_other: float | None
    operational_ratio: float | None = Field(description="mean_seats_operational / other")
    withheld: bool


class AttentionSummary(Schema):
    filters: FiltersOut
    reader: ReaderOut
    gini: dict[str, float | None] = Field(description="per year (YYYY)")
    operational_ratio: dict[str, float | None] = Field(description="per year (YYYY)")
    years: list[AttentionYear]


class AttentionOut(Schema):
    definitions_version: str
    rows: list[AttentionRow]
    summary: AttentionSummary


@router.get("/attention", response=AttentionOut, summary="Attention balance")
def attention(request: HttpRequest, filters: Query[FiltersQuery]) -> dict[str, Any]:
    """Per partner and year, activities and seats received and whether it was operational
    that year; per year the Gini coefficient and Lorenz curve of seats and the ratio of the
    operational partners' mean seats to the others'. Coordinators, analysts, admins and
    partner liaisons (a liaison: its own rows and anonymous figures)."""
    found = selectors.attention(actor=actor_of(request), filters=filters.parse())
    rows = [vars(r) for r in found.rows]
    years = [
        {
            **vars(y),
            "gini": rounded(y.gini),
            "lorenz": None
            if y.lorenz is None
            else [[rounded(x), rounded(share)] for x, share in y.lorenz],
            "mean_seats_operational": rounded(y.mean_seats_operational),
            "mean_seats_other": rounded(y.mean_seats_other),
            "operational_ratio": rounded(y.operational_ratio),
        }
        for y in found.years
    ]
    summary = {
        "filters": found.filters.as_params(),
        "reader": _reader(found.reader),
        "gini": {str(y["year"]): y["gini"] for y in years},
        "operational_ratio": {str(y["year"]): y["operational_ratio"] for y in years},
        "years": years,
    }
    return _answer(rows, summary)


# --- depth versus breadth ------------------------------------------------------------------


class DepthBreadthRow(Schema):
    year: int
    partners_engaged: int = Field(description="partners holding at least one seat")
    median_depth: float | None = Field(description="activities per engaged partner")
    mean_depth: float | None
    hhi: float | None = Field(description="Herfindahl index of the partners' seat shares")


class DepthYear(Schema):
    year: int
    seats: int | None
    withheld: bool


class DepthChange(Schema):
    year: int
    breadth_change: int = Field(description="engaged partners minus the year before's")
    mean_depth_change: float | None
    widened: bool
    deepened: bool | None


class DepthBreadthSummary(Schema):
    filters: FiltersOut
    reader: ReaderOut
    years: list[DepthYear]
    changes: list[DepthChange]


class DepthBreadthOut(Schema):
    definitions_version: str
    rows: list[DepthBreadthRow]
    summary: DepthBreadthSummary


@router.get("/depth-breadth", response=DepthBreadthOut, summary="Depth versus breadth")
def depth_breadth(request: HttpRequest, filters: Query[FiltersQuery]) -> dict[str, Any]:
    """Per year: partners engaged (breadth), median and mean activities per engaged partner
    (depth), the Herfindahl concentration of seats, and the change from the year before.
    Coordinators, analysts, admins, partner liaisons and institution managers."""
    found = selectors.depth_breadth(actor=actor_of(request), filters=filters.parse())
    rows = [
        {
            "year": r.year, "partners_engaged": r.partners_engaged,
            "median_depth": rounded(r.median_depth), "mean_depth": rounded(r.mean_depth),
            "hhi": rounded(r.hhi),
        }
        for r in found.rows
    ]  # fmt: skip
    summary = {
        "filters": found.filters.as_params(),
        "reader": _reader(found.reader),
        "years": [{"year": r.year, "seats": r.seats, "withheld": r.withheld} for r in found.rows],
        "changes": [
            {**vars(c), "mean_depth_change": rounded(c.mean_depth_change)} for c in found.changes
        ],
    }
    return _answer(rows, summary)


def _mount_sections() -> None:
    """The network and redundancy sections, and the reports, live in their own modules."""
    from coopsec.analytics import api_network, api_redundancy, api_reports

    router.add_router("", api_network.router)
    router.add_router("", api_redundancy.router)
    router.add_router("", api_reports.router)


_mount_sections()
