"""Which partners may nominate for an activity, evaluated as of the activity's start.

A partner is in a framework on a day when its membership covers the day and is not
suspended that day: a suspended participation (Russia in PfP from 2014, Belarus from 2021)
stays a membership but carries no practical cooperation. The same rule is written twice, once
in Python for one activity and once as a query over many; tests hold them together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q

from coopsec.network.models import Membership, MembershipStatus, MembershipStatusPeriod

if TYPE_CHECKING:
    from coopsec.activities.models import Activity
    from coopsec.network.models import Organization


def _suspended(membership: Any, as_of: Any) -> Exists:
    """A status period suspending `membership` on `as_of` (values or outer references)."""
    return Exists(
        MembershipStatusPeriod.objects.filter(
            membership=membership, status=MembershipStatus.SUSPENDED, start__lte=as_of
        ).filter(Q(end__isnull=True) | Q(end__gt=as_of))
    )


def eligible_organization_ids(activity: Activity) -> set[int]:
    """Organizations eligible for the activity on its first day.

    all_partners: every organization actively in a partnership framework that day;
    frameworks: active members of the listed frameworks that day; organizations: exactly
    those listed.
    """
    from coopsec.activities.models import Eligibility

    if activity.eligibility == Eligibility.ORGANIZATIONS:
        return set(activity.eligible_organizations.values_list("pk", flat=True))
    memberships = (
        Membership.objects.in_frameworks()
        .active_on(activity.start)
        .exclude(_suspended(OuterRef("pk"), activity.start))
    )
    if activity.eligibility == Eligibility.FRAMEWORKS:
        memberships = memberships.filter(framework__in=activity.eligible_frameworks.values("pk"))
    return set(memberships.values_list("organization_id", flat=True))


def is_eligible(activity: Activity, organization: Organization) -> bool:
    return organization.pk in eligible_organization_ids(activity)


def eligible_for_q(organization: Organization) -> Q:
    """A filter on activities: those `organization` may nominate for, each judged on its
    own first day (the query form of `eligible_organization_ids`)."""
    from coopsec.activities.models import Activity, Eligibility

    member_then = (
        Membership.objects.filter(
            organization=organization,
            framework__isnull=False,
            start__lte=OuterRef("start"),
        )
        .filter(Q(end__isnull=True) | Q(end__gt=OuterRef("start")))
        .exclude(_suspended(OuterRef("pk"), OuterRef(OuterRef("start"))))
    )
    in_listed_framework = member_then.filter(
        framework__in=Activity.eligible_frameworks.through.objects.filter(
            activity_id=OuterRef(OuterRef("pk"))
        ).values("framework_id")
    )
    listed = Activity.eligible_organizations.through.objects.filter(
        activity_id=OuterRef("pk"), organization_id=organization.pk
    )
    return (
        Q(Exists(member_then), eligibility=Eligibility.ALL_PARTNERS)
        | Q(Exists(in_listed_framework), eligibility=Eligibility.FRAMEWORKS)
        | Q(Exists(listed), eligibility=Eligibility.ORGANIZATIONS)
    )
