"""Access rules of the cooperation menu.

Who sees what:
- Alliance staff (coordinators, analysts, admins) see every activity and nomination; analysts
  never see participants' personal data (see accounts/personal_data.py).
- An institution manager sees its own institution's activities in every state, the published
  menu, and the nominations to its own activities.
- A partner liaison sees the published menu (activities open to all partners or to
  frameworks, and those that list its organization), any activity it nominated to, and only
  its own organization's nominations. Other partners' nominations reach it only as counts.
- Auditors read the audit trail, not the menu's registrations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from coopsec.accounts import roles as R
from coopsec.activities import lifecycle

if TYPE_CHECKING:
    from coopsec.accounts.actor import Actor
    from coopsec.activities.models import (
        Activity,
        ActivityQuerySet,
        Nomination,
        NominationQuerySet,
    )
    from coopsec.network.models import Organization

STAFF_ROLES = (R.COORDINATOR, R.ANALYST, R.ADMIN)


def activities_visible_to(actor: Actor, qs: ActivityQuerySet) -> ActivityQuerySet:
    """Every activity for staff; hosts their own plus the menu; partners the menu."""
    from coopsec.activities.models import Activity, Eligibility, Nomination

    if actor.has_role(*STAFF_ROLES, R.AUDITOR):
        return qs
    org = actor.organization_id
    if org is None or not actor.has_role(R.INSTITUTION_MANAGER, R.PARTNER_LIAISON):
        return qs.none()
    # The organization's own parts are uncorrelated subqueries, computed once per query:
    # joining every activity with its nominations instead cost 300 ms on ten years of data
    # (docs/PERFORMANCE.md).
    listed = Activity.eligible_organizations.through.objects.filter(organization_id=org)
    rule = Q(state__in=lifecycle.PUBLISHED) & (
        Q(eligibility__in=[Eligibility.ALL_PARTNERS, Eligibility.FRAMEWORKS])
        | Q(pk__in=listed.values("activity_id"))
    )
    if actor.has_role(R.INSTITUTION_MANAGER):
        rule |= Q(host_id=org)
    if actor.has_role(R.PARTNER_LIAISON):
        rule |= Q(pk__in=Nomination.objects.filter(partner_id=org).values("activity_id"))
    return qs.filter(rule)


def can_view_activity(actor: Actor, activity: Activity) -> bool:
    """The rule of `activities_visible_to` for one activity (for pages and tests)."""
    from coopsec.activities.models import Eligibility

    if actor.has_role(*STAFF_ROLES, R.AUDITOR):
        return True
    org = actor.organization_id
    if org is None or not actor.has_role(R.INSTITUTION_MANAGER, R.PARTNER_LIAISON):
        return False
    if activity.state in lifecycle.PUBLISHED and (
        activity.eligibility in (Eligibility.ALL_PARTNERS, Eligibility.FRAMEWORKS)
        or activity.eligible_organizations.filter(pk=org).exists()
    ):
        return True
    if actor.has_role(R.INSTITUTION_MANAGER) and activity.host_id == org:
        return True
    nominated = actor.has_role(R.PARTNER_LIAISON)
    return nominated and activity.nominations.filter(partner_id=org).exists()


def nominations_visible_to(actor: Actor, qs: NominationQuerySet) -> NominationQuerySet:
    """Staff see all; a host the nominations to its activities; a partner its own."""
    if actor.has_role(*STAFF_ROLES):
        return qs
    org = actor.organization_id
    if org is None:
        return qs.none()
    rule = Q(pk__in=[])
    if actor.has_role(R.PARTNER_LIAISON):
        rule |= Q(partner_id=org)
    if actor.has_role(R.INSTITUTION_MANAGER):
        rule |= Q(activity__host_id=org)
    return qs.filter(rule)


def can_view_nomination(actor: Actor, nomination: Nomination) -> bool:
    """The rule of `nominations_visible_to` for one nomination."""
    if actor.has_role(*STAFF_ROLES):
        return True
    org = actor.organization_id
    if org is None:
        return False
    if actor.has_role(R.PARTNER_LIAISON) and nomination.partner_id == org:
        return True
    return actor.has_role(R.INSTITUTION_MANAGER) and nomination.activity.host_id == org


def can_propose_activity(actor: Actor, host: Organization) -> bool:
    """Coordinators propose for any host; institution managers for their own institution."""
    if actor.has_role(R.COORDINATOR):
        return True
    return actor.has_role(R.INSTITUTION_MANAGER) and actor.organization_id == host.pk


def is_host(actor: Actor, activity: Activity) -> bool:
    """The actor manages the institution hosting the activity."""
    return actor.has_role(R.INSTITUTION_MANAGER) and actor.organization_id == activity.host_id


def can_edit_activity(actor: Actor, activity: Activity) -> bool:
    """Coordinators and the host edit an activity until it is conducted."""
    if activity.state in (lifecycle.CONDUCTED, lifecycle.REPORTED, lifecycle.CANCELLED):
        return False
    return actor.has_role(R.COORDINATOR) or is_host(actor, activity)


def can_move_activity(actor: Actor, activity: Activity) -> bool:
    """Whether the actor takes any lifecycle transition of the activity at all."""
    return actor.has_role(R.COORDINATOR) or is_host(actor, activity)


def can_transition_activity(actor: Actor, activity: Activity, target: str) -> bool:
    """Coordinators approve; coordinators or the host open, close, hold, cancel; the host
    reports (by submitting its report)."""
    coordinator = actor.has_role(R.COORDINATOR)
    host = is_host(actor, activity)
    if target == lifecycle.APPROVED:
        return coordinator
    if target in (lifecycle.OPEN, lifecycle.CLOSED, lifecycle.CONDUCTED, lifecycle.CANCELLED):
        return coordinator or host
    if target == lifecycle.REPORTED:
        return host
    return False


def can_nominate(actor: Actor, activity: Activity) -> bool:
    """A partner liaison nominates for its own organization (eligibility is checked by the
    service, which knows the date)."""
    return actor.has_role(R.PARTNER_LIAISON) and actor.organization_id is not None


def can_manage_registration(actor: Actor, activity: Activity) -> bool:
    """The host and coordinators confirm, waitlist, decline and record attendance."""
    return actor.has_role(R.COORDINATOR) or is_host(actor, activity)


def can_withdraw_nomination(actor: Actor, nomination: Nomination) -> bool:
    """The nominating partner, the host or a coordinator may withdraw a nomination."""
    if actor.has_role(R.PARTNER_LIAISON) and actor.organization_id == nomination.partner_id:
        return True
    return can_manage_registration(actor, nomination.activity)


def can_submit_feedback(actor: Actor, nomination: Nomination) -> bool:
    """The participant's own partner enters feedback on the participant's behalf."""
    return actor.has_role(R.PARTNER_LIAISON) and actor.organization_id == nomination.partner_id


def can_view_outcomes(actor: Actor, activity: Activity, participating: bool) -> bool:
    """Feedback and the after-action report: coordinators, the host and the partners that
    took part."""
    if actor.has_role(R.COORDINATOR, R.ANALYST, R.ADMIN) or is_host(actor, activity):
        return True
    return actor.has_role(R.PARTNER_LIAISON) and participating


def can_use_approval_queue(actor: Actor) -> bool:
    """The approval queue is the coordinators' work list."""
    return actor.has_role(R.COORDINATOR)


def can_use_registration_desks(actor: Actor) -> bool:
    """Hosts' managers and coordinators run registration desks."""
    return actor.has_role(R.COORDINATOR, R.INSTITUTION_MANAGER)


def registration_desk_exists_for(actor: Actor, activity: Activity) -> bool:
    """Staff know every activity has a desk (they may still not run it: 403); for partners
    and other institutions an activity's desk does not exist (404)."""
    return actor.has_role(*STAFF_ROLES) or can_manage_registration(actor, activity)


def can_link_programme_item(actor: Actor, nomination: Nomination) -> bool:
    """The nominating partner's liaisons say which programme item a nomination serves."""
    return actor.has_role(R.PARTNER_LIAISON) and actor.organization_id == nomination.partner_id
