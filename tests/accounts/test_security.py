"""What stands between an attacker and an account: lockout after repeated failures, CSRF,
the Content-Security-Policy, and the production transport settings."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client

from coopsec.accounts import roles as R
from coopsec.accounts.models import User
from coopsec.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOGIN = "/login/"


def sign_in(client: Client, username: str, password: str, **extra: str) -> object:
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def signed_in_as(client: Client) -> str | None:
    """The username the client's session belongs to, if any."""
    from django.contrib.auth import SESSION_KEY

    user_id = client.session.get(SESSION_KEY)
    if user_id is None:
        return None
    return User.objects.get(pk=user_id).username


def actions_about(username: str) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id__in=[username]).values_list("action", flat=True)
    )


@pytest.fixture
def victim(make_user: Callable[..., User]) -> User:
    return make_user(R.PARTNER_LIAISON, "ARM", username="victim")


# --- lockout ---------------------------------------------------------------------------------


def test_successful_sign_in_is_audited(victim: User) -> None:
    client = Client()
    response = sign_in(client, "victim", PASSWORD)
    assert response.status_code == 302
    assert signed_in_as(client) == "victim"
    event = AuditEvent.objects.filter(action="auth.login").latest("seq")
    assert (event.actor_username, event.object_id) == ("victim", str(victim.pk))
    assert event.summary == {"ip": "127.0.0.1"}


def test_failed_sign_in_is_audited_without_the_password(victim: User) -> None:
    response = sign_in(Client(), "victim", "hunter2-guess")
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action="auth.login_failed").latest("seq")
    assert event.actor_username == "system"
    assert event.summary == {"username": "victim", "ip": "127.0.0.1"}
    assert "hunter2" not in json.dumps(event.summary)


def test_five_failures_lock_the_account(victim: User) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    client = Client()
    for attempt in range(limit):
        response = sign_in(client, "victim", f"wrong-{attempt}")
        assert signed_in_as(client) is None
    assert response.status_code in (403, 429)
    # The right password no longer opens the account, from this client or any other.
    for other in (client, Client(REMOTE_ADDR="203.0.113.9")):
        response = sign_in(other, "victim", PASSWORD)
        assert response.status_code in (403, 429)
        assert signed_in_as(other) is None
    assert "Sign-in locked" in response.content.decode()
    failed = AuditEvent.objects.filter(action="auth.login_failed", object_id="victim")
    assert failed.count() >= limit
    locked = AuditEvent.objects.filter(action="auth.locked_out", object_id="victim")
    assert locked.exists()
    assert locked.first().summary["username"] == "victim"
    assert not AuditEvent.objects.filter(action="auth.login", actor_username="victim").exists()


def test_one_address_spraying_many_accounts_is_locked_out(
    make_user: Callable[..., User],
) -> None:
    users = [make_user(R.ANALYST, "NATO", username=f"sprayed-{i}") for i in range(6)]
    client = Client(REMOTE_ADDR="198.51.100.7")
    for user in users[:5]:
        sign_in(client, user.username, "Winter2026!")
    response = sign_in(client, users[5].username, PASSWORD)
    assert response.status_code in (403, 429)
    assert signed_in_as(client) is None
    # Another address can still sign that user in: the lockout is per address here.
    other = Client(REMOTE_ADDR="198.51.100.8")
    assert sign_in(other, users[5].username, PASSWORD).status_code == 302
    assert signed_in_as(other) == users[5].username


def test_fewer_failures_than_the_limit_do_not_lock(victim: User) -> None:
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "victim", f"wrong-{attempt}")
    assert sign_in(client, "victim", PASSWORD).status_code == 302
    assert signed_in_as(client) == "victim"
    assert not AuditEvent.objects.filter(action="auth.locked_out").exists()
    # A success resets the count (AXES_RESET_ON_SUCCESS).
    assert not AccessAttempt.objects.filter(username="victim", failures_since_start__gt=0).exists()


def test_clearing_the_lockout_lets_the_user_back_in(victim: User) -> None:
    from axes.utils import reset

    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "victim", f"wrong-{attempt}")
    assert signed_in_as(client) is None
    reset(username="victim")
    reset(ip="127.0.0.1")
    assert sign_in(client, "victim", PASSWORD).status_code == 302
    assert signed_in_as(client) == "victim"


def test_disabled_user_cannot_sign_in(victim: User) -> None:
    victim.is_active = False
    victim.save(update_fields=["is_active"])
    client = Client()
    response = sign_in(client, "victim", PASSWORD)
    assert response.status_code == 200
    assert signed_in_as(client) is None


def test_sign_out_is_audited(victim: User) -> None:
    client = Client()
    sign_in(client, "victim", PASSWORD)
    response = client.post("/logout/")
    assert response.status_code == 302
    assert signed_in_as(client) is None
    event = AuditEvent.objects.filter(action="auth.logout").latest("seq")
    assert event.actor_username == "victim"


# --- CSRF ------------------------------------------------------------------------------------


def csrf_client(user: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_sign_out_without_csrf_token_is_refused(victim: User) -> None:
    client = csrf_client(victim)
    assert client.post("/logout/").status_code == 403
    assert signed_in_as(client) == "victim"


def test_2fa_disable_without_csrf_token_is_refused(victim: User) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=victim, name="authenticator", confirmed=True)
    client = csrf_client(victim)
    session = client.session
    session["otp_device_id"] = device.persistent_id  # the session passed its second factor
    session.save()
    assert client.get("/account/").status_code == 200
    assert client.post("/account/2fa/disable/").status_code == 403
    assert TOTPDevice.objects.filter(user=victim).exists()
    assert not AuditEvent.objects.filter(action="auth.2fa_remove").exists()
    # With the form's token the same request goes through.
    page = client.get("/account/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    response = client.post("/account/2fa/disable/", {"csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=victim).exists()


def test_2fa_disable_without_second_factor_passed_goes_nowhere(victim: User) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=victim, name="authenticator", confirmed=True)
    client = Client()
    client.force_login(victim)
    response = client.post("/account/2fa/disable/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/2fa/verify/")
    assert TOTPDevice.objects.filter(user=victim).exists()


def test_login_form_needs_its_csrf_token(victim: User) -> None:
    client = Client(enforce_csrf_checks=True)
    assert sign_in(client, "victim", PASSWORD).status_code == 403
    assert signed_in_as(client) is None
    page = client.get(LOGIN)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)
    assert token is not None
    response = client.post(
        LOGIN,
        {
            "username": "victim",
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1).decode(),
        },
    )
    assert response.status_code == 302
    assert signed_in_as(client) == "victim"


# --- Content-Security-Policy and inline script -----------------------------------------------


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


class InlineScriptFinder(HTMLParser):
    """Collects inline script code and event-handler attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._in_code_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, _value in attrs:
            if name.lower().startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name.lower() in ("href", "src", "action") and (
                _value or ""
            ).strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:...>")
        if tag == "script":
            kind = dict(attrs).get("type") or "text/javascript"
            has_src = "src" in dict(attrs)
            self._in_code_script = not has_src and kind not in ("application/json",)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_code_script = False

    def handle_data(self, data: str) -> None:
        if self._in_code_script and data.strip():
            self.problems.append(f"inline <script>: {data.strip()[:60]}")


SIGNED_IN_PAGES = ["/network/", "/network/organizations/", "/account/", "/account/2fa/setup/"]


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_signed_in_pages_have_a_strict_csp_and_no_inline_script(
    make_user: Callable[..., User], client_for: Callable[[User], Client], path: str
) -> None:
    response = client_for(make_user(R.COORDINATOR, "NATO")).get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    directives = csp_directives(response["Content-Security-Policy"])
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    finder = InlineScriptFinder()
    finder.feed(response.content.decode())
    assert finder.problems == []


@pytest.mark.parametrize("path", [LOGIN, "/audit/", "/account/2fa/verify/", "/no-such-page/"])
def test_every_html_response_carries_the_csp(
    make_user: Callable[..., User], client_for: Callable[[User], Client], path: str
) -> None:
    client = Client() if path == LOGIN else client_for(make_user(R.AUDITOR, "NATO"))
    response = client.get(path)
    assert response["Content-Type"].startswith("text/html")
    header = response["Content-Security-Policy"]
    assert csp_directives(header)["script-src"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    if response.status_code == 200:
        finder = InlineScriptFinder()
        finder.feed(response.content.decode())
        assert finder.problems == []


def test_lockout_page_carries_the_csp(victim: User) -> None:
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        response = sign_in(client, "victim", f"wrong-{attempt}")
    assert response.status_code in (403, 429)
    assert csp_directives(response["Content-Security-Policy"])["script-src"] == ["'self'"]


def test_csp_allows_no_third_party_host() -> None:
    for name, sources in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].items():
        for source in sources:
            assert source in ("'self'", "'none'", "data:"), (name, source)


# --- sessions and production settings --------------------------------------------------------


def test_session_cookie_is_http_only_and_short_lived(victim: User) -> None:
    client = Client()
    sign_in(client, "victim", PASSWORD)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert not cookie["expires"] and not cookie["max-age"], "a browser-session cookie"
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600


def production_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "COOPSEC_HTTPS")
    }
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#%^&*(-_=+)"
    env.update(
        DJANGO_SETTINGS_MODULE="coopsec.settings_production",
        SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(64)),
        ALLOWED_HOSTS="coopsec.example.org",
        COOPSEC_VAR_DIR=str(tmp_path / "var"),
    )
    return env


def run_python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = run_python(
        ["-m", "django", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_protect_the_transport(tmp_path: Path) -> None:
    script = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "k: getattr(s, k) for k in ('DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SESSION_COOKIE_HTTPONLY', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
        "'SECURE_SSL_REDIRECT', 'ALLOWED_HOSTS', 'SECURE_CONTENT_TYPE_NOSNIFF', "
        "'X_FRAME_OPTIONS')}))"
    )
    result = run_python(["-c", script], production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["ALLOWED_HOSTS"] == ["coopsec.example.org"]
    assert values["X_FRAME_OPTIONS"] == "DENY"


def test_production_ignores_debug_from_the_environment(tmp_path: Path) -> None:
    env = production_env(tmp_path) | {"DEBUG": "1"}
    result = run_python(["-c", "from django.conf import settings; print(settings.DEBUG)"], env)
    assert result.stdout.strip() == "False", result.stderr


def test_api_docs_load_nothing_from_other_hosts(
    client_for: Callable[[User], Client], make_user: Callable[..., User]
) -> None:
    html = client_for(make_user(R.ANALYST, "NATO")).get("/api/v1/docs").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in s for s in sources)
    assert all(s.startswith("/") for s in sources), sources
    assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))", html)


@pytest.mark.parametrize(("role", "shown"), [(R.AUDITOR, True), (R.PARTNER_LIAISON, False)])
def test_audit_trail_is_in_the_navigation_of_auditors_only(
    client_for: Callable[[User], Client], make_user: Callable[..., User], role: str, shown: bool
) -> None:
    user = make_user(role, "NATO" if role == R.AUDITOR else "GEO")
    html = client_for(user).get("/network/").content.decode()
    assert ('href="/audit/"' in html) is shown
    assert 'href="/account/"' in html
