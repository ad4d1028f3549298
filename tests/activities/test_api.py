"""The cooperation menu's REST API (issue 4, item 9): contract shapes, filters, errors, every
role's answer, partners' confidentiality, pseudonyms, query counts and the OpenAPI schema."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.accounts.personal_data import pseudonym
from coopsec.accounts.services import token_create
from coopsec.activities import lifecycle
from coopsec.activities.models import Activity, CooperationArea, Nomination
from coopsec.api.api import api
from coopsec.audit.models import AuditEvent
from coopsec.network import dates
from tests.activities.factories import (
    activity_in_state,
    advance,
    check_seats,
    liaison,
    nominate,
    open_activity,
    proposed_activity,
    reload,
    user,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
HOST = "PTEC-AUT-AUTINT"

ACTIVITY_KEYS = {
    "id", "code", "title", "title_fr", "description", "description_fr", "type", "state",
    "host", "host_name", "primary_area", "secondary_areas", "start", "end", "country", "city",
    "online", "language", "seats", "confirmed", "seats_left", "per_partner_cap", "eligibility",
    "mode", "clearance", "tuition_cost", "accommodation_cost", "nature",
    "registration_deadline", "references", "synthetic", "created_at", "updated_at",
}  # fmt: skip
NOMINATION_KEYS = {
    "id", "state", "priority", "activity", "partner", "participant", "created_at", "decided_at",
    "programme_item",
}  # fmt: skip
ERROR_KEYS = {"error", "detail"}


def bearer(who: User) -> Client:
    """An API client authenticated with a bearer token of `who`."""
    secret = token_create(actor=Actor.system(), username=who.username).secret
    return Client(headers={"Authorization": f"Bearer {secret}"})


def as_role(role: str, org: str) -> Client:
    return bearer(user(role, org))


def get(client: Client, url: str, status: int = 200) -> Any:
    response = client.get(API + url)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def post(client: Client, url: str, body: dict[str, Any] | None = None, status: int = 200) -> Any:
    response = client.post(API + url, body or {}, content_type="application/json")
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def assert_error(body: dict[str, Any], error: str) -> None:
    assert ERROR_KEYS <= set(body) <= {"error", "detail", "errors"}, body
    assert body["error"] == error, body
    assert body["detail"], body


def nomination_body(name: str = "Nino Beridze", **extra: Any) -> dict[str, Any]:
    person = {"name": name, "email": extra.pop("email", ""), "rank": extra.pop("rank", "")}
    return {"participant": person, "priority": 1, **extra}


def minimal_activity(**extra: Any) -> dict[str, Any]:
    """The contract's required fields for POST /activities."""
    start = dates.today() + timedelta(days=90)
    return {
        "title": "CBRN defence basic course",
        "type": "course",
        "host": HOST,
        "primary_area": "cbrn_defence",
        "start": start.isoformat(),
        "end": (start + timedelta(days=4)).isoformat(),
        "seats": 12,
        "per_partner_cap": 2,
        "eligibility": {"all_partners": True},
        "mode": "fcfs",
        **extra,
    }


# --- areas ---------------------------------------------------------------------------------


def test_areas_list_the_taxonomy_with_parent_codes(api_client: Client) -> None:
    body = get(api_client, "/areas?limit=500")
    assert body["count"] == CooperationArea.objects.count() == len(body["items"])
    by_code = {item["code"]: item for item in body["items"]}
    cbrn = CooperationArea.objects.get(code="cbrn_defence")
    assert by_code["cbrn_defence"] == {
        "code": "cbrn_defence",
        "name": cbrn.name,
        "name_fr": cbrn.name_fr,
        "parent": "capabilities",
        "description": cbrn.description,
        "description_fr": cbrn.description_fr,
    }
    assert by_code["capabilities"]["parent"] is None
    codes = [item["code"] for item in body["items"]]
    assert codes.index("capabilities") < codes.index("cbrn_defence")


@pytest.mark.parametrize("role", [R.PARTNER_LIAISON, R.ANALYST, R.AUDITOR])
def test_every_role_reads_the_areas(role: str) -> None:
    org = "GEO" if role == R.PARTNER_LIAISON else "NATO"
    assert get(as_role(role, org), "/areas")["count"] > 20


# --- listing activities --------------------------------------------------------------------


def test_an_activity_in_the_list_has_the_contract_shape(api_client: Client) -> None:
    activity = open_activity(
        seats=10, cap=2, frameworks=["PfP"], secondary_areas=["logistics"],
        references={"e-PRIME": "EP-4711"}, country="AUT", city="Vienna",
        tuition_cost="150.50", registration_deadline=dates.today() + timedelta(days=30),
    )  # fmt: skip
    nominate(liaison("GEO"), activity)
    item = get(api_client, "/activities")["items"][0]
    assert set(item) == ACTIVITY_KEYS
    assert item["id"] == activity.pk
    assert item["code"] == activity.code
    assert item["state"] == "open"
    assert item["host"] == HOST
    assert item["primary_area"] == "cbrn_defence"
    assert item["secondary_areas"] == ["logistics"]
    assert item["start"] == activity.start.isoformat()
    assert item["end"] == activity.end.isoformat()
    assert item["seats"] == 10
    assert item["confirmed"] == 1
    assert item["seats_left"] == 9
    assert item["per_partner_cap"] == 2
    assert item["mode"] == "fcfs"
    assert item["eligibility"] == {
        "all_partners": False,
        "frameworks": ["PfP"],
        "organizations": [],
    }
    assert item["references"] == {"e-PRIME": "EP-4711"}
    assert item["country"] == "AUT"
    assert item["city"] == "Vienna"
    assert item["tuition_cost"] == "150.50"
    assert item["registration_deadline"] == activity.registration_deadline.isoformat()


def test_the_menu_is_filtered_by_every_parameter(api_client: Client) -> None:
    today = dates.today()
    cbrn = open_activity(title="Chemical defence", area="cbrn_defence", frameworks=["PfP"],
                         start=today + timedelta(days=30))  # fmt: skip
    cyber = open_activity(title="Cyber range", area="cyber_defence", type="exercise",
                          organizations=["JOR"], start=today + timedelta(days=200))  # fmt: skip
    secondary = open_activity(title="Logistics of CBRN", area="logistics",
                              secondary_areas=["cbrn_defence"],
                              start=today + timedelta(days=100))  # fmt: skip
    proposed = proposed_activity(
        title="Not yet approved", host="NATO", area="maritime_security",
        start=today + timedelta(days=95),
    )  # fmt: skip

    def ids(query: str) -> set[int]:
        return {item["id"] for item in get(api_client, "/activities?" + query)["items"]}

    everything = {cbrn.pk, cyber.pk, secondary.pk, proposed.pk}
    assert ids("") == everything
    assert ids("q=cyber") == {cyber.pk}
    assert ids(f"q={cbrn.code}") == {cbrn.pk}
    assert ids("area=cbrn_defence") == {cbrn.pk, secondary.pk}
    assert ids("area=capabilities") == {cbrn.pk, secondary.pk}  # a group matches its areas
    assert ids("type=exercise") == {cyber.pk}
    assert ids(f"host={HOST}") == {cbrn.pk, cyber.pk, secondary.pk}
    assert ids("state=proposed") == {proposed.pk}
    assert ids("state=open") == {cbrn.pk, cyber.pk, secondary.pk}
    assert ids(f"from={(today + timedelta(days=150)).isoformat()}") == {cyber.pk}
    assert ids(f"to={(today + timedelta(days=31)).isoformat()}") == {cbrn.pk}
    window = f"from={today + timedelta(days=90)}&to={today + timedelta(days=110)}"
    assert ids(window) == {secondary.pk, proposed.pk}
    assert ids("eligible_for=GEO&state=open") == {cbrn.pk, secondary.pk}
    assert ids("eligible_for=JOR&state=open") == {cyber.pk, secondary.pk}
    assert ids("eligible_for=GEO&area=cbrn_defence&type=course") == {cbrn.pk, secondary.pk}


def test_seats_left_and_the_with_seats_filter(api_client: Client) -> None:
    full = open_activity(seats=1, cap=1)
    free = open_activity(seats=3, cap=1)
    nominate(liaison("GEO"), full)
    items = {i["id"]: i for i in get(api_client, "/activities")["items"]}
    assert (items[full.pk]["seats_left"], items[free.pk]["seats_left"]) == (0, 3)
    assert [i["id"] for i in get(api_client, "/activities?with_seats=true")["items"]] == [free.pk]


@pytest.mark.parametrize(
    ("query", "status", "error"),
    [
        ("area=no-such-area", 404, "not_found"),
        ("host=NOWHERE", 404, "not_found"),
        ("eligible_for=XXX", 404, "not_found"),
        ("from=2026-13-01", 400, "invalid"),
        ("to=yesterday", 400, "invalid"),
        ("from=31/12/2026", 400, "invalid"),
        ("state=dreaming", 400, "invalid"),
        ("type=party", 400, "invalid"),
        ("q=%00", 400, "invalid"),
        ("host=%00", 400, "invalid"),
        ("limit=-1", 400, "invalid"),
        ("offset=abc", 400, "invalid"),
        ("with_seats=perhaps", 400, "invalid"),
    ],
)
def test_bad_list_parameters_answer_json_errors(
    api_client: Client, query: str, status: int, error: str
) -> None:
    body = get(api_client, f"/activities?{query}", status)
    assert_error(body, error)
    if status == 400:
        assert body["errors"][0]["location"].startswith("query.")


def test_partners_see_the_published_menu_only(reference: None) -> None:
    proposed = proposed_activity()
    approved = activity_in_state(lifecycle.APPROVED)
    for_all = open_activity()
    for_georgia = open_activity(organizations=["GEO"])
    georgia, jordan = as_role(R.PARTNER_LIAISON, "GEO"), as_role(R.PARTNER_LIAISON, "JOR")
    host = as_role(R.INSTITUTION_MANAGER, HOST)

    def ids(client: Client) -> set[int]:
        return {item["id"] for item in get(client, "/activities")["items"]}

    assert ids(georgia) == {for_all.pk, for_georgia.pk}
    assert ids(jordan) == {for_all.pk}
    assert ids(host) == {proposed.pk, approved.pk, for_all.pk, for_georgia.pk}
    get(jordan, f"/activities/{for_georgia.pk}", 404)
    get(georgia, f"/activities/{proposed.pk}", 404)


def test_anonymous_calls_answer_401(client: Client, reference: None) -> None:
    activity = open_activity()
    nomination = nominate(liaison("GEO"), activity)
    for url in ("/areas", "/activities", f"/activities/{activity.pk}",
                f"/activities/{activity.pk}/nominations", "/nominations",
                f"/nominations/{nomination.pk}", f"/activities/{activity.pk}/ics",
                "/calendar-feeds"):  # fmt: skip
        assert_error(get(client, url, 401), "unauthenticated")
    for url, body in (
        ("/activities", minimal_activity()),
        (f"/activities/{activity.pk}/transition", {"to": "closed"}),
        (f"/activities/{activity.pk}/nominations", nomination_body()),
        (f"/nominations/{nomination.pk}/withdraw", {}),
        (f"/nominations/{nomination.pk}/decide", {"to": "declined"}),
        (f"/nominations/{nomination.pk}/attendance", {"attended": True}),
        ("/calendar-feeds", {}),
    ):
        assert_error(post(client, url, body, 401), "unauthenticated")
    assert Nomination.objects.get(pk=nomination.pk).state == "confirmed"


# --- creating activities -------------------------------------------------------------------


def test_a_coordinator_proposes_an_activity_with_the_contract_body(api_client: Client) -> None:
    body = post(api_client, "/activities", minimal_activity(), 201)
    assert set(body) == ACTIVITY_KEYS
    assert body["state"] == "proposed"
    activity = Activity.objects.get(pk=body["id"])
    assert (activity.title, activity.host.code, activity.primary_area.code) == (
        "CBRN defence basic course", HOST, "cbrn_defence",
    )  # fmt: skip
    assert (activity.seats, activity.per_partner_cap, activity.mode) == (12, 2, "fcfs")
    assert body["eligibility"] == {"all_partners": True, "frameworks": [], "organizations": []}
    assert body["seats_left"] == 12
    assert AuditEvent.objects.filter(action="activity.create", object_id=str(activity.pk)).exists()


def test_every_optional_field_is_stored_and_echoed(api_client: Client) -> None:
    deadline = (dates.today() + timedelta(days=60)).isoformat()
    body = post(api_client, "/activities", minimal_activity(
        eligibility={"frameworks": ["PfP", "MD"]}, mode="allocated", code="ETOC-CBRN-01",
        title_fr="Cours de base NRBC", description="Five days.", description_fr="Cinq jours.",
        secondary_areas=["logistics", "civil_preparedness"], country="AUT", city="Vienna",
        online=True, language="en+fr", clearance="restricted", tuition_cost="1200.00",
        accommodation_cost=300, nature="civil", registration_deadline=deadline,
        references={"e-PRIME": "EP-1", "ETOC": "CBRN-01"},
    ), 201)  # fmt: skip
    assert body["code"] == "ETOC-CBRN-01"
    assert body["eligibility"]["all_partners"] is False
    assert sorted(body["eligibility"]["frameworks"]) == ["MD", "PfP"]
    assert body["eligibility"]["organizations"] == []
    expected = {
        "mode": "allocated", "title_fr": "Cours de base NRBC", "description": "Five days.",
        "description_fr": "Cinq jours.", "country": "AUT", "city": "Vienna", "online": True,
        "language": "en+fr", "clearance": "restricted", "tuition_cost": "1200.00",
        "accommodation_cost": "300.00", "nature": "civil", "registration_deadline": deadline,
        "references": {"e-PRIME": "EP-1", "ETOC": "CBRN-01"},
    }  # fmt: skip
    assert {k: body[k] for k in expected} == expected
    assert sorted(body["secondary_areas"]) == ["civil_preparedness", "logistics"]
    assert get(api_client, f"/activities/{body['id']}")["references"] == expected["references"]


def test_listed_organizations_eligibility(api_client: Client) -> None:
    body = post(api_client, "/activities",
                minimal_activity(eligibility={"organizations": ["GEO", "jor"]}), 201)  # fmt: skip
    assert body["eligibility"]["all_partners"] is False
    assert sorted(body["eligibility"]["organizations"]) == ["GEO", "JOR"]


def test_hosts_propose_for_their_own_institution_only(reference: None) -> None:
    host = as_role(R.INSTITUTION_MANAGER, HOST)
    assert post(host, "/activities", minimal_activity(), 201)["host"] == HOST
    body = post(host, "/activities", minimal_activity(host="NATO"), 403)
    assert_error(body, "forbidden")


@pytest.mark.parametrize(
    ("role", "org"),
    [(R.PARTNER_LIAISON, "GEO"), (R.ANALYST, "NATO"), (R.AUDITOR, "NATO")],
)
def test_other_roles_may_not_propose(role: str, org: str) -> None:
    assert_error(post(as_role(role, org), "/activities", minimal_activity(), 403), "forbidden")
    assert not Activity.objects.exists()


def test_a_bad_activity_is_refused_naming_every_field(api_client: Client) -> None:
    body = post(api_client, "/activities", minimal_activity(
        title=" ", type="party", host="NOWHERE", primary_area="juggling",
        start="2027-05-10", end="2027-05-01", seats=0, per_partner_cap=0,
        eligibility={"frameworks": ["XYZ"]}, mode="lottery", clearance="cosmic",
        nature="magic", tuition_cost=-5, secondary_areas=["nope"], country="Atlantis",
    ), 400)  # fmt: skip
    assert_error(body, "invalid")
    assert set(body["errors"]) == {
        "title", "type", "host", "primary_area", "end", "seats", "per_partner_cap",
        "eligibility.frameworks", "mode", "clearance", "nature", "tuition_cost",
        "secondary_areas", "country",
    }  # fmt: skip
    assert "party" in body["errors"]["type"]
    assert "XYZ" in body["errors"]["eligibility.frameworks"]
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    "eligibility",
    [{}, {"all_partners": False}, {"all_partners": True, "frameworks": ["PfP"]},
     {"frameworks": ["PfP"], "organizations": ["GEO"]}],
)  # fmt: skip
def test_eligibility_must_be_exactly_one_kind(
    api_client: Client, eligibility: dict[str, Any]
) -> None:
    body = post(api_client, "/activities", minimal_activity(eligibility=eligibility), 400)
    assert_error(body, "invalid")
    assert set(body["errors"]) == {"eligibility"}


@pytest.mark.parametrize(
    "change",
    [
        {"title": None},
        {"start": "2027-02-30"},
        {"end": "soon"},
        {"seats": "many"},
        {"seats": 10**12},
        {"seats": 2.5},
        {"title": "x" * 251},
        {"title": "null\x00byte"},
        {"city": "c" * 121},
        {"tuition_cost": "a lot"},
        {"tuition_cost": "12345678901.00"},
        {"references": {"e-PRIME": "r" * 81}},
        {"eligibility": "everyone"},
        {"secondary_areas": "logistics"},
        {"registration_deadline": "2027-13-01"},
    ],
)
def test_malformed_activity_bodies_answer_400_not_500(
    api_client: Client, change: dict[str, Any]
) -> None:
    data = minimal_activity(**change)
    if change.get("title", "") is None:
        del data["title"]
    body = post(api_client, "/activities", data, 400)
    assert_error(body, "invalid")
    assert not Activity.objects.exists()


def test_a_body_that_is_not_json_answers_400(api_client: Client) -> None:
    response = api_client.post(f"{API}/activities", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"error", "detail"}


# --- one activity and its lifecycle ---------------------------------------------------------


def test_the_detail_adds_partner_counts_and_the_callers_moves(reference: None) -> None:
    activity = open_activity(seats=2, cap=2)
    georgia, jordan = liaison("GEO"), liaison("JOR")
    nominate(georgia, activity, name="Nino Beridze")
    nominate(jordan, activity, name="Omar Haddad")
    nominate(jordan, activity, name="Lina Khoury")  # no seat left: waitlisted
    body = get(bearer(georgia), f"/activities/{activity.pk}")
    assert set(body) == ACTIVITY_KEYS | {"partners", "transitions"}
    assert body["partners"] == [
        {"partner": "GEO", "confirmed": 1, "waitlisted": 0, "pending": 0},
        {"partner": "JOR", "confirmed": 1, "waitlisted": 1, "pending": 0},
    ]
    assert body["transitions"] == []
    assert "Omar" not in str(body) and "Haddad" not in str(body)
    host = get(as_role(R.INSTITUTION_MANAGER, HOST), f"/activities/{activity.pk}")
    assert host["transitions"] == ["closed", "cancelled"]


def test_unknown_and_invisible_activities_answer_404(api_client: Client) -> None:
    proposed = proposed_activity()
    for url in ("/activities/999999", "/activities/99999999999999999999"):
        assert_error(get(api_client, url, 404), "not_found")
    georgia = as_role(R.PARTNER_LIAISON, "GEO")
    assert_error(get(georgia, f"/activities/{proposed.pk}", 404), "not_found")
    assert_error(get(api_client, "/activities/abc", 400), "invalid")


def test_the_lifecycle_through_the_api(api_client: Client) -> None:
    activity = proposed_activity()
    host = as_role(R.INSTITUTION_MANAGER, HOST)
    assert_error(post(host, f"/activities/{activity.pk}/transition", {"to": "approved"}, 403),
                 "forbidden")  # fmt: skip
    body = post(api_client, f"/activities/{activity.pk}/transition", {"to": "approved"})
    assert body["state"] == "approved"
    assert post(host, f"/activities/{activity.pk}/transition", {"to": "open"})["state"] == "open"
    assert reload(activity).state == "open"
    trail = AuditEvent.objects.filter(action="activity.transition", object_id=str(activity.pk))
    assert trail.count() == 2


@pytest.mark.parametrize(
    ("to", "reason"),
    [("closed", "can go to approved or cancelled"), ("dreaming", "is not a state")],
)
def test_an_impossible_transition_answers_400_with_the_reason(
    api_client: Client, to: str, reason: str
) -> None:
    activity = proposed_activity()
    body = post(api_client, f"/activities/{activity.pk}/transition", {"to": to}, 400)
    assert_error(body, "invalid")
    assert reason in body["detail"]
    assert reason in body["errors"]["to"]
    assert reload(activity).state == "proposed"


def test_partners_may_not_move_activities(reference: None) -> None:
    opened, proposed = open_activity(), proposed_activity()
    georgia = as_role(R.PARTNER_LIAISON, "GEO")
    body = post(georgia, f"/activities/{opened.pk}/transition", {"to": "closed"}, 403)
    assert_error(body, "forbidden")
    post(georgia, f"/activities/{proposed.pk}/transition", {"to": "cancelled"}, 404)
    post(as_role(R.ANALYST, "NATO"), f"/activities/{opened.pk}/transition",
         {"to": "cancelled"}, 403)  # fmt: skip
    post(georgia, f"/activities/{opened.pk}/transition", {}, 400)
    assert reload(opened).state == "open"
    assert reload(proposed).state == "proposed"


# --- nominations ---------------------------------------------------------------------------


def test_a_liaison_nominates_first_come_first_served(reference: None) -> None:
    activity = open_activity(seats=10, cap=2)
    georgia = bearer(liaison("GEO"))
    url = f"/activities/{activity.pk}/nominations"
    first = post(georgia, url, nomination_body("Nino Beridze", email="nino@mod.gov.ge",
                                               rank="Major"), 201)  # fmt: skip
    assert set(first) == NOMINATION_KEYS
    assert first["state"] == "confirmed"
    assert first["partner"] == "GEO"
    assert first["priority"] == 1
    assert first["activity"] == {
        "id": activity.pk, "code": activity.code, "title": activity.title,
        "start": activity.start.isoformat(), "end": activity.end.isoformat(),
        "host": HOST, "state": "open",
    }  # fmt: skip
    assert first["participant"]["name"] == "Nino Beridze"
    assert first["participant"]["email"] == "nino@mod.gov.ge"
    assert first["participant"]["rank"] == "Major"
    assert first["participant"]["id"].startswith("P-")
    assert post(georgia, url, nomination_body("Giorgi K.", priority=2), 201)["state"] == (
        "confirmed"
    )
    assert post(georgia, url, nomination_body("Third"), 201)["state"] == "waitlisted"
    check_seats(activity)


def test_allocated_mode_leaves_nominations_pending(reference: None) -> None:
    activity = open_activity(mode="allocated")
    body = post(bearer(liaison("GEO")), f"/activities/{activity.pk}/nominations",
                nomination_body(), 201)  # fmt: skip
    assert body["state"] == "pending"


def test_who_may_nominate(reference: None) -> None:
    pfp_only = open_activity(frameworks=["PfP"])
    url = f"/activities/{pfp_only.pk}/nominations"
    assert_error(post(bearer(liaison("JOR")), url, nomination_body(), 403), "forbidden")
    for role, org in ((R.COORDINATOR, "NATO"), (R.INSTITUTION_MANAGER, HOST),
                      (R.ANALYST, "NATO")):  # fmt: skip
        assert_error(post(as_role(role, org), url, nomination_body(), 403), "forbidden")
    proposed = proposed_activity()
    post(bearer(liaison("GEO")), f"/activities/{proposed.pk}/nominations", nomination_body(), 404)
    closed = activity_in_state(lifecycle.CLOSED)
    body = post(bearer(liaison("GEO")), f"/activities/{closed.pk}/nominations",
                nomination_body(), 400)  # fmt: skip
    assert "not open" in body["detail"]
    assert not Nomination.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"participant": {"name": ""}},
        {"participant": {"name": "  "}},
        {"participant": {"name": "X", "email": "not-an-address"}},
        {"participant": {"name": "X" * 201}},
        {"participant": {"name": "X\x00"}},
        {"participant": {"name": "X"}, "priority": 0},
        {"participant": {"name": "X"}, "priority": 10**9},
        {"participant": {"name": "X"}, "priority": "first"},
        {"participant": "Nino"},
        {},
    ],
)
def test_a_bad_nomination_answers_400(body: dict[str, Any], reference: None) -> None:
    activity = open_activity()
    answer = post(bearer(liaison("GEO")), f"/activities/{activity.pk}/nominations", body, 400)
    assert_error(answer, "invalid")
    assert not Nomination.objects.exists()


def test_the_same_participant_twice_answers_400(reference: None) -> None:
    activity = open_activity()
    georgia = bearer(liaison("GEO"))
    url = f"/activities/{activity.pk}/nominations"
    post(georgia, url, nomination_body(email="nino@mod.gov.ge"), 201)
    body = post(georgia, url, nomination_body(email="nino@mod.gov.ge"), 400)
    assert body["errors"] == {"participant": "already nominated"}


@pytest.fixture
def two_partners(reference: None) -> dict[str, Any]:
    """An open activity (3 seats, cap 2) with Georgia's two nominations and Jordan's one."""
    activity = open_activity(seats=3, cap=2)
    georgia, jordan = liaison("GEO"), liaison("JOR")
    return {
        "activity": activity,
        "georgia": georgia,
        "jordan": jordan,
        "geo": [
            nominate(georgia, activity, name="Nino Beridze", email="nino@mod.gov.ge"),
            nominate(georgia, activity, name="Tamar Gelashvili"),
        ],
        "jor": [nominate(jordan, activity, name="Omar Haddad")],
    }


def test_a_partner_sees_only_its_own_nominations(two_partners: dict[str, Any]) -> None:
    activity = two_partners["activity"]
    url = f"/activities/{activity.pk}/nominations"
    jordan = get(bearer(two_partners["jordan"]), url)
    assert jordan["count"] == 1
    assert [n["partner"] for n in jordan["items"]] == ["JOR"]
    assert jordan["items"][0]["participant"]["name"] == "Omar Haddad"
    for secret in ("Nino", "Beridze", "Tamar", "Gelashvili", "nino@mod.gov.ge"):
        assert secret not in str(jordan)
    georgia = get(bearer(two_partners["georgia"]), url)
    assert [n["participant"]["name"] for n in georgia["items"]] == [
        "Nino Beridze", "Tamar Gelashvili",
    ]  # fmt: skip
    assert "Omar" not in str(georgia)


def test_host_and_coordinator_see_names_analysts_pseudonyms(
    two_partners: dict[str, Any], api_client: Client
) -> None:
    url = f"/activities/{two_partners['activity'].pk}/nominations"
    host = get(as_role(R.INSTITUTION_MANAGER, HOST), url)
    coordinator = get(api_client, url)
    analyst = get(as_role(R.ANALYST, "NATO"), url)
    for body in (host, coordinator):
        assert [n["participant"]["name"] for n in body["items"]] == [
            "Nino Beridze", "Tamar Gelashvili", "Omar Haddad",
        ]  # fmt: skip
    assert analyst["count"] == 3
    for seen, hidden in zip(coordinator["items"], analyst["items"], strict=True):
        assert set(hidden) == NOMINATION_KEYS
        assert hidden["participant"] == {
            "id": seen["participant"]["id"], "name": None, "email": None, "rank": None,
        }  # fmt: skip
        nomination = Nomination.objects.get(pk=hidden["id"])
        assert hidden["participant"]["id"] == pseudonym("participant", nomination.participant_id)
    for secret in ("Nino", "Tamar", "Omar", "mod.gov.ge"):
        assert secret not in str(analyst)
    detail = get(as_role(R.ANALYST, "NATO"), f"/nominations/{two_partners['geo'][0].pk}")
    assert detail["participant"]["name"] is None


def test_auditors_see_activities_but_no_nominations(two_partners: dict[str, Any]) -> None:
    auditor = as_role(R.AUDITOR, "NATO")
    activity = two_partners["activity"]
    assert get(auditor, f"/activities/{activity.pk}/nominations")["count"] == 0
    assert get(auditor, "/nominations")["count"] == 0
    get(auditor, f"/nominations/{two_partners['geo'][0].pk}", 404)


def test_nominations_of_an_invisible_activity_answer_404(reference: None) -> None:
    proposed = proposed_activity()
    get(as_role(R.PARTNER_LIAISON, "GEO"), f"/activities/{proposed.pk}/nominations", 404)
    get(as_role(R.PARTNER_LIAISON, "GEO"), "/activities/424242/nominations", 404)


def test_the_nomination_list_and_its_filters(
    two_partners: dict[str, Any], api_client: Client
) -> None:
    georgia = bearer(two_partners["georgia"])
    mine = get(georgia, "/nominations")
    assert mine["count"] == 2
    assert {n["partner"] for n in mine["items"]} == {"GEO"}
    assert set(mine["items"][0]) == NOMINATION_KEYS
    assert get(georgia, "/nominations?organization=JOR")["count"] == 0
    assert get(api_client, "/nominations")["count"] == 3
    assert get(api_client, "/nominations?organization=JOR")["count"] == 1
    assert get(api_client, "/nominations?state=confirmed")["count"] == 3
    assert get(api_client, "/nominations?organization=geo&state=waitlisted")["count"] == 0
    assert_error(get(api_client, "/nominations?organization=XXX", 404), "not_found")
    assert_error(get(api_client, "/nominations?state=maybe", 400), "invalid")
    assert get(as_role(R.INSTITUTION_MANAGER, HOST), "/nominations")["count"] == 3


def test_another_partners_nomination_is_not_found(two_partners: dict[str, Any]) -> None:
    georgia_nomination = two_partners["geo"][0]
    jordan = bearer(two_partners["jordan"])
    assert_error(get(jordan, f"/nominations/{georgia_nomination.pk}", 404), "not_found")
    body = post(jordan, f"/nominations/{georgia_nomination.pk}/withdraw", {}, 404)
    assert_error(body, "not_found")
    assert "Nino" not in str(body)
    assert reload_nomination(georgia_nomination).state == "confirmed"
    own = get(bearer(two_partners["georgia"]), f"/nominations/{georgia_nomination.pk}")
    assert set(own) == NOMINATION_KEYS
    assert own["participant"]["email"] == "nino@mod.gov.ge"
    get(jordan, "/nominations/99999999999999999999", 404)


def reload_nomination(nomination: Nomination) -> Nomination:
    return Nomination.objects.get(pk=nomination.pk)


def test_withdrawing_frees_the_seat_for_the_waiting_list(two_partners: dict[str, Any]) -> None:
    activity = two_partners["activity"]
    jordan = two_partners["jordan"]
    waiting = nominate(jordan, activity, name="Lina Khoury")
    assert waiting.state == "waitlisted"
    georgia = bearer(two_partners["georgia"])
    nomination = two_partners["geo"][0]
    body = post(georgia, f"/nominations/{nomination.pk}/withdraw")
    assert set(body) == NOMINATION_KEYS
    assert body["state"] == "withdrawn"
    assert reload_nomination(waiting).state == "confirmed"
    again = post(georgia, f"/nominations/{nomination.pk}/withdraw", {}, 400)
    assert_error(again, "invalid")
    check_seats(activity)


def test_hosts_decide_and_partners_may_not(reference: None) -> None:
    activity = open_activity(seats=1, cap=1, mode="allocated")
    georgia, jordan = liaison("GEO"), liaison("JOR")
    first, second = nominate(georgia, activity), nominate(jordan, activity)
    host = as_role(R.INSTITUTION_MANAGER, HOST)
    url = f"/nominations/{first.pk}/decide"
    assert_error(post(bearer(georgia), url, {"to": "confirmed"}, 403), "forbidden")
    assert_error(post(bearer(jordan), url, {"to": "confirmed"}, 404), "not_found")
    assert_error(post(as_role(R.ANALYST, "NATO"), url, {"to": "confirmed"}, 403), "forbidden")
    body = post(host, url, {"to": "confirmed"})
    assert body["state"] == "confirmed"
    assert body["participant"]["name"] is not None  # the host sees whom it confirmed
    full = post(host, f"/nominations/{second.pk}/decide", {"to": "confirmed"}, 400)
    assert "every seat is taken" in full["detail"]
    assert post(host, f"/nominations/{second.pk}/decide", {"to": "waitlisted"})["state"] == (
        "waitlisted"
    )
    assert_error(post(host, url, {"to": "attended"}, 400), "invalid")
    assert_error(post(host, url, {}, 400), "invalid")
    coordinator = as_role(R.COORDINATOR, "NATO")
    assert post(coordinator, url, {"to": "declined"})["state"] == "declined"
    check_seats(activity)


def test_hosts_record_attendance_once_the_activity_started(reference: None) -> None:
    georgia = liaison("GEO")
    conducted = activity_in_state(
        lifecycle.CONDUCTED, nominations=[(georgia, "Nino"), (georgia, "Tamar")]
    )
    came, missed = Nomination.objects.filter(activity=conducted).order_by("pk")
    host = as_role(R.INSTITUTION_MANAGER, HOST)
    url = f"/nominations/{came.pk}/attendance"
    assert_error(post(bearer(georgia), url, {"attended": True}, 403), "forbidden")
    assert post(host, url, {"attended": True})["state"] == "attended"
    assert post(host, f"/nominations/{missed.pk}/attendance", {"attended": False})["state"] == (
        "no_show"
    )
    assert_error(post(host, url, {"attended": "sometimes"}, 400), "invalid")
    upcoming = open_activity()
    future = nominate(georgia, upcoming)
    body = post(host, f"/nominations/{future.pk}/attendance", {"attended": True}, 400)
    assert "starts on" in body["detail"]


# --- iCalendar download --------------------------------------------------------------------


def test_an_activity_downloads_as_icalendar(api_client: Client, client_for: Any) -> None:
    from icalendar import Calendar

    activity = open_activity(city="Vienna", country="AUT")
    response = api_client.get(f"{API}/activities/{activity.pk}/ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert f'filename="{activity.code}.ics"' in response["Content-Disposition"]
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["UID"]) == f"activity-{activity.pk}@coopsec"
    assert event.start == activity.start
    assert event.end == activity.end + timedelta(days=1)
    assert str(event["SUMMARY"]) == activity.title
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "Vienna" in str(event["LOCATION"])
    # The web page links here: the browser's session works as well as a token.
    session = client_for(user(R.PARTNER_LIAISON, "GEO"))
    assert session.get(f"{API}/activities/{activity.pk}/ics").status_code == 200
    advance(activity, lifecycle.CANCELLED)
    cancelled = Calendar.from_ical(api_client.get(f"{API}/activities/{activity.pk}/ics").content)
    assert str(cancelled.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"


def test_the_last_representable_day_still_downloads(api_client: Client) -> None:
    from icalendar import Calendar

    body = post(api_client, "/activities", minimal_activity(end="9999-12-31"), 201)
    response = api_client.get(f"{API}/activities/{body['id']}/ics")
    assert response.status_code == 200
    assert Calendar.from_ical(response.content).walk("VEVENT")[0].end == date.max


def test_an_invisible_activity_has_no_download(reference: None) -> None:
    proposed = proposed_activity()
    get(as_role(R.PARTNER_LIAISON, "GEO"), f"/activities/{proposed.pk}/ics", 404)


# --- query counts --------------------------------------------------------------------------


def count_queries(client: Client, url: str) -> int:
    client.get(API + url)  # a token records its use at most once a minute: not the list's cost
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(API + url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", [R.COORDINATOR, R.PARTNER_LIAISON, R.INSTITUTION_MANAGER])
def test_list_queries_do_not_grow_with_the_page(role: str) -> None:
    org = {R.COORDINATOR: "NATO", R.PARTNER_LIAISON: "GEO", R.INSTITUTION_MANAGER: HOST}[role]
    georgia = liaison("GEO")
    for n in range(6):
        activity = open_activity(
            frameworks=["PfP"] if n % 2 else None, secondary_areas=["logistics", "cyber_defence"],
            references={"e-PRIME": f"EP-{n}"}, organizations=["GEO", "JOR"] if n == 4 else None,
            country="AUT",
        )  # fmt: skip
        nominate(georgia, activity)
        nominate(georgia, activity)
    client = as_role(role, org)
    for url in ("/activities", "/activities?area=capabilities&eligible_for=GEO&q=course",
                "/nominations", f"/activities/{activity.pk}/nominations", "/areas"):  # fmt: skip
        joiner = "&" if "?" in url else "?"
        small = count_queries(client, f"{url}{joiner}limit=1")
        large = count_queries(client, f"{url}{joiner}limit=50")
        assert small == large, (url, small, large)


def test_the_detail_and_feed_list_use_few_queries(api_client: Client) -> None:
    activity = open_activity(secondary_areas=["logistics"], references={"ETOC": "1"})
    for org in ("GEO", "JOR"):
        nominate(liaison(org), activity)
    assert count_queries(api_client, f"/activities/{activity.pk}") <= 12
    assert count_queries(api_client, "/calendar-feeds?limit=1") == count_queries(
        api_client, "/calendar-feeds?limit=50"
    )


# --- the OpenAPI schema --------------------------------------------------------------------

CONTRACT = {
    ("get", "/api/v1/areas"),
    ("get", "/api/v1/activities"),
    ("post", "/api/v1/activities"),
    ("get", "/api/v1/activities/{activity_id}"),
    ("post", "/api/v1/activities/{activity_id}/transition"),
    ("post", "/api/v1/activities/{activity_id}/nominations"),
    ("get", "/api/v1/activities/{activity_id}/nominations"),
    ("get", "/api/v1/activities/{activity_id}/ics"),
    ("get", "/api/v1/nominations"),
    ("get", "/api/v1/nominations/{nomination_id}"),
    ("post", "/api/v1/nominations/{nomination_id}/withdraw"),
    ("post", "/api/v1/nominations/{nomination_id}/decide"),
    ("post", "/api/v1/nominations/{nomination_id}/attendance"),
    ("get", "/api/v1/calendar-feeds"),
    ("post", "/api/v1/calendar-feeds"),
    ("delete", "/api/v1/calendar-feeds/{feed_id}"),
}


def test_the_openapi_schema_documents_every_route() -> None:
    schema = api.get_openapi_schema()
    ours = {
        (method, path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "activities" in operation.get("tags", [])
    }
    assert ours == CONTRACT
    for method, path in ours:
        operation = schema["paths"][path][method]
        assert operation.get("summary"), (method, path)
        assert operation.get("description"), (method, path)
    list_params = {p["name"] for p in schema["paths"]["/api/v1/activities"]["get"]["parameters"]}
    assert {"q", "area", "type", "host", "state", "from", "to", "eligible_for"} <= list_params
    ics = schema["paths"]["/api/v1/activities/{activity_id}/ics"]["get"]["responses"][200]
    assert "text/calendar" in ics["content"]
    components = schema["components"]["schemas"]
    for name in ("ActivityIn", "ActivityOut", "NominationIn", "NominationOut", "AreaOut"):
        assert name in components, name
    activity_in = components["ActivityIn"]
    assert {"title", "type", "host", "primary_area", "start", "end", "seats"} <= set(
        activity_in["required"]
    )
    assert activity_in["properties"]["mode"]["enum"] == ["fcfs", "allocated"]


def test_list_routes_answer_count_and_items(api_client: Client, reference: None) -> None:
    for url in ("/areas", "/activities", "/nominations", "/calendar-feeds"):
        assert set(get(api_client, url)) == {"count", "items"}
