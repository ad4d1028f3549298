"""Calendars of the cooperation menu (RFC 5545, built with `icalendar`).

Two ways out: one activity's .ics download (an API route, authenticated like every other), and
revocable feeds a user subscribes to from a calendar client, served at `/calendar/<token>.ics`
without a login. A feed's token is its only credential: it is shown once when the feed is
created and only its SHA-256 is stored, as for API tokens. A feed shows what its owner may see
at the time it is fetched, so deactivating the owner ends the feed and a changed role or
organization changes it.

- A personal feed: the activities the owner's organization takes part in (a confirmed or
  attended nomination) and those it hosts.
- An organization-wide feed: the above plus the published menu the organization is eligible
  for (for the alliance's staff, who nominate for no one: the whole published menu).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration

from coopsec.accounts.actor import Actor
from coopsec.accounts.models import hash_token
from coopsec.activities import access, lifecycle
from coopsec.activities.eligibility import eligible_for_q
from coopsec.activities.models import (
    Activity,
    ActivityQuerySet,
    ActivityState,
    ActivityType,
    CalendarFeed,
    Nomination,
    NominationState,
)
from coopsec.audit.services import audit_record
from coopsec.errors import Forbidden, NotFound
from coopsec.network import dates

PRODID = "-//coopsec//Cooperation menu//EN"
# Feeds reach this far back, so that a decade of history does not make every refresh heavy.
FEED_PAST_DAYS = 365
# How often calendar clients are asked to fetch a feed again (RFC 7986 REFRESH-INTERVAL).
FEED_REFRESH = timedelta(hours=6)
# States that put an activity in a partner's calendar: it holds a seat there.
TAKING_PART = (NominationState.CONFIRMED, NominationState.ATTENDED)

# --- access --------------------------------------------------------------------------------


def can_create_calendar_feed(actor: Actor) -> bool:
    """Every signed-in user of an organization may subscribe to its own calendar."""
    return actor.user is not None and actor.organization_id is not None


# --- services ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedFeed:
    """A new feed and its token, which is not stored and cannot be shown again."""

    feed: CalendarFeed
    token: str


def calendar_feed_create(*, actor: Actor, organization_wide: bool = False) -> IssuedFeed:
    """Create a calendar feed for the actor (or the actor's organization). Raises Forbidden
    (no user or no organization to build a calendar for)."""
    if not can_create_calendar_feed(actor):
        raise Forbidden("A calendar feed belongs to a user of an organization.")
    assert actor.user is not None and actor.organization is not None
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        feed = CalendarFeed.objects.create(
            user=actor.user, organization_wide=organization_wide, key_hash=hash_token(token)
        )
        audit_record(
            actor=actor, action="calendar_feed.create", object_type="calendar_feed",
            object_id=feed.pk,
            summary={"organization_wide": organization_wide,
                     "organization": actor.organization.code},
        )  # fmt: skip
    return IssuedFeed(feed=feed, token=token)


def calendar_feed_revoke(*, actor: Actor, feed_id: int) -> CalendarFeed:
    """Revoke one of the actor's own feeds; its URL answers 404 from then on. Revoking a
    revoked feed changes nothing. Raises NotFound (not the actor's feed)."""
    with transaction.atomic():
        feed = calendar_feed_list(actor=actor).select_for_update().filter(pk=feed_id).first()
        if feed is None:
            raise NotFound(f"No calendar feed {feed_id}.")
        if feed.revoked_at is None:
            feed.revoked_at = timezone.now()
            feed.save(update_fields=["revoked_at"])
            audit_record(
                actor=actor, action="calendar_feed.revoke", object_type="calendar_feed",
                object_id=feed.pk, summary={"organization_wide": feed.organization_wide},
            )  # fmt: skip
    return feed


# --- selectors -----------------------------------------------------------------------------


def calendar_feed_list(*, actor: Actor) -> QuerySet[CalendarFeed]:
    """The actor's own feeds, newest first, revoked ones included (with `revoked_at`)."""
    if actor.user is None:
        return CalendarFeed.objects.none()
    return CalendarFeed.objects.filter(user=actor.user).order_by("-created_at", "-pk")


def calendar_feed_open(*, token: str) -> CalendarFeed:
    """The live feed a token opens, with its owner. Raises NotFound (unknown or revoked
    token, or an owner who may no longer sign in)."""
    feed = (
        CalendarFeed.objects.select_related("user", "user__organization")
        .filter(key_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if feed is None:
        raise NotFound("No such calendar feed.")
    return feed


def feed_activities(*, feed: CalendarFeed) -> ActivityQuerySet:
    """The activities a feed lists, as its owner may see them today, by start date."""
    actor = Actor.from_user(feed.user)
    org = actor.organization
    if org is None:
        return Activity.objects.none()
    taking_part = Nomination.objects.filter(partner=org, state__in=TAKING_PART)
    rule = Q(pk__in=taking_part.values("activity_id")) | Q(host=org)
    if feed.organization_wide:
        published = Q(state__in=lifecycle.PUBLISHED)
        rule |= (
            published if actor.has_role(*access.STAFF_ROLES) else published & eligible_for_q(org)
        )
    since = dates.today() - timedelta(days=FEED_PAST_DAYS)
    return (
        Activity.objects.visible_to(actor)
        .filter(rule, end__gte=since)
        .select_related("host", "primary_area", "country")
        .order_by("start", "code")
    )


# --- building ------------------------------------------------------------------------------


def activity_path(activity: Activity) -> str:
    """The path of the activity's page."""
    return reverse("activities:activity-detail", kwargs={"activity_id": activity.pk})


def event_uid(activity: Activity) -> str:
    """The event's UID: stable for the activity's life, so clients update rather than add."""
    return f"activity-{activity.pk}@coopsec"


def _status(activity: Activity) -> str:
    if activity.state == ActivityState.CANCELLED:
        return "CANCELLED"
    if activity.state in (ActivityState.PROPOSED, ActivityState.APPROVED):
        return "TENTATIVE"
    return "CONFIRMED"


def _location(activity: Activity) -> str:
    place = ", ".join(
        p for p in (activity.city, activity.country.name if activity.country else "") if p
    )
    if activity.online:
        return f"{place} ({_('online')})" if place else _("Online")
    return place


def _description(activity: Activity, url: str) -> str:
    lines = [
        f"{activity.code} · {ActivityType(activity.type).label}",
        _("Host: %(name)s (%(code)s)") % {"name": activity.host.name, "code": activity.host.code},
        _("Area: %(area)s") % {"area": activity.primary_area.display_name},
        _("State: %(state)s") % {"state": ActivityState(activity.state).label},
    ]
    if activity.display_description:
        lines += ["", activity.display_description]
    return "\n".join([*lines, "", url])


def activity_event(activity: Activity, *, url: str) -> Event:
    """One activity as an all-day VEVENT (DTEND is exclusive: the day after the last day).
    The activity needs its host, primary area and country loaded."""
    event = Event()
    event.add("uid", event_uid(activity))
    event.add("dtstamp", activity.updated_at)
    event.add("created", activity.created_at)
    event.add("last-modified", activity.updated_at)
    event.add("dtstart", activity.start)
    # The last representable day has no day after it; such an event ends where it ends.
    event.add("dtend", activity.end + timedelta(days=1) if activity.end < date.max else date.max)
    event.add("summary", activity.display_title)
    location = _location(activity)
    if location:
        event.add("location", location)
    event.add("description", _description(activity, url))
    event.add("url", url)
    event.add("status", _status(activity))
    event.add("categories", [ActivityType(activity.type).label, activity.primary_area.display_name])
    event.add("transp", "TRANSPARENT" if activity.state == ActivityState.CANCELLED else "OPAQUE")
    return event


def build_calendar(
    activities: Iterable[Activity],
    *,
    name: str,
    url_for: Callable[[Activity], str],
    refresh: timedelta | None = None,
) -> bytes:
    """An RFC 5545 VCALENDAR with one event per activity; `url_for` gives each activity's
    absolute page URL; `refresh` asks subscribing clients to fetch again that often."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    if refresh is not None:
        cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", vDuration(refresh))
    for activity in activities:
        cal.add_component(activity_event(activity, url=url_for(activity)))
    return cal.to_ical()


def activity_calendar(activity: Activity, *, url: str) -> bytes:
    """The .ics download of one activity."""
    return build_calendar(
        [activity], name=f"{activity.code} {activity.display_title}", url_for=lambda _a: url
    )


def feed_calendar(*, feed: CalendarFeed, url_for: Callable[[Activity], str]) -> bytes:
    """The body of a feed: its activities as they stand now."""
    org = feed.user.organization
    owner = org.name if feed.organization_wide and org else feed.user.get_username()
    return build_calendar(
        feed_activities(feed=feed),
        name=f"coopsec: {owner}",
        url_for=url_for,
        refresh=FEED_REFRESH,
    )
