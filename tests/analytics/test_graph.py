"""The partnership network's graph measures (analytics/graph.py), without a database, on
small graphs whose figures are worked out by hand."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from coopsec.analytics.graph import (
    BridgeMeasures,
    bridge_measures,
    co_participation,
    measure,
    rank_bridges,
    rank_cross_framework_links,
)

# Two triangles (weights 2) joined by one link C-D (weight 1), and G on its own.
TRIANGLES = {
    ("A", "B"): 2, ("A", "C"): 2, ("B", "C"): 2,
    ("D", "E"): 2, ("D", "F"): 2, ("E", "F"): 2,
    ("C", "D"): 1,
}  # fmt: skip
FRAMEWORKS = {"A": {"PfP"}, "B": {"PfP"}, "C": {"PfP"}, "D": {"MD"}, "E": {"MD"}, "F": {"MD"}}


def test_links_count_the_activities_two_partners_share() -> None:
    pairs = [(1, "B"), (1, "A"), (1, "C"), (2, "A"), (2, "B"), (3, "C")]
    assert co_participation(pairs) == {("A", "B"): 2, ("A", "C"): 1, ("B", "C"): 1}
    assert co_participation([]) == {}


def test_links_match_a_count_over_every_activity_on_random_menus() -> None:
    rng = random.Random(6)
    for _menu in range(20):
        partners = [f"P{k:02d}" for k in range(rng.randint(2, 30))]
        activities = rng.sample(range(1, 10_000), rng.randint(1, 300))
        most = min(6, len(partners))
        pairs = [(a, p) for a in activities for p in rng.sample(partners, rng.randint(0, most))]
        expected: dict[tuple[str, str], int] = {}
        for a in activities:
            present = sorted({p for act, p in pairs if act == a})
            for link in itertools.combinations(present, 2):
                expected[link] = expected.get(link, 0) + 1
        assert co_participation(rng.sample(pairs, len(pairs))) == expected
        assert co_participation(pairs + pairs[:5]) == expected, "a pair given twice counts once"


def test_two_triangles_joined_by_one_link() -> None:
    found = measure("ABCDEFG", TRIANGLES)
    assert found.communities == [["A", "B", "C"], ["D", "E", "F"], ["G"]]
    assert [found.nodes[p].community for p in "ABCDEFG"] == [1, 1, 1, 2, 2, 2, 3]
    # C and D are on the shortest paths of the 6 pairs across; of 6*5/2 = 15 pairs.
    assert found.nodes["C"].betweenness == pytest.approx(6 / 15)
    assert found.nodes["A"].betweenness == found.nodes["G"].betweenness == 0
    assert (found.nodes["C"].degree, found.nodes["C"].weighted_degree) == (3, 5)
    assert (found.nodes["G"].degree, found.nodes["G"].weighted_degree) == (0, 0)
    # Modularity by hand: m = 13; each triangle holds 6 and degrees summing to 13.
    assert found.modularity == pytest.approx(2 * (6 / 13 - (13 / 26) ** 2))
    assert found.density == pytest.approx(7 / 21)
    assert found.components == 2
    eigen = {p: found.nodes[p].eigenvector for p in "ABCDEFG"}
    assert eigen["A"] == pytest.approx(eigen["F"]) and eigen["C"] == pytest.approx(eigen["D"])
    assert eigen["C"] > eigen["A"] > eigen["G"]  # type: ignore[operator]
    assert math.fsum(v * v for v in eigen.values() if v) == pytest.approx(1)


def test_the_same_links_give_the_same_answer_in_any_order() -> None:
    reversed_links = dict(reversed(list(TRIANGLES.items())))
    assert measure("GFEDCBA", reversed_links) == measure("ABCDEFG", TRIANGLES)


def test_no_partners_no_links_and_one_partner() -> None:
    empty = measure([], {})
    assert (empty.nodes, empty.communities, empty.modularity, empty.density) == ({}, [], None, None)
    alone = measure(["A"], {})
    assert (alone.modularity, alone.density, alone.components) == (None, None, 1)
    assert alone.nodes["A"].community == 1
    apart = measure(["A", "B"], {})
    assert (apart.modularity, apart.density, apart.components) == (None, 0.0, 2)


def test_bridges_are_the_links_across_framework_lines() -> None:
    bridges = bridge_measures("ABCDEFG", TRIANGLES, FRAMEWORKS)
    assert bridges["C"] == BridgeMeasures(1, 1, 1)
    assert bridges["D"] == BridgeMeasures(1, 1, 1)
    assert bridges["A"] == bridges["G"] == BridgeMeasures(0, 0, 0)
    between = {p: n.betweenness for p, n in measure("ABCDEFG", TRIANGLES).nodes.items()}
    assert rank_bridges(bridges, between) == ["C", "D"]
    assert rank_cross_framework_links(TRIANGLES, FRAMEWORKS) == [("C", "D")]


def test_a_partner_in_no_framework_shares_none_and_reaches_nothing() -> None:
    links = {("A", "X"): 3, ("A", "B"): 1, ("B", "X"): 5}
    frameworks = {"A": {"PfP", "EAPC"}, "B": {"PfP"}}
    bridges = bridge_measures("ABX", links, frameworks)
    assert bridges["X"] == BridgeMeasures(frameworks_reached=2, cross_framework_links=2,
                                          cross_framework_weight=8)  # fmt: skip
    assert bridges["B"] == BridgeMeasures(1, 1, 5)  # reaches EAPC through A
    assert bridges["A"] == BridgeMeasures(0, 1, 3)
    assert rank_bridges(bridges, {}) == ["X", "B", "A"]
    assert rank_cross_framework_links(links, frameworks) == [("B", "X"), ("A", "X")]
