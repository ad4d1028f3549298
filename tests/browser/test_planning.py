"""The planning pages in Chromium (issue 7): a coordinator starts a run of a small generated
cycle from the form, the run's page follows the task until it is solved, shows the optimum
beside the baselines and the frontier (a click on a point shows that allocation's figures
and seats per partner), the decisions filter, and the run is applied through the apply
task; then a partner liaison finds its confirmed seats among its nominations. The pages fit
a 375 px screen, in English and in French. Screenshots land in the test artifacts directory
as planning-*.png.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from coopsec.accounts import roles as R
from coopsec.accounts.models import User
from coopsec.activities.models import Nomination
from coopsec.planning.models import AllocationRun, Outcome, RunStatus
from tests.browser.test_activity_lifecycle import nav, no_overflow, sign_in, sign_out
from tests.planning.pages import GeneratedCycle, generated_cycle
from tests.planning.workflow import next_cycle
from tests.tasks import run_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def problems(page: Any) -> Iterator[list[str]]:
    """Console errors and failed requests; a page under `script-src 'self'` must have none."""
    seen: list[str] = []
    page.on("console", lambda msg: seen.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: seen.append(str(exc)))
    page.on("response", lambda r: seen.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    yield seen


@pytest.fixture
def cycle(reference: None) -> GeneratedCycle:
    return generated_cycle(next_cycle())


def drawn(page: Any, canvas: str) -> None:
    page.wait_for_selector(f"#{canvas}[data-rendered='true']")
    box = page.locator(f"#{canvas}").bounding_box()
    assert box is not None and box["width"] > 250 and box["height"] > 150, canvas


def cell(page: Any, figure: str, column: int) -> str:
    row = page.locator(f"#comparison-table tr[data-figure='{figure}']")
    return str(row.locator("td").nth(column).inner_text())


def test_a_coordinator_plans_applies_and_a_liaison_sees_its_seats(
    page: Any,
    live_server: Any,
    cycle: GeneratedCycle,
    make_user: Callable[..., User],
    artifacts: Path,
    problems: list[str],
) -> None:
    coordinator = make_user(R.COORDINATOR, "NATO", first_name="Ana", last_name="Ionescu")
    sign_in(page, live_server, coordinator)

    # The runs page and its form: next year's cycle, the optimizer's defaults.
    nav(page, "Planning")
    page.wait_for_url("**/planning/")
    assert page.get_by_label("Cycle", exact=True).input_value() == str(cycle.year)
    assert page.get_by_label("Fairness floor", exact=True).input_value() == "0.25"
    # No fairness floor: the breadth weight alone decides how wide the seats go.
    page.get_by_label("Fairness floor", exact=True).fill("0")
    page.get_by_label("Time limit (seconds)", exact=True).fill("20")
    page.screenshot(path=str(artifacts / "planning-runs.png"), full_page=True)
    page.get_by_role("button", name="Start the run").click()
    page.wait_for_url("**/planning/runs/*/")
    assert page.locator("#run-status").get_attribute("data-status") == "queued"
    page.screenshot(path=str(artifacts / "planning-run-queued.png"), full_page=True)

    # The task solves it while the page polls; the page reloads with the figures.
    assert run_tasks() == 1
    page.wait_for_selector("#comparison-table")
    run = AllocationRun.objects.get()
    assert run.status == RunStatus.DONE and run.params["time_limit"] == 20
    assert run.params["fairness_floor"] == 0
    assert cell(page, "seats", 0) == str(run.metrics["optimum"]["seats"])
    assert cell(page, "seats", 1) == str(run.metrics["fcfs"]["seats"])
    assert cell(page, "partners_served", 2) == str(run.metrics["round_robin"]["partners_served"])
    drawn(page, "comparison-chart")
    drawn(page, "frontier-chart")
    if page.locator("#marginal-chart").count():
        drawn(page, "marginal-chart")
    decided = run.decisions.count()
    assert f"{decided} decisions" in page.locator("#decision-count").inner_text()
    page.screenshot(path=str(artifacts / "planning-run-done.png"), full_page=True)

    # The frontier: a click on the widest allocation shows its figures and seats per partner.
    points = run.frontier["points"]
    assert len({(p["breadth"], p["depth"]) for p in points}) > 1  # a trade-off to look at
    widest = max(range(len(points)), key=lambda i: (points[i]["breadth"], i))
    page.locator("#frontier-chart").scroll_into_view_if_needed()
    at = page.evaluate(
        f"(() => {{ const p = window.coopsecFrontier.getDatasetMeta(0).data[{widest}];"
        " return {x: p.x, y: p.y}; })()"
    )
    page.locator("#frontier-chart").click(position={"x": at["x"], "y": at["y"]})
    page.wait_for_selector("#frontier-figures:not([hidden])")
    assert page.locator("#frontier-hint").is_hidden()
    shown_point = int(page.locator("#frontier-point").get_attribute("data-point"))
    point = points[shown_point]
    assert point["breadth"] == points[widest]["breadth"]  # the point clicked (or one as wide)
    figures = page.locator("#frontier-figures dd").all_inner_texts()
    assert figures[1] == str(point["breadth"]) and figures[3] == str(point["seats"])
    seats = {
        row.locator("th").inner_text(): int(row.locator("td").inner_text())
        for row in page.locator("#frontier-partners tbody tr").all()
    }
    assert seats == point["partner_seats"] and sum(seats.values()) == point["seats"]
    page.locator("#frontier").screenshot(path=str(artifacts / "planning-frontier.png"))

    # The decisions: only the confirmed ones.
    page.get_by_label("Outcome", exact=True).select_option("confirmed")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**outcome=confirmed**")
    outcomes = page.locator("#decision-table tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.outcome)"
    )
    assert outcomes and set(outcomes) == {"confirmed"}
    assert len(outcomes) == min(50, run.metrics["optimum"]["seats"])

    # Apply (after the confirm dialog): the apply task writes the decisions.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#apply-run").click()
    page.wait_for_url("**/planning/runs/*/")
    assert page.locator("#run-status").get_attribute("data-status") == "applying"
    page.screenshot(path=str(artifacts / "planning-run-applying.png"), full_page=True)
    assert run_tasks() == 1
    page.wait_for_selector("#run-applied")
    assert page.locator("#apply-run").count() == 0
    page.screenshot(path=str(artifacts / "planning-run-applied.png"), full_page=True)
    planned = dict(run.decisions.values_list("nomination_id", "outcome"))
    assert dict(Nomination.objects.filter(pk__in=planned).values_list("pk", "state")) == planned

    # A phone-sized screen: nothing wider than the viewport.
    page.set_viewport_size({"width": 375, "height": 812})
    for path in (f"/planning/runs/{run.pk}/", "/planning/"):
        page.goto(f"{live_server.url}{path}")
        no_overflow(page)
    page.goto(f"{live_server.url}/planning/runs/{run.pk}/")
    page.screenshot(path=str(artifacts / "planning-run-375.png"), full_page=True)
    # In French, at both sizes.
    page.locator(".language-switch button[value='fr']").click()
    page.wait_for_selector("html[lang='fr']")
    assert page.locator("h1").inner_text().startswith(f"Répartition n°\u00a0{run.pk}")
    no_overflow(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    drawn(page, "frontier-chart")
    page.screenshot(path=str(artifacts / "planning-run-fr.png"), full_page=True)
    page.locator(".language-switch button[value='en']").click()
    page.wait_for_selector("html[lang='en']")
    sign_out(page)

    # The liaison of the partner given the most seats finds them among its nominations.
    seated = Counter(
        run.decisions.filter(outcome=Outcome.CONFIRMED).values_list("partner__code", flat=True)
    )
    code, seats_won = seated.most_common(1)[0]
    liaison = cycle.liaisons[code]
    liaison.set_password("correct horse battery staple")
    liaison.save(update_fields=["password"])
    sign_in(page, live_server, liaison)
    nav(page, "My nominations")
    page.wait_for_url("**/activities/nominations/**")
    mine = run.decisions.filter(partner__code=code)
    for decision in mine:
        badge = page.locator(f"#nomination-{decision.nomination_id} .badge--nomination")
        with translation.override("en"):  # the liaison reads English
            expected = str(Outcome(decision.outcome).label)
        assert badge.inner_text() == expected
    assert page.locator("#nominations .badge--nomination-confirmed").count() == seats_won > 0
    page.screenshot(path=str(artifacts / "planning-liaison-nominations.png"), full_page=True)
    assert problems == []
