"""Authentication events into the audit trail.

Django and django-axes announce sign-ins, failures and lockouts only through signals, so
these receivers are the one place they reach the audit trail.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.audit.services import audit_record


def _client(request: HttpRequest | None) -> dict[str, str]:
    if request is None:
        return {}
    return {"ip": request.META.get("REMOTE_ADDR", "")}


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit_record(
        actor=Actor.from_user(user), action="auth.login", object_type="user",
        object_id=user.pk, summary=_client(request),
    )  # fmt: skip


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit_record(
            actor=Actor.from_user(user), action="auth.logout", object_type="user",
            object_id=user.pk, summary=_client(request),
        )  # fmt: skip


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        actor=Actor.system(), action="auth.login_failed", object_type="user",
        object_id=username, summary={"username": username, **_client(request)},
    )  # fmt: skip


@receiver(user_locked_out)
def _locked_out(
    sender: Any, request: HttpRequest | None, username: str | None, ip_address: str | None,
    **kwargs: Any,
) -> None:  # fmt: skip
    audit_record(
        actor=Actor.system(), action="auth.locked_out", object_type="user",
        object_id=username or "", summary={"username": username or "", "ip": ip_address or ""},
    )  # fmt: skip
