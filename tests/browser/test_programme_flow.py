"""A partnership programme's whole life in Chromium (issue 5, "Done when"): a liaison states
its partner's interests, drafts a programme with two objectives and three activities picked
from the menu (search and pick, and one dragged onto its objective), submits it; the
coordinator changes one planned activity and agrees the programme; the liaison reads the
difference between the revisions, nominates for a planned activity, and once the host has
recorded attendance and the participant's feedback is in, the assessment page shows that
evidence and records the partner's rating.

"Today" is frozen (coopsec.network.dates.today) and moved on once, past the first course, so
that attendance is recorded for an activity that has really started. Screenshots of the key
screens land in the test artifacts directory as programme-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest

from coopsec.accounts import roles as R
from coopsec.accounts.models import User
from coopsec.activities import lifecycle
from coopsec.activities import services as activity_services
from coopsec.activities.models import Activity, Nomination
from coopsec.programmes.models import Assessment, Programme, ProgrammeStatus
from tests.activities import factories as menu
from tests.browser.test_activity_lifecycle import flash, nav, no_overflow, sign_in, sign_out
from tests.programmes import factories

DASH = "\N{EN DASH}"  # the pages write a cycle "2027", en dash, "2028"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CYBER = "Build a national cyber incident response capability"
CBRN = "Prepare CBRN first responders"


@pytest.fixture
def problems(page: Any) -> Iterator[list[str]]:
    """Console errors and failed requests; a page under `script-src 'self'` must have none."""
    seen: list[str] = []
    page.on("console", lambda msg: seen.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: seen.append(str(exc)))
    page.on("response", lambda r: seen.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    yield seen


@pytest.fixture
def today() -> Iterator[Any]:
    with patch("coopsec.network.dates.today", return_value=date(2027, 2, 1)) as frozen:
        yield frozen


def course(title: str, area: str, start: date, *, host: str = "CCDCOE", **kw: Any) -> Activity:
    return menu.open_activity(
        title=title, area=area, start=start, host=host, seats=12, cap=3, **kw
    )  # fmt: skip


def pick(page: Any, activity: Activity, objective: str, seats: int | None = None) -> None:
    """Search the menu for the activity's code and plan it for `objective` with the row's
    own form (no JavaScript needed)."""
    page.locator("#menu").get_by_label("Search the menu").fill(activity.code)
    page.locator("#menu").get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(rf".*\?q={activity.code}.*"))
    row = page.locator(f"#menu-activity-{activity.pk}")
    assert page.locator(".menu-result").count() == 1
    row.get_by_label("Plan for objective").select_option(label=objective)
    if seats is not None:
        row.get_by_label("Seats").fill(str(seats))
    row.get_by_role("button", name=f"Plan {activity.code}").click()
    page.wait_for_url(re.compile(r".*/programmes/\d+/#objective-\d+$"))
    assert f"{activity.code} is planned for “{objective}”." in flash(page)


def add_objective(page: Any, title: str, area: str, indicator: str, target: str) -> None:
    form = page.locator("#add-objective")
    if form.get_attribute("open") is None:
        form.locator("summary").click()
    form.get_by_label("Objective", exact=True).fill(title)
    form.get_by_label("Cooperation area").select_option(area)
    form.get_by_label("Indicator").fill(indicator)
    form.get_by_label("Baseline").fill("None today")
    form.get_by_label("Target", exact=True).fill(target)
    form.get_by_label("Target date").fill("2028-06-30")
    form.get_by_role("button", name="Add the objective").click()
    page.wait_for_url(re.compile(r".*#objective-\d+$"))
    assert f"Objective “{title}” is added." in flash(page)


def test_a_programme_from_interests_to_assessment(
    page: Any,
    live_server: Any,
    reference: None,
    make_user: Callable[..., User],
    artifacts: Path,
    problems: list[str],
    today: Any,
) -> None:
    georgia = make_user(R.PARTNER_LIAISON, "GEO", first_name="Levan", last_name="Tsiklauri")
    coordinator = make_user(R.COORDINATOR, "NATO", first_name="Ana", last_name="Ionescu")
    factories.interests(
        coordinator,
        {"cyber_defence": 4, "defence_reform": 5, "cbrn_defence": 2, "maritime_security": 3},
        partner="GEO",
    )
    response_course = course(
        "Cyber incident response course", "cyber_defence", date(2027, 3, 8),
        city="Tallinn", country="EST",
    )  # fmt: skip
    locked_shields = course(
        "Cyber defence exercise Locked Shields (partner cell)", "cyber_defence",
        date(2027, 4, 19), type="exercise", city="Tallinn", country="EST",
    )  # fmt: skip
    first_responders = course(
        "CBRN first responders course", "cbrn_defence", date(2027, 5, 10),
        host="PTEC-AUT-AUTINT", city="Vienna", country="AUT",
    )  # fmt: skip
    course("Maritime situational awareness course", "maritime_security", date(2027, 6, 7),
           host="PTEC-AUT-AUTINT", online=True)  # fmt: skip
    too_late = course("Cyber range course 2029", "cyber_defence", date(2029, 3, 5))

    # 1. Georgia states its interests next to the alliance's offer.
    sign_in(page, live_server, georgia)
    nav(page, "My interests")
    page.wait_for_url("**/programmes/partners/GEO/interests/")
    table = page.locator("#interests")
    for label, value in (("Cyber defence", "5"), ("CBRN defence", "4"), ("Border security", "3"),
                         ("Logistics", "1")):  # fmt: skip
        table.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Note").fill("Priorities of the 2027 national defence review")
    page.get_by_role("button", name="Record the partner's priorities").click()
    page.wait_for_url("**/programmes/partners/GEO/interests/")
    assert "Georgia's priorities are recorded." in flash(page)
    # (5, 4, 3, 1) against (4, 2, 0, 0) plus reform 5 and maritime 3 on the alliance side.
    assert page.locator("#overlap-score").inner_text() == "0.53"
    assert page.locator("#partner-more li").first.inner_text().startswith("Border security")
    assert page.locator("#alliance-more li").first.inner_text().startswith("Defence reform")
    assert "First statement:" in page.locator("#history").inner_text()
    page.screenshot(path=str(artifacts / "programme-interests.png"), full_page=True)

    # 2. Georgia starts a draft and states two objectives.
    nav(page, "My programme")
    page.get_by_role("link", name="Start a programme").click()
    page.wait_for_url("**/programmes/new/")
    page.get_by_label("Programme type").select_option("ITPP")
    page.get_by_label("First year of the cycle").fill("2027")
    page.get_by_label("Last year of the cycle").fill("2028")
    page.get_by_role("button", name="Start the draft").click()
    page.wait_for_url(re.compile(r".*/programmes/\d+/$"))
    programme = Programme.objects.get(partner__code="GEO")
    add_objective(page, CYBER, "cyber_defence", "Incident responders trained", "12 responders")
    add_objective(page, CBRN, "cbrn_defence", "First responders trained", "8 responders")

    # 3. Three activities from the menu: the menu lists only those in the cycle.
    results = page.locator("#menu-results").inner_text()
    assert response_course.code in results and too_late.code not in results
    pick(page, response_course, CYBER)
    pick(page, locked_shields, CYBER, seats=2)
    # The third is dragged onto its objective (programmes.js posts the row's own form).
    page.locator("#menu").get_by_label("Search the menu").fill("CBRN")
    page.locator("#menu").get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r".*\?q=CBRN.*"))
    cbrn_goal = programme.objectives.get(title=CBRN)
    # A real mouse drag: both ends on screen at once (a drag does not scroll the page).
    page.set_viewport_size({"width": 1280, "height": 1600})
    target = page.locator(f"#objective-{cbrn_goal.pk}")
    target.scroll_into_view_if_needed()
    page.locator(f"#menu-activity-{first_responders.pk}").drag_to(
        target, source_position={"x": 6, "y": 6}
    )
    page.wait_for_url(re.compile(rf".*#objective-{cbrn_goal.pk}$"))
    assert f"{first_responders.code} is planned for “{CBRN}”." in flash(page)
    assert first_responders.code in page.locator(f"#objective-{cbrn_goal.pk}").inner_text()
    assert programme.items.count() == 3
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(artifacts / "programme-draft.png"), full_page=True)

    # 4. Georgia submits.
    page.get_by_role("button", name="Submit for agreement").click()
    page.wait_for_url(f"**/programmes/{programme.pk}/")
    assert "The programme is submitted; the coordinators review it." in flash(page)
    sign_out(page)

    # 5. The coordinator finds it in the queue, gives Locked Shields one more seat, agrees.
    sign_in(page, live_server, coordinator)
    nav(page, "Programme queue")
    page.wait_for_url("**/programmes/queue/")
    row = page.locator(f"#programme-{programme.pk}")
    assert "Georgia" in row.inner_text()
    page.screenshot(path=str(artifacts / "programme-queue.png"), full_page=True)
    row.get_by_role("link", name=f"ITPP 2027{DASH}2028").click()
    page.wait_for_url(f"**/programmes/{programme.pk}/")
    page.get_by_role("link", name=f"Change {locked_shields.code}").click()
    page.wait_for_url("**/edit/")
    page.get_by_label("Seats").fill("3")
    page.get_by_label("Note").fill("One more seat from the alliance's offer")
    page.get_by_role("button", name="Save the change").click()
    page.wait_for_url(re.compile(r".*#objective-\d+$"))
    assert "The planned activity is saved." in flash(page)
    page.screenshot(path=str(artifacts / "programme-review.png"), full_page=True)
    page.locator("#agree-form").get_by_label("Note for the record").fill("PCM of 1 February")
    page.get_by_role("button", name="Agree the programme").click()
    page.wait_for_url(f"**/programmes/{programme.pk}/")
    assert "The programme is agreed" in flash(page)
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.AGREED
    sign_out(page)

    # 6. Georgia reads what the coordinator changed.
    sign_in(page, live_server, georgia)
    nav(page, "My programme")
    page.get_by_role("link", name=f"ITPP 2027{DASH}2028").click()
    page.get_by_role("link", name="Revisions").click()
    page.wait_for_url(f"**/programmes/{programme.pk}/revisions/")
    diff = page.locator("#diff").inner_text()
    assert "What changed from revision 1 to revision 2" in diff
    changed = page.locator(".diff-entry--changed", has_text=locked_shields.code)
    assert "Seats: 2 → 3" in changed.inner_text()
    assert "Note: — → One more seat from the alliance's offer" in changed.inner_text()
    page.screenshot(path=str(artifacts / "programme-revisions.png"), full_page=True)

    # 7. Georgia nominates for the first course, naming the planned activity it serves.
    page.goto(f"{live_server.url}/activities/{response_course.pk}/")
    nominate = page.locator("#nominate")
    nominate.get_by_label("Participant's name").fill("Nino Beridze")
    serves = nominate.get_by_label("Serves the programme's planned activity")
    assert CYBER in serves.locator("option:checked").inner_text()
    nominate.get_by_role("button", name="Nominate").click()
    page.wait_for_url(f"**/activities/{response_course.pk}/**")
    assert "Nino Beridze is nominated: Confirmed." in flash(page)
    nomination = Nomination.objects.get(activity=response_course)
    assert nomination.programme_item is not None
    assert nomination.programme_item.activity_id == response_course.pk

    # 8. The course takes place: the host records attendance, the feedback comes in, the
    # host reports (through the services, as the activity pages' own test does on screen).
    today.return_value = date(2027, 3, 22)
    host = menu.host_actor(response_course)
    activity_services.attendance_record(actor=host, nomination_id=nomination.pk, attended=True)
    activity_services.feedback_submit(
        actor=menu.as_actor(georgia),
        nomination_id=nomination.pk,
        data=activity_services.FeedbackInput(relevance=5, quality=4, applicability=4),
    )
    menu.advance(response_course, lifecycle.CLOSED)
    menu.advance(response_course, lifecycle.CONDUCTED)
    activity_services.report_submit(
        actor=host,
        activity_id=response_course.pk,
        data=activity_services.ReportInput(summary="Twelve responders drilled on a live range."),
    )

    # 9. The programme shows it attended; the assessment page shows the evidence.
    page.goto(f"{live_server.url}/programmes/{programme.pk}/")
    progress = page.locator("#progress tbody tr", has_text=CYBER).inner_text().split()
    assert progress[-3:] == ["4", "1", "1"]  # seats planned (1 + 3), nominated, attended
    page.get_by_role("link", name=f"Evidence and assessment {CYBER}").click()
    page.wait_for_url("**/assessment/")
    evidence = page.locator("#evidence")
    assert response_course.code in evidence.inner_text()
    assert "Twelve responders drilled" in evidence.inner_text()
    assert page.locator("#evidence-attended").inner_text() == "1"
    assert page.locator("#evidence-feedback").inner_text() == "5.0"
    page.get_by_label("On track").check()
    page.get_by_label("Narrative").fill("The first responders are trained; the exercise follows.")
    page.get_by_role("button", name="Record the assessment").click()
    page.wait_for_url("**/assessment/?period=2027")
    assert "The assessment for 2027 is recorded." in flash(page)
    assessment = Assessment.objects.get(objective__title=CYBER)
    assert (assessment.side, assessment.rating) == ("partner", "on_track")
    assert assessment.evidence["activities"][0]["code"] == response_course.code
    page.screenshot(path=str(artifacts / "programme-assessment.png"), full_page=True)
    page.get_by_role("link", name="All objectives over time").click()
    page.wait_for_url("**/programmes/partners/GEO/assessments/")
    assert "On track" in page.locator(".trajectory-table").first.inner_text()
    page.screenshot(path=str(artifacts / "programme-dashboard.png"), full_page=True)

    # A phone-sized screen: the programme fits the width.
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{live_server.url}/programmes/{programme.pk}/")
    no_overflow(page)
    page.screenshot(path=str(artifacts / "programme-detail-375.png"), full_page=True)
    assert problems == []
