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
from coopsec.audit.services import audit_record
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
    # Administrators run the Django admin as superusers, and so act with every role's rights.
    user.is_staff = user.is_superuser = R.ADMIN in roles
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
        audit_record(
            actor=actor, action="user.create", object_type="user", object_id=user.pk,
            summary={"username": user.username, "organization": org.code if org else "",
                     "roles": user.roles},
        )  # fmt: skip
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
        audit_record(
            actor=actor, action="token.create", object_type="api_token", object_id=token.pk,
            summary={"user": user.username, "prefix": token.key_prefix,
                     "expires_at": expires_at.isoformat() if expires_at else None},
        )  # fmt: skip
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


def token_revoke(*, actor: Actor, key_prefix: str) -> ApiToken:
    """Revoke a token by the prefix printed when it was issued (and listed by `token list`).

    Raises Forbidden, NotFound (no such token), Invalid (the prefix matches several tokens).
    """
    _authorize(actor)
    # Accept the prefix as `token list` prints it ("cps_ab12cd34…") or the whole secret.
    key_prefix = key_prefix.strip().rstrip("…")[: len(ApiToken.PREFIX) + 8]
    if len(key_prefix) < len(ApiToken.PREFIX) + 4:
        raise Invalid(
            "Give at least the first 8 characters of the token, as `token list` prints them.",
            details={"prefix": "too short"},
        )
    matches = list(ApiToken.objects.filter(key_prefix__startswith=key_prefix)[:2])
    if not matches:
        raise NotFound(f"No token starting with '{key_prefix}'.")
    if len(matches) > 1:
        raise Invalid(
            f"'{key_prefix}' matches several tokens; give more characters.",
            details={"prefix": "ambiguous"},
        )
    token = matches[0]
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(
                actor=actor, action="token.revoke", object_type="api_token",
                object_id=token.pk, summary={"user": token.user.username},
            )  # fmt: skip
    return token


def token_list(*, actor: Actor, username: str | None = None) -> list[ApiToken]:
    """Tokens, newest first, optionally of one user. Raises Forbidden, NotFound."""
    _authorize(actor)
    qs = ApiToken.objects.select_related("user")
    if username is not None:
        if not User.objects.filter(username=username).exists():
            raise NotFound(f"No user '{username}'.")
        qs = qs.filter(user__username=username)
    return list(qs.order_by("-created_at"))


def user_disable(*, actor: Actor, username: str) -> User:
    """Disable a user: no sign-in, every token refused. Raises Forbidden, NotFound."""
    _authorize(actor)
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound(f"No user '{username}'.")
    if user.is_active:
        with transaction.atomic():
            user.is_active = False
            user.save(update_fields=["is_active"])
            audit_record(
                actor=actor, action="user.disable", object_type="user", object_id=user.pk,
                summary={"username": user.username},
            )  # fmt: skip
    return user
