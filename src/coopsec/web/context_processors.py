"""What the page layout needs to know about the signed-in user: the same access predicates
the services use decide which navigation entries appear (they never grant access)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.activities.selectors import notification_list
from coopsec.audit.access import can_view_audit


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_audit": False}
    actor = Actor.from_user(user)
    return {
        "nav_audit": can_view_audit(actor),
        # The cooperation menu's work lists, each for the role whose daily work it is.
        "nav_nominations": actor.has_role(R.PARTNER_LIAISON),
        "nav_desk": actor.has_role(R.INSTITUTION_MANAGER),
        "nav_queue": actor.has_role(R.COORDINATOR),
        # Counted only when a page draws the header.
        "nav_unread": lambda: notification_list(actor=actor, unread_only=True).count(),
    }
