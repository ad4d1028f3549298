"""Calendars (issue 4, item 7): per-user and per-organization feeds at secret, revocable URLs,
parsed with a real RFC 5545 parser (`icalendar`); the feeds' API; only hashes stored."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.accounts.services import token_create
from coopsec.activities import lifecycle, services
from coopsec.activities.calendar import (
    build_calendar,
    calendar_feed_create,
    calendar_feed_revoke,
    event_uid,
)
from coopsec.activities.models import Activity, CalendarFeed
from coopsec.audit.models import AuditEvent
from coopsec.errors import Forbidden, NotFound
from coopsec.network import dates
from tests.activities.factories import (
    activity_in_state,
    advance,
    coordinator_actor,
    liaison,
    nominate,
    open_activity,
    proposed_activity,
    reload,
    user,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
HOST = "PTEC-AUT-AUTINT"
FEED_URL = re.compile(r"^http://testserver/calendar/([A-Za-z0-9_-]{40,})\.ics$")


def bearer(who: User) -> Client:
    secret = token_create(actor=Actor.system(), username=who.username).secret
    return Client(headers={"Authorization": f"Bearer {secret}"})


def create_feed(who: User, organization_wide: bool = False) -> str:
    """Create a feed through the API; return its URL."""
    response = bearer(who).post(
        f"{API}/calendar-feeds", {"organization_wide": organization_wide},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    return str(response.json()["url"])


def fetch(url: str, status: int = 200) -> Calendar:
    """Fetch a feed anonymously, as a calendar program does, and parse it."""
    response = Client().get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(cal: Calendar) -> dict[str, Any]:
    """The calendar's events by UID."""
    found = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert len(found) == len(cal.walk("VEVENT")), "UIDs repeat"
    return found


def uids(*activities: Activity) -> set[str]:
    return {event_uid(a) for a in activities}


@pytest.fixture
def menu(reference: None) -> dict[str, Any]:
    """A small menu seen from Georgia (PfP) and Jordan (Mediterranean Dialogue)."""
    georgia, jordan = liaison("GEO"), liaison("JOR")
    today = dates.today()
    confirmed = open_activity(title="Georgia confirmed", city="Vienna", country="AUT")
    nominate(georgia, confirmed, name="Nino Beridze")
    only_waiting = open_activity(seats=1, cap=1, title="Georgia only waiting")
    nominate(jordan, only_waiting)
    assert nominate(georgia, only_waiting).state == "waitlisted"
    eligible = open_activity(title="Open to all, not nominated", online=True)
    pfp_only = open_activity(frameworks=["PfP"], title="PfP only")
    for_jordan = open_activity(organizations=["JOR"], title="Jordan only")
    nominate(jordan, for_jordan)
    cancelled = open_activity(title="Cancelled after Georgia's seat")
    nominate(georgia, cancelled)
    advance(cancelled, lifecycle.CANCELLED)
    attended = activity_in_state(lifecycle.CONDUCTED, nominations=[(georgia, "Tamar")])
    services.attendance_record(
        actor=coordinator_actor(),
        nomination_id=attended.nominations.get().pk,
        attended=True,
    )
    long_ago = activity_in_state(
        lifecycle.CONDUCTED, start=today - timedelta(days=500), nominations=[(georgia, "Old")]
    )
    proposed = proposed_activity(title="Still proposed")
    return {
        "georgia": georgia, "jordan": jordan, "confirmed": confirmed,
        "only_waiting": only_waiting, "eligible": eligible, "pfp_only": pfp_only,
        "for_jordan": for_jordan, "cancelled": reload(cancelled), "attended": attended,
        "long_ago": long_ago, "proposed": proposed,
    }  # fmt: skip


# --- the feeds' contents ---------------------------------------------------------------------


def test_a_personal_feed_lists_what_the_partner_takes_part_in(menu: dict[str, Any]) -> None:
    cal = fetch(create_feed(menu["georgia"]))
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]).startswith("-//coopsec//")
    found = events(cal)
    # Confirmed or attended seats, cancelled ones included (so calendars drop them); not a
    # waiting-list place, not what Georgia merely may attend, not what ended over a year ago.
    assert set(found) == uids(menu["confirmed"], menu["cancelled"], menu["attended"])


def test_an_organization_feed_adds_the_menu_the_partner_is_eligible_for(
    menu: dict[str, Any],
) -> None:
    georgia = events(fetch(create_feed(menu["georgia"], organization_wide=True)))
    assert set(georgia) == uids(
        menu["confirmed"], menu["cancelled"], menu["attended"], menu["only_waiting"],
        menu["eligible"], menu["pfp_only"],
    )  # fmt: skip
    jordan = events(fetch(create_feed(menu["jordan"], organization_wide=True)))
    assert set(jordan) == uids(
        menu["confirmed"], menu["only_waiting"], menu["eligible"], menu["for_jordan"],
        menu["attended"],
    )  # fmt: skip


def test_events_carry_the_activity(menu: dict[str, Any]) -> None:
    found = events(fetch(create_feed(menu["georgia"])))
    activity = menu["confirmed"]
    event = found[f"activity-{activity.pk}@coopsec"]
    assert str(event["SUMMARY"]) == activity.title
    # All-day dates: DTEND is exclusive, the day after the last day.
    assert event.start == activity.start and isinstance(event.start, date)
    assert event.end == activity.end + timedelta(days=1)
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert str(event["LOCATION"]) == "Vienna, Austria"
    description = str(event["DESCRIPTION"])
    assert activity.code in description
    assert HOST in description and activity.host.name in description
    assert str(event["URL"]) == f"http://testserver/activities/{activity.pk}/"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["DTSTAMP"].dt is not None
    cancelled = found[f"activity-{menu['cancelled'].pk}@coopsec"]
    assert str(cancelled["STATUS"]) == "CANCELLED"


def test_a_hosts_feed_shows_its_activities_in_every_state(menu: dict[str, Any]) -> None:
    host = user(R.INSTITUTION_MANAGER, HOST)
    elsewhere = proposed_activity(host="NATO", title="Hosted by someone else")
    found = events(fetch(create_feed(host)))
    mine = Activity.objects.filter(host__code=HOST).exclude(pk=menu["long_ago"].pk)
    assert set(found) == uids(*mine)
    assert event_uid(elsewhere) not in found
    assert str(found[event_uid(menu["proposed"])]["STATUS"]) == "TENTATIVE"


def test_a_coordinators_organization_feed_is_the_published_menu(menu: dict[str, Any]) -> None:
    coordinator = user(R.COORDINATOR, "NATO")
    found = events(fetch(create_feed(coordinator, organization_wide=True)))
    published = Activity.objects.filter(
        state__in=lifecycle.PUBLISHED, end__gte=dates.today() - timedelta(days=365)
    )
    assert set(found) == uids(*published)
    assert event_uid(menu["proposed"]) not in found


def test_the_online_location_and_the_feed_follows_changes(menu: dict[str, Any]) -> None:
    url = create_feed(menu["georgia"], organization_wide=True)
    event = events(fetch(url))[event_uid(menu["eligible"])]
    assert str(event["LOCATION"]) == "Online"
    advance(menu["eligible"], lifecycle.CANCELLED)
    # A cancelled activity the partner took no part in leaves the partner's menu.
    assert event_uid(menu["eligible"]) not in events(fetch(url))


def test_feed_queries_do_not_grow_with_its_events(reference: None) -> None:
    georgia = liaison("GEO")
    url = create_feed(georgia, organization_wide=True)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            Client().get(url)
        return len(ctx.captured_queries)

    open_activity()
    few = queries()
    for _ in range(5):
        nominate(georgia, open_activity(country="AUT", city="Graz"))
    assert queries() == few
    assert len(fetch(url).walk("VEVENT")) == 6


def test_build_calendar_is_valid_for_an_empty_feed() -> None:
    cal = Calendar.from_ical(build_calendar([], name="nothing", url_for=str))
    assert cal.walk("VEVENT") == []
    assert str(cal["VERSION"]) == "2.0"


# --- secrets, revocation, who may -------------------------------------------------------------


def test_the_url_is_shown_once_and_only_its_hash_is_stored(reference: None) -> None:
    georgia = liaison("GEO")
    client = bearer(georgia)
    response = client.post(f"{API}/calendar-feeds", {}, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "organization_wide", "created_at", "revoked_at", "url"}
    assert body["organization_wide"] is False and body["revoked_at"] is None
    match = FEED_URL.match(body["url"])
    assert match, body["url"]
    token = match.group(1)
    feed = CalendarFeed.objects.get(pk=body["id"])
    assert feed.user == georgia
    assert feed.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in feed.key_hash
    listed = client.get(f"{API}/calendar-feeds").json()
    assert listed["count"] == 1
    assert set(listed["items"][0]) == {"id", "organization_wide", "created_at", "revoked_at"}
    assert token not in str(listed)
    event = AuditEvent.objects.get(action="calendar_feed.create", object_id=str(feed.pk))
    assert token not in str(event.summary)
    assert event.actor_username == georgia.username


def test_a_revoked_feed_answers_404(reference: None) -> None:
    georgia = liaison("GEO")
    client = bearer(georgia)
    url = create_feed(georgia)
    fetch(url)
    feed = CalendarFeed.objects.get()
    response = client.delete(f"{API}/calendar-feeds/{feed.pk}")
    assert response.status_code == 204
    assert Client().get(url).status_code == 404
    assert reload_feed(feed).revoked_at is not None
    assert client.delete(f"{API}/calendar-feeds/{feed.pk}").status_code == 204  # no change
    assert AuditEvent.objects.filter(action="calendar_feed.revoke").count() == 1
    listed = client.get(f"{API}/calendar-feeds").json()["items"]
    assert listed[0]["revoked_at"] is not None


def reload_feed(feed: CalendarFeed) -> CalendarFeed:
    return CalendarFeed.objects.get(pk=feed.pk)


def test_only_the_owner_revokes_a_feed(reference: None) -> None:
    georgia, colleague = liaison("GEO"), liaison("GEO")
    url = create_feed(georgia)
    feed = CalendarFeed.objects.get()
    for other in (colleague, user(R.COORDINATOR, "NATO"), liaison("JOR")):
        response = bearer(other).delete(f"{API}/calendar-feeds/{feed.pk}")
        assert response.status_code == 404, response.content
        assert response.json()["error"] == "not_found"
        assert bearer(other).get(f"{API}/calendar-feeds").json()["count"] == 0
    assert Client().delete(f"{API}/calendar-feeds/{feed.pk}").status_code == 401
    assert bearer(georgia).delete(f"{API}/calendar-feeds/424242").status_code == 404
    assert bearer(georgia).delete(f"{API}/calendar-feeds/x").status_code == 400
    fetch(url)


@pytest.mark.parametrize(
    "path",
    [
        "/calendar/unknown-token-unknown-token-unknown-token-xx.ics",
        "/calendar/short.ics",
        "/calendar/.ics",
        "/calendar/a%00b.ics",
    ],
)
def test_unknown_tokens_answer_404(path: str, reference: None) -> None:
    assert Client().get(path).status_code == 404


def test_a_feed_ends_with_its_owners_account(reference: None) -> None:
    georgia = liaison("GEO")
    url = create_feed(georgia)
    georgia.is_active = False
    georgia.save(update_fields=["is_active"])
    assert Client().get(url).status_code == 404


def test_the_feed_url_is_private_and_read_only(reference: None) -> None:
    url = create_feed(liaison("GEO"))
    response = Client().get(url)
    assert "private" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert Client().head(url).status_code == 200
    assert Client().post(url).status_code == 405


def test_the_feed_services(reference: None) -> None:
    georgia = Actor.from_user(liaison("GEO"))
    issued = calendar_feed_create(actor=georgia, organization_wide=True)
    assert issued.feed.organization_wide
    assert issued.feed.key_hash != issued.token
    with pytest.raises(NotFound):
        calendar_feed_revoke(actor=Actor.from_user(liaison("GEO")), feed_id=issued.feed.pk)
    assert calendar_feed_revoke(actor=georgia, feed_id=issued.feed.pk).revoked_at is not None
    with pytest.raises(Forbidden):
        calendar_feed_create(actor=Actor.system())


def test_a_bad_feed_request_answers_400(reference: None) -> None:
    response = bearer(liaison("GEO")).post(
        f"{API}/calendar-feeds", {"organization_wide": "sometimes"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert not CalendarFeed.objects.exists()
