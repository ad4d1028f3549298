"""Reports of the analytics through the API (issue 6, item 8): request one, follow its
progress, download its file. A report is built by a task (`coopsec db-worker`) as the
requester, and is the requester's alone: anyone else's answers 404."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from coopsec.analytics import selectors, services
from coopsec.analytics.access import REPORT_SECTIONS
from coopsec.analytics.models import STATE_OF_NETWORK, Report, ReportStatus
from coopsec.analytics.reports.content import CONTENT_TYPES
from coopsec.api.auth import actor_of
from coopsec.errors import Invalid

router = Router(tags=["analytics"], by_alias=True)


class ReportIn(Schema):
    section: str = Field(
        description="an analytics section ("
        + ", ".join(REPORT_SECTIONS)
        + f"), or '{STATE_OF_NETWORK}' for the whole state of the partnership network in a year"
    )
    format: str = Field(description="pdf (charts and tables) or xlsx (the tables)")
    year: int | None = Field(None, description="for 'state': the year (sets from and to)")
    year_from: str = Field("", alias="from", description="first year (YYYY)")
    year_to: str = Field("", alias="to", description="last year (YYYY)")
    framework: str = ""
    region: str = ""
    area: str = ""
    host: str = ""
    type: str = ""

    def params(self) -> dict[str, str]:
        first, last = self.year_from, self.year_to
        if self.year is not None:
            if first or last:
                raise Invalid(
                    _("Give either 'year' or 'from' and 'to', not both."),
                    details={"year": _("'year' cannot be combined with 'from' or 'to'.")},
                )
            first = last = str(self.year)
        return {
            "from": first, "to": last, "framework": self.framework, "region": self.region,
            "area": self.area, "host": self.host, "type": self.type,
        }  # fmt: skip


class ReportOut(Schema):
    id: int
    section: str
    format: str
    filters: str = Field(description="the filters as a query string")
    status: str = Field(description=" | ".join(ReportStatus.values))
    progress: int = Field(description="percent done")
    step: str = Field(description="what the task is doing now")
    error: str = Field(description="why the report failed; empty otherwise")
    requested_at: datetime
    finished_at: datetime | None
    size: int = Field(description="bytes of the file once done")
    download: str | None = Field(description="the file's address once done")
    page: str = Field(description="the report's page in the web interface")


def _out(report: Report) -> dict[str, Any]:
    done = report.status == ReportStatus.DONE
    return {
        "id": report.pk,
        "section": report.section,
        "format": report.format,
        "filters": report.query,
        "status": report.status,
        "progress": report.progress,
        "step": report.step,
        "error": report.error,
        "requested_at": report.requested_at,
        "finished_at": report.finished_at,
        "size": report.size,
        "download": reverse("api:analytics_report_file", args=[report.pk]) if done else None,
        "page": reverse("analytics:report", args=[report.pk]),
    }


@router.post("/reports", response={202: ReportOut}, summary="Request a report")
def report_request(request: HttpRequest, payload: ReportIn) -> Status[dict[str, Any]]:
    """Queue a report of one section under the shared filters, or of the whole state of the
    partnership network for one `year`. Answers 202 with the report to follow; a bad section,
    format or filter answers 400 naming it; a section the caller may not read, 403."""
    report = services.report_request(
        actor=actor_of(request), section=payload.section, fmt=payload.format,
        params=payload.params(),
    )  # fmt: skip
    return Status(202, _out(report))


@router.get("/reports", response=list[ReportOut], summary="My reports")
def report_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The caller's reports, newest first (at most 100)."""
    return [_out(r) for r in selectors.report_list(actor=actor_of(request))[:100]]


@router.get("/reports/{report_id}", response=ReportOut, summary="A report's progress")
def report_detail(request: HttpRequest, report_id: int) -> dict[str, Any]:
    """One of the caller's reports: its status and progress (another's: 404)."""
    return _out(selectors.report_get(actor=actor_of(request), report_id=report_id))


@router.get(
    "/reports/{report_id}/file",
    summary="A report's file",
    url_name="analytics_report_file",
    response={200: None},
)
def report_file(request: HttpRequest, report_id: int) -> HttpResponse:
    """The PDF or workbook of a finished report (not finished yet: 409; another's: 404)."""
    report = selectors.report_get(actor=actor_of(request), report_id=report_id, with_content=True)
    if report.status != ReportStatus.DONE or report.content is None:
        return HttpResponse(
            b'{"error": "not_ready", "detail": "The report is not finished."}',
            status=409, content_type="application/json",
        )  # fmt: skip
    response = HttpResponse(bytes(report.content), content_type=CONTENT_TYPES[report.format])
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    return response
