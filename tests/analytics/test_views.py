"""The analytics pages: who gets which page, that each page shows the API's own figures, that
a liaison's pages hold no other partner's code or name anywhere in the HTML, that the
filters live in the URL and narrow, that a refused filter answers 400 with its reason, and
query counts that do not grow with the data."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from html import unescape
from typing import Any
from unittest.mock import patch

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coopsec.accounts import roles as R
from coopsec.accounts.models import User
from coopsec.network.models import Organization
from tests.analytics.recompute import TODAY, generate_history

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("analytics:overview")
AREA_BALANCE = reverse("analytics:area-balance")
OVERLAP = reverse("analytics:overlap")
ATTENTION = reverse("analytics:attention")
DEPTH_BREADTH = reverse("analytics:depth-breadth")
NETWORK = reverse("analytics:network")
REDUNDANCY = reverse("analytics:redundancy")
CBRN = reverse("analytics:area-detail", args=["cbrn_defence"])
CAPABILITIES = reverse("analytics:area-detail", args=["capabilities"])
DEPLOYABILITY = reverse("analytics:area-detail", args=["deployability"])
SECTION_PAGES = (AREA_BALANCE, OVERLAP, ATTENTION, DEPTH_BREADTH, NETWORK, REDUNDANCY, CBRN)
EVERY_PAGE = (OVERVIEW, *SECTION_PAGES, CAPABILITIES, DEPLOYABILITY)
LIAISON_PAGES = tuple(url for url in EVERY_PAGE if url != REDUNDANCY)
MANAGER_PAGES = (
    OVERVIEW, AREA_BALANCE, DEPTH_BREADTH, REDUNDANCY, CBRN, CAPABILITIES, DEPLOYABILITY,
)  # fmt: skip
ROLE_ORG = {
    R.COORDINATOR: "NATO", R.ANALYST: "NATO", R.ADMIN: "NATO", R.AUDITOR: "NATO",
    R.PARTNER_LIAISON: "GEO", R.INSTITUTION_MANAGER: "PTEC-AUT-AUTINT",
}  # fmt: skip


@pytest.fixture(autouse=True)
def frozen_today() -> Iterator[None]:
    with patch("coopsec.network.dates.today", return_value=TODAY):
        yield


@pytest.fixture
def as_role(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> Callable[[str], Client]:
    def make(role: str) -> Client:
        admin = role == R.ADMIN
        return client_for(make_user(role, ROLE_ORG[role], is_staff=admin, is_superuser=admin))

    return make


def api(client: Client, section: str, query: str = "") -> Any:
    response = client.get(f"/api/v1/analytics/{section}?{query}")
    assert response.status_code == 200, response.content
    return response.json()


def chart(response: Any, element_id: str) -> Any:
    """The JSON a page hands its chart script (json_script)."""
    html = response.content.decode()
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html)
    assert match, f"no #{element_id} on the page"
    return json.loads(match.group(1))


def cells(response: Any, table_id: str) -> list[list[str]]:
    """The text of each body row's cells (th and td) of a table."""
    html = response.content.decode()
    start = html.index(f'id="{table_id}"')
    body = html[html.index("<tbody>", start) : html.index("</tbody>", start)]
    return [
        [" ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in re.findall(
            r"<t[hd]\b[^>]*>(.*?)</t[hd]>", row, flags=re.S)]
        for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", body, flags=re.S)
    ]  # fmt: skip


# --- who gets which page -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (R.COORDINATOR, EVERY_PAGE),
        (R.ANALYST, EVERY_PAGE),
        (R.ADMIN, EVERY_PAGE),
        (R.PARTNER_LIAISON, LIAISON_PAGES),
        (R.INSTITUTION_MANAGER, MANAGER_PAGES),
        (R.AUDITOR, ()),
    ],
)
def test_each_role_opens_its_sections_only(
    as_role: Callable[[str], Client], role: str, allowed: tuple[str, ...]
) -> None:
    client = as_role(role)
    for url in EVERY_PAGE:
        response = client.get(url)
        assert response.status_code == (200 if url in allowed else 403), (role, url)
        if url not in allowed:
            assert "Not allowed" in response.content.decode()
    # The tabs and the navigation offer what the role may open, nothing more.
    nav = client.get(reverse("network:overview")).content.decode()
    assert ('href="/analytics/"' in nav) == bool(allowed)
    if allowed:
        tabs = client.get(OVERVIEW).content.decode()
        assert (f'href="{ATTENTION}"' in tabs) == (ATTENTION in allowed)
        assert (f'href="{OVERLAP}"' in tabs) == (OVERLAP in allowed)
        assert (f'href="{REDUNDANCY}"' in tabs) == (REDUNDANCY in allowed)
        assert tabs.count('class="panel section-card"') == sum(
            url in allowed for url in SECTION_PAGES if url != CBRN
        )


def test_anonymous_readers_are_sent_to_sign_in(reference: None) -> None:
    for url in EVERY_PAGE:
        response = Client().get(url)
        assert response.status_code == 302
        assert reverse("web:login") in response["Location"]


def test_an_unknown_area_is_404(as_role: Callable[[str], Client]) -> None:
    response = as_role(R.ANALYST).get(reverse("analytics:area-detail", args=["basket_weaving"]))
    assert response.status_code == 404


# --- the pages show the API's figures ----------------------------------------------------


def test_every_page_shows_the_apis_figures(as_role: Callable[[str], Client]) -> None:
    generate_history()
    client = as_role(R.ANALYST)

    body = api(client, "area-balance")
    page = client.get(AREA_BALANCE)
    assert page.status_code == 200
    data = chart(page, "area-balance-data")
    heat = cells(page, "heat-table")
    areas = list(dict.fromkeys(r["area"] for r in body["rows"]))
    assert len(data["labels"]) == len(heat) == len(areas)
    for i, area in enumerate(areas):
        mine = [r for r in body["rows"] if r["area"] == area]
        assert data["seats"][i] == sum(r["seats"] for r in mine)
        assert data["nominations"][i] == sum(r["nominations"] for r in mine)
        # The heat table: one cell per year holding the activities (and the flag's word).
        assert [c.split()[0] for c in heat[i][1:3]] == [str(r["activities"]) for r in mine]
        for cell, row in zip(heat[i][1:3], mine, strict=True):
            assert (row["flag"] or "") in cell
    flagged = {r["area"] for r in body["rows"] if r["flag"] == "crowded"}
    assert flagged and all(f'data-area="{a}"' in page.content.decode() for a in flagged)
    assert f'href="{reverse("analytics:area-detail", args=[areas[0]])}"' in page.content.decode()

    overlap = api(client, "overlap")
    page = client.get(OVERLAP)
    assert chart(page, "overlap-data")["partners"] == [
        b["partners"] for b in overlap["summary"]["histogram"]
    ]
    assert len(cells(page, "partner-table")) == len(overlap["rows"])
    mean = overlap["summary"]["mean"]
    assert f"{mean:.2f}" in page.content.decode()

    attention = api(client, "attention")
    page = client.get(ATTENTION)
    last = max(r["year"] for r in attention["rows"])
    latest = [r for r in attention["rows"] if r["year"] == last]
    partners = chart(page, "attention-partners-data")
    assert sorted(partners["labels"]) == sorted(r["partner"] for r in latest)
    assert sum(partners["seats"]) == sum(r["seats"] for r in latest)
    curves = chart(page, "attention-curves-data")
    assert curves["gini"] == [y["gini"] for y in attention["summary"]["years"]]
    assert curves["ratio"] == [y["operational_ratio"] for y in attention["summary"]["years"]]
    assert len(curves["lorenz"]) == 2

    depth = api(client, "depth-breadth")
    page = client.get(DEPTH_BREADTH)
    data = chart(page, "depth-breadth-data")
    assert data["breadth"] == [r["partners_engaged"] for r in depth["rows"]]
    assert data["mean"] == [r["mean_depth"] for r in depth["rows"]]
    assert data["hhi"] == [r["hhi"] for r in depth["rows"]]

    drill = api(client, "area-balance/deployability")
    page = client.get(DEPLOYABILITY)
    assert [row[0] for row in cells(page, "area-activities")] == [
        r["activity"] for r in drill["rows"]
    ]
    assert [row[0].split()[-1] for row in cells(page, "area-partners")] == [
        p["partner"] for p in drill["summary"]["partners"]
    ]


def test_the_network_and_redundancy_pages_show_the_apis_figures(
    as_role: Callable[[str], Client],
) -> None:
    generate_history()
    client = as_role(R.ANALYST)

    body = api(client, "network")
    page = client.get(NETWORK)
    graph = chart(page, "network-data")
    assert [n["id"] for n in graph["nodes"]] == [r["partner"] for r in body["rows"]]
    assert [n["activities"] for n in graph["nodes"]] == [r["activities"] for r in body["rows"]]
    links = {(e["source"], e["target"]): e["weight"] for e in body["summary"]["edges"]}
    drawn = {(e["source"], e["target"]): e["weight"] for e in graph["edges"]}
    assert drawn and drawn.items() <= links.items()
    # Every partner keeps its strongest link in the drawing.
    for node in graph["nodes"]:
        heaviest = max((w for (a, b), w in links.items() if node["id"] in (a, b)), default=None)
        if heaviest is not None:
            assert heaviest in [w for (a, b), w in drawn.items() if node["id"] in (a, b)]
    assert len(cells(page, "node-table")) == len(body["rows"])
    assert len(cells(page, "community-table")) == len(body["summary"]["communities"])
    assert f'id="count-links">{body["summary"]["links"]}' in page.content.decode()

    pairs = client.get("/api/v1/analytics/redundancy").json()
    page = client.get(REDUNDANCY)
    assert page.status_code == 200
    if pairs["rows"]:
        listed = cells(page, "pair-table")
        assert [row[1].split()[0] for row in listed] == [
            p["activity_a"]["code"] for p in pairs["rows"]
        ]
    assert f'id="count-pairs">{pairs["summary"]["pairs"]}<' in page.content.decode()
    strict = client.get(REDUNDANCY + "?threshold=1&window_days=0&limit=5")
    assert strict.status_code == 200
    assert 'name="threshold" value="1"' in strict.content.decode()


def test_redundancys_own_parameters_are_checked(as_role: Callable[[str], Client]) -> None:
    client = as_role(R.COORDINATOR)
    response = client.get(REDUNDANCY + "?threshold=2&window_days=x&from=1800")
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "is not a score above 0 and at most 1" in html
    assert "is not a whole number from 0 to" in html
    for name in ("threshold", "window_days", "from"):
        assert f'class="field field--invalid" data-field="{name}"' in html


def test_a_liaison_sees_no_graph_only_its_own_partner(as_role: Callable[[str], Client]) -> None:
    generate_history()
    page = as_role(R.PARTNER_LIAISON).get(NETWORK)
    html = page.content.decode()
    assert 'id="network-no-graph"' in html and 'id="network-data"' not in html
    assert {row[0].split()[-1] for row in cells(page, "node-table")} <= {"GEO"}


# --- what a liaison and a manager see ----------------------------------------------------


def other_partners(client: Client) -> dict[str, str]:
    """Code -> name of every partner with figures in the history, the liaison's (GEO) aside."""
    codes = {r["partner"] for r in api(client, "attention")["rows"]}
    codes |= {r["partner"] for r in api(client, "network")["rows"]}
    codes |= {r["partner"] for r in api(client, "overlap")["rows"]}
    for area in ("deployability", "capabilities"):
        codes |= {p["partner"] for p in api(client, f"area-balance/{area}")["summary"]["partners"]}
    codes.discard("GEO")
    return dict(Organization.objects.filter(code__in=codes).values_list("code", "name"))


FILTER_BAR = re.compile(
    r'<form method="get" class="panel analytics-filters" id="filters".*?</form>', re.S
)


def mentions(html: str, word: str) -> bool:
    """Does the page name `word` on its own (not inside a longer code such as PTEC-BIH-…
    or a framework such as NATO-Ukraine Commission)?"""
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", unescape(html)) is not None


def test_a_liaisons_pages_name_no_other_partner(as_role: Callable[[str], Client]) -> None:
    generate_history()
    staff = as_role(R.ANALYST)
    others = other_partners(staff)
    assert len(others) > 20
    liaison = as_role(R.PARTNER_LIAISON)
    regions = set(Organization.objects.values_list("region", flat=True)) - {""}
    queries = ("", "?from=2027&to=2027", "?framework=PfP", "?region=Western Asia")
    for url in LIAISON_PAGES:
        for query in queries:
            response = liaison.get(url + query)
            assert response.status_code == 200, (url, query)
            html = response.content.decode()
            # The filter bar lists reference data (frameworks, regions, host institutions)
            # and is the same for every reader; the rest of the page names no other partner.
            bar = FILTER_BAR.search(html)
            assert bar is not None
            staff_bar = FILTER_BAR.search(staff.get(url + query).content.decode())
            assert staff_bar is not None and bar.group(0) == staff_bar.group(0)
            rest = html.replace(bar.group(0), "")
            for region in regions:  # group labels such as "Australia and New Zealand"
                rest = rest.replace(f">{region}<", "><").replace(f'"{region}"', '""')
            named = [c for c, name in others.items() if mentions(rest, c) or mentions(rest, name)]
            assert named == [], (url, query, named)
    # What it does see of partners: its own rows.
    assert {row[0].split()[-1] for row in cells(liaison.get(ATTENTION), "partner-table")} == {"GEO"}
    assert [row[0].split()[-1] for row in cells(liaison.get(OVERLAP), "partner-table")] == ["GEO"]
    assert set(chart(liaison.get(ATTENTION), "attention-partners-data")["labels"]) <= {
        "2026", "2027",
    }  # fmt: skip


def test_a_manager_reads_area_balance_without_partners(as_role: Callable[[str], Client]) -> None:
    generate_history()
    manager = as_role(R.INSTITUTION_MANAGER)
    page = manager.get(CAPABILITIES)
    assert page.status_code == 200
    assert 'id="partners-not-shown"' in page.content.decode()
    assert 'id="area-partners"' not in page.content.decode()


# --- filters in the URL ------------------------------------------------------------------


def test_filters_in_the_url_narrow_and_are_carried_along(as_role: Callable[[str], Client]) -> None:
    generate_history()
    client = as_role(R.COORDINATOR)
    everything = cells(client.get(AREA_BALANCE), "heat-table")
    one_area = cells(client.get(AREA_BALANCE + "?area=cyber_defence"), "heat-table")
    assert len(one_area) == 1 < len(everything)
    assert one_area[0][0] == "Cyber defence"
    one_year = client.get(AREA_BALANCE + "?from=2027&to=2027&type=course")
    assert len(cells(one_year, "heat-table")[0]) == 1 + 1 + 2  # area, 2027, seats, nominations
    html = one_year.content.decode()
    # The tabs and the drill-down links keep the filters; the bar shows them.
    assert f'href="{ATTENTION}?from=2027&amp;to=2027&amp;type=course"' in html
    assert "/?from=2027&amp;to=2027&amp;type=course" in html
    assert 'name="from" value="2027"' in html
    assert '<option value="course" selected>' in html
    # Codes in any case select the stored one.
    lower_case = client.get(ATTENTION + "?framework=pfp").content.decode()
    assert '<option value="PfP" selected>' in lower_case

    everyone = cells(client.get(ATTENTION), "partner-table")
    md = cells(client.get(ATTENTION + "?framework=MD"), "partner-table")
    assert 0 < len(md) < len(everyone)
    breadth = cells(client.get(DEPTH_BREADTH), "year-table")
    exercises = cells(client.get(DEPTH_BREADTH + "?type=exercise"), "year-table")
    assert int(exercises[0][1]) < int(breadth[0][1])


@pytest.mark.parametrize(
    ("query", "field", "reason"),
    [
        ("from=20x6", "from", "is not a year"),
        ("from=2027&to=2026", "to", "is before"),
        ("framework=NOPE", "framework", "No framework with code"),
        ("region=Atlantis", "region", "No organization is filed under the region"),
        ("area=basket_weaving", "area", "No cooperation area"),
        ("host=NOWHERE", "host", "No organization with code"),
        ("type=picnic", "type", "is not an activity type"),
    ],
)
def test_a_refused_filter_answers_400_with_its_reason(
    as_role: Callable[[str], Client], query: str, field: str, reason: str
) -> None:
    client = as_role(R.COORDINATOR)
    for url in (OVERVIEW, *SECTION_PAGES):
        if url == CBRN and field == "area":
            continue  # the drill-down's path names the area; an `area` parameter is ignored
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, (url, query)
        html = unescape(response.content.decode())
        assert 'id="filter-errors"' in html and reason in html, (url, query)
        assert f'data-field="{field}"' in html
        assert re.search(rf'class="field field--invalid" data-field="{field}"', html), url
        assert "application/json" not in html  # no figures, no chart data


def test_every_refused_filter_is_reported_at_once(as_role: Callable[[str], Client]) -> None:
    response = as_role(R.ANALYST).get(f"{ATTENTION}?from=x&framework=NOPE&type=picnic")
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count('class="field field--invalid"') == 3


def test_a_role_without_the_section_gets_403_whatever_the_filters(
    as_role: Callable[[str], Client],
) -> None:
    assert as_role(R.INSTITUTION_MANAGER).get(f"{ATTENTION}?from=x").status_code == 403
    assert as_role(R.AUDITOR).get(f"{OVERVIEW}?from=x").status_code == 403


def test_the_pages_speak_french(as_role: Callable[[str], Client]) -> None:
    client = as_role(R.COORDINATOR)
    html = unescape(client.get(AREA_BALANCE, headers={"Accept-Language": "fr"}).content.decode())
    assert '<html lang="fr">' in html
    for french in ("Équilibre des domaines", "Appliquer les filtres", "Analyses"):
        assert french in html, french


# --- query counts ------------------------------------------------------------------------


def test_query_counts_do_not_grow_with_the_data(as_role: Callable[[str], Client]) -> None:
    client = as_role(R.COORDINATOR)
    # Pages with figures under both histories (an empty answer skips a query or two).
    urls = [
        OVERVIEW, AREA_BALANCE, OVERLAP, ATTENTION, DEPTH_BREADTH, NETWORK, REDUNDANCY,
        DEPLOYABILITY, CAPABILITIES, f"{ATTENTION}?framework=PfP&region=Europe&type=course",
    ]  # fmt: skip

    def counts() -> dict[str, int]:
        found = {}
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            found[url] = len(ctx.captured_queries)
        return found

    generate_history(activities_per_year=30)
    small = counts()
    generate_history(seed=8, activities_per_year=90)
    large = counts()
    assert large == small
    assert max(small.values()) <= 40, small
