"""What the page layout needs to know about the signed-in user: the same access predicates
the services use decide which navigation entries appear (they never grant access)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.activities.selectors import notification_list
from coopsec.analytics import access as analytics
from coopsec.audit.access import can_view_audit
from coopsec.planning.access import can_view_runs
from coopsec.programmes import access as programmes


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
        # Programmes: a liaison's own partner's interests and programme; the coordinators'
        # review queue; every partner's programmes for alliance staff.
        "nav_partner": _own_partner_code(actor),
        "nav_programme_queue": actor.has_role(R.COORDINATOR),
        "nav_programmes": actor.has_role(*programmes.STAFF_ROLES),
        # Analytics: for every role that may open at least one section.
        "nav_analytics": any(analytics.can_view_section(actor, s) for s in analytics.SECTIONS),
        # Planning: the roles that read allocation runs.
        "nav_planning": can_view_runs(actor),
        # Counted only when a page draws the header.
        "nav_unread": lambda: notification_list(actor=actor, unread_only=True).count(),
    }


def _own_partner_code(actor: Actor) -> str:
    """The partner a liaison acts for ("" for everyone else, administrators included)."""
    if programmes.can_create_programme(actor) and actor.organization is not None:
        return actor.organization.code
    return ""
