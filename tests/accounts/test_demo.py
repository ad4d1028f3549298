"""`coopsec demo`: one account per role, tied to real organizations, stable passwords."""

from __future__ import annotations

import io
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from coopsec.accounts import roles as R
from coopsec.accounts.management.commands.demo import DEMO_ACCOUNTS
from coopsec.accounts.models import User
from coopsec.network.models import Organization, OrganizationKind

pytestmark = pytest.mark.django_db

DEMO_USERNAMES = {username for username, _org, _roles in DEMO_ACCOUNTS}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Argon2 is slow on purpose; what is tested here is which password is kept."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def var_dir(settings: Any, tmp_path: Path) -> Path:
    """Keep the demo's credentials file out of the real var/ directory."""
    settings.VAR_DIR = tmp_path
    return tmp_path


def demo(*args: str) -> dict[str, str]:
    """Run `coopsec demo`; the printed logins as username -> password."""
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    logins = {}
    for line in out.getvalue().splitlines()[1:]:
        username, password, *_rest = line.split()
        logins[username] = password
    return logins


def test_demo_creates_one_account_per_role_for_real_organizations(
    reference: None, var_dir: Path
) -> None:
    logins = demo()

    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    assert set(users) == set(logins) == DEMO_USERNAMES
    assert {role for u in users.values() for role in u.roles} == R.ALL_ROLES
    for username, password in logins.items():
        assert users[username].check_password(password), username

    def kind_of(role: str) -> set[str]:
        return {u.organization.kind for u in users.values() if role in u.roles}  # type: ignore[union-attr]

    # Alliance staff belong to the alliance, liaisons to partner states, managers to an
    # institution, each a loaded reference organization.
    for role in (R.COORDINATOR, R.ANALYST, R.AUDITOR, R.ADMIN):
        assert kind_of(role) == {OrganizationKind.ALLIANCE}
    assert kind_of(R.PARTNER_LIAISON) == {OrganizationKind.PARTNER_STATE}
    assert kind_of(R.INSTITUTION_MANAGER) == {OrganizationKind.INSTITUTION}
    assert users["liaison-geo"].organization == Organization.objects.get(code="GEO")
    # Only the administrator may use the Django admin.
    assert [u.username for u in users.values() if u.is_staff or u.is_superuser] == ["admin"]


def test_a_second_run_keeps_the_passwords(reference: None, var_dir: Path) -> None:
    def demo_user_ids() -> dict[str, int]:
        return dict(User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", "pk"))

    first = demo()
    ids = demo_user_ids()

    second = demo()

    assert second == first
    assert demo_user_ids() == ids
    for user in User.objects.filter(username__in=DEMO_USERNAMES):
        assert user.check_password(first[user.username])


def test_the_credentials_file_is_private_and_holds_the_printed_passwords(
    reference: None, var_dir: Path
) -> None:
    logins = demo()
    path = var_dir / "demo-credentials.txt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().splitlines() == [f"{u}: {p}" for u, p in logins.items()]


def test_passwords_differ_between_installations(
    reference: None, settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path / "one"
    settings.VAR_DIR.mkdir()
    one = demo()
    settings.VAR_DIR = tmp_path / "two"
    settings.VAR_DIR.mkdir()
    two = demo()
    assert set(one) == set(two)
    assert all(one[u] != two[u] for u in one)
    assert len(set(one.values())) == len(one)


def test_quiet_prints_nothing(reference: None, var_dir: Path) -> None:
    out = io.StringIO()
    call_command("demo", "--quiet", stdout=out)
    assert out.getvalue() == ""
    assert User.objects.filter(username__in=DEMO_USERNAMES).count() == len(DEMO_USERNAMES)


def test_without_reference_data_demo_names_the_missing_organization_and_creates_nobody(
    reference: None, var_dir: Path
) -> None:
    Organization.objects.filter(code="PTEC-AUT-AUTINT").delete()
    with pytest.raises(CommandError, match="Organization 'PTEC-AUT-AUTINT' is missing"):
        demo()
    assert not User.objects.filter(username__in=DEMO_USERNAMES).exists()
    assert not (var_dir / "demo-credentials.txt").exists()
