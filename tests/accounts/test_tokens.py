"""`coopsec token`: issued secrets authenticate, are stored only hashed, and stop working
when revoked or expired."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from datetime import timedelta
from unittest.mock import patch

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import ApiToken, User
from coopsec.accounts.services import token_authenticate, token_create
from coopsec.errors import Forbidden

pytestmark = pytest.mark.django_db

ALLIES = "/api/v1/allies?as_of=2019-06-01"


def token(*args: str) -> str:
    """Run `coopsec token ...`; its standard output, stripped."""
    out = io.StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue().strip()


def bearer(secret: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_created_token_authenticates_the_api(coordinator: User) -> None:
    secret = token("create", "--username", coordinator.username)
    assert secret.startswith(ApiToken.PREFIX)
    assert len(secret) > 40
    assert "\n" not in secret
    response = bearer(secret).get(ALLIES)
    assert response.status_code == 200
    assert response.json()["count"] == 29
    assert token_authenticate(secret) == coordinator


def test_each_token_is_a_new_secret(coordinator: User) -> None:
    first = token("create", "--username", coordinator.username)
    second = token("create", "--username", coordinator.username)
    assert first != second
    assert bearer(first).get(ALLIES).status_code == 200
    assert bearer(second).get(ALLIES).status_code == 200


def test_tokens_are_stored_hashed(coordinator: User) -> None:
    secret = token("create", "--username", coordinator.username, "--name", "ci")
    stored = ApiToken.objects.get(user=coordinator)
    assert stored.name == "ci"
    assert stored.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    for value in ApiToken.objects.values_list().get(pk=stored.pk):
        assert secret not in str(value)
    # Only a short prefix, to tell tokens apart, is kept in clear.
    assert secret.startswith(stored.key_prefix)
    assert len(stored.key_prefix) <= 12


def test_a_token_with_expiry_works_until_it_expires(coordinator: User) -> None:
    before = timezone.now()
    secret = token("create", "--username", coordinator.username, "--expires", "30d")
    expires_at = ApiToken.objects.get(user=coordinator).expires_at
    assert expires_at is not None
    assert before + timedelta(days=30) <= expires_at <= timezone.now() + timedelta(days=30)
    assert bearer(secret).get(ALLIES).status_code == 200

    with patch("django.utils.timezone.now", return_value=expires_at - timedelta(seconds=1)):
        assert bearer(secret).get(ALLIES).status_code == 200
    with patch("django.utils.timezone.now", return_value=expires_at + timedelta(seconds=1)):
        response = bearer(secret).get(ALLIES)
        assert response.status_code == 401
        assert response.json()["error"] == "unauthenticated"
        assert token_authenticate(secret) is None


@pytest.mark.parametrize(
    ("expires", "lifetime"), [("12h", timedelta(hours=12)), ("90m", timedelta(minutes=90))]
)
def test_expiry_in_hours_or_minutes(coordinator: User, expires: str, lifetime: timedelta) -> None:
    token("create", "--username", coordinator.username, "--expires", expires)
    expires_at = ApiToken.objects.get(user=coordinator).expires_at
    assert expires_at is not None
    assert abs(expires_at - (timezone.now() + lifetime)) < timedelta(minutes=1)


def test_a_revoked_token_is_refused(coordinator: User) -> None:
    secret = token("create", "--username", coordinator.username)
    keep = token("create", "--username", coordinator.username)
    assert bearer(secret).get(ALLIES).status_code == 200
    prefix = ApiToken.objects.get(key_hash=hashlib.sha256(secret.encode()).hexdigest()).key_prefix

    assert coordinator.username in token("revoke", prefix)

    response = bearer(secret).get(ALLIES)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthenticated"
    assert token_authenticate(secret) is None
    # Revoking one token leaves the user's others working.
    assert bearer(keep).get(ALLIES).status_code == 200


def test_a_deactivated_users_token_is_refused(coordinator: User) -> None:
    secret = token("create", "--username", coordinator.username)
    coordinator.is_active = False
    coordinator.save(update_fields=["is_active"])
    assert bearer(secret).get(ALLIES).status_code == 401


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--username", "nobody"], "No user 'nobody'."),
        (["--expires", "30 days"], "--expires '30 days': use a number and d, h or m"),
        (["--expires", "0m"], "The expiry must be in the future."),
    ],
)
def test_bad_requests_for_a_token_are_refused_and_issue_nothing(
    coordinator: User, args: list[str], message: str
) -> None:
    if "--username" not in args:
        args = ["--username", coordinator.username, *args]
    with pytest.raises(CommandError, match=message):
        token("create", *args)
    assert not ApiToken.objects.exists()


def test_only_administrators_issue_tokens(make_user: Callable[..., User]) -> None:
    liaison = make_user(R.PARTNER_LIAISON, "GEO")
    with pytest.raises(Forbidden):
        token_create(actor=Actor.from_user(liaison), username=liaison.username)
    assert not ApiToken.objects.exists()
