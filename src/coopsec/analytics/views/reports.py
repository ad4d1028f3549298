"""Reports as pages (issue 6, item 8): the export buttons of every section post here; the
report's page shows its progress while the task builds it (a script follows it, and the page
works without one) and then the download; "My reports" lists the reader's reports and asks
for a whole state of the partnership network report for a year.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from coopsec.accounts.actor import Actor
from coopsec.analytics import selectors, services
from coopsec.analytics.models import STATE_OF_NETWORK, Report, ReportFormat, ReportStatus
from coopsec.analytics.reports.build import describe
from coopsec.analytics.reports.content import CONTENT_TYPES, heading_of
from coopsec.analytics.views.base import actor_for, project_errors
from coopsec.errors import CoopsecError, Invalid
from coopsec.network import dates

# Years offered for the state of the network report, back from this year.
STATE_YEARS = 12


def _years() -> list[int]:
    this = dates.today().year
    return list(range(this + 1, this - STATE_YEARS, -1))


def _row(actor: Actor, report: Report) -> dict[str, Any]:
    return {
        "report": report,
        "heading": heading_of(report.section),
        "filters": describe(actor, report.query),
        "url": reverse("analytics:report", args=[report.pk]),
    }


@login_required
@project_errors
@require_http_methods(["GET", "POST"])
def reports(request: HttpRequest) -> HttpResponse:
    """GET: the reader's reports and the state of the network form. POST: queue a report
    (a section's export buttons, or the form) and go to its page."""
    actor = actor_for(request)
    errors: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        section = request.POST.get("section", "")
        fmt = request.POST.get("format", "")
        params = QueryDict(request.POST.get("query", ""), mutable=True)
        if section == STATE_OF_NETWORK:
            year = request.POST.get("year", "")
            params["from"] = params["to"] = year
        try:
            report = services.report_request(actor=actor, section=section, fmt=fmt, params=params)
        except Invalid as exc:
            errors = exc.details if isinstance(exc.details, dict) else {"": exc.message}
            status = 400
        else:
            return redirect("analytics:report", report.pk)
    found = [_row(actor, r) for r in selectors.report_list(actor=actor)[:50]]
    context = {
        "section": "analytics",
        "reports": found,
        "errors": errors,
        "years": _years(),
        "year": dates.today().year - 1,
        "formats": ReportFormat.choices,
    }
    return render(request, "analytics/reports.html", context, status=status)


@login_required
@project_errors
@require_GET
def report(request: HttpRequest, report_id: int) -> HttpResponse:
    """One report: its progress while it is built, then its download."""
    actor = actor_for(request)
    found = selectors.report_get(actor=actor, report_id=report_id)
    return render(
        request,
        "analytics/report.html",
        {"section": "analytics", **_row(actor, found), **_progress(found)},
    )


def _progress(report: Report) -> dict[str, Any]:
    return {
        "id": report.pk,
        "status": report.status,
        "status_label": str(ReportStatus(report.status).label),
        "progress": report.progress,
        "step": report.step,
        "error": report.error,
        "finished": report.finished,
        "download": reverse("analytics:report-download", args=[report.pk])
        if report.status == ReportStatus.DONE
        else None,
    }


@login_required
@require_GET
def report_status(request: HttpRequest, report_id: int) -> JsonResponse:
    """The report's progress as JSON, for the page's script."""
    try:
        found = selectors.report_get(actor=actor_for(request), report_id=report_id)
    except CoopsecError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    return JsonResponse(_progress(found))


@login_required
@project_errors
@require_GET
def report_download(request: HttpRequest, report_id: int) -> HttpResponse:
    """The finished report's file; a report not finished yet goes back to its page."""
    found = selectors.report_get(actor=actor_for(request), report_id=report_id, with_content=True)
    if found.status != ReportStatus.DONE or found.content is None:
        return redirect("analytics:report", found.pk)
    response = HttpResponse(bytes(found.content), content_type=CONTENT_TYPES[found.format])
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    return response
