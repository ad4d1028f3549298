"""The partnership network (`GET /api/v1/analytics/network`): recomputed independently from
the raw nomination rows of a small generated history and compared with the API to the last
digit (links, weights and degrees by hand; centralities and communities by NetworkX run on
the recomputed links); what each role receives; filters; query counts."""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterator
from datetime import date
from itertools import combinations
from typing import Any
from unittest.mock import patch
from urllib.parse import urlencode

import networkx as nx
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.activities.models import Activity
from coopsec.network.models import Organization
from tests.activities import factories
from tests.analytics.recompute import (
    SEATS,
    TODAY,
    Raw,
    Recompute,
    during,
    generate_history,
    load_raw,
    r4,
)

pytestmark = pytest.mark.django_db

ROLE_ORG = {
    R.COORDINATOR: "NATO", R.ANALYST: "NATO", R.ADMIN: "NATO", R.AUDITOR: "NATO",
    R.PARTNER_LIAISON: "GEO", R.INSTITUTION_MANAGER: "PTEC-AUT-AUTINT",
}  # fmt: skip
ROW_FIELDS = {
    "partner", "region", "frameworks", "activities", "degree", "weighted_degree",
    "betweenness", "eigenvector", "community", "community_size", "frameworks_reached",
    "cross_framework_links", "cross_framework_weight",
}  # fmt: skip
NAMED_ONLY = ("edges", "communities", "bridges", "cross_framework_links")


@pytest.fixture
def as_role(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> Callable[[str], Client]:
    def make(role: str) -> Client:
        admin = role == R.ADMIN
        return client_for(make_user(role, ROLE_ORG[role], is_staff=admin, is_superuser=admin))

    return make


def call(client: Client, query: dict[str, Any] | str = "") -> Any:
    if isinstance(query, dict):
        query = urlencode({k: v for k, v in query.items() if v is not None})
    with patch("coopsec.network.dates.today", return_value=TODAY):
        return client.get(f"/api/v1/analytics/network?{query}")


def get(client: Client, query: dict[str, Any] | str = "") -> dict[str, Any]:
    response = call(client, query)
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    assert body["definitions_version"] == "1"
    return body


def strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


# --- the recomputation ---------------------------------------------------------------------


def recompute_network(raw: Raw, visible: set[int] | None = None, **filters: Any) -> dict[str, Any]:
    """The network over every activity (alliance staff) or the `visible` ones, the simple
    way: loops over every activity and nomination, links and degrees by hand; NetworkX only
    for what it defines (centralities, Louvain), run on the links recomputed here."""
    rc = Recompute(raw, **filters)
    acts = {
        a[0]: a
        for a in raw.activities
        if rc.activity_passes(a) and (visible is None or a[0] in visible)
    }
    years = rc.years(list(acts.values()))
    code = {pk: org[0] for pk, org in raw.organizations.items()}
    seats_in: dict[int, set[str]] = defaultdict(set)  # activity -> partners holding a seat
    for act, partner, state in raw.nominations:
        if act in acts and state in SEATS and rc.partner_passes(partner, acts[act][3].year):
            seats_in[act].add(code[partner])
    partners = sorted({p for ps in seats_in.values() for p in ps})
    links: dict[tuple[str, str], int] = defaultdict(int)
    for ps in seats_in.values():
        for a, b in combinations(sorted(ps), 2):
            links[(a, b)] += 1
    neighbours: dict[str, dict[str, int]] = {p: {} for p in partners}
    for (a, b), w in links.items():
        neighbours[a][b] = neighbours[b][a] = w
    frameworks: dict[str, set[str]] = {p: set() for p in partners}
    for org, fw, start, end in raw.memberships:
        if code[org] in frameworks and any(during(start, end, y) for y in years):
            frameworks[code[org]].add(fw)

    graph = nx.Graph()
    graph.add_nodes_from(partners)
    graph.add_weighted_edges_from((a, b, w) for (a, b), w in sorted(links.items()))
    betweenness = nx.betweenness_centrality(graph) if partners else {}
    eigenvector = (
        nx.eigenvector_centrality(graph, weight="weight", max_iter=10_000, tol=1e-10)
        if partners
        else {}
    )
    communities = sorted(
        (sorted(c) for c in nx.community.louvain_communities(graph, weight="weight", seed=1)),
        key=lambda c: (-len(c), c[0]),
    )
    community_of = {p: k for k, c in enumerate(communities, 1) for p in c}

    def crosses(a: str, b: str) -> bool:
        return not frameworks[a] & frameworks[b]

    rows, bridges = [], []
    for p in partners:
        near = neighbours[p]
        reached = set().union(*(frameworks[q] for q in near)) - frameworks[p] if near else set()
        cross = [w for q, w in near.items() if crosses(p, q)]
        rows.append({
            "partner": p, "region": next(o[1] for o in raw.organizations.values() if o[0] == p),
            "frameworks": sorted(frameworks[p]),
            "activities": sum(1 for ps in seats_in.values() if p in ps),
            "degree": len(near), "weighted_degree": sum(near.values()),
            "betweenness": r4(betweenness[p]), "eigenvector": r4(eigenvector[p]),
            "community": community_of[p], "community_size": len(communities[community_of[p] - 1]),
            "frameworks_reached": len(reached), "cross_framework_links": len(cross),
            "cross_framework_weight": sum(cross),
        })  # fmt: skip
        if cross:
            bridges.append((-sum(cross), -len(reached), -betweenness[p], p))
    figures = {r["partner"]: r for r in rows}
    ranked = [
        {
            "partner": p, "frameworks_reached": figures[p]["frameworks_reached"],
            "cross_framework_links": figures[p]["cross_framework_links"],
            "cross_framework_weight": figures[p]["cross_framework_weight"],
            "betweenness": figures[p]["betweenness"],
        }
        for *_key, p in sorted(bridges)
    ]  # fmt: skip
    total = sum(links.values())
    cross_weight = sum(w for (a, b), w in links.items() if crosses(a, b))
    n, m = len(partners), len(links)
    return {
        "rows": rows,
        "graph": graph,
        "communities": communities,
        "summary": {
            "period": {"from": years[0], "to": years[-1]} if years else None,
            "partners": n,
            "activities": len(seats_in),
            "shared_activities": sum(1 for ps in seats_in.values() if len(ps) >= 2),
            "links": m,
            "density": r4(2 * m / (n * (n - 1))) if n >= 2 else None,
            "components": components(partners, neighbours),
            "community_count": len(communities),
            "modularity": r4(nx.community.modularity(graph, communities)) if m else None,
            "cross_framework_share": r4(cross_weight / total) if total else None,
            "edges": [
                {"source": a, "target": b, "weight": w, "cross_framework": crosses(a, b)}
                for (a, b), w in sorted(links.items())
            ],
            "bridges": ranked,
            "cross_framework_links": [
                {"source": a, "target": b, "weight": w, "cross_framework": True}
                for (a, b), w in sorted(links.items(), key=lambda kv: (-kv[1], kv[0]))
                if crosses(a, b)
            ],
        },
    }


def components(partners: list[str], neighbours: dict[str, dict[str, int]]) -> int:
    seen: set[str] = set()
    count = 0
    for start in partners:
        if start in seen:
            continue
        count += 1
        queue = deque([start])
        seen.add(start)
        while queue:
            for q in neighbours[queue.popleft()]:
                if q not in seen:
                    seen.add(q)
                    queue.append(q)
    return count


def modularity_by_hand(edges: list[dict[str, Any]], communities: list[list[str]]) -> float:
    """Q = Σ_c (L_c / m - (d_c / 2m)²): L_c the weight inside c, d_c its members' degrees."""
    m = sum(e["weight"] for e in edges)
    of = {p: k for k, c in enumerate(communities) for p in c}
    inside, degree = [0] * len(communities), [0] * len(communities)
    for e in edges:
        a, b = of[e["source"]], of[e["target"]]
        degree[a] += e["weight"]
        degree[b] += e["weight"]
        if a == b:
            inside[a] += e["weight"]
    return sum(inside[k] / m - (degree[k] / (2 * m)) ** 2 for k in range(len(communities)))


def filter_sets() -> list[dict[str, Any]]:
    """No filter, a year, a framework with a type, a region with an area group, a host."""
    host = Counter(Activity.objects.values_list("host__code", flat=True)).most_common(1)[0][0]
    return [
        {},
        {"from": 2026, "to": 2026},
        {"framework": "PfP", "type": "course"},
        {"region": "Western Asia", "area": "capabilities", "from": 2027},
        {"host": host, "to": 2027},
    ]


# --- tests ---------------------------------------------------------------------------------


def test_the_network_matches_a_recomputation(as_role: Callable[[str], Client]) -> None:
    generate_history(seed=7)
    raw = load_raw()
    staff = as_role(R.ANALYST)
    for filters in filter_sets():
        body = get(staff, filters)
        expected = recompute_network(raw, **filters)
        assert body["rows"], filters
        assert body["rows"] == expected["rows"], filters
        summary = body["summary"]
        for key, value in expected["summary"].items():
            assert summary[key] == value, (filters, key)
        assert [c["partners"] for c in summary["communities"]] == expected["communities"]
        # The partition's modularity: NetworkX's and by hand, both as published.
        partition = [set(c["partners"]) for c in summary["communities"]]
        graph = expected["graph"]
        assert summary["modularity"] == r4(
            nx.community.modularity(graph, partition, weight="weight")
        )
        assert summary["modularity"] == r4(
            modularity_by_hand(summary["edges"], [c["partners"] for c in summary["communities"]])
        )
        for c in summary["communities"]:
            assert c["size"] == len(c["partners"])
            assert c["internal_weight"] == graph.subgraph(c["partners"]).size(weight="weight")
        assert summary["withheld"] is False
        assert summary["reader"] == {"names_partners": True, "min_group": None}


def test_the_recomputation_is_not_vacuous(as_role: Callable[[str], Client]) -> None:
    """The data set exercises what the comparison relies on: incomplete graphs (so
    betweenness is not all zero), several communities, links across frameworks and within,
    and nominations that hold no seat (left out) beside no-shows (counted)."""
    generate_history(seed=7)
    states = {state for _act, _partner, state in load_raw().nominations}
    assert {"no_show", "withdrawn", "waitlisted"} <= states
    answers = [get(as_role(R.COORDINATOR), filters) for filters in filter_sets()]
    assert any(0 < body["summary"]["density"] < 1 for body in answers)
    assert any(r["betweenness"] > 0 for body in answers for r in body["rows"])
    full = get(as_role(R.COORDINATOR))
    assert full["summary"]["community_count"] >= 2
    assert {e["cross_framework"] for e in full["summary"]["edges"]} == {True, False}
    assert full["summary"]["bridges"]
    assert len({r["eigenvector"] for r in full["rows"]}) > 5


def test_who_receives_what(as_role: Callable[[str], Client]) -> None:
    generate_history(seed=7)
    for role in (R.COORDINATOR, R.ANALYST, R.ADMIN):
        body = get(as_role(role))
        assert len(body["rows"]) > 20
        assert all(set(r) == ROW_FIELDS for r in body["rows"])
        assert all(body["summary"][key] for key in NAMED_ONLY)
    for role in (R.INSTITUTION_MANAGER, R.AUDITOR):
        response = call(as_role(role))
        assert response.status_code == 403 and response.json()["error"] == "forbidden"
    assert call(Client()).status_code == 401


def test_a_liaison_sees_its_own_partner_and_no_other(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    generate_history(seed=7)
    # Hosts may be named (the menu names them, and the host filter is echoed); partners not.
    others = Organization.objects.exclude(code="GEO").exclude(kind__in=["institution", "alliance"])
    identifying = {
        value
        for values in others.values_list("code", "name", "short_name", "iso3")
        for value in values
        if value
    }
    user = make_user(R.PARTNER_LIAISON, "GEO")
    liaison = client_for(user)
    # Its figures are those of the network of its menu (an activity open to another
    # partner alone is not on it), recomputed here over the activities the menu shows it.
    menu = set(Activity.objects.visible_to(Actor.from_user(user)).values_list("pk", flat=True))
    assert len(menu) < Activity.objects.count()
    raw = load_raw()
    for filters in filter_sets():
        body = get(liaison, filters)
        named = identifying & set(strings(body))
        assert not named, (filters, sorted(named)[:5])
        assert all(body["summary"][key] is None for key in NAMED_ONLY)
        assert body["summary"]["reader"] == {"names_partners": False, "min_group": 3}
        expected = recompute_network(raw, visible=menu, **filters)
        assert body["rows"] == [r for r in expected["rows"] if r["partner"] == "GEO"], filters
        figures = {k: v for k, v in expected["summary"].items() if k in body["summary"]}
        shown = {k: body["summary"][k] for k in figures if k not in NAMED_ONLY}
        assert shown == {k: v for k, v in figures.items() if k not in NAMED_ONLY}, filters
    (own,) = get(liaison)["rows"]
    assert own["partner"] == "GEO" and own["degree"] >= 3


def test_figures_from_too_few_partners_are_withheld_from_a_liaison(
    as_role: Callable[[str], Client],
) -> None:
    """GEO shares one activity with JOR only: its degree of 1 would say that one partner
    was there with it; its figures and the network-wide ones (two partners) are null."""
    geo, jor, arm, aze = (factories.liaison(code) for code in ("GEO", "JOR", "ARM", "AZE"))
    first = factories.activity_in_state(
        "open", area="air_defence", start=date(2027, 3, 1), seats=10, cap=None,
        nominations=[(geo, "Participant A"), (jor, "Participant B")],
    )  # fmt: skip
    liaison, staff = as_role(R.PARTNER_LIAISON), as_role(R.COORDINATOR)
    body = get(liaison, "from=2027&to=2027")
    (own,) = body["rows"]
    assert own["activities"] == 1 and own["frameworks"] == ["NGC", "PfP"]
    assert own["degree"] is own["weighted_degree"] is own["betweenness"] is None
    assert own["community"] is own["community_size"] is own["cross_framework_weight"] is None
    assert body["summary"]["partners"] == 2 and body["summary"]["withheld"] is True
    assert body["summary"]["links"] is body["summary"]["modularity"] is None
    assert body["summary"]["activities"] is body["summary"]["shared_activities"] is None
    named = get(staff, "from=2027&to=2027")
    assert [(r["partner"], r["degree"]) for r in named["rows"]] == [("GEO", 1), ("JOR", 1)]
    assert named["summary"]["edges"] == [
        {"source": "GEO", "target": "JOR", "weight": 1, "cross_framework": True}
    ]
    # Two more partners in a second activity with GEO: three neighbours, figures shown.
    factories.activity_in_state(
        "open", area="air_defence", start=date(2027, 4, 1), seats=10, cap=None,
        nominations=[(geo, "Participant C"), (arm, "Participant D"), (aze, "Participant E")],
    )  # fmt: skip
    body = get(liaison, "from=2027&to=2027")
    (own,) = body["rows"]
    assert (own["degree"], own["weighted_degree"], own["activities"]) == (3, 3, 2)
    assert own["cross_framework_links"] == 1  # JOR (MD) shares no framework with GEO
    assert body["summary"]["partners"] == 4 and body["summary"]["links"] == 4
    assert body["summary"]["withheld"] is False
    assert first.pk  # the first activity still counts


def test_filters_narrow_the_network(as_role: Callable[[str], Client]) -> None:
    generate_history(seed=7)
    staff = as_role(R.ANALYST)
    everything = get(staff)["summary"]
    pfp = get(staff, "framework=PfP&from=2026&to=2026")
    members = set(
        Organization.objects.filter(memberships__framework__code="PfP").values_list(
            "code", flat=True
        )
    )
    assert pfp["rows"] and {r["partner"] for r in pfp["rows"]} <= members
    assert all("PfP" in r["frameworks"] for r in pfp["rows"])
    assert pfp["summary"]["cross_framework_share"] == 0.0  # all share PfP
    asia = get(staff, "region=Western Asia")
    regions = {r["region"] for r in asia["rows"]}
    assert regions == {"Western Asia"}
    assert asia["summary"]["partners"] < everything["partners"]
    courses = get(staff, "type=course")["summary"]
    assert 0 < courses["activities"] < everything["activities"]
    year = get(staff, "from=2027&to=2027")["summary"]
    assert year["period"] == {"from": 2027, "to": 2027}
    assert 0 < year["activities"] < everything["activities"]
    empty = get(staff, "from=2030&to=2030")
    assert empty["rows"] == [] and empty["summary"]["partners"] == 0
    assert empty["summary"]["modularity"] is None and empty["summary"]["edges"] == []


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("from=20x6", "from"),
        ("from=2027&to=2026", "to"),
        ("framework=NOPE", "framework"),
        ("region=Atlantis", "region"),
        ("area=basket_weaving", "area"),
        ("host=NOWHERE", "host"),
        ("type=picnic", "type"),
    ],
)
def test_a_bad_filter_answers_400_naming_the_parameter(
    as_role: Callable[[str], Client], query: str, parameter: str
) -> None:
    response = call(as_role(R.ANALYST), query)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert set(response.json()["errors"]) == {parameter}


def test_the_schema_documents_the_filters() -> None:
    from coopsec.api.api import api

    operation = api.get_openapi_schema()["paths"]["/api/v1/analytics/network"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert names == {"from", "to", "framework", "region", "area", "host", "type"}


def queries(client: Client, query: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        get(client, query)
    return len(captured.captured_queries)


def test_the_query_count_does_not_grow_with_years(as_role: Callable[[str], Client]) -> None:
    generate_history(seed=7)
    staff, liaison = as_role(R.ANALYST), as_role(R.PARTNER_LIAISON)
    for client in (staff, liaison):
        for extra in ("", "&framework=PfP", "&region=Western Asia&type=course"):
            one = queries(client, f"from=2026&to=2026{extra}")
            many = queries(client, f"from=2020&to=2029{extra}")
            assert one == many, extra
            assert many <= 10, (extra, many)
