"""The operator's commands: `coopsec user create|disable|list` and `coopsec token
create|list|revoke`. Each change is audited; disabling a user or revoking a token shuts the
door at once."""

from __future__ import annotations

import io
from collections.abc import Callable
from unittest.mock import patch

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from coopsec.accounts import roles as R
from coopsec.accounts.models import ApiToken, User
from coopsec.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
API = "/api/v1/allies"


def run(*args: str, stdin: str | None = None) -> str:
    out = io.StringIO()
    if stdin is None:
        call_command(*args, stdout=out)
    else:
        with patch("sys.stdin", io.StringIO(stdin)):
            call_command(*args, stdout=out)
    return out.getvalue()


def can_sign_in(username: str, password: str = PASSWORD) -> bool:
    client = Client()
    client.post("/login/", {"username": username, "password": password})
    return "_auth_user_id" in client.session


def bearer(secret: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"})


def issue_token(username: str) -> str:
    return run("token", "create", "--username", username).strip()


# --- user create -----------------------------------------------------------------------------


def test_create_user_with_organization_and_roles(reference: None) -> None:
    output = run(
        "user", "create", "--username", "amira", "--org", "arm",
        "--role", R.PARTNER_LIAISON, "--role", R.ANALYST,
    )  # fmt: skip
    assert "Created amira" in output
    user = User.objects.get(username="amira")
    assert user.organization is not None and user.organization.code == "ARM"
    assert user.roles == sorted([R.PARTNER_LIAISON, R.ANALYST])
    assert user.is_active
    assert not user.has_usable_password(), "no password: signs in only once one is set"
    event = AuditEvent.objects.get(action="user.create")
    assert event.object_id == str(user.pk)
    assert event.actor_username == "system"
    assert event.summary == {
        "username": "amira",
        "organization": "ARM",
        "roles": [R.ANALYST, R.PARTNER_LIAISON],
    }


@pytest.mark.argon2
def test_create_user_reading_the_password_from_stdin(reference: None) -> None:
    run(
        "user", "create", "--username", "boris", "--org", "NATO", "--role", R.COORDINATOR,
        "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    user = User.objects.get(username="boris")
    assert user.password.startswith("argon2")
    assert PASSWORD not in user.password
    assert PASSWORD not in str(AuditEvent.objects.get(action="user.create").summary)
    assert can_sign_in("boris")


def test_create_user_org_by_iso3(reference: None) -> None:
    run("user", "create", "--username", "carl", "--org", "aut", "--role", R.PARTNER_LIAISON)
    assert User.objects.get(username="carl").organization.code == "AUT"  # type: ignore[union-attr]


def test_every_problem_is_named_and_nothing_is_created(
    make_user: Callable[..., User],
) -> None:
    make_user(R.ANALYST, "NATO", username="taken")
    users, events = User.objects.count(), AuditEvent.objects.count()
    with pytest.raises(CommandError) as exc:
        run(
            "user", "create", "--username", "TAKEN", "--org", "ATLANTIS",
            "--role", "emperor", "--role", R.ANALYST,
        )  # fmt: skip
    message = str(exc.value)
    assert "--org: No organization with code 'ATLANTIS'" in message
    assert "--role: Unknown role(s): emperor" in message
    assert "--username: The username 'TAKEN' is taken" in message
    assert (User.objects.count(), AuditEvent.objects.count()) == (users, events)


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--org", "NOWHERE", "--role", R.ANALYST], "No organization with code 'NOWHERE'"),
        (["--org", "NATO", "--role", "superuser"], "Unknown role(s): superuser"),
    ],
)
def test_single_problem_is_named(reference: None, args: list[str], problem: str) -> None:
    with pytest.raises(CommandError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        run("user", "create", "--username", "dora", *args)
    assert not User.objects.filter(username="dora").exists()
    assert not AuditEvent.objects.filter(action="user.create").exists()


@pytest.mark.parametrize(("stdin", "problem"), [("\n", "no password"), ("12345\n", "too weak")])
def test_missing_or_weak_password_creates_nothing(
    reference: None, stdin: str, problem: str
) -> None:
    with pytest.raises(CommandError, match=problem) as exc:
        run(
            "user", "create", "--username", "eve", "--org", "NATO", "--role", R.ANALYST,
            "--password-stdin", stdin=stdin,
        )  # fmt: skip
    assert "12345" not in str(exc.value)
    assert not User.objects.filter(username="eve").exists()
    assert not AuditEvent.objects.filter(action="user.create").exists()


def test_weak_password_reasons_are_readable(reference: None) -> None:
    with pytest.raises(CommandError) as exc:
        run(
            "user", "create", "--username", "fred", "--org", "NATO", "--role", R.ANALYST,
            "--password-stdin", stdin="12345\n",
        )  # fmt: skip
    message = str(exc.value)
    assert "This password is too short" in message
    assert "['" not in message, "reasons as sentences, not a Python list"


# --- user disable ----------------------------------------------------------------------------


def test_disabled_user_cannot_sign_in_or_use_tokens(make_user: Callable[..., User]) -> None:
    user = make_user(R.COORDINATOR, "NATO", username="gina")
    secret = issue_token("gina")
    session = Client()
    session.force_login(user)
    assert bearer(secret).get(API).status_code == 200
    assert session.get("/network/").status_code == 200

    assert "Disabled gina" in run("user", "disable", "gina")

    assert not can_sign_in("gina")
    response = bearer(secret).get(API)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthenticated"
    # A browser already signed in is signed out on its next request.
    assert session.get("/network/")["Location"].startswith("/login/")
    assert session.get(API).status_code == 401
    event = AuditEvent.objects.get(action="user.disable")
    assert (event.object_id, event.summary) == (str(user.pk), {"username": "gina"})
    # Disabling again changes nothing and writes nothing.
    run("user", "disable", "gina")
    assert AuditEvent.objects.filter(action="user.disable").count() == 1


def test_disable_unknown_user(reference: None) -> None:
    with pytest.raises(CommandError, match="No user 'ghost'"):
        run("user", "disable", "ghost")


def test_user_list_shows_organization_roles_and_state(make_user: Callable[..., User]) -> None:
    make_user(R.PARTNER_LIAISON, "ARM", username="hana")
    make_user(R.AUDITOR, "NATO", username="ivan")
    run("user", "disable", "ivan")
    lines = {line.split()[0]: line for line in run("user", "list").splitlines()}
    assert "ARM" in lines["hana"] and R.PARTNER_LIAISON in lines["hana"]
    assert "(disabled)" not in lines["hana"]
    assert "NATO" in lines["ivan"] and "(disabled)" in lines["ivan"]


# --- tokens ----------------------------------------------------------------------------------


def test_token_list_shows_prefixes_never_secrets(make_user: Callable[..., User]) -> None:
    make_user(R.COORDINATOR, "NATO", username="jana")
    secrets_ = [issue_token("jana") for _ in range(2)]
    assert all(s.startswith("cps_") and len(s) > 30 for s in secrets_)
    listing = run("token", "list")
    for secret in secrets_:
        assert secret[:12] in listing
        assert secret not in listing
        assert secret[:16] not in listing
    stored = ApiToken.objects.filter(user__username="jana")
    assert {t.key_prefix for t in stored} == {s[:12] for s in secrets_}
    assert not any(s in (t.key_hash, t.name) for t in stored for s in secrets_)
    assert "jana" in run("token", "list", "--username", "jana")
    with pytest.raises(CommandError, match="No user 'nobody'"):
        run("token", "list", "--username", "nobody")


def test_token_revoke_stops_the_token(make_user: Callable[..., User]) -> None:
    make_user(R.COORDINATOR, "NATO", username="karl")
    revoked, kept = issue_token("karl"), issue_token("karl")
    assert bearer(revoked).get(API).status_code == 200

    output = run("token", "revoke", revoked[:12])
    assert f"Revoked {revoked[:12]}" in output and "karl" in output

    assert bearer(revoked).get(API).status_code == 401
    assert bearer(kept).get(API).status_code == 200
    assert "revoked" in next(
        line for line in run("token", "list").splitlines() if line.startswith(revoked[:12])
    )
    event = AuditEvent.objects.get(action="token.revoke")
    assert event.summary == {"user": "karl"}
    run("token", "revoke", revoked[:12])
    assert AuditEvent.objects.filter(action="token.revoke").count() == 1


def test_token_revoke_needs_an_unambiguous_known_prefix(make_user: Callable[..., User]) -> None:
    make_user(R.COORDINATOR, "NATO", username="lena")
    first, second = issue_token("lena"), issue_token("lena")
    lena = User.objects.get(username="lena")
    for suffix in ("1111", "2222"):  # two tokens whose listed prefixes share 8 characters
        ApiToken.objects.create(user=lena, key_prefix=f"cps_aaaa{suffix}", key_hash=suffix * 16)
    with pytest.raises(CommandError, match="matches several tokens"):
        run("token", "revoke", "cps_aaaa")
    with pytest.raises(CommandError, match="at least the first 8 characters"):
        run("token", "revoke", "cps_")
    with pytest.raises(CommandError, match="No token starting with 'cps_nothing'"):
        run("token", "revoke", "cps_nothing")
    assert bearer(first).get(API).status_code == 200
    assert bearer(second).get(API).status_code == 200
    assert not AuditEvent.objects.filter(action="token.revoke").exists()


def test_token_create_is_audited_without_the_secret(make_user: Callable[..., User]) -> None:
    make_user(R.COORDINATOR, "NATO", username="mona")
    secret = issue_token("mona")
    event = AuditEvent.objects.get(action="token.create")
    assert event.summary["prefix"] == secret[:12]
    assert secret not in str(event.summary)


def test_token_for_unknown_user(reference: None) -> None:
    with pytest.raises(CommandError, match="No user 'nobody'"):
        run("token", "create", "--username", "nobody")
