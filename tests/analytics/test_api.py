"""The analytics API: the contract's shapes, the shared filters (they narrow, and a bad one
answers 400 naming the parameter), constant query counts, and the generator's documented
crowded/thin areas and operational gap coming out as flags and ratios."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from unittest.mock import patch

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coopsec.accounts import roles as R
from coopsec.accounts.models import User
from coopsec.activities.generator import CROWDED_AREAS, THIN_AREAS
from coopsec.activities.models import CooperationArea
from coopsec.analytics.filters import Filters
from coopsec.errors import Invalid
from coopsec.network.models import Organization
from tests.analytics.recompute import TODAY, generate_history

pytestmark = pytest.mark.django_db

SECTIONS = ("area-balance", "overlap", "attention", "depth-breadth")


@pytest.fixture
def analyst(make_user: Callable[..., User], client_for: Callable[[User], Client]) -> Client:
    return client_for(make_user(R.ANALYST, "NATO"))


def get(client: Client, section: str, query: str = "", status: int = 200) -> Any:
    with patch("coopsec.network.dates.today", return_value=TODAY):
        response = client.get(f"/api/v1/analytics/{section}?{query}")
    assert response.status_code == status, response.content
    return response.json()


def test_every_answer_has_the_contract_shape(analyst: Client) -> None:
    generate_history()
    shapes = {
        "area-balance": {
            "area", "year", "activities", "seats", "nominations", "confirmed", "fill_rate",
            "demand_ratio", "partners", "flag",
        },
        "attention": {"partner", "year", "operational", "activities", "seats"},
        "depth-breadth": {"year", "partners_engaged", "median_depth", "mean_depth", "hhi"},
        "overlap": {
            "partner", "region", "frameworks", "score", "asked_not_offered", "offered_not_asked",
        },
    }  # fmt: skip
    for section in SECTIONS:
        body = get(analyst, section)
        assert set(body) == {"definitions_version", "rows", "summary"}
        assert body["rows"] and all(set(row) == shapes[section] for row in body["rows"])
    attention = get(analyst, "attention")["summary"]
    assert set(attention["gini"]) == set(attention["operational_ratio"]) == {"2026", "2027"}
    flags = {r["flag"] for r in get(analyst, "area-balance")["rows"]}
    assert flags <= {"crowded", "neglected", None}


def test_the_schema_documents_the_filters() -> None:
    from coopsec.api.api import api

    paths = api.get_openapi_schema()["paths"]
    for section in SECTIONS:
        names = {p["name"] for p in paths[f"/api/v1/analytics/{section}"]["get"]["parameters"]}
        assert names == {"from", "to", "framework", "region", "area", "host", "type"}


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("from=20x6", "from"),
        ("to=1800", "to"),
        ("from=2027&to=2026", "to"),
        ("from=1990&to=2030", "to"),
        ("framework=NOPE", "framework"),
        ("region=Atlantis", "region"),
        ("area=basket_weaving", "area"),
        ("host=NOWHERE", "host"),
        ("type=picnic", "type"),
    ],
)
def test_a_bad_filter_answers_400_naming_the_parameter(
    analyst: Client, query: str, parameter: str
) -> None:
    for section in SECTIONS:
        body = get(analyst, section, query, status=400)
        assert body["error"] == "invalid"
        assert set(body["errors"]) == {parameter}, (section, body)


def test_every_bad_filter_is_reported_at_once(reference: None) -> None:
    with pytest.raises(Invalid) as caught:
        Filters.parse({"from": "x", "framework": "NOPE", "type": "picnic", "area": "PfP"})
    assert set(caught.value.details or {}) == {"from", "framework", "type", "area"}


def test_codes_are_read_in_any_case_and_answered_as_stored(reference: None) -> None:
    filters = Filters.parse(
        {"from": " 2026 ", "framework": "pfp", "region": "western asia", "area": "CBRN_DEFENCE",
         "host": "ptec-aut-autint", "type": "course", "to": ""}
    )  # fmt: skip
    assert filters == Filters(2026, None, "PfP", "Western Asia", "cbrn_defence",
                              "PTEC-AUT-AUTINT", "course")  # fmt: skip
    assert filters.as_params()["to"] is None


def test_filters_narrow_every_section(analyst: Client) -> None:
    generate_history()
    everything = get(analyst, "area-balance")
    total = sum(r["activities"] for r in everything["rows"])

    courses = get(analyst, "area-balance", "type=course")
    assert 0 < sum(r["activities"] for r in courses["rows"]) < total
    one_area = get(analyst, "area-balance", "area=cyber_defence")
    assert {r["area"] for r in one_area["rows"]} == {"cyber_defence"}
    group = get(analyst, "area-balance", "area=capabilities")
    children = CooperationArea.objects.filter(parent__code="capabilities")
    assert {r["area"] for r in group["rows"]} == set(children.values_list("code", flat=True))
    one_year = get(analyst, "area-balance", "from=2027&to=2027")
    assert {r["year"] for r in one_year["rows"]} == {2027}
    # The years of a range are listed even without activities.
    assert {r["year"] for r in get(analyst, "depth-breadth", "from=2024&to=2027")["rows"]} == {
        2024, 2025, 2026, 2027,
    }  # fmt: skip

    pfp = get(analyst, "attention", "framework=PfP&from=2026&to=2026")
    members = set(
        Organization.objects.filter(memberships__framework__code="PfP").values_list(
            "code", flat=True
        )
    )
    assert pfp["rows"] and {r["partner"] for r in pfp["rows"]} <= members
    asia = get(analyst, "attention", "region=Western Asia")
    regions = set(
        Organization.objects.filter(code__in=[r["partner"] for r in asia["rows"]]).values_list(
            "region", flat=True
        )
    )
    assert regions == {"Western Asia"}
    assert (
        get(analyst, "overlap", "region=Western Asia")["summary"]["population"]
        < get(analyst, "overlap")["summary"]["population"]
    )

    host = get(analyst, "depth-breadth", "host=CCDCOE")["rows"]
    full = get(analyst, "depth-breadth")["rows"]
    assert sum(r["partners_engaged"] for r in host) < sum(r["partners_engaged"] for r in full)


def test_overlap_says_which_filters_do_not_apply(analyst: Client) -> None:
    generate_history()
    body = get(analyst, "overlap", "from=2026&host=CCDCOE&type=course&to=2026")
    assert body["summary"]["ignored_filters"] == ["from", "host", "type"]
    assert body["summary"]["as_of"] == "2026-11-23"  # today is before the end of 2026
    assert get(analyst, "overlap", "to=2025")["summary"]["as_of"] == "2025-12-31"


def queries(client: Client, section: str, query: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        get(client, section, query)
    return len(captured.captured_queries)


def test_query_counts_do_not_grow_with_years_or_areas(analyst: Client) -> None:
    generate_history()
    for section in SECTIONS:
        for extra in ("", "&framework=PfP", "&region=Western Asia&type=course"):
            one = queries(analyst, section, f"from=2026&to=2026{extra}")
            many = queries(analyst, section, f"from=2020&to=2029{extra}")
            leaf = queries(analyst, section, f"area=cyber_defence{extra}")
            group = queries(analyst, section, f"area=capabilities{extra}")
            assert one == many, (section, extra)
            assert leaf == group, (section, extra)
            assert many <= 12, (section, extra, many)


def test_the_generators_crowded_and_thin_areas_are_flagged_and_the_gap_shows(
    analyst: Client,
) -> None:
    """One year at a tenth of e-PRIME's scale: the areas the generator makes crowded and
    thin are exactly the flagged ones, and operational partners get more seats."""
    generate_history(seed=3, years=1, last_year=2026, activities_per_year=1000)
    rows = get(analyst, "area-balance", "from=2026&to=2026")["rows"]
    assert {r["area"] for r in rows if r["flag"] == "crowded"} == set(CROWDED_AREAS)
    assert {r["area"] for r in rows if r["flag"] == "neglected"} == set(THIN_AREAS)
    ratio = get(analyst, "attention", "from=2026&to=2026")["summary"]["operational_ratio"]
    assert ratio["2026"] > 1.3


def test_the_flag_thresholds_are_settings(analyst: Client, settings: Any) -> None:
    generate_history()
    settings.COOPSEC_ANALYTICS = {
        **settings.COOPSEC_ANALYTICS, "crowded_index": 100.0, "neglected_index": 0.0,
    }  # fmt: skip
    body = get(analyst, "area-balance")
    zero = {(r["area"], r["year"]) for r in body["rows"] if r["activities"] == 0}
    assert not body["summary"]["crowded"]
    assert {(f["area"], f["year"]) for f in body["summary"]["neglected"]} == zero
    assert body["summary"]["thresholds"]["crowded_index"] == 100.0
    settings.COOPSEC_ANALYTICS = {**settings.COOPSEC_ANALYTICS, "flag_min_activities": 10_000}
    assert {r["flag"] for r in get(analyst, "area-balance")["rows"]} == {None}


def test_the_documentation_defines_the_version_the_api_answers_with() -> None:
    from pathlib import Path

    from coopsec.analytics.selectors import DEFINITIONS_VERSION

    docs = Path(__file__).resolve().parents[2] / "docs" / "analytics.md"
    assert f"Definitions version **{DEFINITIONS_VERSION}**" in docs.read_text()


def test_the_drill_down_takes_the_filters_but_the_area() -> None:
    from coopsec.api.api import api

    paths = api.get_openapi_schema()["paths"]
    params = paths["/api/v1/analytics/area-balance/{area}"]["get"]["parameters"]
    assert sorted((p["in"], p["name"]) for p in params) == sorted(
        [("path", "area")]
        + [("query", n) for n in ("from", "to", "framework", "region", "host", "type")]
    )
