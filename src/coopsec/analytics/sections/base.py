"""What every section counts: the offered activities the reader may see, the years of the
range, which partners count in which year, and who was operational when.

The counting rules (docs/analytics.md, "What is counted"):
- An activity belongs to the year it starts in. It is *offered* once approved and until it
  is cancelled: approved, open, closed, conducted or reported (not proposed, not cancelled).
- A *demand* nomination is any nomination made to an offered activity except a withdrawn one
  (a declined or waitlisted nomination is demand the menu did not meet).
- A *seat* is a nomination that holds one: confirmed, attended or no-show.
- A partner *is in* a framework in year Y when its membership of it is in force on at least
  one day of Y; it is *operational* in Y when it contributes to an operation on at least one
  day of Y (contribution dates, else the operation's own, as `network.selectors` derives).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count, F, Max, Min, Q
from django.db.models.functions import Coalesce, ExtractYear
from django.db.models.sql.compiler import SQLCompiler

from coopsec.accounts.actor import Actor
from coopsec.activities import lifecycle
from coopsec.activities.models import SEAT_STATES, Activity, ActivityQuerySet, Nomination
from coopsec.analytics.filters import Filters
from coopsec.network.models import Membership, OperationContribution, Organization

# The version of the definitions in docs/analytics.md every answer is computed under: a
# change to what a figure counts or how it is computed is a new version.
DEFINITIONS_VERSION = "1"

OFFERED_STATES = (
    lifecycle.APPROVED, lifecycle.OPEN, lifecycle.CLOSED, lifecycle.CONDUCTED, lifecycle.REPORTED,
)  # fmt: skip


class Year(ExtractYear):
    """The year of a date, for grouping in the database.

    Django's SQLite backend computes ExtractYear by calling back into Python for every row
    (`django_date_extract`), which was most of the time of a ten-year grouping over the
    nominations (docs/PERFORMANCE.md, "Analytics"). SQLite keeps a date as 'YYYY-MM-DD'
    text, so its first four characters are the year; other databases use ExtractYear's SQL.
    """

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, Any]:
        sql, params = compiler.compile(self.lhs)
        return f"CAST(substr({sql}, 1, 4) AS INTEGER)", params


def offered_activities(
    actor: Actor, filters: Filters, *, with_area: bool = True
) -> ActivityQuerySet:
    """The offered activities the actor may see on the menu, narrowed by the activity-side
    filters (without the area filter when `with_area` is False). Unordered, for grouping."""
    return (
        Activity.objects.visible_to(actor)
        .filter(state__in=OFFERED_STATES)
        .filter(filters.activity_q(with_area=with_area))
        .order_by()
    )


def year_range(activities: ActivityQuerySet, filters: Filters) -> list[int]:
    """The years a section lists: `from`..`to`, an open end taken from the activities' first
    or last start year. Empty when there is nothing to bound the range with."""
    first, last = filters.year_from, filters.year_to
    if first is None or last is None:
        bounds = activities.aggregate(first=Min("start"), last=Max("start"))
        if first is None and bounds["first"] is not None:
            first = bounds["first"].year
        if last is None and bounds["last"] is not None:
            last = bounds["last"].year
    if first is None or last is None or last < first:
        return []
    return list(range(first, last + 1))


def in_force_during(start: date, end: date | None, year: int) -> bool:
    """Is a half-open period [start, end) in force on at least one day of the year?"""
    if start > date(year, 12, 31):
        return False
    return end is None or (end > date(year, 1, 1) and end > start)


@dataclass(frozen=True)
class PartnerScope:
    """Which partners count in which year, under the partner-side filters.

    `members[year]`: the partners in a framework that year (the `framework` filter's, else
    any), within the `region` filter; filled only when asked for (`with_members`).
    """

    filters: Filters
    years: list[int]
    members: dict[int, set[int]] = field(default_factory=dict)

    def nomination_q(self) -> Q:
        """Nominations whose partner counts in the year of the activity."""
        q = self.filters.region_q("partner__")
        if not self.filters.framework:
            return q
        by_year = Q(pk__in=[])
        for year in self.years:
            by_year |= Q(
                activity__start__gte=date(year, 1, 1),
                activity__start__lte=date(year, 12, 31),
                partner_id__in=sorted(self.members.get(year, ())),
            )
        return q & by_year


def partner_scope(
    actor: Actor, filters: Filters, years: list[int], *, with_members: bool
) -> PartnerScope:
    """The partner side of the filters for `years`; framework members per year are read
    (one query) when the framework filter needs them or `with_members` asks for them."""
    members: dict[int, set[int]] = defaultdict(set)
    if years and (with_members or filters.framework):
        rows = (
            Membership.objects.visible_to(actor)
            .filter(framework__isnull=False)
            .filter(start__lte=date(years[-1], 12, 31))
            .filter(Q(end__isnull=True) | Q(end__gt=date(years[0], 1, 1)))
            .filter(filters.region_q("organization__"))
            .order_by()
        )
        if filters.framework:
            rows = rows.filter(framework__code=filters.framework)
        for org_id, start, end in rows.values_list("organization_id", "start", "end"):
            for year in years:
                if in_force_during(start, end, year):
                    members[year].add(org_id)
    return PartnerScope(filters=filters, years=years, members=dict(members))


def operational_by_year(actor: Actor, years: list[int]) -> dict[int, set[int]]:
    """Organizations contributing to an operation on at least one day of each year.

    Dates as `network.selectors` derives them: the contribution's own, else its
    operation's. One query for every year.
    """
    if not years:
        return {}
    rows = (
        OperationContribution.objects.filter(
            organization__in=Organization.objects.visible_to(actor)
        )
        .annotate(
            eff_start=Coalesce(F("start"), F("operation__start")),
            eff_end=Coalesce(F("end"), F("operation__end")),
        )
        .values_list("organization_id", "eff_start", "eff_end")
        .order_by()
    )
    found: dict[int, set[int]] = {year: set() for year in years}
    for org_id, start, end in rows:
        for year in years:
            if in_force_during(start, end, year):
                found[year].add(org_id)
    return found


def partner_codes(ids: Iterable[int]) -> dict[int, str]:
    """Organization codes by id (one query)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return dict(Organization.objects.filter(pk__in=wanted).values_list("pk", "code"))


@dataclass(frozen=True)
class Received:
    """What one partner received in one year: seats, and the activities they were in."""

    seats: int
    activities: int


def received_by_partner_year(
    activities: ActivityQuerySet, scope: PartnerScope
) -> dict[tuple[int, int], Received]:
    """Seats and distinct activities per (partner id, year), grouped in the database."""
    rows = (
        Nomination.objects.filter(activity__in=activities, state__in=SEAT_STATES)
        .filter(scope.nomination_q())
        .values("partner_id", year=Year("activity__start"))
        .annotate(seats=Count("pk"), activities=Count("activity_id", distinct=True))
        .order_by()
    )
    return {(r["partner_id"], r["year"]): Received(r["seats"], r["activities"]) for r in rows}
