"""Writes on accounts: users and API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from coopsec.accounts import roles as R
from coopsec.accounts.access import can_manage_accounts
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import ApiToken, User, hash_token
from coopsec.errors import Forbidden, Invalid, NotFound
from coopsec.network.models import Organization


def _authorize(actor: Actor) -> None:
    if not can_manage_accounts(actor):
        raise Forbidden("Only administrators manage accounts and tokens.")


def user_create(
    *,
    actor: Actor,
    username: str,
    organization_code: str,
    roles: list[str],
    password: str | None = None,
    email: str = "",
) -> User:
    """Create a user of one organization with the given roles.

    Raises Forbidden, Invalid (unknown organization or role, taken username, weak password).
    """
    _authorize(actor)
    errors: dict[str, str] = {}
    org = Organization.objects.filter(code__iexact=organization_code).first() or (
        Organization.objects.filter(iso3__iexact=organization_code).first()
    )
    if org is None:
        errors["org"] = f"No organization with code '{organization_code}'."
    unknown = sorted(set(roles) - R.ALL_ROLES)
    if unknown or not roles:
        errors["role"] = (
            f"Unknown role(s): {', '.join(unknown)}. Known: {', '.join(sorted(R.ALL_ROLES))}."
            if unknown
            else "At least one role is required."
        )
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = f"The username '{username}' is taken."
    if errors:
        raise Invalid("The user cannot be created.", details=errors)
    user = User(username=username, organization=org, roles=sorted(set(roles)), email=email)
    if password:
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise Invalid("The password is too weak.", details={"password": exc.messages}) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    with transaction.atomic():
        user.full_clean()
        user.save()
    return user


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


def token_create(
    *, actor: Actor, username: str, name: str = "", expires_at: datetime | None = None
) -> IssuedToken:
    """Issue an API token for a user. The secret is returned once and stored only hashed.

    Raises Forbidden, NotFound (unknown user), Invalid (expiry in the past).
    """
    _authorize(actor)
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound(f"No user '{username}'.")
    if expires_at is not None and expires_at <= timezone.now():
        raise Invalid("The expiry must be in the future.", details={"expires": "in the past"})
    secret = ApiToken.new_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            key_prefix=secret[:12],
            key_hash=hash_token(secret),
            expires_at=expires_at,
        )
    return IssuedToken(token=token, secret=secret)


def token_authenticate(raw: str) -> User | None:
    """The active user a bearer secret belongs to, or None."""
    token = (
        ApiToken.objects.usable()
        .select_related("user", "user__organization")
        .filter(key_hash=hash_token(raw))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Touch at most once a minute so that busy clients do not write on every request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
