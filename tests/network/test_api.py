"""The registry's REST API under /api/v1: facts, filters, shapes, errors, auth, schema, queries."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver
from django.utils import timezone

from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.accounts.services import token_create
from coopsec.api.api import api

if TYPE_CHECKING:
    from tests.network.conftest import FreezeToday

pytestmark = pytest.mark.django_db

API = "/api/v1"


def get_json(client: Client, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def codes(body: dict[str, Any]) -> list[str]:
    """Organization codes of a list answer, whatever the item schema."""
    items = body["items"]
    return [i["organization"]["code"] if "organization" in i else i["code"] for i in items]


# --- The facts the issue asks for --------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "count"),
    [
        ("/allies?as_of=2011-09-07", 28),
        ("/allies?as_of=2019-06-01", 29),
        ("/allies?as_of=2026-11-23", 32),
        ("/frameworks/PfP/members?as_of=2011-09-07", 22),
        ("/frameworks/PfP/members?as_of=2026-11-23", 18),
        ("/partners?as_of=2019-06-01&kind=partner_state", 41),
        # The dated counts of the reference README.
        ("/allies?as_of=2009-04-01", 28),
        ("/allies?as_of=2009-03-31", 26),  # Albania and Croatia acceded the same day
        ("/allies?as_of=2017-06-05", 29),
        ("/allies?as_of=2017-06-04", 28),
        ("/allies?as_of=2020-03-27", 30),
        ("/allies?as_of=2020-03-26", 29),
        ("/allies?as_of=2023-04-04", 31),
        ("/allies?as_of=2023-04-03", 30),
        ("/allies?as_of=2024-03-07", 32),
        ("/allies?as_of=2024-03-06", 31),
        ("/frameworks/PfP/members?as_of=1994-08-03", 22),
        ("/frameworks/PfP/members?as_of=2019-06-01", 21),
        ("/frameworks/MD/members?as_of=2019-06-01", 7),
        ("/frameworks/ICI/members?as_of=2019-06-01", 4),
        ("/frameworks/PAG/members?as_of=2019-06-01", 9),
        ("/frameworks/MD/members?as_of=1995-06-01", 5),
        ("/frameworks/PAG/members?as_of=2017-01-01", 8),
    ],
)
def test_the_api_answers_the_dated_facts(api_client: Client, url: str, count: int) -> None:
    body = get_json(api_client, API + url)
    assert body["count"] == count
    assert len(body["items"]) == count
    assert len(set(codes(body))) == count


def test_partners_across_the_globe_in_2017_are_eight_without_colombia(api_client: Client) -> None:
    body = get_json(api_client, f"{API}/frameworks/PAG/members?as_of=2017-01-01")
    assert "COL" not in codes(body)
    assert "COL" in codes(get_json(api_client, f"{API}/frameworks/PAG/members?as_of=2019-06-01"))


def test_suspended_partners_are_listed_with_status_suspended(api_client: Client) -> None:
    today = get_json(api_client, f"{API}/frameworks/PfP/members?as_of=2026-11-23")
    status = {item["organization"]["code"]: item["status"] for item in today["items"]}
    assert status["RUS"] == "suspended"
    assert status["BLR"] == "suspended"
    assert [c for c, s in status.items() if s == "suspended"] == ["BLR", "RUS"]
    before = get_json(api_client, f"{API}/frameworks/PfP/members?as_of=2014-03-31")
    assert {i["organization"]["code"]: i["status"] for i in before["items"]}["RUS"] == "active"


def test_an_acceding_partner_is_an_ally_on_its_accession_day(api_client: Client) -> None:
    assert "SWE" in codes(get_json(api_client, f"{API}/allies?as_of=2024-03-07"))
    assert "SWE" not in codes(get_json(api_client, f"{API}/partners?as_of=2024-03-07"))
    assert "SWE" not in codes(get_json(api_client, f"{API}/allies?as_of=2024-03-06"))
    assert "SWE" in codes(get_json(api_client, f"{API}/partners?as_of=2024-03-06"))


def test_member_items_say_since_when(api_client: Client) -> None:
    body = get_json(api_client, f"{API}/allies?as_of=2024-03-07")
    sweden = next(i for i in body["items"] if i["organization"]["code"] == "SWE")
    assert sweden == {
        "organization": {"code": "SWE", "name": "Sweden", "kind": "member_state", "iso3": "SWE"},
        "since": "2024-03-07",
        "until": None,
        "status": "active",
    }


def test_membership_questions_default_to_today(
    api_client: Client, freeze_today: FreezeToday
) -> None:
    # The day the reference facts were checked (data/reference/README.md).
    with freeze_today(date(2026, 11, 23)):
        assert get_json(api_client, f"{API}/allies")["count"] == 32
        pfp = get_json(api_client, f"{API}/frameworks/PfP/members")
        assert pfp["count"] == 18
        assert get_json(api_client, f"{API}/partners?kind=partner_state")["count"] == 38
        russia = get_json(api_client, f"{API}/organizations/RUS")
    assert {m["body"]: m["status"] for m in russia["memberships"]}["PfP"] == "suspended"
    # A different "today" gives that day's answer: the default is not a fixed date.
    with freeze_today(date(2020, 1, 1)):
        assert get_json(api_client, f"{API}/allies")["count"] == 29
        # North Macedonia left PfP for the alliance on 2020-03-27.
        assert get_json(api_client, f"{API}/frameworks/PfP/members")["count"] == 21
        russia = get_json(api_client, f"{API}/organizations/RUS")
    assert {m["body"]: m["status"] for m in russia["memberships"]}["PfP"] == "suspended"
    with freeze_today(date(2013, 1, 1)):
        russia = get_json(api_client, f"{API}/organizations/RUS")
    assert {m["body"]: m["status"] for m in russia["memberships"]}["PfP"] == "active"


# --- List shape and pagination -----------------------------------------------------------


def test_lists_answer_count_and_items_and_page_with_limit_and_offset(api_client: Client) -> None:
    full = get_json(api_client, f"{API}/allies?as_of=2019-06-01")
    assert set(full) == {"count", "items"}
    page = get_json(api_client, f"{API}/allies?as_of=2019-06-01&limit=5&offset=5")
    assert page["count"] == 29
    assert page["items"] == full["items"][5:10]
    past_the_end = get_json(api_client, f"{API}/allies?as_of=2019-06-01&offset=40")
    assert past_the_end == {"count": 29, "items": []}


def test_organizations_page_like_every_list(api_client: Client) -> None:
    first = get_json(api_client, f"{API}/organizations?limit=10")
    second = get_json(api_client, f"{API}/organizations?limit=10&offset=10")
    assert first["count"] == second["count"] == 136
    assert len(first["items"]) == len(second["items"]) == 10
    assert set(codes(first)).isdisjoint(codes(second))
    names = [i["name"] for i in first["items"] + second["items"]]
    assert names == sorted(names)


# --- /organizations ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("kind=institution", 53),
        ("kind=member_state", 32),
        ("kind=international_org", 1),
        ("kind=regional_org", 7),
        ("kind=alliance", 1),
        ("framework=MD", 7),
        ("framework=pfp&as_of=2019-06-01", 21),
        ("framework=PfP&as_of=1994-08-03", 22),
        ("as_of=2019-06-01", 29 + 41),
        ("kind=partner_state&as_of=2019-06-01", 41),
        ("kind=member_state&as_of=2019-06-01", 29),
        ("kind=member_state&as_of=1949-08-24", 12),
    ],
)
def test_organization_filters(api_client: Client, query: str, count: int) -> None:
    assert get_json(api_client, f"{API}/organizations?{query}")["count"] == count


def test_states_are_filed_by_what_they_were_on_the_date(api_client: Client) -> None:
    def organizations(query: str) -> set[str]:
        return set(codes(get_json(api_client, f"{API}/organizations?{query}&limit=200")))

    assert {"FIN", "SWE"} <= organizations("kind=partner_state&as_of=2019-06-01")
    assert {"FIN", "SWE"}.isdisjoint(organizations("kind=member_state&as_of=2019-06-01"))
    assert {"FIN", "SWE"} <= organizations("kind=member_state&as_of=2024-03-07")


def test_organizations_by_region_and_continent(api_client: Client) -> None:
    northern_africa = get_json(api_client, f"{API}/organizations?region=northern%20africa")
    assert {"DZA", "EGY", "MAR", "TUN"} <= set(codes(northern_africa))
    assert {i["region"] for i in northern_africa["items"]} == {"Northern Africa"}
    europe = get_json(api_client, f"{API}/organizations?region=Europe&limit=1000")
    assert europe["count"] > 50
    assert all("Europe" in (i["continent"], i["region"]) for i in europe["items"])
    assert {"EU", "OSCE", "FIN", "CCDCOE"} <= set(codes(europe))


@pytest.mark.parametrize(
    ("q", "expected"),
    [("cyber", ["CCDCOE"]), ("Tallinn", ["CCDCOE"]), ("ccdcoe", ["CCDCOE"]), ("georgia", ["GEO"])],
)
def test_organizations_by_text(api_client: Client, q: str, expected: list[str]) -> None:
    assert codes(get_json(api_client, f"{API}/organizations?q={q}")) == expected


def test_an_institution_carries_its_host_and_accreditation(api_client: Client) -> None:
    [centre] = get_json(api_client, f"{API}/organizations?q=cyber")["items"]
    assert centre["kind"] == "institution"
    assert centre["subtype"] == "coe"
    assert centre["host_country"] == "EST"
    assert centre["city"] == "Tallinn"
    assert centre["accreditation"] == "2008"
    assert centre["iso3"] is None


@pytest.mark.parametrize("code", ["FIN", "fin", "Fin"])
def test_organization_detail_by_code_in_any_case(api_client: Client, code: str) -> None:
    body = get_json(api_client, f"{API}/organizations/{code}?as_of=2026-11-23")
    assert body["code"] == "FIN"
    assert body["kind"] == "member_state"
    memberships = {m["body"]: m for m in body["memberships"]}
    assert memberships["PfP"]["status"] == "ended"
    assert memberships["PfP"]["end"] == "2023-04-04"
    assert memberships["NATO"]["body_kind"] == "alliance"
    assert memberships["NATO"]["start"] == "2023-04-04"
    assert memberships["NATO"]["status"] == "active"
    assert {c["operation"] for c in body["contributions"]} == {"ISAF", "KFOR", "RSM", "NMI"}
    assert all(c["organization"]["code"] == "FIN" for c in body["contributions"])


def test_organization_detail_shows_status_periods_and_status_on_a_date(api_client: Client) -> None:
    now = get_json(api_client, f"{API}/organizations/rus?as_of=2026-11-23")
    pfp = next(m for m in now["memberships"] if m["body"] == "PfP")
    assert pfp["status"] == "suspended"
    assert pfp["status_periods"] == [{"status": "suspended", "start": "2014-04-01", "end": None}]
    then = get_json(api_client, f"{API}/organizations/rus?as_of=2013-01-01")
    assert next(m for m in then["memberships"] if m["body"] == "PfP")["status"] == "active"
    before = get_json(api_client, f"{API}/organizations/rus?as_of=1990-01-01")
    assert {m["status"] for m in before["memberships"]} == {"not_started"}


def test_organization_detail_keeps_the_precision_of_dates(api_client: Client) -> None:
    egypt = get_json(api_client, f"{API}/organizations/EGY")
    [md] = egypt["memberships"]
    assert (md["body"], md["start"], md["start_display"]) == ("MD", "1995-02-01", "1995-02")
    assert md["verified"] in (True, False)
    assert md["source_url"].startswith("http")


def test_organization_detail_lists_hosted_institutions(api_client: Client) -> None:
    estonia = get_json(api_client, f"{API}/organizations/est")
    assert "CCDCOE" in {i["code"] for i in estonia["hosted_institutions"]}
    assert {i["kind"] for i in estonia["hosted_institutions"]} == {"institution"}
    centre = get_json(api_client, f"{API}/organizations/ccdcoe")
    assert centre["hosted_institutions"] == []
    assert centre["memberships"] == []


def test_a_contributor_outside_every_framework_has_contributions_and_no_membership(
    api_client: Client,
) -> None:
    malaysia = get_json(api_client, f"{API}/organizations/MYS")
    assert malaysia["memberships"] == []
    assert [c["operation"] for c in malaysia["contributions"]] == ["ISAF"]


# --- /frameworks and /operations ---------------------------------------------------------


def test_frameworks(api_client: Client) -> None:
    body = get_json(api_client, f"{API}/frameworks")
    assert body["count"] == 11
    assert set(codes(body)) == {
        "NACC", "PfP", "EAPC", "MD", "ICI", "PAG", "MAP", "NUCOM", "NUC", "NGC", "NRC",
    }  # fmt: skip
    pfp = get_json(api_client, f"{API}/frameworks/pfp")
    assert (pfp["code"], pfp["established"], pfp["status"]) == ("PfP", "1994-01-10", "active")
    assert get_json(api_client, f"{API}/frameworks/PAG")["established"] is None


def test_operation_contributors_on_a_date(api_client: Client) -> None:
    during = get_json(api_client, f"{API}/operations/isaf/contributors?as_of=2012-01-01")
    assert during["count"] == 23
    assert {"GEO", "MYS", "AUS"} <= {i["organization"]["code"] for i in during["items"]}
    assert {i["operation"] for i in during["items"]} == {"ISAF"}
    assert get_json(api_client, f"{API}/operations/ISAF/contributors")["count"] == 23
    after = get_json(api_client, f"{API}/operations/ISAF/contributors?as_of=2016-01-01")
    assert after == {"count": 0, "items": []}
    rsm = get_json(api_client, f"{API}/operations/RSM/contributors?as_of=2016-01-01")
    assert rsm["count"] == 11


def test_operations_running_on_a_date(api_client: Client) -> None:
    body = get_json(api_client, f"{API}/operations?as_of=2012-01-01")
    assert set(codes(body)) == {"KFOR", "NHQSa", "OAE", "ISAF", "OOS"}
    assert get_json(api_client, f"{API}/operations")["count"] == 14
    assert get_json(api_client, f"{API}/operations/isaf")["start"] == "2003-08-11"


# --- Errors: 400 / 404 with one JSON body, never 500 -----------------------------------


@pytest.mark.parametrize(
    ("url", "location"),
    [
        ("/allies?as_of=2011-13-07", "query.as_of"),
        ("/allies?as_of=yesterday", "query.as_of"),
        ("/allies?as_of=2023-02-29", "query.as_of"),
        ("/partners?as_of=2019-6-1x", "query.as_of"),
        ("/frameworks/PfP/members?as_of=yesterday", "query.as_of"),
        ("/operations/ISAF/contributors?as_of=2011-13-07", "query.as_of"),
        ("/operations?as_of=yesterday", "query.as_of"),
        ("/organizations?as_of=2011-13-07", "query.as_of"),
        ("/organizations/FIN?as_of=yesterday", "query.as_of"),
        ("/organizations?kind=spaceship", "query.kind"),
        ("/partners?kind=spaceship", "query.kind"),
        ("/allies?limit=0", "query.limit"),
        ("/allies?limit=many", "query.limit"),
        ("/organizations?offset=-1", "query.offset"),
    ],
)
def test_bad_parameters_answer_400_naming_the_parameter(
    api_client: Client, url: str, location: str
) -> None:
    body = get_json(api_client, API + url, status=400)
    assert body["error"] == "invalid"
    assert location in body["detail"]
    assert [e["location"] for e in body["errors"]] == [location]
    assert body["errors"][0]["reason"]


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("/frameworks/XYZ/members", "No framework with code 'XYZ'."),
        ("/frameworks/XYZ", "No framework with code 'XYZ'."),
        ("/organizations?framework=XYZ", "No framework with code 'XYZ'."),
        ("/organizations/XXX", "No organization with code 'XXX'."),
        ("/operations/XYZ/contributors", "No operation with code 'XYZ'."),
        ("/operations/XYZ", "No operation with code 'XYZ'."),
    ],
)
def test_unknown_codes_answer_404(api_client: Client, url: str, detail: str) -> None:
    assert get_json(api_client, API + url, status=404) == {"error": "not_found", "detail": detail}


# --- Authentication ----------------------------------------------------------------------


def _api_operations() -> list[tuple[str, str]]:
    """Every operation the API serves as (method, concrete URL), from its OpenAPI schema:
    `{code}` becomes PfP, any other path parameter 1."""
    operations = []
    for path, methods in api.get_openapi_schema()["paths"].items():
        url = re.sub(r"\{[a-z_]+\}", "1", path.replace("{code}", "PfP"))
        operations.extend((method.upper(), url) for method in methods)
    return operations


def _api_routes() -> list[str]:
    """Every route the API serves, as a concrete URL (path parameters filled in)."""
    patterns, _app, _namespace = api.urls
    urls = []
    for pattern in patterns:
        assert isinstance(pattern, URLPattern | URLResolver)
        if getattr(pattern, "name", "") in {"openapi-json", "openapi-view", "api-root"}:
            continue
        route = re.sub(r"<[a-z_:]*?([a-z_]+)>", "1", str(pattern.pattern).replace("<code>", "PfP"))
        urls.append(f"{API}/{route}")
    return urls


def test_every_api_route_is_checked_for_authentication() -> None:
    operations = _api_operations()
    assert ("GET", f"{API}/organizations") in operations
    assert ("GET", f"{API}/frameworks/PfP/members") in operations
    assert len(operations) >= 10


@pytest.mark.parametrize(("method", "url"), _api_operations())
def test_anonymous_requests_answer_401_json(client: Client, method: str, url: str) -> None:
    response = getattr(client, method.lower())(url, content_type="application/json")
    assert response.status_code == 401, (method, url, response.content[:200])
    body = response.json()
    assert body["error"] == "unauthenticated"
    assert "Bearer" in body["detail"]


@pytest.mark.parametrize(
    "header",
    ["Bearer cps_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "cps_no-scheme"],
)
def test_a_wrong_token_answers_401(reference: None, header: str) -> None:
    client = Client(headers={"Authorization": header})
    assert get_json(client, f"{API}/allies", status=401)["error"] == "unauthenticated"


def test_a_bearer_token_authenticates(coordinator: User) -> None:
    secret = token_create(actor=Actor.system(), username=coordinator.username).secret
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert get_json(client, f"{API}/allies?as_of=2019-06-01")["count"] == 29


def test_an_expired_token_answers_401(coordinator: User) -> None:
    issued = token_create(
        actor=Actor.system(),
        username=coordinator.username,
        expires_at=timezone.now() + timedelta(hours=1),
    )
    client = Client(headers={"Authorization": f"Bearer {issued.secret}"})
    assert client.get(f"{API}/allies").status_code == 200
    later = timezone.now() + timedelta(hours=1, minutes=1)
    with patch("django.utils.timezone.now", return_value=later):
        assert get_json(client, f"{API}/allies", status=401)["error"] == "unauthenticated"


def test_a_token_of_a_deactivated_user_answers_401(coordinator: User) -> None:
    secret = token_create(actor=Actor.system(), username=coordinator.username).secret
    coordinator.is_active = False
    coordinator.save(update_fields=["is_active"])
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert client.get(f"{API}/allies").status_code == 401


def test_a_browser_session_authenticates(
    coordinator: User, client_for: Callable[[User], Client]
) -> None:
    assert get_json(client_for(coordinator), f"{API}/allies?as_of=2011-09-07")["count"] == 28


def test_after_logout_the_session_no_longer_authenticates(
    coordinator: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(coordinator)
    client.logout()
    assert client.get(f"{API}/allies").status_code == 401


# --- OpenAPI -----------------------------------------------------------------------------

NETWORK_ROUTES = {
    "/api/v1/organizations",
    "/api/v1/organizations/{code}",
    "/api/v1/frameworks",
    "/api/v1/frameworks/{code}",
    "/api/v1/frameworks/{code}/members",
    "/api/v1/allies",
    "/api/v1/partners",
    "/api/v1/operations",
    "/api/v1/operations/{code}",
    "/api/v1/operations/{code}/contributors",
}


def test_openapi_schema_lists_every_route_with_a_summary(client: Client) -> None:
    schema = get_json(client, f"{API}/openapi.json")
    paths = schema["paths"]
    assert set(paths) >= NETWORK_ROUTES
    # Every URL the API serves is in the schema, and the schema names nothing it does not serve.
    served = set(_api_routes())
    documented = {url for _method, url in _api_operations()}
    assert served == documented
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method.upper()} {path} has no summary"
            assert {"BearerToken", "SessionAuth"} <= {
                name for requirement in operation["security"] for name in requirement
            }, f"{method.upper()} {path} is not documented as authenticated"


def test_openapi_documents_the_as_of_parameter(client: Client) -> None:
    schema = get_json(client, f"{API}/openapi.json")
    for path in ("/api/v1/allies", "/api/v1/partners", "/api/v1/frameworks/{code}/members"):
        params = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
        assert {"as_of", "limit", "offset"} <= set(params)


# --- Query counts: constant, whatever the page size --------------------------------------

LIST_URLS = [
    "/organizations",
    "/organizations?kind=partner_state&as_of=2019-06-01",
    "/organizations?framework=PfP&as_of=2019-06-01",
    "/frameworks",
    "/frameworks/PfP/members?as_of=2026-11-23",
    "/allies?as_of=2026-11-23",
    "/partners?as_of=2019-06-01",
    "/operations",
    "/operations/ISAF/contributors?as_of=2012-01-01",
]
MAX_QUERIES = 6


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("url", LIST_URLS)
def test_list_query_count_does_not_grow_with_the_page(
    api_client: Client, url: str, django_assert_max_num_queries: Any
) -> None:
    api_client.get(f"{API}/frameworks")  # the token's first use is recorded once
    separator = "&" if "?" in url else "?"
    counts = {}
    for limit in (1, 10, 1000):
        with django_assert_max_num_queries(MAX_QUERIES):
            counts[limit] = _count_queries(api_client, f"{API}{url}{separator}limit={limit}")
    assert counts[1] == counts[10] == counts[1000]


def test_organization_detail_query_count_does_not_grow_with_its_relations(
    api_client: Client, django_assert_max_num_queries: Any
) -> None:
    api_client.get(f"{API}/frameworks")
    # Finland: 2 memberships, 4 contributions, hosts an institution; Russia: none of the last two.
    with django_assert_max_num_queries(MAX_QUERIES + 2):
        finland = _count_queries(api_client, f"{API}/organizations/FIN")
    russia = _count_queries(api_client, f"{API}/organizations/RUS")
    assert finland == russia
