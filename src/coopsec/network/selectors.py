"""Reads of the partnership network. Every function takes the acting user and an `as_of` date
where membership matters."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce

from coopsec.accounts.actor import Actor
from coopsec.errors import NotFound
from coopsec.network import dates
from coopsec.network.models import (
    STATE_KINDS,
    Framework,
    Membership,
    MembershipQuerySet,
    Operation,
    OperationContribution,
    Organization,
    OrganizationKind,
    OrganizationQuerySet,
    active_on_q,
)


def _memberships(actor: Actor) -> MembershipQuerySet:
    return Membership.objects.visible_to(actor).prefetch_related("status_periods")


def alliance_get(*, actor: Actor) -> Organization:
    """The coordinating alliance (settings.COOPSEC_ALLIANCE_CODE). Raises NotFound."""
    try:
        return Organization.objects.visible_to(actor).get(
            code=settings.COOPSEC_ALLIANCE_CODE, kind=OrganizationKind.ALLIANCE
        )
    except Organization.DoesNotExist as exc:
        raise NotFound(
            f"The alliance '{settings.COOPSEC_ALLIANCE_CODE}' is not loaded; "
            "run `coopsec load-reference`."
        ) from exc


def organization_get(*, actor: Actor, code: str) -> Organization:
    """One organization by code or ISO 3166 alpha-3 (case-insensitive). Raises NotFound."""
    org = (
        Organization.objects.visible_to(actor)
        .select_related("host_country")
        .filter(Q(code__iexact=code) | Q(iso3__iexact=code))
        .first()
    )
    if org is None:
        raise NotFound(f"No organization with code '{code}'.")
    return org


def organization_list(
    *,
    actor: Actor,
    kind: str | None = None,
    framework: str | None = None,
    region: str | None = None,
    as_of: date | None = None,
    q: str | None = None,
) -> OrganizationQuerySet:
    """Organizations filtered by kind, region, text, and membership.

    With `framework`, only members of that framework (as of `as_of`, if given). With `as_of`
    alone, only organizations in the network that day (an Ally or in any framework).
    Raises NotFound for an unknown framework code.
    """
    qs = Organization.objects.visible_to(actor).select_related("host_country")
    if kind:
        qs = _filter_kind(actor, qs, kind, as_of)
    if region:
        qs = qs.filter(Q(region__iexact=region) | Q(continent__iexact=region))
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(code__iexact=q)
            | Q(short_name__icontains=q)
            | Q(city__icontains=q)
        )
    if framework or as_of:
        memberships = _memberships(actor)
        if framework:
            fw = framework_get(actor=actor, code=framework)
            memberships = memberships.filter(framework=fw)
        if as_of:
            memberships = memberships.active_on(as_of)
        qs = qs.filter(pk__in=memberships.values("organization_id"))
    return qs.order_by("name")


def _filter_kind(
    actor: Actor, qs: OrganizationQuerySet, kind: str, as_of: date | None
) -> OrganizationQuerySet:
    """Filter by kind; for states, the kind they had on `as_of`.

    `Organization.kind` says what a state is today. Asked about a past date, a state is a
    member state if it was an Ally that day and a partner state otherwise, so Finland counts
    among the partner states of 2019.
    """
    if as_of is None or kind not in STATE_KINDS:
        return qs.filter(kind=kind)
    allies_then = _memberships(actor).in_alliance().active_on(as_of).values("organization_id")
    states = qs.filter(kind__in=STATE_KINDS)
    if kind == OrganizationKind.MEMBER_STATE:
        return states.filter(pk__in=allies_then)
    return states.exclude(pk__in=allies_then)


def framework_list(*, actor: Actor) -> QuerySet[Framework]:
    """Every framework, by code."""
    return Framework.objects.order_by("code")


def framework_get(*, actor: Actor, code: str) -> Framework:
    """One framework by code (case-insensitive). Raises NotFound."""
    fw = Framework.objects.filter(code__iexact=code).first()
    if fw is None:
        raise NotFound(f"No framework with code '{code}'.")
    return fw


@dataclass(frozen=True)
class Member:
    """An organization's membership of a body on a date, with its status that day."""

    organization: Organization
    membership: Membership
    status: str


def _members(memberships: MembershipQuerySet, as_of: date) -> list[Member]:
    rows = (
        memberships.active_on(as_of).select_related("organization").order_by("organization__name")
    )
    return [Member(m.organization, m, m.status_on(as_of)) for m in rows]


def framework_members(*, actor: Actor, code: str, as_of: date) -> list[Member]:
    """Members of a framework on a date, each with its status (active or suspended).

    Suspended participants stay members: suspension is a status, not a removal.
    Raises NotFound for an unknown framework.
    """
    fw = framework_get(actor=actor, code=code)
    return _members(_memberships(actor).filter(framework=fw), as_of)


def ally_list(*, actor: Actor, as_of: date) -> list[Member]:
    """The alliance's member states on a date."""
    alliance = alliance_get(actor=actor)
    return _members(_memberships(actor).filter(alliance=alliance), as_of)


def partner_list(*, actor: Actor, as_of: date, kind: str | None = None) -> list[Organization]:
    """Organizations in any partnership framework on a date, each listed once."""
    org_ids = _memberships(actor).in_frameworks().active_on(as_of).values("organization_id")
    qs = Organization.objects.visible_to(actor).filter(pk__in=org_ids)
    if kind:
        qs = _filter_kind(actor, qs, kind, as_of)
    return list(qs.order_by("name"))


def organization_memberships(*, actor: Actor, organization: Organization) -> list[Membership]:
    """An organization's memberships over time (frameworks and alliance), oldest first."""
    return list(
        _memberships(actor)
        .filter(organization=organization)
        .select_related("framework", "alliance")
        .order_by("start")
    )


def _contributions_active_on(as_of: date) -> Q:
    return Q(eff_start__lte=as_of) & (Q(eff_end__isnull=True) | Q(eff_end__gt=as_of))


def _contributions(actor: Actor) -> QuerySet[OperationContribution]:
    return OperationContribution.objects.filter(
        organization__in=Organization.objects.visible_to(actor)
    ).annotate(
        eff_start=Coalesce(F("start"), F("operation__start")),
        eff_end=Coalesce(F("end"), F("operation__end")),
    )


def operation_list(*, actor: Actor, as_of: date | None = None) -> QuerySet[Operation]:
    """Operations and missions, optionally only those running on a date."""
    qs = Operation.objects.order_by("start", "code")
    if as_of:
        qs = qs.filter(active_on_q(as_of))
    return qs


def operation_get(*, actor: Actor, code: str) -> Operation:
    """One operation by code (case-insensitive). Raises NotFound."""
    op = Operation.objects.filter(code__iexact=code).first()
    if op is None:
        raise NotFound(f"No operation with code '{code}'.")
    return op


def operation_contributors(
    *, actor: Actor, code: str, as_of: date | None = None
) -> list[OperationContribution]:
    """Contributors to an operation, optionally only those contributing on a date.

    Raises NotFound for an unknown operation.
    """
    op = operation_get(actor=actor, code=code)
    qs = _contributions(actor).filter(operation=op).select_related("organization", "operation")
    if as_of:
        qs = qs.filter(_contributions_active_on(as_of))
    return list(qs.order_by("organization__name"))


def organization_contributions(
    *, actor: Actor, organization: Organization
) -> list[OperationContribution]:
    """The operations an organization contributed to."""
    return list(
        _contributions(actor)
        .filter(organization=organization)
        .select_related("operation", "organization")
        .order_by("operation__start")
    )


def operational_partner_ids(*, actor: Actor, as_of: date) -> set[int]:
    """Partners contributing to an operation running on the date (derived, never stored)."""
    partner_ids = set(
        _memberships(actor)
        .in_frameworks()
        .active_on(as_of)
        .values_list("organization_id", flat=True)
    )
    contributing = set(
        _contributions(actor)
        .filter(_contributions_active_on(as_of))
        .values_list("organization_id", flat=True)
    )
    return partner_ids & contributing


@dataclass(frozen=True)
class NetworkCounts:
    as_of: date
    allies: int
    partners: int
    partner_states: int
    per_framework: list[tuple[Framework, int, int]]  # framework, members, of which suspended
    operational_partners: int


def network_counts(*, actor: Actor, as_of: date) -> NetworkCounts:
    """Allies and partners on a date, per framework, with suspended members counted apart."""
    active = list(_memberships(actor).active_on(as_of).select_related("organization", "framework"))
    allies = {m.organization_id for m in active if m.alliance_id is not None}
    partners: dict[int, Organization] = {
        m.organization_id: m.organization for m in active if m.framework_id is not None
    }
    members: dict[int, set[int]] = defaultdict(set)
    suspended: dict[int, set[int]] = defaultdict(set)
    for m in active:
        if m.framework_id is None:
            continue
        members[m.framework_id].add(m.organization_id)
        if m.status_on(as_of) == "suspended":
            suspended[m.framework_id].add(m.organization_id)
    per_framework = [
        (fw, len(members[fw.pk]), len(suspended[fw.pk]))
        for fw in framework_list(actor=actor)
        if members[fw.pk]
    ]
    return NetworkCounts(
        as_of=as_of,
        allies=len(allies),
        partners=len(partners),
        partner_states=sum(1 for o in partners.values() if o.is_state),
        per_framework=per_framework,
        operational_partners=len(operational_partner_ids(actor=actor, as_of=as_of)),
    )


@dataclass(frozen=True)
class GrowthSeries:
    years: list[int]
    series: dict[str, list[int]]  # body code ("Allies" or a framework code) -> count per year


def network_growth(*, actor: Actor, first_year: int, last_year: int) -> GrowthSeries:
    """Members per body at the end of each year (31 December; today for the current year)."""
    alliance = alliance_get(actor=actor)
    rows = list(
        _memberships(actor).values_list(
            "organization_id", "alliance_id", "framework__code", "start", "end"
        )
    )
    today = dates.today()
    years = list(range(first_year, last_year + 1))
    codes = sorted({fw for _o, _a, fw, _s, _e in rows if fw})
    series: dict[str, list[int]] = {"Allies": [], **{c: [] for c in codes}}
    for year in years:
        day = min(date(year, 12, 31), today)
        present: dict[str, set[int]] = defaultdict(set)
        for org_id, alliance_id, fw_code, start, end in rows:
            if start <= day and (end is None or day < end):
                key = "Allies" if alliance_id == alliance.pk else fw_code
                if key:
                    present[key].add(org_id)
        for key in series:
            series[key].append(len(present[key]))
    series = {k: v for k, v in series.items() if any(v)}
    return GrowthSeries(years=years, series=series)


@dataclass(frozen=True)
class RegionChoices:
    continents: list[str]
    regions: list[str]  # sub-regions and the areas organizations cover, minus the continents


def region_list(*, actor: Actor) -> RegionChoices:
    """The continents and regions organizations are filed under, for filters."""
    rows = (
        Organization.objects.visible_to(actor)
        .order_by()
        .values_list("continent", "region")
        .distinct()
    )
    continents = sorted({c for c, _r in rows if c})
    regions = sorted({r for _c, r in rows if r and r not in continents})
    return RegionChoices(continents=continents, regions=regions)


def hosted_institution_list(*, actor: Actor, host: Organization) -> list[Organization]:
    """The institutions (COEs, PTECs, schools, …) a state hosts, by name."""
    return list(
        Organization.objects.visible_to(actor)
        .filter(host_country=host, kind=OrganizationKind.INSTITUTION)
        .order_by("name")
    )
