"""What the page layout needs to know about the signed-in user: the same access predicates
the services use decide which navigation entries appear (they never grant access)."""

from __future__ import annotations

from django.http import HttpRequest

from coopsec.accounts.actor import Actor
from coopsec.audit.access import can_view_audit


def navigation(request: HttpRequest) -> dict[str, bool]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_audit": False}
    return {"nav_audit": can_view_audit(Actor.from_user(user))}
