"""The partnership programmes' REST API (issue 5, item 6): contract shapes, the whole flow
from a draft to assessments, every role's answer, partners' confidentiality, bad input that
changes nothing, query counts, and the overlap score against an independent computation."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any
from unittest.mock import MagicMock, patch

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.accounts.services import token_create
from coopsec.activities.models import CooperationArea, Nomination
from coopsec.api.api import api
from coopsec.network.models import Organization, OrganizationKind
from coopsec.programmes.models import (
    Assessment,
    InterestVersion,
    Objective,
    Programme,
    ProgrammeItem,
    ProgrammeRevision,
)
from coopsec.programmes.overlap import cosine
from tests.activities.factories import coordinator, liaison, manager, open_activity, user
from tests.programmes.factories import (
    agreed_programme,
    assess,
    draft_programme,
    interests,
    submitted_programme,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"

PROGRAMME_KEYS = {
    "id", "partner", "partner_name", "type", "cycle_start", "cycle_end", "title", "status",
    "objective_count", "item_count", "created_at", "submitted_at", "agreed_at",
    "superseded_at", "updated_at", "synthetic",
}  # fmt: skip
DETAIL_KEYS = PROGRAMME_KEYS | {
    "created_by", "submitted_by", "agreed_by", "objectives", "items", "progress",
    "revision_count", "comments", "actions",
}  # fmt: skip
OBJECTIVE_KEYS = {
    "id", "programme", "title", "area", "indicator", "baseline", "target", "target_date",
    "proposed_by", "agreed", "position",
}  # fmt: skip
ITEM_KEYS = {
    "id", "objective", "activity", "area", "activity_type", "year", "planned_seats", "note",
}  # fmt: skip
ASSESSMENT_KEYS = {
    "id", "objective", "objective_title", "period", "period_start", "period_end", "side",
    "rating", "narrative", "evidence", "assessed_by", "assessed_at",
}  # fmt: skip
EVIDENCE_KEYS = {"period_start", "period_end", "attended", "reports", "feedback", "activities"}


# --- helpers -------------------------------------------------------------------------------


def bearer(who: User) -> Client:
    """An API client authenticated with a bearer token of `who`."""
    secret = token_create(actor=Actor.system(), username=who.username).secret
    return Client(headers={"Authorization": f"Bearer {secret}"})


def call(
    client: Client, method: str, url: str, body: Any = None, status: int = 200
) -> dict[str, Any]:
    """Call the API and check the status; returns the JSON body ({} for 204)."""
    if body is None and method in ("get", "delete"):
        response = getattr(client, method)(API + url)
    else:
        response = getattr(client, method)(
            API + url, body if body is not None else {}, content_type="application/json"
        )
    assert response.status_code == status, (method, url, response.content)
    if status == 204:
        return {}
    assert response["Content-Type"].startswith("application/json")
    result: dict[str, Any] = response.json()
    return result


def get(client: Client, url: str, status: int = 200) -> dict[str, Any]:
    return call(client, "get", url, status=status)


def post(client: Client, url: str, body: Any = None, status: int = 200) -> dict[str, Any]:
    return call(client, "post", url, body, status)


def put(client: Client, url: str, body: Any, status: int = 200) -> dict[str, Any]:
    return call(client, "put", url, body, status)


def delete(client: Client, url: str, status: int = 204) -> dict[str, Any]:
    return call(client, "delete", url, status=status)


def invalid(body: dict[str, Any], *fields: str) -> None:
    """A 400 body: `invalid`, a message, and every named field (a service names fields as
    keys; a malformed request lists locations such as `body.payload.<field>`)."""
    assert body["error"] == "invalid", body
    assert body["detail"], body
    errors = body["errors"]
    named = (
        {e["location"].rsplit(".", 1)[-1] for e in errors} if isinstance(errors, list) else errors
    )
    assert set(fields) <= set(named), body


def objective_body(**extra: Any) -> dict[str, Any]:
    return {
        "title": "Cyber incident response team", "area": "cyber_defence",
        "indicator": "Officers trained", "target": "8 officers", "target_date": "2028-12-31",
        "baseline": "2 officers", **extra,
    }  # fmt: skip


def counts() -> dict[str, int]:
    """How many rows every programme table holds: bad input must change none of them."""
    models = (InterestVersion, Programme, Objective, ProgrammeItem, ProgrammeRevision, Assessment)
    return {m.__name__: m.objects.count() for m in models} | {
        "Nomination": Nomination.objects.count()
    }


def leaf_areas() -> list[str]:
    return list(
        CooperationArea.objects.filter(children__isnull=True)
        .order_by("position", "code")
        .values_list("code", flat=True)
    )


@pytest.fixture
def frozen() -> Iterator[MagicMock]:
    """Today is 1 March 2027; set `frozen.return_value` to move on."""
    with patch("coopsec.network.dates.today", return_value=date(2027, 3, 1)) as today:
        yield today


@pytest.fixture
def georgia(reference: None) -> User:
    return liaison("GEO")


@pytest.fixture
def staff(reference: None) -> Callable[[str], Client]:
    """A client for an alliance staff role (NATO)."""
    return lambda role: bearer(user(role, "NATO"))


# --- interests and overlap -----------------------------------------------------------------


def test_both_sides_record_interests_and_read_them_side_by_side(georgia: User) -> None:
    mine, alliance = bearer(georgia), bearer(coordinator())
    areas = leaf_areas()
    body = put(mine, "/partners/GEO/interests",
               {"side": "partner", "areas": {"cyber_defence": 5, "logistics": 2}})  # fmt: skip
    assert set(body) == {"partner", "alliance", "partner_version", "alliance_version"}
    assert list(body["partner"]) == areas == list(body["alliance"])
    assert body["partner"]["cyber_defence"] == 5
    assert body["partner"]["logistics"] == 2
    assert sum(body["partner"].values()) == 7, "every other area is 0"
    assert set(body["alliance"].values()) == {0}
    assert body["partner_version"]["number"] == 1
    assert body["partner_version"]["recorded_by"] == georgia.username
    assert body["alliance_version"] is None

    offer = {"side": "alliance", "areas": {"cyber_defence": 3}, "note": "Budget 2027"}
    body = put(alliance, "/partners/geo/interests", offer)
    assert body["alliance"]["cyber_defence"] == 3
    assert body["alliance_version"]["note"] == "Budget 2027"
    assert get(mine, "/partners/GEO/interests") == body == get(alliance, "/partners/GEO/interests")

    put(mine, "/partners/GEO/interests", {"side": "partner", "areas": {"air_defence": 4}})
    now = get(mine, "/partners/GEO/interests")
    assert now["partner"]["air_defence"] == 4
    assert now["partner"]["cyber_defence"] == 0, "a version states the whole vector"
    assert now["partner_version"]["number"] == 2

    history = get(alliance, "/partners/GEO/interests/history")
    assert history["count"] == 3
    assert [(v["side"], v["number"]) for v in history["items"]] == [
        ("partner", 2), ("alliance", 1), ("partner", 1),
    ]  # fmt: skip
    assert history["items"][2]["areas"]["cyber_defence"] == 5
    partner_only = get(alliance, "/partners/GEO/interests/history?side=partner&limit=1")
    assert partner_only["count"] == 2
    assert partner_only["items"][0]["number"] == 2
    invalid(get(alliance, "/partners/GEO/interests/history?side=both", 400))


def test_each_side_is_recorded_by_its_own_people(georgia: User, staff: Any) -> None:
    mine = bearer(georgia)
    body = {"side": "alliance", "areas": {"cyber_defence": 5}}
    assert put(mine, "/partners/GEO/interests", body, 403)["error"] == "forbidden"
    partner_side = {"side": "partner", "areas": {"cyber_defence": 5}}
    for role in (R.COORDINATOR, R.ANALYST, R.AUDITOR):
        put(staff(role), "/partners/GEO/interests", partner_side, 403)
    put(staff(R.ANALYST), "/partners/GEO/interests", body, 403)
    assert not InterestVersion.objects.exists()


def test_another_partners_interests_are_not_found(georgia: User) -> None:
    interests(georgia, {"cyber_defence": 5})
    for who in (liaison("JOR"), manager()):
        client = bearer(who)
        for url in ("/partners/GEO/interests", "/partners/GEO/interests/history",
                    "/partners/GEO/overlap"):  # fmt: skip
            body = get(client, url, 404)
            assert body["error"] == "not_found"
            assert "cyber" not in str(body)
        put(client, "/partners/GEO/interests", {"side": "partner", "areas": {}}, 404)
    get(bearer(georgia), "/partners/XXX/interests", 404)
    get(bearer(georgia), "/partners/NATO/interests", 404)
    assert InterestVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("areas", "field"),
    [
        ({"no_such_area": 3}, "areas.no_such_area"),
        ({"cyber_defence": 6}, "areas.cyber_defence"),
        ({"cyber_defence": -1}, "areas.cyber_defence"),
        ({"cyber_defence": "high"}, "areas.cyber_defence"),
        ({"cyber_defence": 2.5}, "areas.cyber_defence"),
        ({"capabilities": 3}, "areas.capabilities"),
    ],
)
def test_bad_interests_are_refused_by_field_and_change_nothing(
    georgia: User, areas: dict[str, Any], field: str
) -> None:
    interests(georgia, {"logistics": 2})
    before, mine = counts(), bearer(georgia)
    body = put(mine, "/partners/GEO/interests",
               {"side": "partner", "areas": {"logistics": 4, **areas}}, 400)  # fmt: skip
    invalid(body, field)
    assert list(body["errors"]) == [field], "only the bad area is named"
    assert counts() == before
    assert get(mine, "/partners/GEO/interests")["partner"]["logistics"] == 2


def test_an_unknown_side_or_malformed_body_is_refused(georgia: User) -> None:
    mine = bearer(georgia)
    invalid(put(mine, "/partners/GEO/interests", {"side": "both", "areas": {}}, 400), "side")
    invalid(put(mine, "/partners/GEO/interests", {"side": "partner", "areas": [1]}, 400))
    invalid(put(mine, "/partners/GEO/interests", {"areas": {"logistics": 1}}, 400))
    assert not InterestVersion.objects.exists()


def independent_cosine(a: dict[str, int], b: dict[str, int], areas: list[str]) -> float:
    """Cosine similarity over the full, dense vectors: angle between them via the law of
    cosines (|a-b|² = |a|² + |b|² - 2|a||b|cos θ), not the dot product over sparse maps."""
    x = [a.get(code, 0) for code in areas]
    y = [b.get(code, 0) for code in areas]
    na, nb = math.hypot(*x), math.hypot(*y)
    if na == 0 or nb == 0:
        return 0.0
    distance_sq = sum((p - q) ** 2 for p, q in zip(x, y, strict=True))
    return (na * na + nb * nb - distance_sq) / (2 * na * nb)


def test_overlap_on_hand_made_vectors(georgia: User) -> None:
    mine, alliance = bearer(georgia), coordinator()
    empty = get(mine, "/partners/GEO/overlap")
    assert empty == {"score": 0.0, "stated": False, "partner_only": [], "alliance_only": []}

    partner_side = {"cyber_defence": 5, "logistics": 2, "cbrn_defence": 1, "air_defence": 1}
    alliance_side = {"cyber_defence": 3, "air_defence": 4, "logistics": 2, "defence_reform": 3}
    interests(georgia, partner_side)
    interests(alliance, alliance_side, partner="GEO")
    body = get(mine, "/partners/GEO/overlap")
    # dot = 15 + 4 + 4 = 23; |p|² = 31, |a|² = 38
    assert body["score"] == pytest.approx(23 / math.sqrt(31 * 38), abs=1e-12)
    assert body["score"] == pytest.approx(
        independent_cosine(partner_side, alliance_side, leaf_areas()), abs=1e-12
    )
    assert body["score"] == cosine(partner_side, alliance_side)
    assert body["stated"] is True
    assert body["partner_only"] == [
        {"area": "cyber_defence", "partner": 5, "alliance": 3, "gap": 2},
        {"area": "cbrn_defence", "partner": 1, "alliance": 0, "gap": 1},
    ]
    assert body["alliance_only"] == [
        {"area": "air_defence", "partner": 1, "alliance": 4, "gap": 3},
        {"area": "defence_reform", "partner": 0, "alliance": 3, "gap": 3},
    ]
    assert get(bearer(coordinator()), "/partners/GEO/overlap") == body


def test_overlap_equals_an_independent_computation_on_generated_data(georgia: User) -> None:
    rng = random.Random(20270301)
    areas = leaf_areas()
    mine, alliance = bearer(georgia), bearer(coordinator())
    for _round in range(8):
        partner_side = {code: rng.choice([0, 0, 1, 2, 3, 4, 5]) for code in areas}
        alliance_side = {code: rng.choice([0, 0, 0, 1, 3, 5]) for code in areas}
        put(mine, "/partners/GEO/interests", {"side": "partner", "areas": partner_side})
        put(alliance, "/partners/GEO/interests", {"side": "alliance", "areas": alliance_side})
        body = get(mine, "/partners/GEO/overlap")
        assert 0.0 <= body["score"] <= 1.0
        assert body["score"] == pytest.approx(
            independent_cosine(partner_side, alliance_side, areas), abs=1e-12
        )
        gaps = body["partner_only"] + body["alliance_only"]
        mismatched = {c for c in areas if partner_side[c] != alliance_side[c]}
        assert {g["area"] for g in gaps} == mismatched
        for g in gaps:
            assert g["gap"] == abs(partner_side[g["area"]] - alliance_side[g["area"]])
        for side in ("partner_only", "alliance_only"):
            sizes = [g["gap"] for g in body[side]]
            assert sizes == sorted(sizes, reverse=True), "largest gap first"


# --- programmes: the whole flow ------------------------------------------------------------


def test_the_whole_flow_from_draft_to_assessments(georgia: User, frozen: MagicMock) -> None:
    mine, coordinating = bearer(georgia), coordinator()
    alliance = bearer(coordinating)
    course = open_activity(area="cyber_defence", organizations=["GEO"])  # 30 April 2027

    start = {"type": "ITPP", "cycle_start": 2027, "cycle_end": 2028, "title": "Georgia ITPP"}
    created = post(mine, "/programmes", start, 201)
    assert set(created) == DETAIL_KEYS
    assert (created["status"], created["partner"], created["title"]) == (
        "draft", "GEO", "Georgia ITPP",
    )  # fmt: skip
    assert created["created_by"] == georgia.username
    assert created["actions"] == ["edit", "submit", "comment"]
    url = f"/programmes/{created['id']}"

    cyber = post(mine, f"{url}/objectives", objective_body(), 201)
    assert set(cyber) == OBJECTIVE_KEYS
    assert (cyber["proposed_by"], cyber["agreed"], cyber["area"]) == (
        "partner", False, "cyber_defence",
    )  # fmt: skip
    english = objective_body(
        title="Staff officers trained in English",
        area="language_training",
        target_date="2028-06-30",
    )
    training = post(mine, f"{url}/objectives", english, 201)
    on_menu = post(mine, f"{url}/items", {"objective": cyber["id"], "activity": course.pk}, 201)
    assert set(on_menu) == ITEM_KEYS
    assert on_menu["activity"]["code"] == course.code
    assert on_menu["activity"]["title"] == course.title
    assert (on_menu["area"], on_menu["year"], on_menu["objective"]) == (
        "cyber_defence", 2027, cyber["id"],
    )  # fmt: skip
    exercise = {"area": "cyber_defence", "activity_type": "exercise", "year": 2028}
    planned = post(mine, f"{url}/items", {"objective": cyber["id"], **exercise}, 201)
    assert planned["activity"] is None
    assert (planned["activity_type"], planned["planned_seats"]) == ("exercise", 1)
    course_2027 = {"objective": training["id"], "area": "language_training",
                   "activity_type": "course", "year": 2027, "planned_seats": 2}  # fmt: skip
    language = post(mine, f"{url}/items", course_2027, 201)

    submitted = post(mine, f"{url}/submit")
    assert submitted["status"] == "submitted"
    assert submitted["submitted_by"] == georgia.username
    assert submitted["submitted_at"] is not None
    assert submitted["revision_count"] == 1
    assert submitted["actions"] == ["comment"]
    post(mine, f"{url}/items", {"objective": cyber["id"], "activity": course.pk}, 403)

    # The coordinator changes one planned activity, comments, and agrees.
    later = {**course_2027, "year": 2028, "planned_seats": 4}
    changed = put(alliance, f"/programme-items/{language['id']}", later)
    assert (changed["year"], changed["planned_seats"]) == (2028, 4)
    comment = post(alliance, f"{url}/comments", {"text": "Two more seats in 2028."}, 201)
    assert (comment["side"], comment["author"]) == ("alliance", coordinating.username)
    agreed = post(alliance, f"{url}/agree", {"note": "Agreed at the annual review"})
    assert agreed["status"] == "agreed"
    assert agreed["agreed_by"] == coordinating.username
    assert all(o["agreed"] for o in agreed["objectives"])
    assert [c["text"] for c in agreed["comments"]] == ["Two more seats in 2028."]
    assert (agreed["objective_count"], agreed["item_count"], agreed["revision_count"]) == (2, 3, 2)

    # The partner sees what the coordinator changed.
    revisions = get(mine, f"{url}/revisions")
    assert revisions["count"] == 2
    newest, first = revisions["items"]
    assert (newest["number"], newest["event"], newest["compared_with"]) == (2, "agreed", 1)
    assert newest["author"] == coordinating.username
    assert newest["note"] == "Agreed at the annual review"
    items = newest["changes"]["items"]
    assert items["added"] == items["removed"] == []
    assert [entry["key"] for entry in items["changed"]] == [str(language["id"])]
    assert {(c["field"], c["before"], c["after"]) for c in items["changed"][0]["changes"]} == {
        ("year", 2027, 2028), ("planned_seats", 2, 4),
    }  # fmt: skip
    agreed_flags = newest["changes"]["objectives"]["changed"]
    assert {e["key"] for e in agreed_flags} == {str(cyber["id"]), str(training["id"])}
    assert newest["changes"]["programme"] == []
    assert (first["event"], first["compared_with"]) == ("submitted", None)
    assert len(first["changes"]["items"]["added"]) == 3

    # A nomination serves the planned course; once attended it is evidence.
    nomination = {"participant": {"name": "Nino Beridze"}, "programme_item": on_menu["id"]}
    nominated = post(mine, f"/activities/{course.pk}/nominations", nomination, 201)
    assert nominated["programme_item"] == on_menu["id"]
    frozen.return_value = date(2027, 6, 1)
    post(alliance, f"/nominations/{nominated['id']}/attendance", {"attended": True})
    progress = get(mine, url)["progress"]
    assert [p["objective"] for p in progress] == [cyber["id"], training["id"]]
    assert progress[0]["years"] == [
        {"year": 2027, "planned": 1, "nominated": 1, "attended": 1},
        {"year": 2028, "planned": 1, "nominated": 0, "attended": 0},
    ]
    assert (progress[1]["planned"], progress[1]["nominated"]) == (4, 0)

    evidence = get(mine, f"/objectives/{cyber['id']}/evidence?period=2027-H1")
    assert set(evidence) == EVIDENCE_KEYS
    assert evidence["attended"] == 1
    assert [(a["code"], a["linked"]) for a in evidence["activities"]] == [(course.code, True)]

    body = {"objective": cyber["id"], "period": "2027-H1", "rating": "on_track",
            "narrative": "First officers trained."}  # fmt: skip
    first_rating = post(mine, f"{url}/assessments", body, 201)
    assert set(first_rating) == ASSESSMENT_KEYS
    assert (first_rating["side"], first_rating["period_start"], first_rating["period_end"]) == (
        "partner", "2027-01-01", "2027-06-30",
    )  # fmt: skip
    assert first_rating["evidence"]["attended"] == 1
    assert first_rating["evidence"]["activities"][0]["code"] == course.code
    again = post(mine, f"{url}/assessments", {**body, "rating": "achieved"}, 200)
    assert again["id"] == first_rating["id"]
    assert again["rating"] == "achieved"
    theirs = post(alliance, f"{url}/assessments", {**body, "rating": "at_risk"}, 201)
    assert theirs["side"] == "alliance"
    listed = get(mine, f"{url}/assessments")
    assert listed["count"] == 2
    assert [(a["side"], a["rating"]) for a in listed["items"]] == [
        ("alliance", "at_risk"), ("partner", "achieved"),
    ]  # fmt: skip
    assert get(mine, f"{url}/assessments?objective={training['id']}")["count"] == 0


def test_changes_after_agreement_are_new_revisions(georgia: User) -> None:
    programme = agreed_programme(georgia)
    goal = programme.objectives.get()
    mine = bearer(georgia)
    url = f"/programmes/{programme.pk}"
    renamed_goal = objective_body(title="Cyber range exercises", target_date="2027-12-31")
    changed = put(mine, f"/objectives/{goal.pk}", renamed_goal)
    assert changed["title"] == "Cyber range exercises"
    assert changed["agreed"] is False, "the partner's change waits for the coordinator"
    item = goal.items.get()
    delete(mine, f"/programme-items/{item.pk}")
    assert not ProgrammeItem.objects.filter(pk=item.pk).exists()
    renamed = put(mine, url, {"type": "ITPP", "cycle_start": 2026, "cycle_end": 2027,
                              "title": "Renamed"})  # fmt: skip
    assert renamed["title"] == "Renamed"
    assert renamed["revision_count"] == 5
    newest = get(mine, f"{url}/revisions?limit=3")["items"]
    assert [r["event"] for r in newest] == ["amended"] * 3
    assert newest[0]["changes"]["programme"] == [
        {"field": "title", "before": "", "after": "Renamed"}
    ]
    assert [e["key"] for e in newest[1]["changes"]["items"]["removed"]] == [str(item.pk)]
    assert newest[2]["changes"]["objectives"]["changed"][0]["key"] == str(goal.pk)
    extra = post(mine, f"{url}/objectives", objective_body(target_date="2027-12-31"), 201)
    delete(mine, f"/objectives/{extra['id']}")
    assert not Objective.objects.filter(pk=extra["id"]).exists()
    get(mine, f"/objectives/{extra['id']}", 404)


def test_returning_a_programme_sends_it_back_to_draft(georgia: User) -> None:
    programme = submitted_programme(georgia)
    alliance = bearer(coordinator())
    url = f"/programmes/{programme.pk}"
    invalid(post(alliance, f"{url}/return", {"comment": "  "}, 400), "comment")
    back = post(alliance, f"{url}/return", {"comment": "Add a language objective."})
    assert back["status"] == "draft"
    assert back["comments"][0]["text"] == "Add a language objective."
    invalid(post(alliance, f"{url}/agree", {}, 400), "status")
    assert "submit" in get(bearer(georgia), url)["actions"]


def test_agree_takes_no_body_at_all(georgia: User) -> None:
    programme = submitted_programme(georgia)
    response = bearer(coordinator()).generic("POST", f"{API}/programmes/{programme.pk}/agree")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "agreed"


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"type": "ITPP", "cycle_start": 2028, "cycle_end": 2027}, ["cycle_end"]),
        ({"type": "ITPP", "cycle_start": 2027, "cycle_end": 2040}, ["cycle_end"]),
        ({"type": "PARP", "cycle_start": 1990, "cycle_end": 2027}, ["type", "cycle_start"]),
        ({"type": "ITPP", "cycle_start": 2027, "cycle_end": 2028, "title": "x" * 201}, ["title"]),
    ],
)
def test_a_bad_programme_is_refused_by_field(
    georgia: User, body: dict[str, Any], fields: list[str]
) -> None:
    before = counts()
    invalid(post(bearer(georgia), "/programmes", body, 400), *fields)
    assert counts() == before


def test_one_programme_in_preparation_at_a_time(georgia: User) -> None:
    draft = draft_programme(georgia, cycle=(2027, 2028))
    before = counts()
    body = post(bearer(georgia), "/programmes",
                {"type": "IPAP", "cycle_start": 2027, "cycle_end": 2028}, 400)  # fmt: skip
    invalid(body, "programme")
    assert body["errors"]["programme"] == draft.pk
    assert counts() == before


def test_malformed_bodies_name_the_field(georgia: User) -> None:
    mine = bearer(georgia)
    body = post(mine, "/programmes", {"type": "ITPP", "cycle_start": "next year"}, 400)
    assert body["error"] == "invalid"
    locations = {e["location"] for e in body["errors"]}
    assert {"body.payload.cycle_start", "body.payload.cycle_end"} <= locations
    assert not Programme.objects.exists()


def test_bad_objectives_and_items_are_refused_and_change_nothing(
    georgia: User, frozen: MagicMock
) -> None:
    programme = draft_programme(georgia, cycle=(2027, 2028))
    goal = programme.objectives.get()
    elsewhere = open_activity(organizations=["GEO"], start=date(2030, 5, 1))
    mine, url = bearer(georgia), f"/programmes/{programme.pk}"
    before = counts()
    cases: list[tuple[str, dict[str, Any], list[str]]] = [
        ("objectives", objective_body(area="no_such_area"), ["area"]),
        ("objectives", objective_body(target_date="2031-01-01", title=""),
         ["target_date", "title"]),
        ("items", {"objective": goal.pk, "area": "cyber_defence", "year": 2031}, ["year"]),
        ("items", {"objective": goal.pk, "area": "nowhere", "year": 2027}, ["area"]),
        ("items", {"objective": goal.pk, "area": "cyber_defence"}, ["year"]),
        ("items", {"objective": goal.pk, "activity": elsewhere.pk}, ["activity"]),
        ("items", {"objective": goal.pk, "activity": 987654}, ["activity"]),
        ("items", {"objective": 987654, "area": "logistics", "year": 2027}, ["objective"]),
        ("items", {"objective": goal.pk, "area": "logistics", "year": 2027,
                   "activity_type": "picnic", "planned_seats": 0},
         ["activity_type", "planned_seats"]),
    ]  # fmt: skip
    for path, body, fields in cases:
        invalid(post(mine, f"{url}/{path}", body, 400), *fields)
    item = goal.items.get()
    earlier = {"objective": goal.pk, "area": "cyber_defence", "year": 2026}
    invalid(put(mine, f"/programme-items/{item.pk}", earlier, 400), "year")
    invalid(put(mine, f"/objectives/{goal.pk}", objective_body(area=""), 400), "area")
    assert counts() == before
    assert Objective.objects.get(pk=goal.pk).title == goal.title


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"period": "2027-H3"}, ["period"]),
        ({"rating": "great"}, ["rating"]),
        ({"period": "someday", "rating": "fine"}, ["period", "rating"]),
        ({"period": "2031"}, ["period"]),
    ],
)
def test_bad_assessments_are_refused_by_field(
    georgia: User, body: dict[str, Any], fields: list[str]
) -> None:
    programme = agreed_programme(georgia, cycle=(2027, 2028))
    goal = programme.objectives.get()
    before = counts()
    rating = {"objective": goal.pk, "period": "2027", "rating": "on_track", **body}
    answer = post(bearer(georgia), f"/programmes/{programme.pk}/assessments", rating, 400)
    invalid(answer, *fields)
    assert counts() == before


def test_an_assessment_names_an_objective_of_this_programme(georgia: User) -> None:
    agreed = agreed_programme(georgia)
    draft = draft_programme(georgia, cycle=(2028, 2029))
    mine = bearer(georgia)
    body = {"objective": draft.objectives.get().pk, "period": "2026", "rating": "on_track"}
    invalid(post(mine, f"/programmes/{agreed.pk}/assessments", body, 400), "objective")
    # The draft's own objective: drafts are not assessed yet.
    invalid(post(mine, f"/programmes/{draft.pk}/assessments", body, 400), "status")
    assert not Assessment.objects.exists()


def test_an_assessed_objective_stays_on_record(georgia: User) -> None:
    programme = agreed_programme(georgia)
    goal = programme.objectives.get()
    assess(georgia, goal)
    invalid(delete(bearer(georgia), f"/objectives/{goal.pk}", 400), "objective")
    assert Objective.objects.filter(pk=goal.pk).exists()


# --- confidentiality and roles -------------------------------------------------------------


@pytest.fixture
def georgian_programme(georgia: User) -> dict[str, Any]:
    programme = agreed_programme(georgia)
    goal = programme.objectives.get()
    assess(georgia, goal)
    draft = draft_programme(georgia, cycle=(2028, 2029))
    return {
        "programme": programme, "objective": goal, "item": goal.items.get(), "draft": draft,
    }  # fmt: skip


def test_another_partner_gets_404_on_everything_of_the_programme(
    georgian_programme: dict[str, Any],
) -> None:
    programme, goal = georgian_programme["programme"], georgian_programme["objective"]
    item, draft = georgian_programme["item"], georgian_programme["draft"]
    url = f"/programmes/{programme.pk}"
    before = counts()
    for who in (liaison("JOR"), manager()):
        client = bearer(who)
        reads = [url, f"{url}/assessments", f"{url}/revisions", f"/objectives/{goal.pk}",
                 f"/objectives/{goal.pk}/evidence"]  # fmt: skip
        for path in reads:
            body = get(client, path, 404)
            assert body["error"] == "not_found"
            assert "Objective 1" not in str(body)
        assessment = {"objective": goal.pk, "period": "2026", "rating": "at_risk"}
        post(client, f"{url}/assessments", assessment, 404)
        post(client, f"{url}/comments", {"text": "Hello"}, 404)
        post(client, f"{url}/objectives", objective_body(target_date="2027-12-31"), 404)
        post(client, f"{url}/items", {"objective": goal.pk, "area": "logistics", "year": 2026},
             404)  # fmt: skip
        put(client, url, {"type": "ITPP", "cycle_start": 2026, "cycle_end": 2027}, 404)
        put(client, f"/objectives/{goal.pk}", objective_body(target_date="2027-12-31"), 404)
        put(client, f"/programme-items/{item.pk}",
            {"objective": goal.pk, "area": "logistics", "year": 2026}, 404)  # fmt: skip
        delete(client, f"/programme-items/{item.pk}", 404)
        delete(client, f"/objectives/{goal.pk}", 404)
        post(client, f"/programmes/{draft.pk}/submit", None, 404)
        assert get(client, "/programmes")["count"] == 0
        get(client, "/programmes?partner=GEO", 404)
    assert counts() == before


def test_staff_who_read_may_not_act(georgian_programme: dict[str, Any], staff: Any) -> None:
    programme, goal = georgian_programme["programme"], georgian_programme["objective"]
    draft, url = georgian_programme["draft"], f"/programmes/{georgian_programme['programme'].pk}"
    before = counts()
    for role in (R.ANALYST, R.AUDITOR):
        client = staff(role)
        assert get(client, url)["actions"] == []
        assert get(client, f"{url}/assessments")["count"] == 1
        assert get(client, "/programmes")["count"] == 2
        for path, body in [
            (f"{url}/comments", {"text": "Hello"}),
            (f"{url}/objectives", objective_body(target_date="2027-12-31")),
            (f"{url}/items", {"objective": goal.pk, "area": "logistics", "year": 2026}),
            (f"{url}/assessments", {"objective": goal.pk, "period": "2026", "rating": "at_risk"}),
            (f"/programmes/{draft.pk}/submit", {}),
            (f"/programmes/{draft.pk}/agree", {}),
        ]:
            assert post(client, path, body, 403)["error"] == "forbidden", path
        put(client, f"/objectives/{goal.pk}", objective_body(target_date="2027-12-31"), 403)
        delete(client, f"/programme-items/{georgian_programme['item'].pk}", 403)
        post(client, "/programmes", {"type": "ITPP", "cycle_start": 2030, "cycle_end": 2031}, 403)
    assert counts() == before
    assert programme.status == "agreed"


def test_each_side_keeps_to_its_part(georgian_programme: dict[str, Any], staff: Any) -> None:
    draft = georgian_programme["draft"]
    mine, alliance = bearer(liaison("GEO")), staff(R.COORDINATOR)
    url = f"/programmes/{draft.pk}"
    # The coordinator neither starts a partner's programme nor edits or submits its draft.
    post(alliance, "/programmes", {"type": "ITPP", "cycle_start": 2030, "cycle_end": 2031}, 403)
    post(alliance, f"{url}/objectives", objective_body(target_date="2029-12-31"), 403)
    post(alliance, f"{url}/submit", None, 403)
    assert get(alliance, url)["actions"] == ["comment"]
    # The partner neither agrees nor returns, nor marks objectives agreed.
    submitted = post(mine, f"{url}/submit")
    assert submitted["status"] == "submitted"
    post(mine, f"{url}/agree", {}, 403)
    post(mine, f"{url}/return", {"comment": "Please"}, 403)
    agreed = agreed_programme(liaison("JOR"))
    post(alliance, f"/programmes/{agreed.pk}/objectives",
         objective_body(target_date="2027-12-31", agreed=True), 201)  # fmt: skip
    post(bearer(liaison("JOR")), f"/programmes/{agreed.pk}/objectives",
         objective_body(target_date="2027-12-31", agreed=True), 403)  # fmt: skip
    assert get(alliance, url)["actions"] == ["edit", "agree", "return", "comment"]


def test_an_administrator_is_not_a_partner(reference: None, make_user: Any) -> None:
    admin = make_user(R.ADMIN, "NATO", is_staff=True, is_superuser=True)
    client = bearer(admin)
    post(client, "/programmes", {"type": "ITPP", "cycle_start": 2030, "cycle_end": 2031}, 403)
    assert not Programme.objects.exists()


def test_anonymous_callers_are_asked_to_sign_in(georgian_programme: dict[str, Any]) -> None:
    anonymous = Client()
    pk, goal = georgian_programme["programme"].pk, georgian_programme["objective"].pk
    for method, path in [
        ("get", "/partners/GEO/interests"), ("put", "/partners/GEO/interests"),
        ("get", "/partners/GEO/interests/history"), ("get", "/partners/GEO/overlap"),
        ("get", "/programmes"), ("post", "/programmes"), ("get", f"/programmes/{pk}"),
        ("put", f"/programmes/{pk}"), ("post", f"/programmes/{pk}/submit"),
        ("post", f"/programmes/{pk}/agree"), ("post", f"/programmes/{pk}/return"),
        ("post", f"/programmes/{pk}/comments"), ("post", f"/programmes/{pk}/objectives"),
        ("post", f"/programmes/{pk}/items"), ("get", f"/programmes/{pk}/assessments"),
        ("post", f"/programmes/{pk}/assessments"), ("get", f"/programmes/{pk}/revisions"),
        ("get", f"/objectives/{goal}"), ("put", f"/objectives/{goal}"),
        ("delete", f"/objectives/{goal}"), ("get", f"/objectives/{goal}/evidence"),
        ("delete", f"/programme-items/{georgian_programme['item'].pk}"),
    ]:  # fmt: skip
        body = call(anonymous, method, path, {} if method in ("post", "put") else None, 401)
        assert body["error"] == "unauthenticated", path


# --- lists and query counts ----------------------------------------------------------------


def test_the_programme_list_and_its_filters(georgian_programme: dict[str, Any]) -> None:
    jordan = draft_programme(liaison("JOR"))
    alliance = bearer(coordinator())
    everything = get(alliance, "/programmes")
    assert everything["count"] == 3
    assert set(everything["items"][0]) == PROGRAMME_KEYS
    georgian = get(alliance, "/programmes?partner=GEO")
    assert [(p["status"], p["cycle_start"]) for p in georgian["items"]] == [
        ("draft", 2028), ("agreed", 2026),
    ]  # fmt: skip
    assert georgian["items"][1]["objective_count"] == georgian["items"][1]["item_count"] == 1
    drafts = get(alliance, "/programmes?status=draft")
    assert {p["id"] for p in drafts["items"]} == {georgian_programme["draft"].pk, jordan.pk}
    assert get(alliance, "/programmes?status=draft&partner=JOR&limit=1")["count"] == 1
    invalid(get(alliance, "/programmes?status=maybe", 400))
    get(alliance, "/programmes?partner=XXX", 404)
    mine = get(bearer(liaison("GEO")), "/programmes")
    assert {p["partner"] for p in mine["items"]} == {"GEO"}


def queries(client: Client, url: str) -> int:
    client.get(API + url)  # a token records its use at most once a minute: not the read's cost
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(API + url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


PARTNERS = ["GEO", "JOR", "QAT", "AUS", "ARM", "AZE", "MDA", "UKR", "SRB", "KAZ"]


def test_the_programme_list_costs_the_same_for_1_and_10_programmes(
    reference: None, django_assert_max_num_queries: Any
) -> None:
    assert Organization.objects.filter(
        code__in=PARTNERS, kind=OrganizationKind.PARTNER_STATE
    ).count() == len(PARTNERS)
    agreed_programme(liaison(PARTNERS[0]))
    client = bearer(coordinator())
    one = queries(client, "/programmes")
    for code in PARTNERS[1:]:
        draft_programme(liaison(code), objectives=2)
    with django_assert_max_num_queries(one):
        response = client.get(f"{API}/programmes")
    assert response.json()["count"] == 10


def comment(who: User, programme: Programme, text: str) -> None:
    post(bearer(who), f"/programmes/{programme.pk}/comments", {"text": text}, 201)


def test_detail_assessments_and_revisions_cost_the_same_however_large(georgia: User) -> None:
    small = agreed_programme(georgia)
    client = bearer(coordinator())
    assess(georgia, small.objectives.get())
    comment(georgia, small, "One remark")
    urls = ["", "/assessments", "/revisions"]
    before = {u: queries(client, f"/programmes/{small.pk}{u}") for u in urls}
    jordan = liaison("JOR")
    large = agreed_programme(jordan, objectives=5)
    for n, goal in enumerate(large.objectives.all()):
        assess(jordan, goal)
        assess(coordinator(), goal, period=f"2026-H{n % 2 + 1}")
        comment(jordan if n % 2 else coordinator(), large, f"Remark {n}")
    after = {u: queries(client, f"/programmes/{large.pk}{u}") for u in urls}
    assert after == before
    assert before[""] <= 15


# --- nominations naming a programme item ---------------------------------------------------


def test_a_nomination_names_the_programme_item_it_serves(georgia: User, frozen: MagicMock) -> None:
    course = open_activity(area="cyber_defence", organizations=["GEO", "JOR"])  # April 2027
    programme = draft_programme(georgia, cycle=(2027, 2028))
    goal = programme.objectives.get()  # one item: cyber_defence, any type, 2027
    fitting = goal.items.get()
    misfit = ProgrammeItem.objects.create(programme=programme, objective=goal,
                                          area=CooperationArea.objects.get(code="logistics"),
                                          year=2027)  # fmt: skip
    mine = bearer(georgia)
    url = f"/activities/{course.pk}/nominations"
    before = counts()
    body = post(mine, url, {"participant": {"name": "Nino"}, "programme_item": misfit.pk}, 400)
    invalid(body, "programme_item")
    assert counts() == before
    plain = post(mine, url, {"participant": {"name": "Nino"}}, 201)
    assert plain["programme_item"] is None
    linked = post(mine, f"/nominations/{plain['id']}/programme-item", {"item": fitting.pk})
    assert linked["programme_item"] == fitting.pk
    assert get(mine, f"/nominations/{plain['id']}")["programme_item"] == fitting.pk
    invalid(post(mine, f"/nominations/{plain['id']}/programme-item", {"item": misfit.pk}, 400),
            "programme_item")  # fmt: skip
    cleared = post(mine, f"/nominations/{plain['id']}/programme-item", {"item": None})
    assert cleared["programme_item"] is None
    # Only the nominating partner links: others see 404 (another partner) or 403 (staff).
    post(bearer(liaison("JOR")), f"/nominations/{plain['id']}/programme-item",
         {"item": None}, 404)  # fmt: skip
    post(bearer(coordinator()), f"/nominations/{plain['id']}/programme-item",
         {"item": fitting.pk}, 403)  # fmt: skip
    # Another partner cannot name Georgia's item for its own nomination.
    jordan = post(bearer(liaison("JOR")), url,
                  {"participant": {"name": "Omar"}, "programme_item": fitting.pk}, 400)  # fmt: skip
    invalid(jordan, "programme_item")
    assert Nomination.objects.get(pk=plain["id"]).programme_item is None


# --- the OpenAPI schema --------------------------------------------------------------------

CONTRACT = {
    ("get", "/api/v1/partners/{code}/interests"),
    ("put", "/api/v1/partners/{code}/interests"),
    ("get", "/api/v1/partners/{code}/interests/history"),
    ("get", "/api/v1/partners/{code}/overlap"),
    ("get", "/api/v1/programmes"),
    ("post", "/api/v1/programmes"),
    ("get", "/api/v1/programmes/{programme_id}"),
    ("put", "/api/v1/programmes/{programme_id}"),
    ("post", "/api/v1/programmes/{programme_id}/objectives"),
    ("post", "/api/v1/programmes/{programme_id}/items"),
    ("post", "/api/v1/programmes/{programme_id}/submit"),
    ("post", "/api/v1/programmes/{programme_id}/agree"),
    ("post", "/api/v1/programmes/{programme_id}/return"),
    ("post", "/api/v1/programmes/{programme_id}/comments"),
    ("get", "/api/v1/programmes/{programme_id}/assessments"),
    ("post", "/api/v1/programmes/{programme_id}/assessments"),
    ("get", "/api/v1/programmes/{programme_id}/revisions"),
    ("get", "/api/v1/objectives/{objective_id}"),
    ("put", "/api/v1/objectives/{objective_id}"),
    ("delete", "/api/v1/objectives/{objective_id}"),
    ("get", "/api/v1/objectives/{objective_id}/evidence"),
    ("put", "/api/v1/programme-items/{item_id}"),
    ("delete", "/api/v1/programme-items/{item_id}"),
    ("post", "/api/v1/nominations/{nomination_id}/programme-item"),
}


def test_the_openapi_schema_documents_every_route() -> None:
    schema = api.get_openapi_schema()
    ours = {
        (method, path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "programmes" in operation.get("tags", [])
    }
    assert ours == CONTRACT
    for method, path in ours:
        operation = schema["paths"][path][method]
        assert operation.get("summary"), (method, path)
        assert operation.get("description"), (method, path)
    created = schema["paths"]["/api/v1/programmes/{programme_id}/assessments"]["post"]
    assert {"200", "201"} <= {str(code) for code in created["responses"]}
    nominate_body = schema["paths"]["/api/v1/activities/{activity_id}/nominations"]["post"]
    ref = nominate_body["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert "programme_item" in schema["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]
