"""What each role receives from the analytics: staff everything with partners named; a
liaison aggregates in which no other partner is named or can be read off; an institution
manager the sections without per-partner rows; auditors and anonymous callers nothing; and
nobody any personal data."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any
from unittest.mock import patch

import pytest
from django.test import Client

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.activities.models import Nomination, Participant
from coopsec.analytics.access import can_view_section, reader_for
from coopsec.analytics.filters import Filters
from coopsec.analytics.selectors import area_balance
from coopsec.errors import Forbidden
from coopsec.network.models import Organization
from tests.activities import factories
from tests.analytics.recompute import TODAY, generate_history

pytestmark = pytest.mark.django_db

SECTIONS = ("area-balance", "overlap", "attention", "depth-breadth", "area-balance/cbrn_defence")
ROLE_ORG = {
    R.COORDINATOR: "NATO", R.ANALYST: "NATO", R.ADMIN: "NATO", R.AUDITOR: "NATO",
    R.PARTNER_LIAISON: "GEO", R.INSTITUTION_MANAGER: "PTEC-AUT-AUTINT",
}  # fmt: skip
# The region of exactly two partners (Australia, New Zealand): too small to show to anyone
# who may not see partners one by one.
SMALL_REGION = "Australia and New Zealand"


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


@pytest.fixture
def as_role(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> Callable[[str], Client]:
    def make(role: str) -> Client:
        admin = role == R.ADMIN
        user = make_user(role, ROLE_ORG[role], is_staff=admin, is_superuser=admin)
        return client_for(user)

    return make


def call(client: Client, section: str, query: str = "") -> Any:
    with patch("coopsec.network.dates.today", return_value=TODAY):
        return client.get(f"/api/v1/analytics/{section}?{query}")


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (R.COORDINATOR, SECTIONS),
        (R.ANALYST, SECTIONS),
        (R.ADMIN, SECTIONS),
        (R.PARTNER_LIAISON, SECTIONS),
        (R.INSTITUTION_MANAGER, ("area-balance", "depth-breadth", "area-balance/cbrn_defence")),
        (R.AUDITOR, ()),
    ],
)
def test_who_may_read_which_section(
    role: str, allowed: tuple[str, ...], as_role: Callable[[str], Client]
) -> None:
    client = as_role(role)
    for section in SECTIONS:
        response = call(client, section)
        assert response.status_code == (200 if section in allowed else 403), (role, section)
        if section not in allowed:
            assert response.json()["error"] == "forbidden"
    anonymous = Client()
    assert {call(anonymous, s).status_code for s in SECTIONS} == {401}


def test_the_rule_and_the_reader_agree(make_user: Callable[..., User]) -> None:
    for role, org in ROLE_ORG.items():
        actor = Actor.from_user(make_user(role, org))
        for section in ("area-balance", "overlap", "attention", "depth-breadth"):
            if can_view_section(actor, section):
                reader = reader_for(actor, section)
                assert reader.names_partners == (role in (R.COORDINATOR, R.ANALYST, R.ADMIN))
            else:
                with pytest.raises(Forbidden):
                    reader_for(actor, section)
    # A liaison without an organization reads nothing.
    orphan = Actor(user=None, organization=None, roles=frozenset({R.PARTNER_LIAISON}))
    assert not can_view_section(orphan, "area-balance")


def test_staff_see_every_partner_named(as_role: Callable[[str], Client]) -> None:
    generate_history()
    client = as_role(R.COORDINATOR)
    attention = call(client, "attention").json()
    assert len({r["partner"] for r in attention["rows"]}) > 20
    assert attention["summary"]["reader"] == {"names_partners": True, "min_group": None}
    overlap = call(client, "overlap").json()
    assert len(overlap["rows"]) > 20


def test_a_liaison_sees_its_own_partner_and_anonymous_aggregates(
    as_role: Callable[[str], Client],
) -> None:
    generate_history()
    others = set(Organization.objects.exclude(code="GEO").values_list("code", flat=True))
    client = as_role(R.PARTNER_LIAISON)
    for section in SECTIONS:
        body = call(client, section).json()
        named = others & set(strings(body))
        assert not named, (section, sorted(named)[:5])
        assert body["summary"]["reader"] == {"names_partners": False, "min_group": 3}
    attention = call(client, "attention").json()
    assert {r["partner"] for r in attention["rows"]} == {"GEO"}
    assert [r["year"] for r in attention["rows"]] == [2026, 2027]
    assert all(v is not None for v in attention["summary"]["gini"].values())
    overlap = call(client, "overlap").json()
    assert [r["partner"] for r in overlap["rows"]] == ["GEO"]
    assert overlap["summary"]["partners"] > 20 and overlap["summary"]["histogram"]


def test_a_manager_sees_no_partner(as_role: Callable[[str], Client]) -> None:
    generate_history()
    codes = set(Organization.objects.exclude(kind="institution").values_list("code", flat=True))
    client = as_role(R.INSTITUTION_MANAGER)
    for section in ("area-balance", "depth-breadth"):
        body = call(client, section).json()
        assert not codes & set(strings(body)), section
        assert body["rows"]


def test_figures_from_too_few_partners_are_withheld_from_liaisons_and_managers(
    as_role: Callable[[str], Client],
) -> None:
    """Two partners in the region: the liaison would know its own share of any total and so
    read off the other's; staff see the figures."""
    generate_history()
    query = f"region={SMALL_REGION}"
    staff = {s: call(as_role(R.ANALYST), s, query).json() for s in SECTIONS}
    for role in (R.PARTNER_LIAISON, R.INSTITUTION_MANAGER):
        client = as_role(role)
        balance = call(client, "area-balance", query).json()
        assert len(balance["rows"]) == len(staff["area-balance"]["rows"])
        withheld = [r for r in balance["rows"] if r["partners"] is None]
        assert withheld, "the data set has cells of one or two partners"
        for row in withheld:
            assert row["activities"] > 0  # supply is no partner's data
            assert row["nominations"] is row["confirmed"] is None
            assert row["fill_rate"] is row["demand_ratio"] is None
        assert all(r["partners"] in (None, 0) for r in balance["rows"])
        assert any(r["partners"] in (1, 2) for r in staff["area-balance"]["rows"])
        assert all(y["nominations"] is None for y in balance["summary"]["years"])
        depth = call(client, "depth-breadth", query).json()
        assert all(r["median_depth"] is None and r["hhi"] is None for r in depth["rows"])
        assert all(r["partners_engaged"] <= 2 for r in depth["rows"])
    assert any(y["gini"] is not None for y in staff["attention"]["summary"]["years"])
    liaison = call(as_role(R.PARTNER_LIAISON), "attention", query).json()
    assert liaison["rows"] == []  # GEO is not in that region
    assert set(liaison["summary"]["gini"].values()) == {None}
    assert all(y["withheld"] for y in liaison["summary"]["years"])
    overlap = call(as_role(R.PARTNER_LIAISON), "overlap", query).json()
    assert overlap["summary"]["histogram"] is None and overlap["summary"]["areas"] is None
    assert staff["overlap"]["summary"]["histogram"] is not None


def test_a_liaison_counts_only_the_activities_it_may_see(
    make_user: Callable[..., User],
) -> None:
    """An activity open to Jordan alone is not on Georgia's menu, so not in its figures."""
    jordan = factories.liaison("JOR")
    factories.activity_in_state(
        "open", organizations=["JOR"], area="air_defence", start=date(2027, 3, 1),
        nominations=[(jordan, "Participant A")],
    )  # fmt: skip
    filters = Filters(year_from=2027, year_to=2027, area="air_defence")
    staff = area_balance(actor=Actor.from_user(make_user(R.COORDINATOR, "NATO")), filters=filters)
    geo = area_balance(actor=Actor.from_user(make_user(R.PARTNER_LIAISON, "GEO")), filters=filters)
    assert [(r.activities, r.nominations) for r in staff.rows] == [(1, 1)]
    assert [(r.activities, r.nominations) for r in geo.rows] == [(0, 0)]


def test_no_personal_data_reaches_anyone(as_role: Callable[[str], Client]) -> None:
    generate_history()
    people = set(Participant.objects.values_list("name", flat=True)) | set(
        Participant.objects.values_list("email", flat=True)
    )
    assert Nomination.objects.exists() and people
    for role in (R.ANALYST, R.COORDINATOR, R.PARTNER_LIAISON):
        client = as_role(role)
        for section in SECTIONS:
            body = call(client, section).json()
            assert not people & set(strings(body)), (role, section)
            assert "@synthetic.invalid" not in str(body)


def test_an_areas_drill_down_names_partners_only_to_those_who_may_see_them(
    as_role: Callable[[str], Client],
) -> None:
    generate_history()
    staff = call(as_role(R.COORDINATOR), "area-balance/deployability").json()
    assert len(staff["summary"]["partners"]) > 10
    liaison = call(as_role(R.PARTNER_LIAISON), "area-balance/deployability").json()
    assert [p["partner"] for p in liaison["summary"]["partners"]] == ["GEO"]
    # Hosts are named (the menu names them); partners are not.
    others = set(
        Organization.objects.exclude(code="GEO")
        .exclude(kind__in=["institution", "alliance"])
        .values_list("code", flat=True)
    )
    assert not others & set(strings(liaison))
    # Activities are the liaison's menu; demand of fewer than three partners is withheld.
    assert {r["activity"] for r in liaison["rows"]} <= {r["activity"] for r in staff["rows"]}
    assert all(r["partners"] is None or r["partners"] == 0 or r["partners"] >= 3
               for r in liaison["rows"])  # fmt: skip
    manager = call(as_role(R.INSTITUTION_MANAGER), "area-balance/deployability").json()
    assert manager["summary"]["partners"] is None and manager["rows"]
    assert call(as_role(R.AUDITOR), "area-balance/deployability").status_code == 403
    missing = call(as_role(R.COORDINATOR), "area-balance/basket_weaving")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
