"""The partnership network (issue 6, item 5) as a page: an interactive graph of the partners
linked by the activities they held seats in together (node size: activities; colour:
community; click a node for its figures), the network-wide figures, the communities, the
bridges between frameworks, and every partner's figures in a table.

The framework and region views are the shared filters. A liaison receives its own partner's
row and the network-wide figures only (no links, no other partner): no graph is drawn for it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from coopsec.analytics import access
from coopsec.analytics.measures import rounded
from coopsec.analytics.presentation import partner_names, percent
from coopsec.analytics.sections.network import Network, NetworkLink, PartnerNode, network
from coopsec.analytics.views.base import AnalyticsPage, open_page, project_errors

# The graph draws each partner's strongest links only (its "backbone"): co-participation
# links nearly every pair of active partners, and a drawing of every link is a ball that
# hides the communities and slows the browser. The tables list every partner, the API
# every link.
LINKS_PER_PARTNER = 3
MAX_EDGES = 600
# Community colours (analytics.css .community-N and analytics-network.js, same order).
COMMUNITY_COLOURS = 10
BRIDGES_LISTED = 15


def community_class(community: int | None) -> int:
    """The colour (1..COMMUNITY_COLOURS) of a community; 0 for none."""
    return 0 if community is None else (community - 1) % COMMUNITY_COLOURS + 1


def _node(row: PartnerNode, name: str) -> dict[str, Any]:
    return {
        "id": row.partner,
        "name": name,
        "region": row.region,
        "frameworks": row.frameworks,
        "activities": row.activities,
        "degree": row.degree,
        "weighted_degree": row.weighted_degree,
        "betweenness": rounded(row.betweenness),
        "eigenvector": rounded(row.eigenvector),
        "community": row.community,
        "colour": community_class(row.community),
        "frameworks_reached": row.frameworks_reached,
        "cross_framework_links": row.cross_framework_links,
    }


def backbone(
    edges: list[NetworkLink], per_partner: int = LINKS_PER_PARTNER, limit: int = MAX_EDGES
) -> list[NetworkLink]:
    """Each partner's `per_partner` heaviest links (ties: by the partners' codes), heaviest
    first, at most `limit` in all."""
    ranked = sorted(edges, key=lambda e: (-e.weight, e.source, e.target))
    taken: dict[str, int] = {}
    kept = []
    for e in ranked:
        if taken.get(e.source, 0) < per_partner or taken.get(e.target, 0) < per_partner:
            kept.append(e)
            taken[e.source] = taken.get(e.source, 0) + 1
            taken[e.target] = taken.get(e.target, 0) + 1
    return kept[:limit]


def _graph(found: Network, names: dict[str, str]) -> dict[str, Any] | None:
    """What analytics-network.js draws; None when the reader may not see the links."""
    if found.edges is None:
        return None
    drawn = backbone(found.edges)
    return {
        "nodes": [_node(r, names.get(r.partner, "")) for r in found.rows],
        "edges": [
            {"source": e.source, "target": e.target, "weight": e.weight, "cross": e.cross_framework}
            for e in drawn
        ],
        "text": {
            "activities": _("Activities with a seat"),
            "region": _("Region"),
            "frameworks": _("Frameworks"),
            "degree": _("Partners linked"),
            "weighted_degree": _("Shared activities (weighted links)"),
            "betweenness": _("Betweenness"),
            "eigenvector": _("Eigenvector centrality"),
            "community": _("Community"),
            "frameworks_reached": _("Frameworks reached"),
            "cross_framework_links": _("Links across frameworks"),
            "none": _("none"),
        },
    }


def _context(page: AnalyticsPage, found: Network) -> dict[str, Any]:
    codes = [r.partner for r in found.rows]
    for c in found.communities or []:
        codes.extend(c.partners)
    names = partner_names(page.actor, codes)
    graph = _graph(found, names)
    return {
        "found": found,
        "graph": graph,
        "edges_drawn": len(graph["edges"]) if graph else 0,
        "density": rounded(found.density),
        "modularity": rounded(found.modularity),
        "cross_share": percent(found.cross_framework_share),
        "rows": [
            {
                "row": r,
                "name": names.get(r.partner, ""),
                "betweenness": rounded(r.betweenness),
                "eigenvector": rounded(r.eigenvector),
                "colour": community_class(r.community),
            }
            for r in sorted(found.rows, key=lambda r: (-r.activities, r.partner))
        ],
        "communities": [
            {
                "community": c,
                "colour": community_class(c.id),
                "partners": [names.get(p, p) for p in c.partners],
                "frameworks": [
                    (page.frameworks.get(code, code), n)
                    for code, n in sorted(c.frameworks.items(), key=lambda kv: (-kv[1], kv[0]))
                ],
            }
            for c in found.communities or []
        ],
        "bridges": [
            (b, names.get(b.partner, ""), rounded(b.betweenness))
            for b in (found.bridges or [])[:BRIDGES_LISTED]
        ],
    }


@login_required
@project_errors
def partnership_network(request: HttpRequest) -> HttpResponse:
    """The co-participation network under the filters: graph, figures and tables."""
    page = open_page(request, access.NETWORK)
    context: dict[str, Any] = {}
    if page.filters is not None:
        found = network(actor=page.actor, filters=page.filters)
        context = _context(page, found)
    return page.render(request, "analytics/network.html", context)
