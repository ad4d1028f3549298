"""The partnership network's graph measures (no Django here): co-participation links from
(activity, partner) pairs, and per partner its degree, weighted degree, betweenness and
eigenvector centrality, community (Louvain) and bridge figures across frameworks.

docs/analytics.md, "The partnership network", defines each one; the measures are NetworkX's
(the DESIGN stack's graph library), called with fixed parameters so that the same links
always give the same answer. Partners are labelled by code and the graph is built in code
order (partners, then links), because Louvain's random visiting order and the power
iteration's rounding follow the graph's order: the same order makes them repeatable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx

# Louvain's random generator is seeded with this, so communities are repeatable.
COMMUNITY_SEED = 1
# Power iteration of the eigenvector centrality: well below the 4 decimals published.
EIGENVECTOR_TOLERANCE = 1e-10
EIGENVECTOR_MAX_ITERATIONS = 10_000

Link = tuple[str, str]  # (partner, partner), the smaller code first


def co_participation(pairs: Iterable[tuple[int, str]]) -> dict[Link, int]:
    """Link weights from distinct (activity, partner) pairs: for every two partners, the
    number of activities both are in (a pair given twice counts once).

    Each partner's activities are the bits of one integer, and a link's weight is the
    number of bits two partners' integers share. Ten years of the `decade` data set (322,663
    pairs, 40 partners) take 0.07 s so, against 0.27 s listing every activity's pairs of
    partners (docs/PERFORMANCE.md, "Analytics"): partners are few, activities many.
    """
    position: dict[int, int] = {}
    members: dict[str, list[int]] = defaultdict(list)
    for activity, partner in pairs:
        members[partner].append(position.setdefault(activity, len(position)))
    size = (len(position) + 7) // 8
    bits: dict[str, int] = {}
    for partner, positions in members.items():
        mask = bytearray(size)
        for k in positions:
            mask[k >> 3] |= 1 << (k & 7)
        bits[partner] = int.from_bytes(mask, "little")
    weights: dict[Link, int] = {}
    partners = sorted(bits)
    for i, a in enumerate(partners):
        for b in partners[i + 1 :]:
            shared = (bits[a] & bits[b]).bit_count()
            if shared:
                weights[a, b] = shared
    return weights


@dataclass(frozen=True)
class NodeMeasures:
    degree: int  # partners it is linked to
    weighted_degree: int  # sum of its links' weights
    betweenness: float  # normalized, shortest paths counted in links
    eigenvector: float | None  # None when the power iteration does not converge
    community: int  # 1 = the largest community


@dataclass(frozen=True)
class NetworkMeasures:
    nodes: dict[str, NodeMeasures]
    communities: list[list[str]]  # community k (1-based) is communities[k - 1]; codes sorted
    modularity: float | None  # None without links
    density: float | None  # None with fewer than two partners
    components: int  # connected components (an isolated partner is one)


def network_graph(partners: Iterable[str], links: Mapping[Link, int]) -> nx.Graph:
    """The weighted graph, partners and links added in code order."""
    graph = nx.Graph()
    graph.add_nodes_from(sorted(partners))
    graph.add_weighted_edges_from((a, b, w) for (a, b), w in sorted(links.items()))
    return graph


def measure(partners: Iterable[str], links: Mapping[Link, int]) -> NetworkMeasures:
    """Every measure of the network of `partners` (each link's ends must be among them)."""
    graph = network_graph(partners, links)
    if graph.number_of_nodes() == 0:
        return NetworkMeasures({}, [], None, None, 0)
    betweenness = nx.betweenness_centrality(graph, normalized=True, weight=None)
    eigenvector = _eigenvector(graph)
    communities = sorted(
        (
            sorted(c)
            for c in nx.community.louvain_communities(graph, weight="weight", seed=COMMUNITY_SEED)
        ),
        key=lambda members: (-len(members), members[0]),
    )
    community_of = {p: k for k, members in enumerate(communities, 1) for p in members}
    has_links = graph.number_of_edges() > 0
    nodes = {
        p: NodeMeasures(
            degree=graph.degree(p),
            weighted_degree=graph.degree(p, weight="weight"),
            betweenness=betweenness[p],
            eigenvector=None if eigenvector is None else eigenvector[p],
            community=community_of[p],
        )
        for p in graph.nodes
    }
    return NetworkMeasures(
        nodes=nodes,
        communities=communities,
        modularity=(
            nx.community.modularity(graph, communities, weight="weight") if has_links else None
        ),
        density=nx.density(graph) if graph.number_of_nodes() >= 2 else None,
        components=nx.number_connected_components(graph),
    )


def _eigenvector(graph: nx.Graph) -> dict[str, float] | None:
    try:
        found: dict[str, float] = nx.eigenvector_centrality(
            graph,
            weight="weight",
            max_iter=EIGENVECTOR_MAX_ITERATIONS,
            tol=EIGENVECTOR_TOLERANCE,
        )
    except nx.PowerIterationFailedConvergence:
        return None
    return found


@dataclass(frozen=True)
class BridgeMeasures:
    """How far a partner's links cross framework lines (see docs/analytics.md)."""

    frameworks_reached: int  # its neighbours' frameworks it is not in itself
    cross_framework_links: int  # links to partners sharing no framework with it
    cross_framework_weight: int  # their total weight


def crosses_frameworks(a: set[str], b: set[str]) -> bool:
    """Do two partners share no framework? (A partner in none shares none.)"""
    return not a & b


def bridge_measures(
    partners: Iterable[str], links: Mapping[Link, int], frameworks: Mapping[str, set[str]]
) -> dict[str, BridgeMeasures]:
    """Per partner: the frameworks its links reach and its links across framework lines."""
    reached: dict[str, set[str]] = {p: set() for p in partners}
    crossing: dict[str, list[int]] = {p: [0, 0] for p in reached}
    for (a, b), weight in links.items():
        fa, fb = frameworks.get(a, set()), frameworks.get(b, set())
        reached[a] |= fb - fa
        reached[b] |= fa - fb
        if crosses_frameworks(fa, fb):
            for end in (a, b):
                crossing[end][0] += 1
                crossing[end][1] += weight
    return {p: BridgeMeasures(len(reached[p]), crossing[p][0], crossing[p][1]) for p in reached}


def rank_bridges(
    bridges: Mapping[str, BridgeMeasures], betweenness: Mapping[str, float]
) -> list[str]:
    """Partners with a link across framework lines, most cross-framework weight first,
    then most frameworks reached, highest betweenness, code."""
    return sorted(
        (p for p, b in bridges.items() if b.cross_framework_links),
        key=lambda p: (
            -bridges[p].cross_framework_weight,
            -bridges[p].frameworks_reached,
            -betweenness.get(p, 0.0),
            p,
        ),
    )


def rank_cross_framework_links(
    links: Mapping[Link, int], frameworks: Mapping[str, set[str]]
) -> list[Link]:
    """Links between partners sharing no framework, heaviest first, then by codes."""
    return sorted(
        (
            link
            for link in links
            if crosses_frameworks(frameworks.get(link[0], set()), frameworks.get(link[1], set()))
        ),
        key=lambda link: (-links[link], link),
    )
