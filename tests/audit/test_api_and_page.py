"""Auditors, and only auditors, browse the audit trail: `GET /api/v1/audit` and `/audit/`.
Every response names its request id, and events written while serving it record that id."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.audit.models import AuditEvent
from coopsec.audit.services import audit_record

pytestmark = pytest.mark.django_db

API = "/api/v1/audit"
PAGE = "/audit/"
PASSWORD = "correct horse battery staple"

# Every role but the auditor's, each in an organization it could really belong to.
OTHER_ROLES = [
    (R.COORDINATOR, "NATO"),
    (R.PARTNER_LIAISON, "ARM"),
    (R.INSTITUTION_MANAGER, "JAPCC"),
    (R.ANALYST, "NATO"),
    (R.ADMIN, "NATO"),
]


@pytest.fixture
def auditor(make_user: Callable[..., User]) -> User:
    return make_user(R.AUDITOR, "NATO", username="auditor-1")


@pytest.fixture
def admin_user(make_user: Callable[..., User]) -> User:
    return make_user(R.ADMIN, "NATO", username="admin-1")


@pytest.fixture
def trail(admin_user: User) -> dict[str, AuditEvent]:
    """A few events by an administrator and by the system, in a known order."""
    admin = Actor.from_user(admin_user)
    return {
        "create": audit_record(actor=admin, action="user.create", object_type="user", object_id=7),
        "token": audit_record(actor=admin, action="token.create", object_type="api_token"),
        "failed": audit_record(
            actor=Actor.system(), action="auth.login_failed", summary={"username": "mallory"}
        ),
        "locked": audit_record(actor=Actor.system(), action="auth.locked_out"),
    }


def audit_api(client: Client, **params: str) -> dict:
    response = client.get(API, params)
    assert response.status_code == 200, response.content
    return response.json()


# --- API -------------------------------------------------------------------------------------


def test_auditor_lists_events_newest_first(
    client_for: Callable[[User], Client], auditor: User, trail: dict[str, AuditEvent]
) -> None:
    body = audit_api(client_for(auditor))
    assert set(body) == {"count", "items"}
    assert body["count"] == AuditEvent.objects.count()
    seqs = [item["seq"] for item in body["items"]]
    assert seqs == sorted(seqs, reverse=True)
    newest = body["items"][0]
    # The auditor's own sign-in (force_login) is the newest event.
    assert newest["action"] == "auth.login"
    assert newest["actor"] == auditor.username
    by_seq = {item["seq"]: item for item in body["items"]}
    created = by_seq[trail["create"].seq]
    assert created == {
        "seq": trail["create"].seq,
        "created_at": created["created_at"],
        "actor": "admin-1",
        "organization": "NATO",
        "action": "user.create",
        "object_type": "user",
        "object_id": "7",
        "summary": {},
        "request_id": "",
        "hash": trail["create"].hash,
        "prev_hash": trail["create"].prev_hash,
    }


def test_auditor_filters_by_actor(
    client_for: Callable[[User], Client], auditor: User, trail: dict[str, AuditEvent]
) -> None:
    client = client_for(auditor)
    actions = {i["action"] for i in audit_api(client, actor="admin-1")["items"]}
    assert actions == {"user.create", "token.create"}
    # The system also loaded the reference data (reference.* events); its sign-in events:
    system = audit_api(client, actor="system", action="auth.")["items"]
    assert {i["action"] for i in system} == {"auth.login_failed", "auth.locked_out"}
    assert audit_api(client, actor="nobody")["count"] == 0


def test_auditor_filters_by_exact_action_and_prefix(
    client_for: Callable[[User], Client], auditor: User, trail: dict[str, AuditEvent]
) -> None:
    client = client_for(auditor)
    exact = audit_api(client, action="auth.locked_out")
    assert [i["seq"] for i in exact["items"]] == [trail["locked"].seq]
    prefix = audit_api(client, action="auth.")
    assert {i["action"] for i in prefix["items"]} == {
        "auth.login",
        "auth.login_failed",
        "auth.locked_out",
    }
    # Without the trailing dot the action is matched exactly, not as a prefix.
    assert audit_api(client, action="auth")["count"] == 0
    assert audit_api(client, object_type="api_token")["items"][0]["action"] == "token.create"


@pytest.mark.filterwarnings("error::RuntimeWarning")  # no naive date-times reach the query
def test_auditor_filters_by_time(
    client_for: Callable[[User], Client], auditor: User, trail: dict[str, AuditEvent]
) -> None:
    client = client_for(auditor)
    time.sleep(0.01)
    cut = timezone.now()
    time.sleep(0.01)
    later = audit_record(actor=Actor.system(), action="test.later")
    since = audit_api(client, since=cut.isoformat())
    assert [i["seq"] for i in since["items"]] == [later.seq]
    until = audit_api(client, until=cut.isoformat())
    assert later.seq not in {i["seq"] for i in until["items"]}
    assert trail["create"].seq in {i["seq"] for i in until["items"]}
    tomorrow = (timezone.now() + timedelta(days=1)).date().isoformat()
    assert audit_api(client, since=tomorrow)["count"] == 0
    assert audit_api(client, until=tomorrow)["count"] == AuditEvent.objects.count()
    # A date-time without an offset is UTC.
    naive_cut = cut.astimezone(UTC).replace(tzinfo=None).isoformat()
    assert [i["seq"] for i in audit_api(client, since=naive_cut)["items"]] == [later.seq]


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01", "2026-02-30T10:00"])
def test_malformed_since_is_a_400_with_the_error_body(
    client_for: Callable[[User], Client], auditor: User, bad: str
) -> None:
    response = client_for(auditor).get(API, {"since": bad})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid"
    assert "since" in body["detail"]


def test_api_list_query_count_does_not_grow_with_events(
    client_for: Callable[[User], Client],
    auditor: User,
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    for i in range(60):
        audit_record(actor=Actor.system(), action="test.bulk", object_id=i)
    client = client_for(auditor)
    with django_assert_max_num_queries(6):  # type: ignore[attr-defined]
        body = audit_api(client, limit="50")
    assert len(body["items"]) == 50


@pytest.mark.parametrize(("role", "org"), OTHER_ROLES)
def test_other_roles_get_403_from_the_api(
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    trail: dict[str, AuditEvent],
    role: str,
    org: str,
) -> None:
    response = client_for(make_user(role, org)).get(API)
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert "user.create" not in response.content.decode()


def test_other_roles_get_403_with_a_bearer_token(
    api_client: Client, trail: dict[str, AuditEvent]
) -> None:
    response = api_client.get(API)
    assert response.status_code == 403


def test_auditor_with_a_bearer_token(auditor: User, trail: dict[str, AuditEvent]) -> None:
    from coopsec.accounts.services import token_create

    secret = token_create(actor=Actor.system(), username=auditor.username).secret
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert audit_api(client, action="user.create")["count"] == 1


def test_anonymous_gets_401_from_the_api(trail: dict[str, AuditEvent]) -> None:
    response = Client().get(API)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthenticated"
    bad_token = Client(headers={"Authorization": "Bearer cps_not-a-real-token"}).get(API)
    assert bad_token.status_code == 401


# --- page ------------------------------------------------------------------------------------


def test_auditor_sees_the_page(
    client_for: Callable[[User], Client], auditor: User, trail: dict[str, AuditEvent]
) -> None:
    response = client_for(auditor).get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    for action in ("user.create", "token.create", "auth.login_failed", "auth.locked_out"):
        assert f"<code>{action}</code>" in html
    assert "mallory" in html
    assert html.index("auth.locked_out") < html.index("user.create"), "newest first"


def test_auditor_filters_the_page(
    client_for: Callable[[User], Client], auditor: User, trail: dict[str, AuditEvent]
) -> None:
    client = client_for(auditor)
    html = client.get(PAGE, {"action": "auth."}).content.decode()
    assert "<code>auth.locked_out</code>" in html
    assert "<code>user.create</code>" not in html
    html = client.get(PAGE, {"actor": "admin-1"}).content.decode()
    assert "<code>user.create</code>" in html
    assert "<code>auth.locked_out</code>" not in html
    tomorrow = (timezone.now() + timedelta(days=1)).date().isoformat()
    html = client.get(PAGE, {"since": tomorrow}).content.decode()
    assert "No events match." in html


def test_malformed_page_filter_shows_an_error_not_a_500(
    client_for: Callable[[User], Client], auditor: User, trail: dict[str, AuditEvent]
) -> None:
    response = client_for(auditor).get(PAGE, {"since": "not-a-date"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="alert alert--error" role="alert"' in html
    assert "From: Enter a valid date." in html


def test_page_paginates(
    client_for: Callable[[User], Client],
    auditor: User,
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    for i in range(70):
        audit_record(actor=Actor.system(), action="test.bulk", object_id=i)
    client = client_for(auditor)
    with django_assert_max_num_queries(10):  # type: ignore[attr-defined]
        first = client.get(PAGE, {"action": "test.bulk"})
    assert first.content.decode().count("<code>test.bulk</code>") == 50
    second = client.get(PAGE, {"action": "test.bulk", "page": "2"})
    assert second.content.decode().count("<code>test.bulk</code>") == 20


@pytest.mark.parametrize(("role", "org"), OTHER_ROLES)
def test_other_roles_get_403_from_the_page(
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    trail: dict[str, AuditEvent],
    role: str,
    org: str,
) -> None:
    response = client_for(make_user(role, org)).get(PAGE)
    assert response.status_code == 403
    assert "user.create" not in response.content.decode()


def test_anonymous_is_sent_to_sign_in(trail: dict[str, AuditEvent]) -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/audit/"


# --- request ids -----------------------------------------------------------------------------


def test_responses_carry_a_request_id(client_for: Callable[[User], Client], auditor: User) -> None:
    client = client_for(auditor)
    ids = set()
    for path in (API, PAGE, "/login/", "/api/v1/does-not-exist"):
        response = client.get(path)
        assert len(response["X-Request-ID"]) >= 8, path
        ids.add(response["X-Request-ID"])
    assert len(ids) == 4, "each request gets its own id"
    anonymous = Client().get(API)
    assert anonymous.status_code == 401
    assert anonymous["X-Request-ID"]


def test_audited_write_stores_the_request_id(admin_user: User) -> None:
    response = Client().post("/login/", {"username": "admin-1", "password": PASSWORD})
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="auth.login").latest("seq")
    assert event.request_id == response["X-Request-ID"]
    assert event.actor_username == "admin-1"


def test_incoming_request_id_is_kept(admin_user: User) -> None:
    client = Client(headers={"X-Request-ID": "proxy-trace-0123456789"})
    response = client.post("/login/", {"username": "admin-1", "password": "wrong password"})
    assert response.status_code == 200
    assert response["X-Request-ID"] == "proxy-trace-0123456789"
    event = AuditEvent.objects.filter(action="auth.login_failed").latest("seq")
    assert event.request_id == "proxy-trace-0123456789"


@pytest.mark.parametrize(
    "incoming", ["short", "x" * 65, "line\r\nSet-Cookie: a=b", "with spaces in it", "ünïcödé-id"]
)
def test_unusable_incoming_request_id_is_replaced(incoming: str) -> None:
    response = Client(headers={"X-Request-ID": incoming}).get("/login/")
    assert response.status_code == 200
    rid = response["X-Request-ID"]
    assert rid != incoming
    assert len(rid) == 32
    assert "Set-Cookie" not in str(response.cookies.get("a", ""))


def test_no_request_id_outside_a_request() -> None:
    event = audit_record(actor=Actor.system(), action="test.command")
    assert event.request_id == ""
    assert event.created_at <= datetime.now(UTC)
