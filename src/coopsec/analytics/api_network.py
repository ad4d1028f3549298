"""The analytics API's network section (mounted into analytics/api.py's router):
`GET /api/v1/analytics/network`, in the common shape — rows are the partners (the graph's
nodes), the summary holds the links, communities, bridges and network-wide figures."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

# Made before the shared schemas are imported from analytics/api.py, which mounts it when
# it is imported: so either module may be imported first.
router = Router(tags=["analytics"], by_alias=True)

from coopsec.analytics.api import (  # noqa: E402
    FiltersOut,
    FiltersQuery,
    ReaderOut,
    _answer,
    _reader,
)
from coopsec.analytics.measures import rounded  # noqa: E402
from coopsec.analytics.sections.network import Network, NetworkLink, network  # noqa: E402
from coopsec.api.auth import actor_of  # noqa: E402


class NetworkRow(Schema):
    partner: str
    region: str
    frameworks: list[str] = Field(description="frameworks it is in on a day of the period")
    activities: int = Field(description="offered activities it held a seat in")
    degree: int | None = Field(description="partners it shares an activity with")
    weighted_degree: int | None = Field(description="sum of its links' weights")
    betweenness: float | None = Field(description="normalized betweenness (paths in links)")
    eigenvector: float | None = Field(description="eigenvector centrality (weighted)")
    community: int | None = Field(description="its community (1: the largest)")
    community_size: int | None
    frameworks_reached: int | None = Field(
        description="frameworks of its neighbours it is not in itself"
    )
    cross_framework_links: int | None = Field(
        description="links to partners sharing no framework with it"
    )
    cross_framework_weight: int | None = Field(description="their total weight")


class LinkOut(Schema):
    source: str
    target: str
    weight: int = Field(description="offered activities both held seats in")
    cross_framework: bool = Field(description="the two share no framework")


class CommunityOut(Schema):
    id: int
    size: int
    partners: list[str]
    frameworks: dict[str, int] = Field(description="framework code -> members in it")
    internal_weight: int = Field(description="total weight of the links inside it")


class BridgeOut(Schema):
    partner: str
    frameworks_reached: int
    cross_framework_links: int
    cross_framework_weight: int
    betweenness: float


class PeriodOut(Schema):
    from_: int = Field(alias="from")
    to: int


class NetworkSummary(Schema):
    filters: FiltersOut
    reader: ReaderOut
    period: PeriodOut | None = Field(description="the years the frameworks are read for")
    partners: int = Field(description="partners holding a seat (the nodes)")
    activities: int | None = Field(description="offered activities with a seat counted")
    shared_activities: int | None = Field(description="of which with two partners or more")
    links: int | None = Field(description="pairs of partners sharing an activity")
    density: float | None = Field(description="links / possible links")
    modularity: float | None = Field(description="modularity of the communities (weighted)")
    components: int | None = Field(description="connected components")
    community_count: int | None
    cross_framework_share: float | None = Field(
        description="share of the total link weight between partners sharing no framework"
    )
    edges: list[LinkOut] | None = Field(description="every link; null for a liaison")
    communities: list[CommunityOut] | None = Field(description="null for a liaison")
    bridges: list[BridgeOut] | None = Field(
        description="partners linked across framework lines, ranked; null for a liaison"
    )
    cross_framework_links: list[LinkOut] | None = Field(
        description="links between partners sharing no framework, heaviest first"
    )
    withheld: bool = Field(description="figures withheld from this reader")


class NetworkOut(Schema):
    definitions_version: str
    rows: list[NetworkRow]
    summary: NetworkSummary


def _links(links: list[NetworkLink] | None) -> list[dict[str, Any]] | None:
    return None if links is None else [vars(link) for link in links]


def _summary(found: Network) -> dict[str, Any]:
    return {
        "filters": found.filters.as_params(),
        "reader": _reader(found.reader),
        "period": None
        if found.period is None
        else {"from": found.period[0], "to": found.period[1]},
        "partners": found.partners,
        "activities": found.activities,
        "shared_activities": found.shared_activities,
        "links": found.links,
        "density": rounded(found.density),
        "modularity": rounded(found.modularity),
        "components": found.components,
        "community_count": found.community_count,
        "cross_framework_share": rounded(found.cross_framework_share),
        "edges": _links(found.edges),
        "communities": None if found.communities is None else [vars(c) for c in found.communities],
        "bridges": None
        if found.bridges is None
        else [{**vars(b), "betweenness": rounded(b.betweenness)} for b in found.bridges],
        "cross_framework_links": _links(found.cross_framework_links),
        "withheld": found.withheld,
    }


@router.get("/network", response=NetworkOut, summary="Partnership network")
def partnership_network(request: HttpRequest, filters: Query[FiltersQuery]) -> dict[str, Any]:
    """Partners linked by the offered activities they held seats in together (weighted by
    how many): per partner its degree, centralities, community and links across framework
    lines; the communities, modularity, density and bridges between frameworks.
    Coordinators, analysts and admins; a partner liaison receives its own partner's row and
    the network-wide figures, no other partner."""
    found = network(actor=actor_of(request), filters=filters.parse())
    rows = [
        {**vars(r), "betweenness": rounded(r.betweenness), "eigenvector": rounded(r.eigenvector)}
        for r in found.rows
    ]
    return _answer(rows, _summary(found))
