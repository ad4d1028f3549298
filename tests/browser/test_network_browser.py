"""The registry's pages in Chromium: sign in, pick a date, read the chart, follow links.

Screenshots of the key screens land in the test artifacts directory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from coopsec.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def problems(page: Any) -> Iterator[list[str]]:
    """Console errors and failed requests; a page under `script-src 'self'` must have none."""
    seen: list[str] = []
    page.on("console", lambda msg: seen.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: seen.append(str(exc)))
    page.on(
        "response",
        lambda r: seen.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    yield seen


def sign_in(page: Any, live_server: Any, user: User) -> None:
    page.goto(f"{live_server.url}/network/")
    assert "/login/" in page.url  # anonymous: sent to the login form first
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/network/")


def test_registry_pages_in_the_browser(
    page: Any,
    live_server: Any,
    reference: None,
    make_user: Callable[..., User],
    artifacts: Path,
    problems: list[str],
) -> None:
    user = make_user("coordinator", "NATO", first_name="Ana", last_name="Ionescu")
    page.goto(f"{live_server.url}/login/")
    page.screenshot(path=str(artifacts / "login.png"), full_page=True)
    sign_in(page, live_server, user)

    # Overview today: 32 Allies, the growth chart drawn by Chart.js.
    assert page.locator("#count-allies").inner_text() == "32"
    page.wait_for_selector("#growth-chart[data-rendered='true']")
    box = page.locator("#growth-chart").bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 200
    assert page.locator("header").get_by_text("Ana Ionescu").is_visible()
    page.screenshot(path=str(artifacts / "overview.png"), full_page=True)

    # Pick 7 September 2011: 28 Allies, and the date lives in the URL.
    page.get_by_label("As of").fill("2011-09-07")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/network/?as_of=2011-09-07")
    assert page.locator("#count-allies").inner_text() == "28"
    page.wait_for_selector("#growth-chart[data-rendered='true']")
    page.locator("details.data-table summary").click()
    assert page.locator("details.data-table table").is_visible()
    page.screenshot(path=str(artifacts / "overview-2011.png"), full_page=True)

    # Organizations, filtered through the form.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organizations").click()
    page.wait_for_url("**/network/organizations/")
    assert page.locator(".result-count").inner_text().startswith("136 organizations")
    page.screenshot(path=str(artifacts / "organization-list.png"), full_page=True)
    page.get_by_label("Framework").select_option("MD")
    page.get_by_label("In the network on").fill("1995-06-01")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**framework=MD**")
    assert page.locator(".result-count").inner_text().startswith("5 organizations")

    # Georgia: memberships on a timeline, PfP since 1994-03-23.
    page.goto(f"{live_server.url}/network/organizations/geo/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Georgia")
    assert page.locator(".timeline__row").count() == 3  # PfP, NGC, and the axis
    assert page.get_by_role("row", name="Partnership for Peace").get_by_text("1994-03-23").count()
    page.screenshot(path=str(artifacts / "organization-GEO.png"), full_page=True)

    # Russia: suspended in PfP from 2014-04, drawn in the suspension colour.
    page.goto(f"{live_server.url}/network/organizations/RUS/")
    assert page.locator(".timeline__bar--suspended").count() == 2  # PfP and NRC
    page.screenshot(path=str(artifacts / "organization-RUS.png"), full_page=True)

    # PfP: 18 members today, Russia shown and marked suspended.
    page.get_by_role("link", name="Partnership for Peace").first.click()
    page.wait_for_url("**/network/frameworks/PfP/**")
    members = page.locator("#members tbody tr")
    assert members.count() == 18
    russia = page.locator("#members tbody tr", has_text="Russia")
    assert russia.locator(".badge--suspended").inner_text() == "Suspended"
    page.screenshot(path=str(artifacts / "framework-PfP.png"), full_page=True)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Frameworks").click()
    page.wait_for_url("**/network/frameworks/")
    page.screenshot(path=str(artifacts / "framework-list.png"), full_page=True)

    # A phone-sized screen: nothing wider than the viewport, the chart still drawn.
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{live_server.url}/network/")
    page.wait_for_selector("#growth-chart[data-rendered='true']")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"
    page.screenshot(path=str(artifacts / "overview-375.png"), full_page=True)
    for name, path in [
        ("organization-GEO-375", "/network/organizations/GEO/"),
        ("organization-list-375", "/network/organizations/?kind=institution"),
        ("framework-PfP-375", "/network/frameworks/PfP/"),
    ]:
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than the screen"
        page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)

    assert problems == []


def test_bad_date_in_the_browser_shows_an_error(
    page: Any,
    live_server: Any,
    reference: None,
    make_user: Callable[..., User],
    artifacts: Path,
    problems: list[str],
) -> None:
    sign_in(page, live_server, make_user("analyst", "NATO"))
    page.goto(f"{live_server.url}/network/?as_of=2011-02-30")
    alert = page.get_by_role("alert")
    assert "is not a valid date" in alert.inner_text()
    assert page.locator("#count-allies").inner_text() == "32"
    page.screenshot(path=str(artifacts / "overview-bad-date.png"), full_page=True)

    # Sign out through the POST form.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login/")
    assert problems == []
