"""Interest overlap (issue 6, item 2): how far the alliance's offered priorities meet each
partner's own, as the distribution of the partners' overlap scores (overall, per framework,
per region), and the areas offered but not asked for, and asked for but not offered.

The score is the programmes app's (`programmes.overlap.cosine`) over the same leaf areas,
taken from each side's version in force on the as-of date. The versions of every partner are
read in one query here, rather than partner by partner through `programmes.selectors`,
because a distribution needs every partner's, whoever asks; what the reader receives of
them is `analytics.access`'s decision (a liaison: its own row and anonymous aggregates).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Q, Subquery

from coopsec.accounts.actor import Actor
from coopsec.analytics import access
from coopsec.analytics.access import Reader
from coopsec.analytics.filters import Filters
from coopsec.analytics.measures import histogram, mean, median
from coopsec.network import dates
from coopsec.network.models import Membership, Organization, active_on_q
from coopsec.programmes.models import InterestPriority, InterestVersion, Side
from coopsec.programmes.overlap import cosine
from coopsec.programmes.selectors import PARTNER_KINDS, interest_areas

# Filters about activities say nothing about interests.
NOT_APPLICABLE = ("from", "host", "type")


@dataclass(frozen=True)
class PartnerOverlap:
    partner: str
    region: str
    frameworks: list[str]
    score: float | None  # None unless both sides stated a non-zero priority
    asked_not_offered: list[str]  # areas the partner asks for (> 0) the alliance offers at 0
    offered_not_asked: list[str]  # areas the alliance offers (> 0) the partner asks at 0


@dataclass(frozen=True)
class Distribution:
    """Scores of a group of partners; None figures when the group is too small to show."""

    partners: int  # partners with a score
    mean: float | None
    median: float | None
    histogram: list[int] | None
    withheld: bool


@dataclass(frozen=True)
class AreaMismatch:
    """Per area, over the partners with a score: how many get it offered without asking
    (and the reverse), and how many get more (or less) offered than they ask."""

    area: str
    offered_not_asked: int
    asked_not_offered: int
    offered_more: int
    asked_more: int


@dataclass(frozen=True)
class InterestOverlap:
    filters: Filters
    reader: Reader
    as_of: date
    partners: int  # partners in the population
    rows: list[PartnerOverlap]
    overall: Distribution
    by_framework: dict[str, Distribution]
    by_region: dict[str, Distribution]
    areas: list[AreaMismatch] | None
    ignored: list[str]


@dataclass
class _Partner:
    pk: int
    code: str
    region: str
    frameworks: set[str]
    sides: dict[str, dict[str, int]]


def as_of_date(filters: Filters) -> date:
    """Today, or the end of the `to` year when that is earlier."""
    today = dates.today()
    if filters.year_to is not None:
        return min(today, date(filters.year_to, 12, 31))
    return today


def interest_overlap(*, actor: Actor, filters: Filters) -> InterestOverlap:
    """Scores and mismatches of the partners' interests in force on the as-of date.

    The partners are those in a framework on that date (the framework filter's, if given)
    and, without a framework filter, any other partner with interests recorded by then;
    the region filter narrows both. The area filter keeps the areas under it. Raises
    Forbidden.
    """
    reader = access.reader_for(actor, access.OVERLAP)
    as_of = as_of_date(filters)
    areas = [
        a.code
        for a in interest_areas()
        if filters.area_matches(a.code, a.parent.code if a.parent is not None else None)
    ]
    partners = _population(actor, filters, as_of)
    _read_interests(partners, as_of, areas)

    scored: list[tuple[_Partner, float]] = []
    rows: list[PartnerOverlap] = []
    for p in sorted(partners.values(), key=lambda p: p.code):
        wants = {a: p.sides[Side.PARTNER].get(a, 0) for a in areas}
        offers = {a: p.sides[Side.ALLIANCE].get(a, 0) for a in areas}
        score = cosine(wants, offers) if any(wants.values()) and any(offers.values()) else None
        if score is not None:
            scored.append((p, score))
        if reader.shows_partner(p.pk):
            rows.append(
                PartnerOverlap(
                    partner=p.code, region=p.region, frameworks=sorted(p.frameworks),
                    score=score,
                    asked_not_offered=[a for a in areas if wants[a] > 0 and offers[a] == 0],
                    offered_not_asked=[a for a in areas if offers[a] > 0 and wants[a] == 0],
                )
            )  # fmt: skip
    by_framework: dict[str, list[float]] = defaultdict(list)
    by_region: dict[str, list[float]] = defaultdict(list)
    for p, score in scored:
        for code in p.frameworks:
            by_framework[code].append(score)
        by_region[p.region].append(score)
    return InterestOverlap(
        filters=filters,
        reader=reader,
        as_of=as_of,
        partners=len(partners),
        rows=rows,
        overall=_distribution([s for _p, s in scored], reader),
        by_framework={k: _distribution(v, reader) for k, v in sorted(by_framework.items())},
        by_region={k: _distribution(v, reader) for k, v in sorted(by_region.items())},
        areas=_mismatches(scored, areas) if reader.shows_group(len(scored)) else None,
        ignored=[name for name in NOT_APPLICABLE if filters.as_params()[name] is not None],
    )


def _population(actor: Actor, filters: Filters, as_of: date) -> dict[int, _Partner]:
    """Partners in a framework on the date (with their frameworks), and, without a
    framework filter, partner organizations with interests recorded by then."""
    memberships = (
        Membership.objects.visible_to(actor)
        .filter(framework__isnull=False)
        .filter(active_on_q(as_of))
        .values_list("organization_id", "framework__code")
        .order_by()
    )
    frameworks: dict[int, set[str]] = defaultdict(set)
    for org_id, code in memberships:
        frameworks[org_id].add(code)
    wanted = Q(pk__in=[pk for pk, codes in frameworks.items() if filters.framework in codes])
    if not filters.framework:
        wanted = Q(pk__in=list(frameworks)) | Q(
            kind__in=PARTNER_KINDS,
            pk__in=InterestVersion.objects.filter(recorded_on__lte=as_of).values("partner_id"),
        )
    organizations = (
        Organization.objects.visible_to(actor)
        .filter(wanted)
        .filter(filters.region_q())
        .values_list("pk", "code", "region")
        .order_by()
    )
    return {
        pk: _Partner(pk, code, region, frameworks.get(pk, set()), {side: {} for side in Side})
        for pk, code, region in organizations
    }


def _read_interests(partners: dict[int, _Partner], as_of: date, areas: list[str]) -> None:
    """Fill in each side's priorities from its latest version recorded by the date."""
    if not partners:
        return
    latest = (
        InterestVersion.objects.filter(
            partner_id=OuterRef("partner_id"), side=OuterRef("side"), recorded_on__lte=as_of
        )
        .order_by("-number")
        .values("pk")[:1]
    )
    current = InterestVersion.objects.filter(
        partner_id__in=sorted(partners), recorded_on__lte=as_of, pk=Subquery(latest)
    )
    priorities = (
        InterestPriority.objects.filter(version__in=current, area__code__in=areas)
        .values_list("version__partner_id", "version__side", "area__code", "priority")
        .order_by()
    )
    for partner_id, side, area, priority in priorities:
        partners[partner_id].sides[side][area] = priority


def _distribution(scores: list[float], reader: Reader) -> Distribution:
    if not reader.shows_group(len(scores)):
        return Distribution(len(scores), None, None, None, withheld=True)
    return Distribution(
        partners=len(scores),
        mean=mean(scores),
        median=median(scores),
        histogram=histogram(scores),
        withheld=False,
    )


def _mismatches(scored: list[tuple[_Partner, float]], areas: list[str]) -> list[AreaMismatch]:
    counts: dict[str, list[int]] = {a: [0, 0, 0, 0] for a in areas}
    for p, _score in scored:
        for a in areas:
            asked, offered = p.sides[Side.PARTNER].get(a, 0), p.sides[Side.ALLIANCE].get(a, 0)
            c = counts[a]
            c[0] += offered > 0 and asked == 0
            c[1] += asked > 0 and offered == 0
            c[2] += offered > asked
            c[3] += asked > offered
    return [AreaMismatch(a, *counts[a]) for a in areas]
