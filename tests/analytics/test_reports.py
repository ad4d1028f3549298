"""Reports of the analytics (issue 6, item 8): a request is checked whole and stored with its
task and an audit event, or refused with every reason and nothing stored; the task builds
the file as the requester, records its progress, and keeps it for the requester alone; the
workbook holds the API's own figures, the PDF its charts and tables; a liaison's report holds
no other partner's code or name."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from typing import Any
from unittest.mock import patch

import pypdfium2
import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.analytics import services
from coopsec.analytics.models import Report, ReportStatus
from coopsec.audit.models import AuditEvent
from coopsec.errors import Forbidden, Invalid
from coopsec.network.models import Organization
from tests.analytics.recompute import TODAY, generate_history
from tests.tasks import run_tasks

pytestmark = pytest.mark.django_db

YEAR = "2026"


@pytest.fixture(autouse=True)
def frozen_today() -> Iterator[None]:
    with patch("coopsec.network.dates.today", return_value=TODAY):
        yield


def request(user: User, section: str, fmt: str, **params: str) -> Report:
    return services.report_request(
        actor=Actor.from_user(user), section=section, fmt=fmt, params=params
    )


def built(report: Report) -> Report:
    run_tasks()
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.error
    return report


def pdf_text(content: bytes) -> str:
    pdf = pypdfium2.PdfDocument(content)
    return "\n".join(pdf[k].get_textpage().get_text_range() for k in range(len(pdf)))


def workbook_cells(content: bytes) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(content))
    return [list(row) for ws in book.worksheets for row in ws.iter_rows(values_only=True)]


# --- requests ------------------------------------------------------------------------------


def test_a_bad_request_names_every_reason_and_stores_nothing(
    make_user: Callable[..., User],
) -> None:
    coordinator = make_user(R.COORDINATOR)
    with pytest.raises(Invalid) as caught:
        request(coordinator, "charts", "docx", **{"from": "20x5", "framework": "NOPE"})
    assert set(caught.value.details or {}) == {"section", "format", "from", "framework"}
    with pytest.raises(Invalid) as caught:
        request(coordinator, "state", "pdf", **{"from": "2025", "to": "2026"})
    assert set(caught.value.details or {}) == {"year"}
    with pytest.raises(Invalid):
        request(coordinator, "state", "pdf")
    assert not Report.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert not AuditEvent.objects.filter(action="analytics.report_requested").exists()


@pytest.mark.parametrize(
    ("role", "org", "section"),
    [
        (R.PARTNER_LIAISON, "GEO", "redundancy"),
        (R.INSTITUTION_MANAGER, "PTEC-AUT-AUTINT", "attention"),
        (R.AUDITOR, "NATO", "area-balance"),
        (R.AUDITOR, "NATO", "state"),
    ],
)
def test_a_section_the_reader_may_not_open_is_refused(
    make_user: Callable[..., User], role: str, org: str, section: str
) -> None:
    with pytest.raises(Forbidden):
        request(make_user(role, org), section, "pdf", **{"from": YEAR, "to": YEAR})
    assert not Report.objects.exists()


def test_a_request_is_queued_with_its_task_and_audited(make_user: Callable[..., User]) -> None:
    analyst = make_user(R.ANALYST)
    report = request(analyst, "area-balance", "xlsx", **{"from": YEAR, "framework": "pfp"})
    assert report.status == ReportStatus.QUEUED and report.progress == 0
    assert report.query == f"from={YEAR}&framework=PfP"  # canonical codes, as the URL carries them
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [report.pk]
    event = AuditEvent.objects.get(action="analytics.report_requested")
    assert event.object_id == str(report.pk) and event.summary["format"] == "xlsx"


# --- building ------------------------------------------------------------------------------


def test_the_task_records_its_progress_and_keeps_the_file(
    make_user: Callable[..., User],
) -> None:
    generate_history()
    report = request(make_user(R.COORDINATOR), "state", "pdf", **{"from": YEAR, "to": YEAR})
    seen: list[tuple[int, str]] = []
    original = services._progress

    def spy(report_id: int, percent: int, step: str) -> None:
        original(report_id, percent, step)
        row = Report.objects.get(pk=report_id)
        seen.append((row.progress, row.status))

    with patch.object(services, "_progress", spy):
        built(report)
    percents = [p for p, _ in seen]
    assert percents == sorted(percents) and len(set(percents)) >= 8  # six parts read, then written
    assert {status for _, status in seen} == {ReportStatus.RUNNING}
    assert report.progress == 100 and report.finished_at is not None
    assert report.filename == f"coopsec-state-of-the-network-{YEAR}.pdf"
    assert bytes(report.content).startswith(b"%PDF") and report.size == len(report.content)
    # A second run of the same task leaves a finished report alone.
    services.report_build(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE


def test_the_workbook_holds_the_apis_figures(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    generate_history()
    analyst = make_user(R.ANALYST)
    report = built(request(analyst, "area-balance", "xlsx", **{"from": YEAR, "to": YEAR}))
    book = load_workbook(io.BytesIO(bytes(report.content)))
    sheet = book["Per area and year"]
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[:6] == ("Area", "Year", "Activities", "Seats", "Nominations", "Confirmed")
    answer = client_for(analyst).get(f"/api/v1/analytics/area-balance?from={YEAR}&to={YEAR}")
    api_rows = answer.json()["rows"]
    assert len(rows) == len(api_rows) > 10
    names = dict(
        (a, n)
        for a, n in __import__(
            "coopsec.activities.models", fromlist=["CooperationArea"]
        ).CooperationArea.objects.values_list("code", "name")
    )
    for row, api_row in zip(rows, api_rows, strict=True):
        assert row[0] == names[api_row["area"]] and row[1] == str(api_row["year"])
        assert list(row[2:6]) == [
            api_row[k] for k in ("activities", "seats", "nominations", "confirmed")
        ]
        assert row[7] == api_row["demand_ratio"]
    assert sum(r[2] for r in rows) > 0, "the year has activities"
    about = book["Report"]
    assert ("Definitions version", "1") in list(about.iter_rows(values_only=True))


def test_the_pdf_has_every_section_with_charts(make_user: Callable[..., User]) -> None:
    generate_history()
    report = built(request(make_user(R.COORDINATOR), "state", "pdf", **{"from": YEAR, "to": YEAR}))
    content = bytes(report.content)
    pdf = pypdfium2.PdfDocument(content)
    assert len(pdf) >= 6
    text = pdf_text(content)
    for heading in (
        "Area balance",
        "Interest overlap",
        "Attention balance",
        "Depth vs breadth",
        "Partnership network",
        "Redundancy",
        "Seats offered and nominations per area",
    ):
        assert heading in text
    # The first page carries the bar chart: a good share of it is drawn, not blank.
    image = pdf[0].render(scale=0.5).to_pil().convert("L")
    dark = sum(image.histogram()[:200])
    assert dark / (image.width * image.height) > 0.02


def test_a_liaisons_report_names_no_other_partner(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    generate_history()
    staff = client_for(make_user(R.ANALYST))
    codes = {
        r["partner"] for r in staff.get(f"/api/v1/analytics/attention?from={YEAR}").json()["rows"]
    }
    codes |= {
        r["partner"]
        for r in staff.get(f"/api/v1/analytics/network?from={YEAR}&to={YEAR}").json()["rows"]
    }
    codes.discard("GEO")
    others = dict(Organization.objects.filter(code__in=codes).values_list("code", "name"))
    assert len(others) >= 10
    liaison = make_user(R.PARTNER_LIAISON, "GEO")
    pdf = built(request(liaison, "state", "pdf", **{"from": YEAR, "to": YEAR}))
    xlsx = built(request(liaison, "state", "xlsx", **{"from": YEAR, "to": YEAR}))
    text = pdf_text(bytes(pdf.content))
    cells = " | ".join(str(c) for row in workbook_cells(bytes(xlsx.content)) for c in row if c)
    assert "Attention balance" in text and "Redundancy" not in text
    assert "GEO" in cells  # its own rows are there
    # Regions are named in the overlap's groups ("Australia and New Zealand"): not partners.
    regions = set(Organization.objects.values_list("region", flat=True))
    regions |= set(Organization.objects.values_list("continent", flat=True))
    for region in sorted(filter(None, regions), key=len, reverse=True):
        text, cells = text.replace(region, ""), cells.replace(region, "")
    for code, name in others.items():
        for where in (text, cells):
            assert not re.search(rf"\b{code}\b", where), code
            assert name not in where, name


def test_a_report_is_its_requesters_alone(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    generate_history()
    owner, other = make_user(R.ANALYST), make_user(R.ANALYST)
    report = built(request(owner, "depth-breadth", "pdf"))
    for url in (
        reverse("analytics:report", args=[report.pk]),
        reverse("analytics:report-download", args=[report.pk]),
        f"/api/v1/analytics/reports/{report.pk}",
        f"/api/v1/analytics/reports/{report.pk}/file",
    ):
        assert client_for(other).get(url).status_code == 404, url
        assert client_for(owner).get(url).status_code == 200, url


def test_a_requester_no_longer_active_gets_a_failed_report(
    make_user: Callable[..., User],
) -> None:
    analyst = make_user(R.ANALYST)
    report = request(analyst, "overlap", "xlsx")
    User.objects.filter(pk=analyst.pk).update(is_active=False)
    run_tasks()
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "no longer active" in report.error
    assert report.content is None


# --- the API and the pages -----------------------------------------------------------------


def test_the_api_queues_follows_and_serves_a_report(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    generate_history()
    client = client_for(make_user(R.COORDINATOR))
    answer = client.post(
        "/api/v1/analytics/reports",
        {"section": "state", "format": "xlsx", "year": int(YEAR)},
        content_type="application/json",
    )
    assert answer.status_code == 202, answer.content
    body = answer.json()
    assert body["status"] == "queued" and body["download"] is None
    assert client.get(f"/api/v1/analytics/reports/{body['id']}/file").status_code == 409
    run_tasks()
    status = client.get(f"/api/v1/analytics/reports/{body['id']}").json()
    assert status["status"] == "done" and status["progress"] == 100
    file = client.get(status["download"])
    assert file.status_code == 200 and file["Content-Type"].startswith("application/vnd.openxml")
    assert f'filename="coopsec-state-of-the-network-{YEAR}.xlsx"' in file["Content-Disposition"]
    assert [r["id"] for r in client.get("/api/v1/analytics/reports").json()] == [body["id"]]
    bad = client.post(
        "/api/v1/analytics/reports",
        {"section": "state", "format": "pdf", "year": 2026, "from": "2025"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "year" in bad.json()["errors"]


def test_a_section_pages_export_button_queues_that_section_under_its_filters(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    generate_history()
    client = client_for(make_user(R.COORDINATOR))
    page = client.get(reverse("analytics:attention") + f"?from={YEAR}&to={YEAR}")
    html = page.content.decode()
    assert 'id="export-form"' in html and f'value="from={YEAR}&amp;to={YEAR}"' in html
    answer = client.post(
        reverse("analytics:reports"),
        {"section": "attention", "format": "pdf", "query": f"from={YEAR}&to={YEAR}"},
    )
    report = Report.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "analytics:report", args=[report.pk]
    )
    waiting = client.get(answer["Location"]).content.decode()
    assert 'id="report-progress"' in waiting and 'data-finished="false"' in waiting
    assert (
        client.get(reverse("analytics:report-status", args=[report.pk])).json()["status"]
        == "queued"
    )
    run_tasks()
    done = client.get(answer["Location"]).content.decode()
    assert (
        'data-finished="true"' in done
        and reverse("analytics:report-download", args=[report.pk]) in done
    )
    refused = client.post(
        reverse("analytics:reports"), {"section": "state", "format": "pdf", "year": "19"}
    )
    assert refused.status_code == 400 and 'id="report-errors"' in refused.content.decode()
    assert Report.objects.count() == 1
