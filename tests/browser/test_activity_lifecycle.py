"""The cooperation menu's whole lifecycle in Chromium, each role signing in through the form:
the host proposes, the coordinator approves and opens, two partners nominate, the host
records attendance and closes, a partner enters feedback, the host reports.

Screenshots of the key screens land in the test artifacts directory.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from coopsec.accounts import roles as R
from coopsec.accounts.models import User
from coopsec.activities.models import Activity, Nomination
from coopsec.network import dates
from tests.activities import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
TITLE = "Border security and CBRN awareness course"


@pytest.fixture
def problems(page: Any) -> Iterator[list[str]]:
    """Console errors and failed requests; a page under `script-src 'self'` must have none."""
    seen: list[str] = []
    page.on("console", lambda msg: seen.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: seen.append(str(exc)))
    page.on("response", lambda r: seen.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    yield seen


def sign_in(page: Any, live_server: Any, user: User) -> None:
    page.goto(f"{live_server.url}/login/")
    form = page.locator("form.form-stack")
    form.get_by_label("Username").fill(user.username)
    form.get_by_label("Password").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/network/.*"))


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login/")


def nav(page: Any, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()


def flash(page: Any) -> str:
    return str(page.locator(".messages").inner_text())


def no_overflow(page: Any) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


def test_activity_lifecycle_for_every_role(
    page: Any,
    live_server: Any,
    reference: None,
    make_user: Callable[..., User],
    artifacts: Path,
    problems: list[str],
) -> None:
    host = make_user(R.INSTITUTION_MANAGER, "PTEC-AUT-AUTINT", first_name="Anna", last_name="Huber")
    coordinator = make_user(R.COORDINATOR, "NATO", first_name="Ana", last_name="Ionescu")
    georgia = make_user(R.PARTNER_LIAISON, "GEO", first_name="Levan", last_name="Tsiklauri")
    jordan = make_user(R.PARTNER_LIAISON, "JOR", first_name="Rania", last_name="Khalil")
    today = dates.today()
    # Other entries on the menu, so that it looks like a working day.
    for title, host_code, kind, area, days, seats, extra in [
        ("Cyber defence exercise Locked Shields (partner cell)", "CCDCOE", "exercise",
         "cyber_defence", 20, 12, {"city": "Tallinn", "country": "EST"}),
        ("Building integrity in defence institutions", "PTEC-AUT-AUTINT", "seminar",
         "defence_reform", 35, 30, {"online": True}),
        ("Maritime situational awareness course", "PTEC-AUT-AUTINT", "course",
         "maritime_security", 50, 2, {"city": "Vienna", "country": "AUT"}),
    ]:  # fmt: skip
        other = factories.open_activity(
            seats=seats, cap=1, host=host_code, area=area, start=today + timedelta(days=days),
            title=title, type=kind, **extra,
        )  # fmt: skip
        if seats == 2:
            factories.nominate(factories.liaison("ARM"), other)
            factories.nominate(factories.liaison("AZE"), other)

    # 1. The host proposes an activity starting today.
    sign_in(page, live_server, host)
    nav(page, "Activities")
    page.get_by_role("link", name="Propose an activity").click()
    page.wait_for_url("**/activities/new/")
    page.get_by_label("Title (English)").fill(TITLE)
    page.get_by_label("Title (French)").fill("Cours de sécurité des frontières et NRBC")
    page.get_by_label("Type").select_option("course")
    page.get_by_label("Nature").select_option("military")
    page.get_by_label("Description (English)").fill(
        "Five days on border management and the first response to CBRN incidents, "
        "with a table-top exercise on the last day."
    )
    page.get_by_label("Primary cooperation area").select_option("border_security")
    page.locator("[data-field='secondary_areas']").get_by_label("CBRN defence").check()
    page.get_by_label("Starts").fill(today.isoformat())
    page.get_by_label("Ends").fill((today + timedelta(days=4)).isoformat())
    page.get_by_label("Country").select_option("AUT")
    page.get_by_label("City").fill("Götzendorf an der Leitha")
    page.get_by_label("Seats", exact=True).fill("4")
    page.get_by_label("Seats per partner").fill("2")
    page.get_by_label("Accommodation per seat").fill("420")
    # Eligibility lists appear only for the choice that needs them (activities.js).
    frameworks = page.locator("[data-field='eligible_frameworks']")
    assert frameworks.is_hidden()
    page.get_by_label("Partners in listed frameworks").check()
    assert frameworks.is_visible()
    frameworks.get_by_label("PfP — Partnership for Peace").check()
    frameworks.get_by_label("MD — Mediterranean Dialogue").check()
    page.get_by_label("External references").fill("ETOC: BSC-2026-01")
    page.screenshot(path=str(artifacts / "activity-proposal-form.png"), full_page=True)
    page.get_by_role("button", name="Propose the activity").click()
    page.wait_for_url(re.compile(r".*/activities/\d+/$"))
    assert "is proposed; a coordinator will review it." in flash(page)
    assert page.locator("h1").inner_text().startswith(TITLE)
    assert page.locator(".lead .badge").inner_text() == "Proposed"
    activity = Activity.objects.get(title=TITLE)
    sign_out(page)

    # 2. The coordinator approves it in the queue, then opens it for nominations.
    sign_in(page, live_server, coordinator)
    nav(page, "Approval queue")
    page.wait_for_url("**/activities/queue/")
    proposed = page.locator("#queue-proposed")
    row = proposed.locator(f"#activity-{activity.pk}")
    assert TITLE in row.inner_text()
    page.screenshot(path=str(artifacts / "activity-queue.png"), full_page=True)
    row.get_by_role("button", name="Approve").click()
    page.wait_for_url("**/activities/queue/**")
    assert "is now: Approved." in flash(page)
    row = page.locator("#queue-approved").locator(f"#activity-{activity.pk}")
    row.get_by_role("button", name="Open for nominations").click()
    page.wait_for_url("**/activities/queue/**")
    assert "is now: Open for nominations." in flash(page)
    assert page.locator(f"#activity-{activity.pk}").count() == 0
    sign_out(page)

    # 3. Georgia finds it on the menu (eligible by default) and nominates.
    sign_in(page, live_server, georgia)
    assert page.locator(".nav-count").is_visible()  # "opened for you" is unread
    nav(page, "Activities")
    page.wait_for_url("**/activities/")
    assert page.get_by_label("Eligible for my organization").is_checked()
    row = page.locator("#activities tbody tr", has_text=TITLE)
    assert "4 of 4 left" in row.inner_text()
    page.screenshot(path=str(artifacts / "activity-menu.png"), full_page=True)
    row.get_by_role("link", name=TITLE).click()
    page.wait_for_url(f"**/activities/{activity.pk}/")
    nominate = page.locator("#nominate")
    nominate.get_by_label("Participant's name").fill("Nino Beridze")
    nominate.get_by_label("E-mail").fill("nino.beridze@mod.example.ge")
    nominate.get_by_label("Rank or title").fill("Major")
    nominate.get_by_role("button", name="Nominate").click()
    page.wait_for_url(f"**/activities/{activity.pk}/**")
    assert "Nino Beridze is nominated: Confirmed." in flash(page)
    assert page.locator("#seats-left").inner_text() == "3"
    sign_out(page)

    # 4. Jordan nominates too, and sees Georgia only as a count.
    sign_in(page, live_server, jordan)
    page.goto(f"{live_server.url}/activities/{activity.pk}/")
    nominate = page.locator("#nominate")
    nominate.get_by_label("Participant's name").fill("Omar Haddad")
    nominate.get_by_label("Rank or title").fill("Captain")
    nominate.get_by_role("button", name="Nominate").click()
    page.wait_for_url(f"**/activities/{activity.pk}/**")
    assert "Omar Haddad is nominated: Confirmed." in flash(page)
    body = page.locator("main").inner_text()
    assert "Nino Beridze" not in body and "Georgia" not in body
    assert "1 other partner" in body
    page.screenshot(path=str(artifacts / "activity-detail-partner.png"), full_page=True)
    sign_out(page)

    # 5. The host checks the desk, records attendance, closes and marks it conducted.
    sign_in(page, live_server, host)
    nav(page, "Registration desk")
    page.wait_for_url("**/activities/desk/")
    page.locator("#section-open").get_by_role("link", name=f"Open the desk {activity.code}").click()
    page.wait_for_url(f"**/activities/{activity.pk}/desk/")
    desk = page.locator("#desk tbody")
    assert desk.locator("tr").count() == 2
    assert "Nino Beridze" in desk.inner_text() and "Omar Haddad" in desk.inner_text()
    assert page.locator("#seats-left").inner_text() == "2"
    for name in ("Nino Beridze", "Omar Haddad"):
        page.get_by_role("button", name=f"Attended {name}").click()
        page.wait_for_url(f"**/activities/{activity.pk}/desk/**")
        assert f"{name}: Attended." in flash(page)
    states = page.locator("#desk tbody .badge").all_inner_texts()
    assert states == ["Attended", "Attended"]
    page.screenshot(path=str(artifacts / "activity-desk.png"), full_page=True)
    page.get_by_role("button", name="Close nominations").click()
    page.wait_for_url(f"**/activities/{activity.pk}/desk/**")
    page.get_by_role("button", name="Mark as conducted").click()
    page.wait_for_url(f"**/activities/{activity.pk}/desk/**")
    assert "is now: Conducted." in flash(page)
    sign_out(page)

    # 6. Georgia enters its participant's feedback.
    sign_in(page, live_server, georgia)
    nav(page, "My nominations")
    page.wait_for_url("**/activities/nominations/")
    page.get_by_role("link", name="Enter feedback").click()
    page.wait_for_url(f"**/activities/{activity.pk}/**")
    feedback = page.locator(".feedback-form")
    for field, value in (("relevance", "5"), ("quality", "4"), ("applicability", "5")):
        feedback.locator(f"[data-field='{field}'] input[value='{value}']").check()
    feedback.get_by_label("Comments").fill("The table-top exercise was the most useful part.")
    feedback.screenshot(path=str(artifacts / "activity-feedback.png"))
    feedback.get_by_role("button", name="Record the feedback").click()
    page.wait_for_url(f"**/activities/{activity.pk}/**")
    assert "Thank you: the feedback is recorded." in flash(page)
    assert (
        "relevance 5/5, quality 4/5, applicability 5/5" in page.locator("#nominations").inner_text()
    )
    sign_out(page)

    # 7. The host submits the after-action report; the activity is reported.
    sign_in(page, live_server, host)
    page.goto(f"{live_server.url}/activities/{activity.pk}/")
    report = page.locator("#report")
    report.get_by_label("Summary").fill(
        "Two partners took part; both participants completed the course and the exercise."
    )
    report.get_by_label("Lessons identified").fill("Send joining instructions a month earlier.")
    report.get_by_label("Recommendations").fill("Repeat in spring with four more seats.")
    report.get_by_role("button", name="Submit the report").click()
    page.wait_for_url(f"**/activities/{activity.pk}/**")
    assert "The report is submitted" in flash(page)
    assert page.locator(".lead .badge").inner_text() == "Reported"
    assert "Repeat in spring with four more seats." in page.locator("#report").inner_text()
    page.screenshot(path=str(artifacts / "activity-report.png"), full_page=True)
    page.goto(f"{live_server.url}/activities/{activity.pk}/desk/")
    assert "Feedback: relevance 5, quality 4, applicability 5" in page.locator("#desk").inner_text()
    sign_out(page)

    # Georgia, a participating partner, reads the report; the data agree with the pages.
    sign_in(page, live_server, georgia)
    page.goto(f"{live_server.url}/activities/{activity.pk}/")
    assert "Repeat in spring with four more seats." in page.locator("#report").inner_text()
    assert sorted(Nomination.objects.filter(activity=activity).values_list("state", flat=True)) == [
        "attended",
        "attended",
    ]

    # A phone-sized screen: the menu and the activity fit the width.
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{live_server.url}/activities/?q=&date_from=")
    assert page.locator("#activities tbody tr", has_text=TITLE).is_visible()
    no_overflow(page)
    page.screenshot(path=str(artifacts / "activity-menu-375.png"), full_page=True)
    page.goto(f"{live_server.url}/activities/{activity.pk}/")
    no_overflow(page)
    page.screenshot(path=str(artifacts / "activity-detail-375.png"), full_page=True)
    assert problems == []
