"""The cooperation menu's pages: who gets what, what a reader sees, filters in the URL, forms
with their errors, refused actions as messages, and query counts that do not grow."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coopsec.accounts import roles as R
from coopsec.accounts.models import User
from coopsec.activities import lifecycle
from coopsec.activities.models import Activity, Nomination, NominationState, Notification
from coopsec.network import dates
from tests.activities.factories import (
    activity_in_state,
    host_actor,
    nominate,
    open_activity,
    proposed_activity,
    reload,
)

pytestmark = pytest.mark.django_db

HOST = "PTEC-AUT-AUTINT"
MENU = reverse("activities:activity-list")
NOMINATIONS = reverse("activities:nomination-list")
QUEUE = reverse("activities:activity-queue")
DESKS = reverse("activities:desk-list")
NOTIFICATIONS = reverse("activities:notification-list")
NEW = reverse("activities:activity-create")

Users = Callable[..., User]
Clients = Callable[[User], Client]


def text_of(response: Any) -> str:
    """The page's visible text, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def detail(activity: Activity) -> str:
    return reverse("activities:activity-detail", args=[activity.pk])


def desk(activity: Activity) -> str:
    return reverse("activities:activity-desk", args=[activity.pk])


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def people(make_user: Users, client_for: Clients) -> dict[str, Client]:
    """One signed-in client per role (liaisons of Georgia and Jordan)."""
    return {
        "coordinator": client_for(make_user(R.COORDINATOR, "NATO")),
        "geo": client_for(make_user(R.PARTNER_LIAISON, "GEO")),
        "jor": client_for(make_user(R.PARTNER_LIAISON, "JOR")),
        "host": client_for(make_user(R.INSTITUTION_MANAGER, HOST)),
        "other_host": client_for(make_user(R.INSTITUTION_MANAGER, "CCDCOE")),
        "analyst": client_for(make_user(R.ANALYST, "NATO")),
        "auditor": client_for(make_user(R.AUDITOR, "NATO")),
    }


@pytest.fixture
def liaisons(make_user: Users) -> dict[str, User]:
    return {"GEO": make_user(R.PARTNER_LIAISON, "GEO"), "JOR": make_user(R.PARTNER_LIAISON, "JOR")}


# --- access per page and role ---------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    activity = open_activity()
    for url in [
        MENU,
        NOMINATIONS,
        QUEUE,
        DESKS,
        NOTIFICATIONS,
        NEW,
        detail(activity),
        desk(activity),
    ]:
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("web:login"))


@pytest.mark.parametrize(
    ("who", "menu", "queue", "desks", "new", "nominations", "notifications"),
    [
        ("coordinator", 200, 200, 200, 200, 200, 200),
        ("geo", 200, 403, 403, 403, 200, 200),
        ("host", 200, 403, 200, 200, 200, 200),
        ("analyst", 200, 403, 403, 403, 200, 200),
        ("auditor", 200, 403, 403, 403, 200, 200),
    ],
)
def test_each_page_answers_each_role(
    people: dict[str, Client], who: str, menu: int, queue: int, desks: int, new: int,
    nominations: int, notifications: int,
) -> None:  # fmt: skip
    client = people[who]
    for url, expected in [
        (MENU, menu), (QUEUE, queue), (DESKS, desks), (NEW, new), (NOMINATIONS, nominations),
        (NOTIFICATIONS, notifications),
    ]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == expected, (who, url, response.status_code)
        if expected == 403:
            assert "Not allowed" in text_of(response)  # a page that says why, not a bare 403


def test_navigation_shows_each_role_its_work_lists(people: dict[str, Client]) -> None:
    def nav(who: str) -> str:
        html = people[who].get(MENU).content.decode()
        return html[html.index('<nav class="site-nav"') : html.index("</nav>")]

    assert f'href="{NOMINATIONS}"' in nav("geo")
    assert f'href="{QUEUE}"' not in nav("geo")
    assert f'href="{DESKS}"' in nav("host")
    assert f'href="{NOMINATIONS}"' not in nav("host")
    assert f'href="{QUEUE}"' in nav("coordinator")
    assert f'href="{DESKS}"' not in nav("coordinator")
    for who in people:
        assert f'href="{MENU}"' in nav(who)


def test_detail_access_per_role(people: dict[str, Client]) -> None:
    proposed = proposed_activity()
    published = open_activity()
    assert people["geo"].get(detail(proposed)).status_code == 404  # not on the menu yet
    assert people["other_host"].get(detail(proposed)).status_code == 404
    for who in ("coordinator", "host", "analyst", "auditor"):
        assert people[who].get(detail(proposed)).status_code == 200, who
    for who in people:
        assert people[who].get(detail(published)).status_code == 200, who
    assert (
        people["geo"].get(reverse("activities:activity-detail", args=[999999])).status_code == 404
    )


def test_desk_is_for_the_host_and_coordinators_and_absent_for_partners(
    people: dict[str, Client],
) -> None:
    activity = open_activity()
    assert people["host"].get(desk(activity)).status_code == 200
    assert people["coordinator"].get(desk(activity)).status_code == 200
    assert people["geo"].get(desk(activity)).status_code == 404
    assert people["jor"].get(desk(activity)).status_code == 404
    assert people["other_host"].get(desk(activity)).status_code == 404
    assert people["analyst"].get(desk(activity)).status_code == 403


# --- the menu -------------------------------------------------------------------------------


def test_menu_shows_the_columns_and_seats_left(people: dict[str, Client], liaisons: dict) -> None:
    activity = open_activity(
        seats=12, cap=2, title="Winter CBRN course", city="Vienna", country="AUT"
    )
    nominate(liaisons["GEO"], activity)
    response = people["coordinator"].get(MENU)
    assert response.status_code == 200
    text = text_of(response)
    row = text[text.index(activity.code) :]
    for expected in [
        "Winter CBRN course", "Course", "Austrian Armed Forces International Centre",
        activity.start.isoformat(), "Vienna, Austria", "CBRN defence", "11 of 12 left",
        "Open for nominations",
    ]:  # fmt: skip
        assert expected in row, expected
    assert "Propose an activity" in text


def test_menu_shows_titles_in_french_with_an_english_fallback(people: dict[str, Client]) -> None:
    open_activity(title="Cyber range week", title_fr="Semaine du polygone cyber")
    open_activity(title="Logistics seminar")
    client = people["geo"]
    client.post(reverse("set_language"), {"language": "fr", "next": MENU})
    text = text_of(client.get(MENU))
    assert "Semaine du polygone cyber" in text
    assert "Cyber range week" not in text
    assert "Logistics seminar" in text  # no French title: the English one


def test_liaison_sees_what_its_organization_may_nominate_for_by_default(
    people: dict[str, Client],
) -> None:
    for_md = open_activity(frameworks=["MD"], title="Mediterranean dialogue seminar")
    for_all = open_activity(title="Open course")
    # Georgia is not in the Mediterranean Dialogue; Jordan is.
    geo_default = people["geo"].get(MENU)
    listed = list(geo_default.context["activities"])
    assert for_all in listed and for_md not in listed
    assert re.search(
        r'<input type="checkbox" name="eligible"[^>]* checked', geo_default.content.decode()
    )
    # Unticking the box (the form submits its other fields) shows the whole menu.
    everything = people["geo"].get(MENU, {"q": ""}).context["activities"]
    assert for_md in list(everything)
    assert for_md in list(people["jor"].get(MENU).context["activities"])


def test_menu_filters_live_in_the_url(people: dict[str, Client], liaisons: dict) -> None:
    today = dates.today()
    course = open_activity(title="Air defence course", area="air_defence", type="course")
    seminar = open_activity(title="Energy seminar", area="energy_security", type="seminar")
    later = open_activity(title="Later course", start=today + timedelta(days=300))
    full = open_activity(seats=1, cap=1, title="One-seat course")
    nominate(liaisons["GEO"], full)
    client = people["coordinator"]

    def codes(**params: str) -> set[str]:
        response = client.get(MENU, params)
        assert response.status_code == 200
        return {a.code for a in response.context["page_obj"].object_list}

    assert codes(type="seminar") == {seminar.code}
    assert course.code in codes(area="capabilities")  # a parent area matches its children
    assert seminar.code not in codes(area="capabilities")
    assert codes(q=course.code) == {course.code}
    assert codes(q="energy") == {seminar.code}
    assert full.code not in codes(with_seats="on")
    assert course.code in codes(with_seats="on")
    assert later.code not in codes(date_to=(today + timedelta(days=100)).isoformat())
    assert codes(date_from=(today + timedelta(days=200)).isoformat()) == {later.code}
    assert course.code in codes(host=HOST)
    assert codes(host="CCDCOE") == set()
    assert codes(state="proposed") == set()
    # The form shows what was asked for.
    html = client.get(MENU, {"type": "seminar", "q": "energy"}).content.decode()
    assert 'value="energy"' in html
    assert '<option value="seminar" selected>' in html


def test_menu_groups_areas_by_their_parent(people: dict[str, Client]) -> None:
    html = people["geo"].get(MENU).content.decode()
    assert '<optgroup label="Capabilities and interoperability">' in html
    assert '<option value="capabilities">All of “Capabilities and interoperability”</option>' in (
        unescape(html)
    )


def test_bad_filter_values_are_messages_not_errors(people: dict[str, Client]) -> None:
    response = people["coordinator"].get(MENU, {"date_from": "2026-02-30", "type": "nope"})
    assert response.status_code == 200
    text = text_of(response)
    assert "is not a valid date" in text
    assert "These values were left out of the filters." in text


def test_pagination_keeps_the_filters(people: dict[str, Client]) -> None:
    for n in range(27):
        open_activity(title=f"Paged seminar {n}", type="seminar")
    open_activity(title="A course", type="course")
    response = people["coordinator"].get(MENU, {"type": "seminar", "q": "Paged"})
    assert response.context["page_obj"].paginator.count == 27
    html = unescape(response.content.decode())
    assert "Page 1 of 2" in text_of(response)
    next_link = re.search(r'href="([^"]*)" rel="next"', html)
    assert next_link
    second = people["coordinator"].get(MENU + next_link.group(1))
    assert len(second.context["page_obj"].object_list) == 2
    assert {a.type for a in second.context["page_obj"].object_list} == {"seminar"}


def test_first_page_of_a_liaison_keeps_its_defaults_on_the_next_page(
    people: dict[str, Client],
) -> None:
    for n in range(26):
        open_activity(title=f"Course {n}")
    open_activity(frameworks=["MD"])
    first = people["geo"].get(MENU)
    assert first.context["page_obj"].paginator.count == 26  # the MD one is left out
    second = people["geo"].get(MENU, {"page": "2"})
    assert second.context["page_obj"].paginator.count == 26


def test_menu_queries_do_not_grow_with_the_page(
    people: dict[str, Client], django_assert_max_num_queries: Any
) -> None:
    """A page of 25 activities (of 50) costs what a page of one costs (no N+1)."""
    client = people["geo"]
    open_activity(cap=None, secondary_areas=["logistics"], references={"ETOC": "X-1"})
    client.get(MENU)  # warm the session
    with django_assert_max_num_queries(12) as one:
        response = client.get(MENU)
    assert len(response.context["activities"]) == 1
    for n in range(49):
        open_activity(city=f"City {n}", country="AUT")
    with django_assert_max_num_queries(len(one)):
        response = client.get(MENU)
    assert len(response.context["activities"]) == 25


# --- one activity ---------------------------------------------------------------------------


def test_detail_shows_everything_about_the_activity(people: dict[str, Client]) -> None:
    activity = open_activity(
        title="Mountain CBRN exercise", type="exercise", seats=20, cap=3, frameworks=["PfP"],
        secondary_areas=["crisis_management"], tuition_cost="1200", accommodation_cost="300.5",
        clearance="restricted", nature="civil", language="en+fr", references={"ETOC": "4711"},
        registration_deadline=dates.today() + timedelta(days=30), online=True,
    )  # fmt: skip
    response = people["geo"].get(detail(activity))
    text = text_of(response)
    for expected in [
        "Mountain CBRN exercise", activity.code, "Exercise", "CBRN defence", "Crisis management",
        "Partners in listed frameworks", "PfP", "1,500.50", "Restricted", "Civil", "en+fr",
        "ETOC: 4711", "Online", "20 seats taken", "First come, first served",
        (dates.today() + timedelta(days=30)).isoformat(),
    ]:  # fmt: skip
        assert expected in text, expected
    assert response.context["activity"].seats_left == 20
    assert f'href="/api/v1/activities/{activity.pk}/ics"' in response.content.decode()


def test_liaison_nominates_and_sees_the_seat_confirmed(people: dict[str, Client]) -> None:
    activity = open_activity(seats=1, cap=1)
    page = people["geo"].get(detail(activity))
    assert "Nominate a participant" in text_of(page)
    response = people["geo"].post(
        reverse("activities:nomination-create", args=[activity.pk]),
        {"name": "Nino Beridze", "email": "nino@example.ge", "rank": "Major", "priority": "1"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Nino Beridze is nominated: Confirmed." in messages_of(response)
    text = text_of(response)
    assert "Nino Beridze" in text and "Major" in text
    assert reload(activity).seats_left == 0
    # Jordan's nominee joins the waiting list.
    response = people["jor"].post(
        reverse("activities:nomination-create", args=[activity.pk]),
        {"name": "Omar Haddad", "priority": "2"},
        follow=True,
    )
    assert "Omar Haddad is nominated: Waitlisted." in messages_of(response)


def test_nomination_form_shows_field_errors(people: dict[str, Client]) -> None:
    activity = open_activity()
    response = people["geo"].post(
        reverse("activities:nomination-create", args=[activity.pk]),
        {"name": "", "email": "not-an-address", "priority": "0"},
    )
    assert response.status_code == 400
    form = response.context["nominate"]["form"]
    assert set(form.errors) == {"name", "email", "priority"}
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert Nomination.objects.filter(activity=activity).count() == 0


def test_the_same_participant_twice_is_an_error_on_the_form(people: dict[str, Client]) -> None:
    activity = open_activity()
    url = reverse("activities:nomination-create", args=[activity.pk])
    data = {"name": "Nino Beridze", "email": "nino@example.ge", "priority": "1"}
    people["geo"].post(url, data)
    response = people["geo"].post(url, data)
    assert response.status_code == 400
    assert response.context["nominate"]["form"].errors == {
        "__all__": ["This participant is already nominated for this activity."]
    }
    assert "This participant is already nominated for this activity." in text_of(response)
    assert Nomination.objects.filter(activity=activity).count() == 1


def test_ineligible_liaison_sees_why_and_cannot_nominate(people: dict[str, Client]) -> None:
    activity = open_activity(frameworks=["MD"])
    page = people["geo"].get(detail(activity))
    assert "Georgia is not eligible for this activity." in text_of(page)
    assert page.context["nominate"].get("form") is None
    response = people["geo"].post(
        reverse("activities:nomination-create", args=[activity.pk]), {"name": "X", "priority": "1"}
    )
    assert response.status_code == 403
    assert Nomination.objects.filter(activity=activity).count() == 0


def test_a_partner_never_sees_another_partners_participants(
    people: dict[str, Client], liaisons: dict
) -> None:
    activity = open_activity(seats=10, cap=3)
    nominate(liaisons["GEO"], activity, name="Nino Beridze", email="nino@example.ge")
    nominate(liaisons["GEO"], activity, name="Giorgi Kapanadze")
    nominate(liaisons["JOR"], activity, name="Omar Haddad")

    jordan = people["jor"]
    page = jordan.get(detail(activity))
    text = text_of(page)
    assert "Omar Haddad" in text
    assert "Nino Beridze" not in text and "Giorgi Kapanadze" not in text
    assert "nino@example.ge" not in text
    assert "Georgia" not in text  # other partners appear only as a count
    assert "1 other partner" in text
    assert jordan.get(desk(activity)).status_code == 404
    listing = text_of(jordan.get(NOMINATIONS))
    assert "Omar Haddad" in listing and "Nino Beridze" not in listing

    # The host and coordinators see each partner and its participants.
    for who in ("host", "coordinator"):
        text = text_of(people[who].get(desk(activity)))
        for name in ["Nino Beridze", "Giorgi Kapanadze", "Omar Haddad", "Georgia", "Jordan"]:
            assert name in text, (who, name)


def test_withdrawing_frees_the_seat_for_the_waiting_list(
    people: dict[str, Client], liaisons: dict
) -> None:
    activity = open_activity(seats=1, cap=1)
    first = nominate(liaisons["GEO"], activity, name="Nino Beridze")
    waiting = nominate(liaisons["JOR"], activity, name="Omar Haddad")
    assert waiting.state == NominationState.WAITLISTED
    response = people["geo"].post(
        reverse("activities:nomination-withdraw", args=[first.pk]), follow=True
    )
    assert "The nomination is withdrawn." in messages_of(response)
    assert Nomination.objects.get(pk=waiting.pk).state == NominationState.CONFIRMED
    # Withdrawing twice is a message, not an error.
    again = people["geo"].post(
        reverse("activities:nomination-withdraw", args=[first.pk]), follow=True
    )
    assert again.status_code == 200
    assert any("cannot be withdrawn" in m for m in messages_of(again))
    # Another partner's nomination does not exist for Georgia.
    other = people["geo"].post(reverse("activities:nomination-withdraw", args=[waiting.pk]))
    assert other.status_code == 404


# --- lifecycle ------------------------------------------------------------------------------


def test_coordinator_approves_and_opens_from_the_page(people: dict[str, Client]) -> None:
    activity = proposed_activity()
    page = people["coordinator"].get(detail(activity))
    assert [b.to for b in page.context["transitions"]] == ["approved", "cancelled"]
    url = reverse("activities:activity-transition", args=[activity.pk])
    response = people["coordinator"].post(url, {"to": "approved"}, follow=True)
    assert response.redirect_chain[-1][0] == detail(activity)
    assert f"{activity.code} is now: Approved." in messages_of(response)
    people["coordinator"].post(url, {"to": "open"})
    assert reload(activity).state == lifecycle.OPEN


def test_invalid_transition_is_a_message_not_a_500(people: dict[str, Client]) -> None:
    activity = open_activity()
    url = reverse("activities:activity-transition", args=[activity.pk])
    response = people["coordinator"].post(url, {"to": "approved"}, follow=True)
    assert response.status_code == 200
    assert messages_of(response) == [
        "An activity that is open can go to closed or cancelled, not to approved."
    ]
    assert reload(activity).state == lifecycle.OPEN
    nonsense = people["coordinator"].post(url, {"to": "flying"}, follow=True)
    assert "'flying' is not a state" in messages_of(nonsense)[0]


def test_transitions_are_refused_to_those_who_may_not(people: dict[str, Client]) -> None:
    proposed = proposed_activity()
    url = reverse("activities:activity-transition", args=[proposed.pk])
    assert people["host"].post(url, {"to": "approved"}).status_code == 403  # only coordinators
    assert people["geo"].post(url, {"to": "approved"}).status_code == 404  # not visible
    published = open_activity()
    url = reverse("activities:activity-transition", args=[published.pk])
    assert people["geo"].post(url, {"to": "closed"}).status_code == 403
    assert people["other_host"].post(url, {"to": "closed"}).status_code == 403
    assert reload(published).state == lifecycle.OPEN
    assert people["geo"].get(detail(published)).context["transitions"] == []


def test_host_cannot_mark_conducted_before_the_start(people: dict[str, Client]) -> None:
    activity = activity_in_state(lifecycle.CLOSED)
    url = reverse("activities:activity-transition", args=[activity.pk])
    response = people["host"].post(url, {"to": "conducted", "next": desk(activity)}, follow=True)
    assert response.redirect_chain[-1][0] == desk(activity)
    assert messages_of(response) == [
        f"The activity starts on {activity.start}; it cannot be conducted before."
    ]


def test_a_foreign_next_url_is_not_followed(people: dict[str, Client]) -> None:
    activity = proposed_activity()
    url = reverse("activities:activity-transition", args=[activity.pk])
    response = people["coordinator"].post(url, {"to": "approved", "next": "https://evil.example/"})
    assert response["Location"] == detail(activity)


# --- the desk -------------------------------------------------------------------------------


def test_desk_lists_nominations_in_waiting_list_order_with_totals(
    people: dict[str, Client], liaisons: dict
) -> None:
    activity = open_activity(seats=2, cap=1)
    nominate(liaisons["GEO"], activity, name="Nino Beridze", rank="Major", priority=1)
    nominate(liaisons["GEO"], activity, name="Giorgi Kapanadze", priority=2)
    nominate(liaisons["JOR"], activity, name="Omar Haddad")
    response = people["host"].get(desk(activity))
    rows = response.context["rows"]
    assert [r.person.name for r in rows] == ["Nino Beridze", "Giorgi Kapanadze", "Omar Haddad"]
    assert [r.nomination.state for r in rows] == ["confirmed", "waitlisted", "confirmed"]
    assert [r.position for r in rows] == [1, 2, 3]
    text = text_of(response)
    assert "Major" in text
    html = response.content.decode()
    assert re.search(r'id="seats-left">\s*0<', html)
    assert re.search(r'id="waitlisted">\s*1<', html)
    counts = {row.code: row.confirmed for row in response.context["partner_rows"]}
    assert counts == {"GEO": 1, "JOR": 1}
    assert "Attendance can be recorded from the first day" in text


def test_desk_and_detail_queries_do_not_grow_with_the_nominations(
    people: dict[str, Client], liaisons: dict, django_assert_max_num_queries: Any
) -> None:
    activity = open_activity(seats=30, cap=None)
    nominate(liaisons["GEO"], activity)
    people["host"].get(desk(activity))
    with django_assert_max_num_queries(20) as desk_one:
        people["host"].get(desk(activity))
    with django_assert_max_num_queries(25) as detail_one:
        people["geo"].get(detail(activity))
    for _ in range(25):
        nominate(liaisons["GEO"], activity)
    with django_assert_max_num_queries(len(desk_one)):
        response = people["host"].get(desk(activity))
    assert len(response.context["rows"]) == 26
    with django_assert_max_num_queries(len(detail_one)):
        response = people["geo"].get(detail(activity))
    assert len(response.context["own_nominations"]) == 26


def test_desk_decisions_and_their_refusals(people: dict[str, Client], liaisons: dict) -> None:
    activity = open_activity(seats=1, cap=1)
    seated = nominate(liaisons["GEO"], activity, name="Nino Beridze")
    waiting = nominate(liaisons["JOR"], activity, name="Omar Haddad")
    decide = reverse("activities:nomination-decide", args=[waiting.pk])
    full = people["host"].post(decide, {"to": "confirmed"}, follow=True)
    assert full.redirect_chain[-1][0] == desk(activity)
    assert messages_of(full) == ["Cannot confirm: every seat is taken."]
    people["host"].post(
        reverse("activities:nomination-decide", args=[seated.pk]), {"to": "declined"}
    )
    assert Nomination.objects.get(pk=seated.pk).state == NominationState.DECLINED
    assert Nomination.objects.get(pk=waiting.pk).state == NominationState.CONFIRMED  # promoted
    assert people["geo"].post(decide, {"to": "declined"}).status_code == 404
    assert people["analyst"].post(decide, {"to": "declined"}).status_code == 403


def test_attendance_is_recorded_once_the_activity_started(
    people: dict[str, Client], liaisons: dict
) -> None:
    today = dates.today()
    activity = open_activity(start=today, end=today + timedelta(days=2))
    nomination = nominate(liaisons["GEO"], activity, name="Nino Beridze")
    page = people["host"].get(desk(activity))
    assert [label for _v, label in page.context["rows"][0].attendance] == ["Attended", "No-show"]
    url = reverse("activities:nomination-attendance", args=[nomination.pk])
    response = people["host"].post(url, {"attended": "1"}, follow=True)
    assert "Nino Beridze: Attended." in messages_of(response)
    assert Nomination.objects.get(pk=nomination.pk).state == NominationState.ATTENDED

    future = open_activity()
    early = nominate(liaisons["GEO"], future)
    response = people["host"].post(
        reverse("activities:nomination-attendance", args=[early.pk]), {"attended": "1"}, follow=True
    )
    assert messages_of(response) == [f"The activity starts on {future.start}."]


def test_desk_list_groups_the_hosts_activities_by_stage(people: dict[str, Client]) -> None:
    mine = open_activity(title="My open course")
    proposed = proposed_activity(title="My proposal")
    elsewhere = open_activity(host="CCDCOE", title="Cyber course")
    response = people["host"].get(DESKS)
    sections = {
        s["state"]: [a.pk for a, _b in s["activities"]] for s in response.context["sections"]
    }
    assert sections["open"] == [mine.pk]
    assert sections["proposed"] == [proposed.pk]
    assert elsewhere.pk not in sections["open"]
    assert f'href="{desk(mine)}"' in response.content.decode()


# --- the approval queue ---------------------------------------------------------------------


def test_queue_lists_proposals_oldest_first_and_approves_in_place(
    people: dict[str, Client],
) -> None:
    first = proposed_activity(title="First proposal", start=dates.today() + timedelta(days=90))
    second = proposed_activity(title="Second proposal", start=dates.today() + timedelta(days=30))
    approved = activity_in_state(lifecycle.APPROVED, title="Approved one")
    open_activity(title="Already open")
    response = people["coordinator"].get(QUEUE)
    proposed_q, approved_q = response.context["queues"]
    assert [a.pk for a, _b in proposed_q["rows"]] == [first.pk, second.pk]
    assert [a.pk for a, _b in approved_q["rows"]] == [approved.pk]
    assert [b.to for b in approved_q["rows"][0][1]] == ["open", "cancelled"]
    assert "Already open" not in text_of(response)
    url = reverse("activities:activity-transition", args=[first.pk])
    back = people["coordinator"].post(url, {"to": "approved", "next": QUEUE}, follow=True)
    assert back.redirect_chain[-1][0] == QUEUE
    proposed_q, approved_q = back.context["queues"]
    assert [a.pk for a, _b in proposed_q["rows"]] == [second.pk]
    assert first.pk in [a.pk for a, _b in approved_q["rows"]]


# --- my organization's nominations ----------------------------------------------------------


def test_nominations_page_lists_only_the_liaisons_organization_with_filters(
    people: dict[str, Client], liaisons: dict
) -> None:
    today = dates.today()
    this_year = open_activity(start=today + timedelta(days=1), title="Soon")
    next_year = open_activity(start=today.replace(year=today.year + 1, month=6, day=1), title="Far")
    nominate(liaisons["GEO"], this_year, name="Nino Beridze")
    withdrawn = nominate(liaisons["GEO"], next_year, name="Giorgi Kapanadze")
    nominate(liaisons["JOR"], this_year, name="Omar Haddad")
    people["geo"].post(reverse("activities:nomination-withdraw", args=[withdrawn.pk]))

    everything = people["geo"].get(NOMINATIONS)
    names = [row["person"].name for row in everything.context["rows"]]
    assert names == ["Giorgi Kapanadze", "Nino Beridze"]  # latest activity first
    assert "Omar Haddad" not in text_of(everything)
    assert "Nominations of Georgia" in text_of(everything)

    confirmed = people["geo"].get(NOMINATIONS, {"state": "confirmed"})
    assert [r["person"].name for r in confirmed.context["rows"]] == ["Nino Beridze"]
    far = people["geo"].get(NOMINATIONS, {"year": str(today.year + 1)})
    assert [r["person"].name for r in far.context["rows"]] == ["Giorgi Kapanadze"]
    assert f'<option value="{today.year + 1}" selected>' in far.content.decode()
    bad = people["geo"].get(NOMINATIONS, {"year": "1850", "state": "flying"})
    assert bad.status_code == 200
    assert len(bad.context["rows"]) == 2  # rejected filters are left out, and said so
    assert "Select a valid choice" in text_of(bad)


def test_nominations_page_queries_do_not_grow(
    people: dict[str, Client], liaisons: dict, django_assert_max_num_queries: Any
) -> None:
    activity = open_activity(seats=40, cap=None)
    nominate(liaisons["GEO"], activity)
    people["geo"].get(NOMINATIONS)
    with django_assert_max_num_queries(10) as one:
        people["geo"].get(NOMINATIONS)
    for _ in range(30):
        nominate(liaisons["GEO"], open_activity())
    with django_assert_max_num_queries(len(one)):
        response = people["geo"].get(NOMINATIONS)
    assert len(response.context["rows"]) == 31


# --- proposing and editing ------------------------------------------------------------------


def _proposal(**overrides: str) -> dict[str, Any]:
    start = dates.today() + timedelta(days=40)
    data: dict[str, Any] = {
        "title": "Border security course", "title_fr": "Cours de sécurité des frontières",
        "type": "course", "host": HOST, "nature": "military", "primary_area": "border_security",
        "secondary_areas": ["counter_terrorism"], "start": start.isoformat(),
        "end": (start + timedelta(days=4)).isoformat(), "country": "AUT", "city": "Vienna",
        "language": "en", "seats": "16", "per_partner_cap": "2", "mode": "fcfs",
        "clearance": "none", "tuition_cost": "0", "accommodation_cost": "450",
        "eligibility": "frameworks", "eligible_frameworks": ["PfP", "MD"],
        "references": "e-PRIME: EP-2026-77",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_host_proposes_an_activity_through_the_form(people: dict[str, Client]) -> None:
    page = people["host"].get(NEW)
    assert page.status_code == 200
    assert [c[0] for c in page.context["form"].fields["host"].choices] == [HOST]  # own only
    response = people["host"].post(NEW, _proposal(), follow=True)
    assert response.status_code == 200
    activity = Activity.objects.get(title="Border security course")
    assert response.redirect_chain[-1][0] == detail(activity)
    assert activity.state == lifecycle.PROPOSED
    assert activity.title_fr == "Cours de sécurité des frontières"
    assert {fw.code for fw in activity.eligible_frameworks.all()} == {"PfP", "MD"}
    assert [a.code for a in activity.secondary_areas.all()] == ["counter_terrorism"]
    assert {(r.system, r.reference) for r in activity.references.all()} == {
        ("e-PRIME", "EP-2026-77")
    }
    assert f"{activity.code} is proposed; a coordinator will review it." in messages_of(response)


def test_proposal_form_shows_each_error_on_its_field(people: dict[str, Client]) -> None:
    start = dates.today() + timedelta(days=40)
    response = people["host"].post(
        NEW, _proposal(title="", end=(start - timedelta(days=1)).isoformat(), seats="0",
                       references="no colon here")
    )  # fmt: skip
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"title", "seats", "references"} <= set(errors)
    text = text_of(response)
    assert "The activity was not proposed." in text
    # Errors found by the service land on the fields it names.
    response = people["host"].post(
        NEW, _proposal(end=(start - timedelta(days=1)).isoformat(), eligible_frameworks=[])
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "ends" in errors["end"][0] and "before it starts" in errors["end"][0]
    assert errors["eligible_frameworks"] == ["Name at least one framework."]
    assert not Activity.objects.filter(title="Border security course").exists()


def test_a_manager_cannot_propose_for_another_institution(people: dict[str, Client]) -> None:
    response = people["host"].post(NEW, _proposal(host="CCDCOE"))
    assert response.status_code == 400  # not a choice the form offers
    assert "host" in response.context["form"].errors
    assert people["geo"].post(NEW, _proposal()).status_code == 403


def test_host_edits_until_conducted(people: dict[str, Client]) -> None:
    activity = open_activity(title="Old title")
    url = reverse("activities:activity-update", args=[activity.pk])
    page = people["host"].get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form["title"].value() == "Old title"
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["title"] = "New title"
    data["seats"] = "25"
    response = people["host"].post(url, data, follow=True)
    assert "The changes are saved." in messages_of(response)
    assert reload(activity).title == "New title"
    assert reload(activity).seats == 25
    assert people["geo"].get(url).status_code == 403
    done = activity_in_state(lifecycle.CONDUCTED)
    assert (
        people["host"].get(reverse("activities:activity-update", args=[done.pk])).status_code == 403
    )


# --- feedback and report --------------------------------------------------------------------


def _conducted_with(liaisons: dict, *names: tuple[str, str]) -> tuple[Activity, list[Nomination]]:
    from coopsec.activities import services

    today = dates.today()
    activity = open_activity(start=today, end=today + timedelta(days=1), seats=5, cap=3)
    made = [nominate(liaisons[code], activity, name=name) for code, name in names]
    for n in made:
        services.attendance_record(actor=host_actor(activity), nomination_id=n.pk, attended=True)
    services.activity_transition(actor=host_actor(activity), activity_id=activity.pk, to="closed")
    services.activity_transition(
        actor=host_actor(activity), activity_id=activity.pk, to="conducted"
    )
    return reload(activity), made


def test_liaison_enters_feedback_for_an_attended_participant(
    people: dict[str, Client], liaisons: dict
) -> None:
    activity, (nomination,) = _conducted_with(liaisons, ("GEO", "Nino Beridze"))
    page = people["geo"].get(detail(activity))
    assert "Feedback from Nino Beridze" in text_of(page)
    url = reverse("activities:feedback-submit", args=[nomination.pk])
    prefix = f"feedback-{nomination.pk}"
    bad = people["geo"].post(url, {f"{prefix}-relevance": "9", f"{prefix}-quality": "4"})
    assert bad.status_code == 400
    form = next(r.feedback_form for r in bad.context["own_nominations"] if r.feedback_form)
    assert set(form.errors) == {"relevance", "applicability"}
    response = people["geo"].post(
        url,
        {f"{prefix}-relevance": "5", f"{prefix}-quality": "4", f"{prefix}-applicability": "3",
         f"{prefix}-comments": "Hands-on and useful."},
        follow=True,
    )  # fmt: skip
    assert "Thank you: the feedback is recorded." in messages_of(response)
    text = text_of(response)
    assert "relevance 5/5, quality 4/5, applicability 3/5" in text
    assert "Feedback from Nino Beridze" not in text  # the form is gone
    # The host reads it on the desk.
    assert "Feedback: relevance 5, quality 4, applicability 3" in text_of(
        people["host"].get(desk(activity))
    )


def test_host_reports_and_participating_partners_read_it(
    people: dict[str, Client], liaisons: dict
) -> None:
    activity, _made = _conducted_with(liaisons, ("GEO", "Nino Beridze"))
    assert people["geo"].get(detail(activity)).context["report_form"] is None
    page = people["host"].get(detail(activity))
    assert page.context["report_form"] is not None
    url = reverse("activities:report-submit", args=[activity.pk])
    empty = people["host"].post(url, {"summary": ""})
    assert empty.status_code == 400
    assert "summary" in empty.context["report_form"].errors
    response = people["host"].post(
        url, {"summary": "All objectives met.", "lessons": "Start earlier."}, follow=True
    )
    assert reload(activity).state == lifecycle.REPORTED
    assert "All objectives met." in text_of(response)
    assert "All objectives met." in text_of(people["geo"].get(detail(activity)))
    assert "All objectives met." in text_of(people["coordinator"].get(detail(activity)))
    assert "All objectives met." not in text_of(people["jor"].get(detail(activity)))  # took no part
    assert people["geo"].post(url, {"summary": "Mine"}).status_code == 403


# --- notifications --------------------------------------------------------------------------


def test_opening_notifies_the_liaison_and_the_header_counts_it(
    people: dict[str, Client], liaisons: dict
) -> None:
    open_activity(title="Notified course")
    user = liaisons["GEO"]
    assert Notification.objects.filter(user=user, read_at__isnull=True).exists()
    client = Client()
    client.force_login(user)
    html = client.get(MENU).content.decode()
    unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
    assert re.search(rf'class="nav-count">{unread}<', html)
    page = client.get(NOTIFICATIONS)
    assert "Open for nominations:" in text_of(page) and "Notified course" in text_of(page)
    response = client.post(reverse("activities:notification-read"), follow=True)
    assert "All notifications are marked read." in messages_of(response)
    assert 'class="nav-count"' not in response.content.decode()
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()


def test_notifications_are_the_users_own(people: dict[str, Client], liaisons: dict) -> None:
    open_activity(title="Only for liaisons")
    assert text_of(people["analyst"].get(NOTIFICATIONS)).count("Only for liaisons") == 0


# --- no inline script anywhere --------------------------------------------------------------


def test_pages_carry_no_inline_script(people: dict[str, Client], liaisons: dict) -> None:
    activity = open_activity()
    nominate(liaisons["GEO"], activity)
    for who, url in [
        ("geo", MENU), ("geo", detail(activity)), ("geo", NOMINATIONS), ("geo", NOTIFICATIONS),
        ("host", desk(activity)), ("host", NEW), ("host", DESKS), ("coordinator", QUEUE),
        ("host", reverse("activities:activity-update", args=[activity.pk])),
    ]:  # fmt: skip
        html = people[who].get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (url, tag)
        assert not re.search(r"\son[a-z]+\s*=", html), url
        assert "javascript:" not in html


def test_analysts_see_pseudonyms_never_names(people: dict[str, Client], liaisons: dict) -> None:
    activity = open_activity()
    nominate(liaisons["GEO"], activity, name="Nino Beridze", email="nino@example.ge")
    response = people["analyst"].get(NOMINATIONS)
    text = text_of(response)
    assert "Nino Beridze" not in text and "nino@example.ge" not in text
    (row,) = response.context["rows"]
    assert row["person"].name is None
    assert row["person"].identifier in text  # a stable pseudonym instead
    assert "Nominations of" not in text  # staff read every partner's, not "their own"
    assert "Nino Beridze" not in text_of(people["analyst"].get(detail(activity)))
