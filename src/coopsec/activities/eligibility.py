"""Which partners may nominate for an activity, evaluated as of the activity's start."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coopsec.network.models import Membership

if TYPE_CHECKING:
    from coopsec.activities.models import Activity
    from coopsec.network.models import Organization


def eligible_organization_ids(activity: Activity) -> set[int]:
    """Organizations eligible for the activity on its first day.

    all_partners: every organization in a partnership framework that day; frameworks: members
    of the listed frameworks that day; organizations: exactly those listed.
    """
    from coopsec.activities.models import Eligibility

    if activity.eligibility == Eligibility.ORGANIZATIONS:
        return set(activity.eligible_organizations.values_list("pk", flat=True))
    memberships = Membership.objects.in_frameworks().active_on(activity.start)
    if activity.eligibility == Eligibility.FRAMEWORKS:
        memberships = memberships.filter(framework__in=activity.eligible_frameworks.values("pk"))
    return set(memberships.values_list("organization_id", flat=True))


def is_eligible(activity: Activity, organization: Organization) -> bool:
    return organization.pk in eligible_organization_ids(activity)
