"""The analytics pages in Chromium on a generated small history (issue 6, "Done when"): a
coordinator opens each section, the charts are drawn, a filter changed in the bar lands in
the URL and changes the table; the area drill-down follows from the heat table; a liaison
reads the same pages without other partners; a section and the state of the network are
exported as PDF and workbook through the report task. Screenshots land in the test artifacts
directory as analytics-*.png.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pypdfium2
import pytest
from openpyxl import load_workbook

from coopsec.accounts import roles as R
from coopsec.accounts.models import User
from tests.analytics.recompute import TODAY, generate_history
from tests.browser.test_activity_lifecycle import nav, no_overflow, sign_in
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
def history(reference: None) -> Iterator[None]:
    with patch("coopsec.network.dates.today", return_value=TODAY):
        generate_history()
        yield


def rows(page: Any, selector: str) -> int:
    return int(page.locator(f"{selector} tbody tr").count())


def drawn(page: Any, canvas: str) -> None:
    page.wait_for_selector(f"#{canvas}[data-rendered='true']")
    box = page.locator(f"#{canvas}").bounding_box()
    assert box is not None and box["width"] > 250 and box["height"] > 150, canvas


def network_drawn(page: Any) -> int:
    """Wait for the network graph; the number of partners it drew."""
    page.wait_for_selector("#network-graph[data-rendered='true']")
    assert page.locator("#network-graph canvas").count() > 0
    return int(page.locator("#network-graph").get_attribute("data-nodes"))


def test_analytics_sections_in_the_browser(
    page: Any,
    live_server: Any,
    history: None,
    make_user: Callable[..., User],
    artifacts: Path,
    problems: list[str],
) -> None:
    coordinator = make_user(R.COORDINATOR, "NATO", first_name="Ana", last_name="Ionescu")
    sign_in(page, live_server, coordinator)

    # The overview: one card per section, each with its headline figures.
    nav(page, "Analytics")
    page.wait_for_url("**/analytics/")
    assert page.locator(".section-card").count() == 6
    page.screenshot(path=str(artifacts / "analytics-overview.png"), full_page=True)

    # Area balance: the chart, the heat table; one year in the bar narrows the table.
    page.get_by_role("navigation", name="Analytics sections").get_by_role(
        "link", name="Area balance"
    ).click()
    page.wait_for_url("**/analytics/area-balance/")
    drawn(page, "area-balance-chart")
    assert page.locator("#heat-table thead th").count() == 2 + 3  # area, 2026, 2027, totals
    page.screenshot(path=str(artifacts / "analytics-area-balance.png"), full_page=True)
    page.get_by_label("From year", exact=True).fill("2027")
    page.get_by_label("To year", exact=True).fill("2027")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/analytics/area-balance/?from=2027&to=2027**")
    assert page.locator("#heat-table thead th").count() == 1 + 3
    drawn(page, "area-balance-chart")
    page.get_by_label("Cooperation area", exact=True).select_option("capabilities")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**area=capabilities**")
    capabilities = rows(page, "#heat-table")
    assert 0 < capabilities < 10

    # The drill-down keeps the filters: the area's activities and its partners.
    page.locator("#heat-table tbody th a").first.click()
    page.wait_for_url("**/analytics/area-balance/*/?from=2027&to=2027**")
    assert rows(page, "#area-activities") > 0
    assert rows(page, "#area-partners") > 0
    page.screenshot(path=str(artifacts / "analytics-area-detail.png"), full_page=True)

    # Interest overlap: the histogram and the groups; a region narrows the population.
    page.goto(f"{live_server.url}/analytics/overlap/")
    drawn(page, "overlap-chart")
    everyone = rows(page, "#partner-table")
    page.screenshot(path=str(artifacts / "analytics-overlap.png"), full_page=True)
    page.get_by_label("Region", exact=True).select_option("Europe")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/analytics/overlap/?region=Europe**")
    assert 0 < rows(page, "#partner-table") < everyone

    # Attention balance: seats per partner, Lorenz curves, the trend; a framework narrows.
    page.goto(f"{live_server.url}/analytics/attention/")
    for canvas in ("attention-partners-chart", "attention-lorenz-chart", "attention-trend-chart"):
        drawn(page, canvas)
    page.locator("details.data-table summary").first.click()
    every_partner = rows(page, "#partner-table")
    page.screenshot(path=str(artifacts / "analytics-attention.png"), full_page=True)
    page.get_by_label("Framework", exact=True).select_option("MD")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/analytics/attention/?framework=MD**")
    drawn(page, "attention-partners-chart")
    assert 0 < rows(page, "#partner-table") < every_partner

    # Depth versus breadth: one chart, one row per year; an activity type narrows breadth.
    page.goto(f"{live_server.url}/analytics/depth-breadth/")
    drawn(page, "depth-breadth-chart")
    assert rows(page, "#year-table") == 2
    before = page.locator("#year-table tbody tr td").first.inner_text()
    page.screenshot(path=str(artifacts / "analytics-depth-breadth.png"), full_page=True)
    page.get_by_label("Activity type", exact=True).select_option("exercise")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/analytics/depth-breadth/?type=exercise**")
    assert int(page.locator("#year-table tbody tr td").first.inner_text()) < int(before)

    # The partnership network: the graph is drawn with a node per partner; a click on a
    # partner shows its figures; a framework's view has fewer partners.
    page.goto(f"{live_server.url}/analytics/network/")
    graph = network_drawn(page)
    nodes = rows(page, "#node-table")
    assert graph == nodes > 0
    # Scroll the graph into view first and let a frame pass: Cytoscape reads its box's
    # position on scroll events, which fire a frame after the scroll.
    page.locator("#network-graph").scroll_into_view_if_needed()
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    first = page.evaluate(
        "(() => { const n = window.coopsecNetwork.nodes().max(e => e.data('activities')).ele;"
        " const p = n.renderedPosition(); return {id: n.id(), x: p.x, y: p.y}; })()"
    )
    page.locator("#network-graph").click(position={"x": first["x"], "y": first["y"]})
    # (The click lands on the partner drawn on top there: its figures replace the hint.)
    page.wait_for_selector("#network-node-hint", state="hidden")
    assert page.locator("#network-node-figures dt").count() == 10
    page.screenshot(path=str(artifacts / "analytics-network.png"), full_page=True)
    page.get_by_label("Framework", exact=True).select_option("PfP")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/analytics/network/?framework=PfP**")
    assert 0 < network_drawn(page) == rows(page, "#node-table") < nodes

    # Redundancy: the ranked pairs; a stricter similarity lists fewer.
    page.goto(f"{live_server.url}/analytics/redundancy/")
    found = int(page.locator("#count-pairs").inner_text())
    assert found > 0 and rows(page, "#pair-table") == min(found, 100)
    page.screenshot(path=str(artifacts / "analytics-redundancy.png"), full_page=True)
    page.get_by_label("Similarity at least", exact=True).fill("0.95")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/analytics/redundancy/?threshold=0.95**")
    assert int(page.locator("#count-pairs").inner_text()) < found

    # A bad year typed into the URL: the bar says why, no figures.
    page.goto(f"{live_server.url}/analytics/attention/?from=1800")
    assert "From year" in page.locator("#filter-errors").inner_text()
    assert problems and all("400" in p for p in problems)  # the page's status, and only it
    problems.clear()

    # A phone-sized screen: nothing wider than the viewport.
    page.set_viewport_size({"width": 375, "height": 812})
    for path in ("/analytics/", "/analytics/area-balance/", "/analytics/attention/"):
        page.goto(f"{live_server.url}{path}")
        no_overflow(page)
    page.screenshot(path=str(artifacts / "analytics-attention-375.png"), full_page=True)
    assert problems == []


def test_a_liaison_reads_the_analytics_without_other_partners(
    page: Any,
    live_server: Any,
    history: None,
    make_user: Callable[..., User],
    artifacts: Path,
    problems: list[str],
) -> None:
    liaison = make_user(R.PARTNER_LIAISON, "GEO", first_name="Nino", last_name="Beridze")
    sign_in(page, live_server, liaison)
    page.goto(f"{live_server.url}/analytics/attention/")
    drawn(page, "attention-partners-chart")
    page.locator("details.data-table summary").first.click()
    assert {c.inner_text() for c in page.locator("#partner-table tbody th .code").all()} == {"GEO"}
    page.screenshot(path=str(artifacts / "analytics-attention-liaison.png"), full_page=True)
    page.goto(f"{live_server.url}/analytics/overlap/")
    assert rows(page, "#partner-table") == 1
    page.screenshot(path=str(artifacts / "analytics-overlap-liaison.png"), full_page=True)
    assert problems == []


def test_reports_export_a_section_and_the_state_of_the_network(
    page: Any,
    live_server: Any,
    history: None,
    make_user: Callable[..., User],
    artifacts: Path,
    problems: list[str],
) -> None:
    """A section's PDF from its page's export button, and the whole state of the network for
    a year as a workbook from the Reports page: each waits on its page while the task runs,
    then downloads."""
    coordinator = make_user(R.COORDINATOR, "NATO", first_name="Ana", last_name="Ionescu")
    sign_in(page, live_server, coordinator)

    # Attention balance for 2026, as a PDF: the report's page follows the task.
    page.goto(f"{live_server.url}/analytics/attention/?from=2026&to=2026")
    page.get_by_role("button", name="PDF report").click()
    page.wait_for_url("**/analytics/reports/*/")
    assert page.locator("#report-status").get_attribute("data-status") == "queued"
    assert page.locator("#report-download").is_hidden()
    page.screenshot(path=str(artifacts / "analytics-report-queued.png"), full_page=True)
    assert run_tasks() == 1
    page.wait_for_selector("#report-download:not([hidden])")  # the script saw it finish
    assert page.locator("#report-status").get_attribute("data-status") == "done"
    page.screenshot(path=str(artifacts / "analytics-report-done.png"), full_page=True)
    with page.expect_download() as caught:
        page.locator("#report-download-link").click()
    download = caught.value
    assert download.suggested_filename == "coopsec-attention-2026.pdf"
    pdf_path = artifacts / "analytics-report-attention.pdf"
    download.save_as(str(pdf_path))
    pdf = pypdfium2.PdfDocument(str(pdf_path))
    assert len(pdf) >= 1
    text = pdf[0].get_textpage().get_text_range()
    assert "Attention balance" in text and "Mean seats per partner" in text
    pdf[0].render(scale=1.5).to_pil().save(str(artifacts / "analytics-report-attention-p1.png"))

    # The state of the partnership network in 2026, as a workbook, from the Reports page.
    page.goto(f"{live_server.url}/analytics/")
    page.locator("#reports-link").click()
    page.wait_for_url("**/analytics/reports/")
    assert page.locator("#report-list tbody tr").count() == 1  # the PDF above
    page.get_by_label("Year", exact=True).select_option("2026")
    page.get_by_role("button", name="Workbook (.xlsx)").click()
    page.wait_for_url("**/analytics/reports/*/")
    assert run_tasks() == 1
    page.wait_for_selector("#report-download:not([hidden])")
    with page.expect_download() as caught:
        page.locator("#report-download-link").click()
    download = caught.value
    assert download.suggested_filename == "coopsec-state-of-the-network-2026.xlsx"
    xlsx_path = artifacts / "analytics-report-state.xlsx"
    download.save_as(str(xlsx_path))
    book = load_workbook(xlsx_path)
    assert book.sheetnames[0] == "Report" and len(book.sheetnames) >= 12
    page.goto(f"{live_server.url}/analytics/reports/")
    assert page.locator("#report-list tbody tr").count() == 2
    page.screenshot(path=str(artifacts / "analytics-reports.png"), full_page=True)
    assert problems == []
