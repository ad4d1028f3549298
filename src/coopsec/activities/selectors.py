"""Reads of the cooperation menu, always scoped by the actor (activities/access.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q, QuerySet

from coopsec.accounts.actor import Actor
from coopsec.accounts.personal_data import can_view_personal_data, pseudonym
from coopsec.activities.eligibility import eligible_for_q
from coopsec.activities.models import (
    SEAT_STATES,
    Activity,
    ActivityQuerySet,
    CooperationArea,
    Nomination,
    NominationQuerySet,
    NominationState,
    Notification,
)
from coopsec.errors import NotFound
from coopsec.network.models import Organization


def area_list(*, actor: Actor) -> QuerySet[CooperationArea]:
    """The cooperation-area taxonomy in its shipped order (parents before children)."""
    return CooperationArea.objects.select_related("parent").order_by("position", "code")


def area_get(*, actor: Actor, code: str) -> CooperationArea:
    """One area by code. Raises NotFound."""
    area = CooperationArea.objects.filter(code__iexact=code).first()
    if area is None:
        raise NotFound(f"No cooperation area '{code}'.")
    return area


@dataclass(frozen=True)
class ActivityFilters:
    q: str = ""
    area: str = ""
    type: str = ""
    host: str = ""
    state: str = ""
    date_from: date | None = None
    date_to: date | None = None
    eligible_for: str = ""  # organization code
    with_seats: bool = False


def activity_list(*, actor: Actor, filters: ActivityFilters | None = None) -> ActivityQuerySet:
    """The menu as the actor may see it, filtered, by start date.

    `area` matches the primary or a secondary area (a parent area matches its children);
    `eligible_for` keeps what that organization may nominate for. Raises NotFound for an
    unknown area, host or organization code.
    """
    f = filters or ActivityFilters()
    qs = Activity.objects.visible_to(actor).select_related("host", "primary_area", "country")
    if f.q:
        qs = qs.filter(
            Q(title__icontains=f.q) | Q(title_fr__icontains=f.q) | Q(code__iexact=f.q)
            | Q(description__icontains=f.q) | Q(references__reference__iexact=f.q)
        ).distinct()  # fmt: skip
    if f.area:
        area = area_get(actor=actor, code=f.area)
        codes = [area.pk, *area.children.values_list("pk", flat=True)]
        qs = qs.filter(
            Q(primary_area__in=codes)
            | Q(pk__in=Activity.secondary_areas.through.objects.filter(
                cooperationarea_id__in=codes).values("activity_id"))
        )  # fmt: skip
    if f.type:
        qs = qs.filter(type=f.type)
    if f.host:
        host = Organization.objects.filter(Q(code__iexact=f.host) | Q(iso3__iexact=f.host)).first()
        if host is None:
            raise NotFound(f"No organization '{f.host}'.")
        qs = qs.filter(host=host)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.date_from:
        qs = qs.filter(end__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(start__lte=f.date_to)
    if f.eligible_for:
        org = Organization.objects.filter(
            Q(code__iexact=f.eligible_for) | Q(iso3__iexact=f.eligible_for)
        ).first()
        if org is None:
            raise NotFound(f"No organization '{f.eligible_for}'.")
        qs = qs.filter(eligible_for_q(org))
    if f.with_seats:
        qs = qs.filter(confirmed_count__lt=F("seats"))
    return qs.order_by("start", "code")


def activity_get(*, actor: Actor, activity_id: int) -> Activity:
    """One activity the actor may see, with its relations. Raises NotFound."""
    activity = (
        Activity.objects.visible_to(actor)
        .select_related("host", "primary_area", "country", "report")
        .prefetch_related(
            "secondary_areas", "eligible_frameworks", "eligible_organizations", "references"
        )
        .filter(pk=activity_id)
        .first()
    )
    if activity is None:
        raise NotFound(f"No activity {activity_id}.")
    return activity


@dataclass(frozen=True)
class PartnerCount:
    partner: Organization
    confirmed: int
    waitlisted: int
    pending: int


def activity_partner_counts(*, actor: Actor, activity: Activity) -> list[PartnerCount]:
    """Per partner, how many of its nominations hold a seat, wait, or are pending: counts
    only, never names, so every actor who sees the activity may see them."""
    rows = (
        Nomination.objects.filter(activity=activity)
        .values("partner")
        .annotate(
            confirmed=Count("pk", filter=Q(state__in=SEAT_STATES)),
            waitlisted=Count("pk", filter=Q(state=NominationState.WAITLISTED)),
            pending=Count("pk", filter=Q(state=NominationState.PENDING)),
        )
    )
    partners = Organization.objects.in_bulk([r["partner"] for r in rows])
    return sorted(
        (
            PartnerCount(partners[r["partner"]], r["confirmed"], r["waitlisted"], r["pending"])
            for r in rows
            if r["confirmed"] or r["waitlisted"] or r["pending"]
        ),
        key=lambda c: c.partner.name,
    )


def nomination_list(
    *,
    actor: Actor,
    activity_id: int | None = None,
    organization: str | None = None,
    state: str | None = None,
) -> NominationQuerySet:
    """Nominations the actor may see (a partner: its own; a host: to its activities).

    Raises NotFound for an unknown organization code.
    """
    qs = Nomination.objects.visible_to(actor).select_related(
        "activity", "activity__host", "partner", "participant"
    )
    if activity_id is not None:
        qs = qs.filter(activity_id=activity_id)
    if organization:
        org = Organization.objects.filter(
            Q(code__iexact=organization) | Q(iso3__iexact=organization)
        ).first()
        if org is None:
            raise NotFound(f"No organization '{organization}'.")
        qs = qs.filter(partner=org)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("activity__start", "activity_id", "created_at", "pk")


def nomination_get(*, actor: Actor, nomination_id: int) -> Nomination:
    """One nomination the actor may see. Raises NotFound."""
    nomination = (
        Nomination.objects.visible_to(actor)
        .select_related("activity", "activity__host", "partner", "participant")
        .filter(pk=nomination_id)
        .first()
    )
    if nomination is None:
        raise NotFound(f"No nomination {nomination_id}.")
    return nomination


@dataclass(frozen=True)
class ParticipantView:
    """What the actor may know of a participant: the person, or a pseudonym."""

    identifier: str
    name: str | None
    email: str | None
    rank: str | None


def participant_view(*, actor: Actor, nomination: Nomination) -> ParticipantView:
    """Personal data for the partner, the host and coordinators; a pseudonym for others."""
    person = nomination.participant
    if can_view_personal_data(
        actor, partner_id=nomination.partner_id, host_id=nomination.activity.host_id
    ):
        return ParticipantView(pseudonym("participant", person.pk), person.name,
                               person.email, person.rank)  # fmt: skip
    return ParticipantView(pseudonym("participant", person.pk), None, None, None)


def notification_list(*, actor: Actor, unread_only: bool = False) -> QuerySet[Notification]:
    """The actor's own notifications, newest first."""
    if actor.user is None:
        return Notification.objects.none()
    qs = Notification.objects.filter(user=actor.user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at")


def nomination_search(
    *,
    actor: Actor,
    activity_id: int | None = None,
    organization: str | None = None,
    state: str | None = None,
    year: int | None = None,
) -> NominationQuerySet:
    """Nominations for the pages: `nomination_list`'s filters plus the year the activity
    starts in, each with its feedback joined (no query per row), latest activity first.

    Raises NotFound for an unknown organization code.
    """
    qs = nomination_list(
        actor=actor, activity_id=activity_id, organization=organization, state=state
    ).select_related("feedback")
    if year is not None:
        qs = qs.filter(
            activity__start__gte=date(year, 1, 1), activity__start__lt=date(year + 1, 1, 1)
        )
    return qs.order_by("-activity__start", "activity_id", "created_at", "pk")
