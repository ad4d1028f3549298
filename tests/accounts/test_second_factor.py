"""The optional TOTP second factor: enrolment, the second step of signing in, and the rule
that administrators must use it when the deployment requires it."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable

import pytest
from django.test import Client
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.fixtures import Settings as SettingsWrapper

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.accounts.services import token_create
from coopsec.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
SETUP, VERIFY, DISABLE, PROFILE = (
    "/account/2fa/setup/",
    "/account/2fa/verify/",
    "/account/2fa/disable/",
    "/account/",
)


def valid_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows now, one that the device has not accepted yet
    (codes cannot be replayed, so after a success the next time step's code is used)."""
    device.refresh_from_db()
    now_t = int(time.time() - device.t0) // device.step
    return f"{hotp(device.bin_key, max(now_t, device.last_t + 1), device.digits):0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    now_t = int(time.time() - device.t0) // device.step
    valid = {hotp(device.bin_key, t, device.digits) for t in range(now_t - 2, now_t + 3)}
    return next(f"{c:06d}" for c in range(123456, 999999) if c not in valid)


def sign_in(username: str) -> Client:
    """A fresh browser signing in through the login form."""
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, "password accepted"
    return client


def enrol(client: Client, user: User) -> TOTPDevice:
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(SETUP, {"code": valid_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


@pytest.fixture
def user(make_user: Callable[..., User]) -> User:
    return make_user(R.PARTNER_LIAISON, "ARM", username="liaison")


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(R.ADMIN, "NATO", username="operator")


@pytest.fixture
def enrolled(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


@pytest.fixture(autouse=True)
def not_required(settings: SettingsWrapper) -> None:
    settings.COOPSEC_REQUIRE_2FA = False


# --- enrolment -------------------------------------------------------------------------------


def test_setup_page_shows_a_qr_code_and_the_key(
    client_for: Callable[[User], Client], user: User
) -> None:
    response = client_for(user).get(SETUP)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"<svg[^>]*>.*</svg>", html, re.S), "the QR code, inline"
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    # The key to type by hand is the base32 form authenticator apps take, in groups of 4.
    typed = base64.b32encode(device.bin_key).decode().rstrip("=")
    shown = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', html)
    assert shown and shown.group(1).replace(" ", "") == typed
    assert "<img" not in html.split('class="qr"')[1].split("</div>")[0], "no external image"
    # Coming back does not replace the key that may already be in the app.
    client_for(user).get(SETUP)
    assert list(TOTPDevice.objects.filter(user=user)) == [device]


def test_wrong_code_does_not_enrol(client_for: Callable[[User], Client], user: User) -> None:
    client = client_for(user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(SETUP, {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "That code does not match" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not AuditEvent.objects.filter(action="auth.2fa_enrol").exists()
    # A pending device does not make signing in ask for a code.
    assert sign_in("liaison").get("/network/").status_code == 200


def test_valid_code_enrols_and_is_audited(client_for: Callable[[User], Client], user: User) -> None:
    client = client_for(user)
    device = enrol(client, user)
    event = AuditEvent.objects.get(action="auth.2fa_enrol")
    assert (event.actor_username, event.object_id) == ("liaison", str(user.pk))
    # This session passed the factor while enrolling.
    assert client.get("/network/").status_code == 200
    assert "On: signing in asks for a code" in client.get(PROFILE).content.decode()
    # An enrolled user cannot silently swap in a new key.
    assert client.get(SETUP)["Location"] == PROFILE
    assert list(TOTPDevice.objects.filter(user=user)) == [device]


# --- the second step of signing in -----------------------------------------------------------


def test_enrolled_user_must_give_a_code_after_the_password(
    user: User, enrolled: TOTPDevice
) -> None:
    client = sign_in("liaison")
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(VERIFY)
    for path in ("/network/", "/network/organizations/", PROFILE, SETUP, "/audit/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == f"{VERIFY}?next={path}"
    # The API does not accept the half-signed-in session either.
    response = client.get("/api/v1/allies")
    assert response.status_code == 401
    assert response.json()["error"] == "second_factor_required"


def test_api_session_without_second_factor_is_refused_even_with_a_bogus_token(
    user: User, enrolled: TOTPDevice
) -> None:
    client = sign_in("liaison")
    response = client.get("/api/v1/allies", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401
    response = client.get("/api/v1/allies", headers={"Authorization": "Basic Zm9vOmJhcg=="})
    assert response.status_code == 401
    # A real token is its own credential and still works.
    secret = token_create(actor=Actor.system(), username="liaison").secret
    response = client.get("/api/v1/allies", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200


def test_wrong_code_keeps_the_gate_closed(user: User, enrolled: TOTPDevice) -> None:
    client = sign_in("liaison")
    response = client.post(VERIFY, {"code": wrong_code(enrolled), "next": "/network/"})
    assert response.status_code == 200
    assert "That code does not match" in response.content.decode()
    assert client.get("/network/").status_code == 302


def test_valid_code_opens_the_session(user: User, enrolled: TOTPDevice) -> None:
    client = sign_in("liaison")
    response = client.post(VERIFY, {"code": valid_code(enrolled), "next": "/network/"})
    assert response.status_code == 302
    assert response["Location"] == "/network/"
    assert client.get("/network/").status_code == 200
    assert client.get("/api/v1/allies").status_code == 200


def test_a_code_cannot_be_used_twice(user: User, enrolled: TOTPDevice) -> None:
    code = valid_code(enrolled)
    first = sign_in("liaison")
    assert first.post(VERIFY, {"code": code})["Location"] == "/"
    second = sign_in("liaison")
    assert second.post(VERIFY, {"code": code}).status_code == 200
    assert second.get("/network/").status_code == 302


def test_guessing_codes_is_throttled(user: User, enrolled: TOTPDevice) -> None:
    client = sign_in("liaison")
    for _ in range(3):
        client.post(VERIFY, {"code": wrong_code(enrolled)})
    # Right after three misses even the right code is refused for a while.
    assert client.post(VERIFY, {"code": valid_code(enrolled)}).status_code == 200
    assert client.get("/network/").status_code == 302


def test_verify_does_not_redirect_off_site(user: User, enrolled: TOTPDevice) -> None:
    client = sign_in("liaison")
    response = client.post(VERIFY, {"code": valid_code(enrolled), "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_half_signed_in_user_can_sign_out(user: User, enrolled: TOTPDevice) -> None:
    client = sign_in("liaison")
    assert client.post("/logout/").status_code == 302
    assert client.get("/network/")["Location"].startswith("/login/")


# --- removal ---------------------------------------------------------------------------------


def test_removal_is_audited(client_for: Callable[[User], Client], user: User) -> None:
    client = client_for(user)
    enrol(client, user)
    response = client.post(DISABLE)
    assert response["Location"] == PROFILE
    assert not TOTPDevice.objects.filter(user=user).exists()
    event = AuditEvent.objects.get(action="auth.2fa_remove")
    assert event.actor_username == "liaison"
    assert sign_in("liaison").get("/network/").status_code == 200


def test_disable_is_post_only(client_for: Callable[[User], Client], user: User) -> None:
    client = client_for(user)
    enrol(client, user)
    assert client.get(DISABLE).status_code == 405
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# --- mandatory for administrators ------------------------------------------------------------


def test_required_2fa_sends_an_admin_without_device_to_setup(
    settings: SettingsWrapper, admin: User
) -> None:
    settings.COOPSEC_REQUIRE_2FA = True
    client = sign_in("operator")
    for path in ("/network/", "/admin/", PROFILE):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == f"{SETUP}?next={path}"
    assert client.get("/api/v1/allies").status_code == 401
    assert client.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=admin)
    response = client.post(SETUP, {"code": valid_code(device), "next": "/network/"})
    assert response["Location"] == "/network/"
    assert client.get("/network/").status_code == 200


def test_required_2fa_applies_to_superusers(settings: SettingsWrapper, reference: None) -> None:
    settings.COOPSEC_REQUIRE_2FA = True
    User.objects.create_superuser("root", password=PASSWORD)
    response = sign_in("root").get("/admin/")
    assert response["Location"] == f"{SETUP}?next=/admin/"


def test_required_2fa_leaves_other_roles_alone(
    settings: SettingsWrapper, make_user: Callable[..., User]
) -> None:
    settings.COOPSEC_REQUIRE_2FA = True
    make_user(R.COORDINATOR, "NATO", username="coord")
    client = sign_in("coord")
    assert client.get("/network/").status_code == 200
    assert client.get("/api/v1/allies").status_code == 200


def test_without_the_requirement_an_admin_signs_in_with_a_password(admin: User) -> None:
    assert sign_in("operator").get("/network/").status_code == 200


def test_required_2fa_admin_cannot_turn_it_off(
    settings: SettingsWrapper, client_for: Callable[[User], Client], admin: User
) -> None:
    settings.COOPSEC_REQUIRE_2FA = True
    client = client_for(admin)
    enrol(client, admin)
    response = client.post(DISABLE, follow=True)
    assert "Administrators must keep two-factor sign-in on." in response.content.decode()
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).exists()
    assert not AuditEvent.objects.filter(action="auth.2fa_remove").exists()


def test_required_2fa_other_roles_may_turn_it_off(
    settings: SettingsWrapper, client_for: Callable[[User], Client], user: User
) -> None:
    settings.COOPSEC_REQUIRE_2FA = True
    client = client_for(user)
    enrol(client, user)
    client.post(DISABLE)
    assert not TOTPDevice.objects.filter(user=user).exists()
