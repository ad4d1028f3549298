"""Every indicator, recomputed independently in plain Python over the raw rows of a small
generated history, matches the API to the last digit — unfiltered and under filters."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any
from unittest.mock import patch
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client

from coopsec.accounts import roles as R
from coopsec.accounts.models import User
from coopsec.activities.models import Activity
from tests.analytics.recompute import TODAY, Recompute, generate_history, load_raw

pytestmark = pytest.mark.django_db


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


@pytest.fixture
def staff(make_user: Callable[..., User], client_for: Callable[[User], Client]) -> Client:
    generate_history(seed=7)
    return client_for(make_user(R.ANALYST, "NATO"))


def get(client: Client, section: str, filters: dict[str, Any]) -> dict[str, Any]:
    query = urlencode({k: v for k, v in filters.items() if v is not None})
    with patch("coopsec.network.dates.today", return_value=TODAY):
        response = client.get(f"/api/v1/analytics/{section}?{query}")
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    assert body["definitions_version"] == "1"
    return body


def test_area_balance_matches_a_recomputation(staff: Client) -> None:
    raw = load_raw()
    for filters in filter_sets():
        body = get(staff, "area-balance", filters)
        rows, totals = Recompute(raw, **filters).area_balance(settings.COOPSEC_ANALYTICS)
        assert body["rows"], filters
        assert body["rows"] == rows, filters
        assert body["summary"]["years"] == totals, filters
        flagged = {(r["area"], r["year"]) for r in rows if r["flag"] == "crowded"}
        assert {(f["area"], f["year"]) for f in body["summary"]["crowded"]} == flagged


def test_an_areas_drill_down_matches_a_recomputation(staff: Client) -> None:
    raw = load_raw()
    for filters in filter_sets():
        for area in ("deployability", "capabilities"):
            query = {k: v for k, v in filters.items() if k != "area"}
            body = get(staff, f"area-balance/{area}", query)
            rows, partners = Recompute(raw, **query).area_drill_down(area)
            assert body["rows"], (area, filters)
            assert body["rows"] == rows, (area, filters)
            assert body["summary"]["partners"] == partners, (area, filters)
            assert body["summary"]["area"] == area


def test_attention_matches_a_recomputation(staff: Client) -> None:
    raw = load_raw()
    for filters in filter_sets():
        body = get(staff, "attention", filters)
        rows, years = Recompute(raw, **filters).attention()
        assert body["rows"], filters
        assert body["rows"] == rows, filters
        assert body["summary"]["years"] == years, filters
        assert body["summary"]["gini"] == {str(y["year"]): y["gini"] for y in years}
        assert body["summary"]["operational_ratio"] == {
            str(y["year"]): y["operational_ratio"] for y in years
        }


def test_depth_breadth_matches_a_recomputation(staff: Client) -> None:
    raw = load_raw()
    for filters in filter_sets():
        body = get(staff, "depth-breadth", filters)
        rows = Recompute(raw, **filters).depth_breadth()
        assert body["rows"] == rows, filters
        assert any(r["partners_engaged"] for r in rows), filters


def test_interest_overlap_matches_a_recomputation(staff: Client) -> None:
    raw = load_raw()
    for filters in [*filter_sets(), {"to": 2026, "area": "cyber_defence"}]:
        body = get(staff, "overlap", filters)
        rows, summary = Recompute(raw, **filters).overlap(TODAY)
        assert body["rows"] == rows, filters
        got = {k: v for k, v in body["summary"].items() if k in summary}
        assert got == summary, filters
        assert summary["partners"] > 0, filters


def test_the_recomputation_is_not_vacuous(staff: Client) -> None:
    """The data set exercises what the comparisons rely on: flags of both kinds, partners
    of both statuses, waitlisted and withdrawn nominations, scores in several bins."""
    body = get(staff, "area-balance", {})
    assert body["summary"]["crowded"] and body["summary"]["neglected"]
    assert any(r["nominations"] != r["confirmed"] for r in body["rows"])
    attention = get(staff, "attention", {})
    assert {r["operational"] for r in attention["rows"]} == {True, False}
    assert any(r["seats"] == 0 for r in attention["rows"])
    overlap = get(staff, "overlap", {})
    assert sum(1 for b in overlap["summary"]["histogram"] if b["partners"]) >= 3
    assert date.fromisoformat(overlap["summary"]["as_of"]) == TODAY
