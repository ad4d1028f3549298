"""The programme pages: who gets what, what each reader sees, forms that refuse bad input
with the reason on the field and change nothing, the review flow, revisions in words, the
evidence behind an assessment, exports, the nomination's link to a planned activity, and
query counts that do not grow with the programme."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from datetime import date
from html import unescape
from typing import Any
from unittest.mock import patch

import pytest
from django.test import Client
from django.urls import reverse

from coopsec.accounts import roles as R
from coopsec.accounts.models import User
from coopsec.activities import lifecycle
from coopsec.activities import services as activity_services
from coopsec.activities.models import Activity, Nomination
from coopsec.programmes.models import (
    Assessment,
    InterestVersion,
    Objective,
    Programme,
    ProgrammeComment,
    ProgrammeItem,
    ProgrammeStatus,
)
from tests.activities import factories as menu
from tests.programmes import factories

DASH = "\N{EN DASH}"  # the pages write a cycle "2027", en dash, "2028"
pytestmark = pytest.mark.django_db

TODAY = date(2027, 1, 15)
LIST = reverse("programmes:programme-list")
QUEUE = reverse("programmes:programme-queue")
CREATE = reverse("programmes:programme-create")

Users = Callable[..., User]
Clients = Callable[[User], Client]


@pytest.fixture(autouse=True)
def frozen_today() -> Iterator[None]:
    """Mid-January 2027: the 2026-2027 cycle has a past year (with attended activities) and
    a current one."""
    with patch("coopsec.network.dates.today", return_value=TODAY):
        yield


def text_of(response: Any) -> str:
    """The page's visible text, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def part(response: Any, element_id: str) -> str:
    """The visible text of the element with this id (up to its closing tag's depth)."""
    html = response.content.decode()
    start = html.index(f'id="{element_id}"')
    tag = html.rfind("<", 0, start)
    name = re.match(r"<(\w+)", html[tag:]).group(1)  # type: ignore[union-attr]
    depth, pos = 0, tag
    for m in re.finditer(rf"<(/?){name}\b[^>]*>", html[tag:]):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            pos = tag + m.end()
            break
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html[tag:pos])).split())


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def detail(programme: Programme) -> str:
    return reverse("programmes:programme-detail", args=[programme.pk])


def action(name: str, programme: Programme) -> str:
    return reverse(f"programmes:{name}", args=[programme.pk])


@pytest.fixture
def users(make_user: Users) -> dict[str, User]:
    return {
        "geo": make_user(R.PARTNER_LIAISON, "GEO", first_name="Levan", last_name="Tsiklauri"),
        "jor": make_user(R.PARTNER_LIAISON, "JOR"),
        "coordinator": make_user(R.COORDINATOR, "NATO", first_name="Ana", last_name="Ionescu"),
        "analyst": make_user(R.ANALYST, "NATO"),
        "manager": make_user(R.INSTITUTION_MANAGER, "PTEC-AUT-AUTINT"),
    }


@pytest.fixture
def clients(users: dict[str, User], client_for: Clients) -> dict[str, Client]:
    return {name: client_for(user) for name, user in users.items()}


# --- interests -----------------------------------------------------------------------------


def test_interests_side_by_side_with_overlap_and_mismatches(
    users: dict[str, User], clients: dict[str, Client]
) -> None:
    factories.interests(users["geo"], {"cyber_defence": 5, "logistics": 2})
    factories.interests(users["coordinator"], {"cyber_defence": 3, "air_defence": 4}, partner="GEO")
    url = reverse("programmes:interests", args=["GEO"])

    response = clients["geo"].get(url)
    assert response.status_code == 200
    # The cosine of (5, 2, 0) and (3, 0, 4) over cyber, logistics, air defence.
    expected = 15 / (math.sqrt(29) * 5)
    assert part(response, "overlap-score") == f"{expected:.2f}" == "0.56"
    assert part(response, "partner-more").startswith("Cyber defence 5 / 3 Logistics 2 / 0")
    assert part(response, "alliance-more").startswith("Air and missile defence 0 / 4")
    html = response.content.decode()
    # The liaison edits the partner column; the alliance's is shown, not editable.
    assert re.search(r'name="cyber_defence"[^>]*value="5"', html)
    assert 'name="air_defence"' in html and "Record the partner's priorities" in html
    # Areas are grouped under their parent area.
    assert "Security challenges" in part(response, "interests")

    response = clients["coordinator"].get(url)
    assert re.search(r'name="air_defence"[^>]*value="4"', response.content.decode())
    assert "Record the alliance's offer" in response.content.decode()

    response = clients["analyst"].get(url)
    assert response.status_code == 200 and "<input" not in part(response, "interests")


def test_recording_interests_keeps_a_version_and_shows_what_changed(
    users: dict[str, User], clients: dict[str, Client]
) -> None:
    factories.interests(users["geo"], {"cyber_defence": 5, "logistics": 2})
    url = reverse("programmes:interests", args=["GEO"])
    response = clients["geo"].post(
        url, {"cyber_defence": "4", "logistics": "2", "note": "After the annual review"}
    )
    assert response.status_code == 302 and response["Location"] == url
    versions = InterestVersion.objects.filter(partner__code="GEO", side="partner")
    assert versions.count() == 2
    history = part(clients["geo"].get(url), "history")
    assert "Partner, version 2" in history
    assert "Changed: Cyber defence 5 → 4" in history
    assert "“After the annual review”" in history
    assert re.search(r"First statement: Cyber defence 5 ?; Logistics 2", history)

    # The coordinator's post records the alliance side, not the partner's.
    response = clients["coordinator"].post(url, {"cyber_defence": "3"})
    assert response.status_code == 302
    assert InterestVersion.objects.filter(partner__code="GEO", side="alliance").count() == 1


def test_bad_priorities_are_refused_on_their_row_and_nothing_is_recorded(
    clients: dict[str, Client],
) -> None:
    url = reverse("programmes:interests", args=["GEO"])
    response = clients["geo"].post(url, {"cyber_defence": "7", "logistics": "two"})
    assert response.status_code == 400
    text = text_of(response)
    assert "The priorities were not recorded." in text
    assert "Ensure this value is less than or equal to 5." in text
    assert "Enter a whole number." in text
    assert not InterestVersion.objects.exists()


def test_interests_of_another_partner_do_not_exist_and_readers_cannot_record(
    clients: dict[str, Client],
) -> None:
    url = reverse("programmes:interests", args=["GEO"])
    assert clients["jor"].get(url).status_code == 404
    assert clients["manager"].get(url).status_code == 404
    assert clients["analyst"].post(url, {"cyber_defence": "3"}).status_code == 403
    assert not InterestVersion.objects.exists()


# --- lists and starting a programme --------------------------------------------------------


def test_the_list_shows_a_liaison_its_own_and_staff_every_partner_filtered(
    users: dict[str, User], clients: dict[str, Client]
) -> None:
    geo = factories.agreed_programme(users["geo"])
    jor = factories.draft_programme(users["jor"], cycle=(2027, 2028))

    text = part(clients["geo"].get(LIST), "programmes")
    assert "Georgia" in text and "Jordan" not in text
    assert text.count(f"ITPP 2026{DASH}2027") == 1

    coordinator = clients["coordinator"]
    assert {"Georgia", "Jordan"} <= set(part(coordinator.get(LIST), "programmes").split())
    only_jordan = part(coordinator.get(LIST, {"partner": "JOR"}), "programmes")
    assert "Jordan" in only_jordan and "Georgia" not in only_jordan
    agreed = coordinator.get(LIST, {"status": "agreed"})
    assert f"programme-{geo.pk}" in agreed.content.decode()
    assert f"programme-{jor.pk}" not in agreed.content.decode()
    bad = coordinator.get(LIST, {"status": "lost"})
    assert bad.status_code == 200 and "These values were left out" in text_of(bad)

    response = clients["manager"].get(LIST)
    assert response.status_code == 200 and "No programme to show." in text_of(response)


def test_list_and_queue_queries_do_not_grow_with_the_programmes(
    make_user: Users, clients: dict[str, Client], django_assert_max_num_queries: Any
) -> None:
    def add(code: str) -> None:
        factories.submitted_programme(make_user(R.PARTNER_LIAISON, code), objectives=2)

    add("GEO")
    add("JOR")
    coordinator = clients["coordinator"]
    with django_assert_max_num_queries(12) as few:
        assert coordinator.get(LIST).status_code == 200
    with django_assert_max_num_queries(12) as few_queue:
        assert coordinator.get(QUEUE).status_code == 200
    for code in ("ARM", "AZE", "UKR", "MDA"):
        add(code)
    with django_assert_max_num_queries(len(few)):
        assert coordinator.get(LIST).status_code == 200
    with django_assert_max_num_queries(len(few_queue)):
        response = coordinator.get(QUEUE)
    assert part(response, "programmes").count(f"ITPP 2026{DASH}2027") == 6


def test_a_liaison_starts_a_draft_and_bad_cycles_are_refused(
    users: dict[str, User], clients: dict[str, Client]
) -> None:
    geo = clients["geo"]
    assert geo.get(CREATE).status_code == 200
    response = geo.post(CREATE, {"type": "ITPP", "cycle_start": "2028", "cycle_end": "2027"})
    assert response.status_code == 400
    assert "The cycle ends (2027) before it starts." in part(response, "id_cycle_end_error")
    assert not Programme.objects.exists()

    response = geo.post(
        CREATE, {"type": "ITPP", "cycle_start": "2027", "cycle_end": "2028", "title": "Next"}
    )
    programme = Programme.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(programme)
    assert (programme.partner.code, programme.status) == ("GEO", ProgrammeStatus.DRAFT)

    response = geo.post(CREATE, {"type": "IPAP", "cycle_start": "2027", "cycle_end": "2028"})
    assert response.status_code == 400
    assert "already has a programme in preparation" in text_of(response)
    assert Programme.objects.count() == 1
    assert clients["coordinator"].get(CREATE).status_code == 403


# --- building a programme ------------------------------------------------------------------


def cyber_course(start: date, **kwargs: Any) -> Activity:
    kwargs.setdefault("title", f"Cyber incident response course {start.year}")
    return menu.open_activity(area="cyber_defence", start=start, cap=None, **kwargs)


def test_the_detail_shows_objectives_progress_actions_and_the_menu_in_the_cycle(
    users: dict[str, User], clients: dict[str, Client]
) -> None:
    programme = factories.draft_programme(users["geo"], cycle=(2027, 2028), objectives=2)
    in_cycle = cyber_course(date(2027, 5, 3))
    jordan_only = menu.open_activity(start=date(2027, 6, 1), organizations=["JOR"])
    too_late = cyber_course(date(2029, 3, 1))

    response = clients["geo"].get(detail(programme))
    assert response.status_code == 200
    text = text_of(response)
    assert f"Georgia: ITPP 2027{DASH}2028" in text and "Draft" in text
    assert "Objective 1" in part(response, "objectives")
    assert "Objective 2" in part(response, "objectives")
    assert "not yet on the menu" in part(response, "objectives")
    assert "Submit for agreement" in text
    progress = part(response, "progress")
    assert "2027" in progress and "2028" in progress and "Planned Nominated Attended" in progress
    results = part(response, "menu-results")
    assert in_cycle.code in results
    assert jordan_only.code not in results and too_late.code not in results
    # Searching narrows the results.
    response = clients["geo"].get(detail(programme), {"q": "nothing like this"})
    assert "No activity on the menu matches" in part(response, "menu")

    # The coordinator reads the draft but may not change it yet; no menu, no submit button.
    response = clients["coordinator"].get(detail(programme))
    assert response.status_code == 200
    assert 'id="menu"' not in response.content.decode()
    assert "Submit for agreement" not in text_of(response)
    assert clients["jor"].get(detail(programme)).status_code == 404
    assert clients["manager"].get(detail(programme)).status_code == 404


def test_picking_from_the_menu_plans_the_activity_for_the_chosen_objective(
    users: dict[str, User], clients: dict[str, Client]
) -> None:
    programme = factories.draft_programme(users["geo"], cycle=(2027, 2028), objectives=2)
    second = programme.objectives.get(title="Objective 2")
    course = cyber_course(date(2027, 5, 3))
    response = clients["geo"].post(
        action("item-add", programme),
        {"activity": course.pk, "objective": second.pk, "planned_seats": "2"},
    )
    assert response.status_code == 302
    assert response["Location"] == detail(programme) + f"#objective-{second.pk}"
    item = ProgrammeItem.objects.get(activity=course)
    assert (item.objective, item.year, item.planned_seats) == (second, 2027, 2)
    page = clients["geo"].get(detail(programme))
    assert course.code in part(page, f"objective-{second.pk}")
    assert "already planned" in part(page, f"menu-activity-{course.pk}")


def test_a_pick_outside_the_cycle_says_why_above_the_results_and_plans_nothing(
    users: dict[str, User], clients: dict[str, Client]
) -> None:
    programme = factories.draft_programme(users["geo"], cycle=(2027, 2028))
    later = cyber_course(date(2029, 3, 1))
    before = ProgrammeItem.objects.count()
    response = clients["geo"].post(
        action("item-add", programme),
        {"activity": later.pk, "objective": programme.objectives.get().pk, "planned_seats": "1"},
    )
    assert response.status_code == 400
    assert "2029 is outside the cycle 2027-2028." in part(response, "pick-errors")
    assert ProgrammeItem.objects.count() == before


def test_planning_a_type_in_an_area_and_year_and_its_errors(
    users: dict[str, User], clients: dict[str, Client]
) -> None:
    programme = factories.draft_programme(users["geo"], cycle=(2027, 2028))
    goal = programme.objectives.get()
    url = action("item-add", programme)
    before = ProgrammeItem.objects.count()
    response = clients["geo"].post(
        url, {"objective": goal.pk, "area": "cyber_defence", "planned_seats": "60"}
    )
    assert response.status_code == 400
    assert "The year it is planned for." in part(response, "plan-year_error")
    assert "From 1 to 50." in part(response, "plan-planned_seats_error")
    assert ProgrammeItem.objects.count() == before

    response = clients["geo"].post(
        url,
        {"objective": goal.pk, "area": "cyber_defence", "activity_type": "exercise",
         "year": "2028", "planned_seats": "3", "note": "Locked Shields partner cell"},
    )  # fmt: skip
    assert response.status_code == 302
    item = ProgrammeItem.objects.get(activity_type="exercise")
    assert (item.year, item.planned_seats, item.area.code) == (2028, 3, "cyber_defence")
    assert "Exercise in Cyber defence, 2028" in text_of(clients["geo"].get(detail(programme)))


def test_objective_form_errors_name_the_fields_and_change_nothing(
    users: dict[str, User], clients: dict[str, Client]
) -> None:
    programme = factories.draft_programme(users["geo"], cycle=(2027, 2028))
    url = action("objective-add", programme)
    response = clients["geo"].post(
        url,
        {"title": "", "area": "cyber_defence", "indicator": "Exercises joined",
         "target": "2", "target_date": "2031-01-01"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "This field is required." in part(response, "objective-title_error")
    assert Objective.objects.filter(programme=programme).count() == 1
    response = clients["geo"].post(
        url,
        {"title": "Join a cyber exercise", "area": "cyber_defence",
         "indicator": "Exercises joined", "target": "2", "target_date": "2031-01-01"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "is outside the cycle 2027-2028" in part(response, "objective-target_date_error")
    assert Objective.objects.filter(programme=programme).count() == 1

    response = clients["geo"].post(
        url,
        {"title": "Join a cyber exercise", "area": "security", "indicator": "Exercises joined",
         "target": "2", "target_date": "2028-11-30"},
    )  # fmt: skip
    assert response.status_code == 302
    goal = Objective.objects.get(title="Join a cyber exercise")
    assert (goal.area.code, goal.proposed_by) == ("security", "partner")


def test_editing_and_removing_objectives_and_planned_activities(
    users: dict[str, User], clients: dict[str, Client]
) -> None:
    programme = factories.draft_programme(users["geo"], cycle=(2027, 2028), objectives=2)
    first, second = programme.objectives.order_by("position")
    item = first.items.get()
    geo = clients["geo"]

    url = reverse("programmes:objective-update", args=[first.pk])
    assert geo.get(url).status_code == 200
    response = geo.post(
        url,
        {"title": "Train cyber incident responders", "area": "cyber_defence",
         "indicator": "Officers trained", "target": "6 officers", "target_date": "2028-12-31"},
    )  # fmt: skip
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.title, first.target) == ("Train cyber incident responders", "6 officers")

    url = reverse("programmes:item-update", args=[programme.pk, item.pk])
    response = geo.post(
        url, {"objective": second.pk, "area": "logistics", "year": "2028", "planned_seats": "4"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.objective, item.area.code, item.year, item.planned_seats) == (
        second, "logistics", 2028, 4,
    )  # fmt: skip
    response = geo.post(url, {"objective": second.pk, "area": "logistics", "year": "2030",
                              "planned_seats": "4"})  # fmt: skip
    assert response.status_code == 400  # 2030 is not a year of the cycle
    assert "Select a valid choice" not in text_of(response)
    assert "2030 is outside the cycle 2027-2028." in part(response, "id_year_error")

    response = geo.post(reverse("programmes:item-remove", args=[programme.pk, item.pk]))
    assert response.status_code == 302 and not ProgrammeItem.objects.filter(pk=item.pk).exists()
    response = geo.post(reverse("programmes:objective-remove", args=[second.pk]))
    assert response.status_code == 302 and not Objective.objects.filter(pk=second.pk).exists()
    assert "and its planned activities are removed" in " ".join(messages_of(geo.get(LIST)))

    # The coordinator may not change a draft: the edit pages say so.
    coordinator = clients["coordinator"]
    assert (
        coordinator.get(reverse("programmes:objective-update", args=[first.pk])).status_code == 403
    )


def test_detail_queries_do_not_grow_with_objectives_and_items(
    users: dict[str, User], clients: dict[str, Client], django_assert_max_num_queries: Any
) -> None:
    small = factories.agreed_programme(users["geo"])
    big = factories.agreed_programme(users["jor"], objectives=4)
    for goal in big.objectives.all():
        factories.item(users["jor"], big, goal, year=2027)
        factories.assess(users["jor"], goal)
        factories.assess(users["coordinator"], goal)
    for code in ("MNE", "SRB"):
        cyber_course(date(2027, 3, 1), title=f"Course {code}")
    coordinator = clients["coordinator"]
    with django_assert_max_num_queries(40) as few:
        assert coordinator.get(detail(small)).status_code == 200
    with django_assert_max_num_queries(len(few)):
        response = coordinator.get(detail(big))
    assert response.status_code == 200
    assert part(response, "objectives").count("On track") == 8


# --- review --------------------------------------------------------------------------------


def test_submit_review_return_and_agree(users: dict[str, User], clients: dict[str, Client]) -> None:
    programme = factories.draft_programme(users["geo"], cycle=(2027, 2028))
    geo, coordinator = clients["geo"], clients["coordinator"]

    response = geo.post(action("programme-submit", programme))
    assert response.status_code == 302
    assert "the coordinators review it" in messages_of(geo.get(detail(programme)))[0]
    page = coordinator.get(QUEUE)
    assert f"programme-{programme.pk}" in page.content.decode()
    assert "Georgia" in part(page, "programmes")

    response = coordinator.post(action("programme-return", programme), {"comment": " "})
    assert response.status_code == 400
    assert "This field is required." in part(response, "return-form")
    response = coordinator.post(
        action("programme-return", programme), {"comment": "Add a target date per objective."}
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.DRAFT
    assert "Add a target date per objective." in part(geo.get(detail(programme)), "comments")

    geo.post(action("programme-comment", programme), {"text": "Dates added."})
    assert ProgrammeComment.objects.filter(programme=programme, side="partner").exists()
    geo.post(action("programme-submit", programme))
    response = coordinator.post(action("programme-agree", programme), {"note": "Agreed at PCM"})
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.AGREED
    page = coordinator.get(detail(programme))
    assert "The programme is agreed; its objectives are agreed too." in messages_of(page)
    assert "Ana Ionescu" in text_of(geo.get(detail(programme)))  # who agreed, for the partner


def test_submitting_an_unready_draft_says_what_is_missing(
    users: dict[str, User], clients: dict[str, Client]
) -> None:
    programme = factories.draft_programme(users["geo"], objectives=0)
    factories.objective(users["geo"], programme, title="Build a CBRN unit")
    response = clients["geo"].post(action("programme-submit", programme), follow=True)
    assert "Plan at least one activity for: Build a CBRN unit" in messages_of(response)[0]
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.DRAFT


# --- revisions -----------------------------------------------------------------------------


def test_revisions_say_what_changed_in_plain_words(
    users: dict[str, User], clients: dict[str, Client]
) -> None:
    programme = factories.submitted_programme(users["geo"], cycle=(2027, 2028))
    goal = programme.objectives.get()
    item = goal.items.get()
    coordinator = clients["coordinator"]
    coordinator.post(
        reverse("programmes:item-update", args=[programme.pk, item.pk]),
        {"objective": goal.pk, "area": "cyber_defence", "year": "2027", "planned_seats": "3"},
    )
    coordinator.post(action("programme-agree", programme))
    url = action("programme-revisions", programme)

    response = clients["geo"].get(url)
    assert response.status_code == 200
    diff = part(response, "diff")
    assert "What changed from revision 1 to revision 2" in diff
    assert "Changed An activity in Cyber defence, 2027 Seats: 1 → 3" in diff
    assert "Agreed: no → yes" in diff  # the objective became agreed

    # A change after agreement is a new revision: an added planned activity.
    course = cyber_course(date(2027, 9, 6))
    factories.item(users["geo"], programme, goal, activity=course)
    diff = part(clients["geo"].get(url), "diff")
    assert "What changed from revision 2 to revision 3" in diff
    assert f"Added {course.code} {course.title}" in diff
    # Any two revisions can be compared; the first one lists everything as added.
    first = part(clients["geo"].get(url, {"after": "1"}), "diff")
    assert "Revision 1: the first one" in first and "Added Objective 1" in first
    assert clients["geo"].get(url, {"after": "9"}).status_code == 404


# --- assessments ---------------------------------------------------------------------------


def attend(liaison: User, course: Activity, item: ProgrammeItem) -> None:
    """GEO's participant, nominated for `item`, attends `course`, gives feedback 5/4/3, and
    the host reports."""
    nomination = activity_services.nomination_create(
        actor=menu.as_actor(liaison),
        activity_id=course.pk,
        participant=activity_services.ParticipantInput(name="Nino Beridze"),
        programme_item=item.pk,
    )
    host = menu.host_actor(course)
    activity_services.attendance_record(actor=host, nomination_id=nomination.pk, attended=True)
    activity_services.feedback_submit(
        actor=menu.as_actor(liaison),
        nomination_id=nomination.pk,
        data=activity_services.FeedbackInput(relevance=5, quality=4, applicability=3),
    )
    menu.advance(course, lifecycle.CLOSED)
    menu.advance(course, lifecycle.CONDUCTED)
    activity_services.report_submit(
        actor=host,
        activity_id=course.pk,
        data=activity_services.ReportInput(summary="Twelve responders trained on live kit."),
    )


def test_the_assessment_page_shows_the_evidence_and_records_a_rating(
    users: dict[str, User], clients: dict[str, Client]
) -> None:
    programme = factories.agreed_programme(users["geo"])
    goal = programme.objectives.get()
    attended = cyber_course(date(2026, 9, 7))
    attend(users["geo"], attended, factories.item(users["geo"], programme, goal, activity=attended))
    url = reverse("programmes:objective-assessment", args=[goal.pk])

    response = clients["geo"].get(url, {"period": "2026"})
    assert response.status_code == 200
    evidence = part(response, "evidence")
    assert attended.code in evidence and "Twelve responders trained" in evidence
    assert "Nominated for this objective's planned activity" in evidence
    assert part(response, "evidence-attended") == "1"
    assert part(response, "evidence-feedback") == "5.0"
    assert "quality 4.0, applicability 3.0" in evidence
    # The default period is this year; its evidence is empty so far.
    assert "No attended activity" in part(clients["geo"].get(url), "evidence")

    response = clients["geo"].post(url, {"period": "2026", "rating": "bogus", "narrative": "x"})
    assert response.status_code == 400
    assert "Select a valid choice." in text_of(response)
    assert not Assessment.objects.filter(objective=goal, period="2026", side="partner").exists()

    response = clients["geo"].post(
        url, {"period": "2026", "rating": "on_track", "narrative": "Responders trained."}
    )
    assert response.status_code == 302 and response["Location"] == f"{url}?period=2026"
    assessment = Assessment.objects.get(objective=goal, period="2026", side="partner")
    assert assessment.rating == "on_track"
    assert assessment.evidence["attended"] == 1
    assert assessment.evidence["activities"][0]["code"] == attended.code
    response = clients["coordinator"].post(url, {"period": "2026-H2", "rating": "at_risk"})
    assert Assessment.objects.get(objective=goal, period="2026-H2").side == "alliance"

    # Readers see the evidence and the assessments, without the form; they may not rate.
    response = clients["analyst"].get(url, {"period": "2026"})
    assert response.status_code == 200 and 'name="rating"' not in response.content.decode()
    assert "Responders trained." in part(response, "assessments")
    assert clients["analyst"].post(url, {"period": "2026", "rating": "achieved"}).status_code == 403
    assert clients["jor"].get(url).status_code == 404


def test_a_draft_is_not_assessed_yet(users: dict[str, User], clients: dict[str, Client]) -> None:
    goal = factories.draft_programme(users["geo"]).objectives.get()
    url = reverse("programmes:objective-assessment", args=[goal.pk])
    response = clients["geo"].get(url)
    assert response.status_code == 200
    assert "Objectives are assessed once the programme is agreed." in text_of(response)
    response = clients["geo"].post(url, {"period": "2026", "rating": "on_track"})
    assert response.status_code == 400 and not Assessment.objects.exists()


def test_the_dashboard_shows_every_objective_over_the_periods(
    users: dict[str, User], clients: dict[str, Client]
) -> None:
    programme = factories.agreed_programme(users["geo"], objectives=2)
    first, second = programme.objectives.order_by("position")
    factories.assess(users["geo"], first, period="2026-H1", rating="at_risk")
    factories.assess(users["geo"], first, period="2026-H2", rating="on_track")
    factories.assess(users["coordinator"], first, period="2026-H2", rating="achieved")
    factories.assess(users["geo"], second, period="2026", rating="not_started")
    url = reverse("programmes:assessment-dashboard", args=["GEO"])

    response = clients["coordinator"].get(url)
    assert response.status_code == 200
    rows = re.findall(r"<tr>(.*?)</tr>", response.content.decode(), flags=re.S)
    header = " ".join(unescape(re.sub(r"<[^>]+>", " ", rows[0])).split())
    assert header == "Objective 2026 2026-H1 2026-H2"
    first_row = " ".join(unescape(re.sub(r"<[^>]+>", " ", rows[1])).split())
    assert first_row == (
        "Objective 1 Cyber defence · Not assessed Partner At risk Partner On track "
        "Alliance Achieved"
    )
    assert clients["jor"].get(url).status_code == 404


# --- exports -------------------------------------------------------------------------------


def test_exports_are_attachments_named_after_the_programme(
    users: dict[str, User], clients: dict[str, Client]
) -> None:
    programme = factories.agreed_programme(users["geo"])
    pdf = clients["geo"].get(reverse("programmes:programme-export", args=[programme.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="ITPP-GEO-2026-2027.pdf"'
    assert pdf.content.startswith(b"%PDF")
    xlsx = clients["geo"].get(reverse("programmes:programme-export", args=[programme.pk, "xlsx"]))
    assert xlsx["Content-Disposition"] == 'attachment; filename="ITPP-GEO-2026-2027.xlsx"'
    assert xlsx.content.startswith(b"PK")
    assert (
        clients["jor"]
        .get(reverse("programmes:programme-export", args=[programme.pk, "pdf"]))
        .status_code
        == 404
    )


# --- the nomination's planned activity -----------------------------------------------------


def test_a_nomination_names_the_planned_activity_it_serves(
    users: dict[str, User], clients: dict[str, Client]
) -> None:
    programme = factories.agreed_programme(users["geo"], cycle=(2027, 2028))
    goal = programme.objectives.get()
    course = cyber_course(date(2027, 4, 5))
    planned = factories.item(users["geo"], programme, goal, activity=course)
    page_url = reverse("activities:activity-detail", args=[course.pk])

    page = clients["geo"].get(page_url)
    form = part(page, "nominate")
    assert "Serves the programme's planned activity" in form
    assert "ITPP 2027-2028 · Objective 1 · this activity" in form
    # The area-and-year plan of the same objective fits too (cyber defence, 2027).
    assert "ITPP 2027-2028 · Objective 1 · An activity in Cyber defence, 2027" in form
    assert re.search(rf'<option value="{planned.pk}" selected>', page.content.decode())

    response = clients["geo"].post(
        reverse("activities:nomination-create", args=[course.pk]),
        {"name": "Giorgi Kapanadze", "priority": "1", "programme_item": str(planned.pk)},
    )
    assert response.status_code == 302
    assert Nomination.objects.get(activity=course).programme_item == planned
    progress = part(clients["geo"].get(detail(programme)), "progress")
    assert progress.startswith("Progress") and "Objective 1 2 1 0" in progress

    # An item that does not fit is refused on the field.
    other = menu.open_activity(area="logistics", start=date(2027, 4, 5), cap=None)
    response = clients["geo"].post(
        reverse("activities:nomination-create", args=[other.pk]),
        {"name": "Giorgi Kapanadze", "priority": "1", "programme_item": str(planned.pk)},
    )
    assert response.status_code == 400
    assert "No planned activity of your partnership programme fits this activity." in part(
        response, "nominate"
    )
    assert not Nomination.objects.filter(activity=other).exists()
    # Jordan has no programme: its form has no such field.
    assert "programme_item" not in clients["jor"].get(page_url).content.decode()


# --- navigation ----------------------------------------------------------------------------


def test_navigation_shows_each_role_its_programme_pages(clients: dict[str, Client]) -> None:
    def entries(name: str) -> str:
        html = clients[name].get(LIST).content.decode()
        return part_html(html, "site-nav")

    geo = entries("geo")
    assert reverse("programmes:interests", args=["GEO"]) in geo
    assert ">My interests<" in geo and ">My programme<" in geo and "Programme queue" not in geo
    coordinator = entries("coordinator")
    assert ">Programme queue<" in coordinator and ">Programmes<" in coordinator
    assert "My interests" not in coordinator
    analyst = entries("analyst")
    assert ">Programmes<" in analyst and "Programme queue" not in analyst
    assert "Programme" not in entries("manager")


def part_html(html: str, css_class: str) -> str:
    start = html.index(f'class="{css_class}"')
    return html[start : html.index("</nav>", start)]
