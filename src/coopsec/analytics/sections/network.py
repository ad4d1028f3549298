"""The partnership network (issue 6, item 5): partners linked by the offered activities they
held seats in together, weighted by how many; per partner its centrality, community and
how far its links cross framework lines; for the network its communities (Louvain),
modularity, density and the bridges between frameworks.

The database does the heavy part: one query returns the distinct (activity, partner) pairs
of seat-holding nominations that count, which are far fewer than the nominations; the
links are counted from them and the graph measured in `analytics.graph` (no Django).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from operator import itemgetter

from django.db.models import Q

from coopsec.accounts.actor import Actor
from coopsec.activities.models import SEAT_STATES, ActivityQuerySet, Nomination
from coopsec.analytics import access
from coopsec.analytics.access import Reader
from coopsec.analytics.duplicates import collector_paused
from coopsec.analytics.filters import Filters
from coopsec.analytics.graph import (
    BridgeMeasures,
    Link,
    NetworkMeasures,
    bridge_measures,
    co_participation,
    crosses_frameworks,
    measure,
    rank_bridges,
    rank_cross_framework_links,
)
from coopsec.analytics.measures import ratio
from coopsec.analytics.sections.base import (
    PartnerScope,
    in_force_during,
    offered_activities,
    partner_scope,
    year_range,
)
from coopsec.analytics.sections.cache import kept
from coopsec.network.models import Membership, Organization


@dataclass(frozen=True)
class PartnerNode:
    """One partner of the network. Graph figures are None when withheld from the reader
    (a liaison's own partner linked to fewer than `min_group` partners)."""

    partner: str
    region: str
    frameworks: list[str]  # in force on a day of the period
    activities: int  # offered activities it held a seat in
    degree: int | None
    weighted_degree: int | None
    betweenness: float | None
    eigenvector: float | None
    community: int | None
    community_size: int | None
    frameworks_reached: int | None
    cross_framework_links: int | None
    cross_framework_weight: int | None


@dataclass(frozen=True)
class NetworkLink:
    source: str
    target: str
    weight: int  # activities both held seats in
    cross_framework: bool  # the two share no framework


@dataclass(frozen=True)
class Community:
    id: int
    size: int
    partners: list[str]
    frameworks: dict[str, int]  # framework -> members of the community in it
    internal_weight: int  # total weight of the links inside the community


@dataclass(frozen=True)
class Bridge:
    partner: str
    frameworks_reached: int
    cross_framework_links: int
    cross_framework_weight: int
    betweenness: float


@dataclass(frozen=True)
class Network:
    """The network as the reader may receive it: for staff every partner named; for a
    liaison its own partner's row and the network-wide figures, others' lists None."""

    filters: Filters
    reader: Reader
    period: tuple[int, int] | None  # first and last year the frameworks are read for
    rows: list[PartnerNode]
    partners: int
    activities: int | None  # offered activities with at least one seat counted
    shared_activities: int | None  # of which with seats of at least two partners
    links: int | None
    density: float | None
    modularity: float | None
    components: int | None
    community_count: int | None
    cross_framework_share: float | None  # of the total link weight
    edges: list[NetworkLink] | None
    communities: list[Community] | None
    bridges: list[Bridge] | None
    cross_framework_links: list[NetworkLink] | None
    withheld: bool


@dataclass(frozen=True)
class _Partner:
    code: str
    region: str
    frameworks: set[str]


def network(*, actor: Actor, filters: Filters) -> Network:
    """The co-participation network of the partners holding seats in the offered
    activities under the filters. Raises Forbidden. Kept per data version
    (`sections/cache.py`)."""
    reader = access.reader_for(actor, access.NETWORK)
    return kept(
        access.NETWORK,
        actor=actor,
        arguments=filters,
        compute=lambda: _network(actor, filters, reader),
    )


def _network(actor: Actor, filters: Filters, reader: Reader) -> Network:
    # Ten years are 322,663 pairs read as as many tuples, which set off collections of the
    # whole heap for nothing: 10-20% of the answer (docs/PERFORMANCE.md, "Analytics").
    with collector_paused():
        return _measured(actor, filters, reader)


def _measured(actor: Actor, filters: Filters, reader: Reader) -> Network:
    activities = offered_activities(actor, filters)
    years = year_range(activities, filters)
    scope = partner_scope(actor, filters, years, with_members=False)
    pairs = _seat_pairs(activities, scope)
    partners = _partners(actor, {pid for _act, pid in pairs}, years)
    links = co_participation((act, partners[pid].code) for act, pid in pairs)
    by_code = {p.code: p for p in partners.values()}
    frameworks = {code: p.frameworks for code, p in by_code.items()}
    measured = measure(by_code, links)
    bridges = bridge_measures(by_code, links, frameworks)
    per_activity = Counter(map(itemgetter(0), pairs))
    per_partner = {
        partners[pid].code: count for pid, count in Counter(map(itemgetter(1), pairs)).items()
    }
    own = partners[reader.own_partner_id].code if reader.own_partner_id in partners else None

    rows = [
        _row(by_code[code], per_partner[code], measured, bridges, reader)
        for code in sorted(by_code)
        if reader.names_partners or code == own
    ]
    network_shown = reader.shows_group(len(by_code))
    total_weight = sum(links.values())
    cross_weight = sum(w for (a, b), w in links.items() if _crosses(frameworks, a, b))
    return Network(
        filters=filters,
        reader=reader,
        period=(years[0], years[-1]) if years else None,
        rows=rows,
        partners=len(by_code),
        activities=len(per_activity) if network_shown else None,
        shared_activities=(
            sum(1 for n in per_activity.values() if n >= 2) if network_shown else None
        ),
        links=len(links) if network_shown else None,
        density=measured.density if network_shown else None,
        modularity=measured.modularity if network_shown else None,
        components=measured.components if network_shown else None,
        community_count=len(measured.communities) if network_shown else None,
        cross_framework_share=ratio(cross_weight, total_weight) if network_shown else None,
        edges=_edges(links, frameworks) if reader.names_partners else None,
        communities=(_communities(measured, links, frameworks) if reader.names_partners else None),
        bridges=_bridges(bridges, measured) if reader.names_partners else None,
        cross_framework_links=(
            [
                _link(link, links, frameworks)
                for link in rank_cross_framework_links(links, frameworks)
            ]
            if reader.names_partners
            else None
        ),
        withheld=not network_shown or any(r.degree is None for r in rows),
    )


def _seat_pairs(activities: ActivityQuerySet, scope: PartnerScope) -> list[tuple[int, int]]:
    """Distinct (activity id, partner id) of the seat-holding nominations that count."""
    return list(
        Nomination.objects.filter(activity__in=activities, state__in=SEAT_STATES)
        .filter(scope.nomination_q())
        .values_list("activity_id", "partner_id")
        .distinct()
        .order_by()
    )


def _partners(actor: Actor, ids: set[int], years: list[int]) -> dict[int, _Partner]:
    """Code, region and the frameworks in force on a day of the period, per partner."""
    if not ids:
        return {}
    frameworks: dict[int, set[str]] = defaultdict(set)
    memberships = (
        Membership.objects.visible_to(actor)
        .filter(framework__isnull=False, organization_id__in=sorted(ids))
        .filter(start__lte=date(years[-1], 12, 31))
        .filter(Q(end__isnull=True) | Q(end__gt=date(years[0], 1, 1)))
        .values_list("organization_id", "framework__code", "start", "end")
        .order_by()
    )
    for org_id, code, start, end in memberships:
        if any(in_force_during(start, end, year) for year in years):
            frameworks[org_id].add(code)
    organizations = Organization.objects.filter(pk__in=sorted(ids)).values_list(
        "pk", "code", "region"
    )
    return {
        pk: _Partner(code, region, frameworks.get(pk, set())) for pk, code, region in organizations
    }


def _row(
    partner: _Partner,
    activities: int,
    measured: NetworkMeasures,
    bridges: dict[str, BridgeMeasures],
    reader: Reader,
) -> PartnerNode:
    """A partner's row. For a reader who may not see partners one by one (a liaison, its
    own row), the graph figures are built from its neighbours: withheld when it has at
    least one and fewer than `min_group`; its community's size likewise."""
    node, bridge = measured.nodes[partner.code], bridges[partner.code]
    size = len(measured.communities[node.community - 1])
    shown = reader.shows_group(node.degree)
    return PartnerNode(
        partner=partner.code,
        region=partner.region,
        frameworks=sorted(partner.frameworks),
        activities=activities,
        degree=node.degree if shown else None,
        weighted_degree=node.weighted_degree if shown else None,
        betweenness=node.betweenness if shown else None,
        eigenvector=node.eigenvector if shown else None,
        community=node.community if shown else None,
        community_size=size if shown and reader.shows_group(size) else None,
        frameworks_reached=bridge.frameworks_reached if shown else None,
        cross_framework_links=bridge.cross_framework_links if shown else None,
        cross_framework_weight=bridge.cross_framework_weight if shown else None,
    )


def _crosses(frameworks: dict[str, set[str]], a: str, b: str) -> bool:
    return crosses_frameworks(frameworks.get(a, set()), frameworks.get(b, set()))


def _link(link: Link, links: dict[Link, int], frameworks: dict[str, set[str]]) -> NetworkLink:
    a, b = link
    return NetworkLink(a, b, links[link], _crosses(frameworks, a, b))


def _edges(links: dict[Link, int], frameworks: dict[str, set[str]]) -> list[NetworkLink]:
    return [_link(link, links, frameworks) for link in sorted(links)]


def _communities(
    measured: NetworkMeasures, links: dict[Link, int], frameworks: dict[str, set[str]]
) -> list[Community]:
    internal: Counter[int] = Counter()
    for (a, b), weight in links.items():
        if measured.nodes[a].community == measured.nodes[b].community:
            internal[measured.nodes[a].community] += weight
    found = []
    for k, members in enumerate(measured.communities, 1):
        counts = Counter(code for p in members for code in frameworks.get(p, set()))
        found.append(Community(k, len(members), members, dict(sorted(counts.items())), internal[k]))
    return found


def _bridges(bridges: dict[str, BridgeMeasures], measured: NetworkMeasures) -> list[Bridge]:
    betweenness = {p: n.betweenness for p, n in measured.nodes.items()}
    return [
        Bridge(
            partner=p,
            frameworks_reached=bridges[p].frameworks_reached,
            cross_framework_links=bridges[p].cross_framework_links,
            cross_framework_weight=bridges[p].cross_framework_weight,
            betweenness=betweenness[p],
        )
        for p in rank_bridges(bridges, betweenness)
    ]
