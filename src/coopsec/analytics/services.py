"""Writes of the analytics: requesting a report and building it (issue 6, item 8).

A request is checked whole before anything is stored (section, format, filters; a state of
the network report covers one year), stored with an audit event, and handed to the task
queue in the same transaction, so a report is queued exactly when its row exists. The task
(`analytics.tasks.report_build`, run by `coopsec db-worker`) reads as the requester, records
its progress on the row as it goes, and keeps the file.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from urllib.parse import urlencode

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.analytics import access
from coopsec.analytics.filters import Filters
from coopsec.analytics.models import STATE_OF_NETWORK, Report, ReportFormat, ReportStatus
from coopsec.analytics.reports import build
from coopsec.audit.services import audit_record
from coopsec.errors import CoopsecError, Forbidden, Invalid

logger = logging.getLogger(__name__)

# Share of the progress bar the reading of the parts takes; the rest is writing the file.
READING_SHARE = 80


def report_request(
    *, actor: Actor, section: str, fmt: str, params: Mapping[str, str | None]
) -> Report:
    """Queue a report of `section` (or STATE_OF_NETWORK for a year) under the shared filters
    in `params`. Raises Invalid naming each bad parameter, Forbidden when the actor may not
    read the section."""
    if actor.user is None:
        raise Forbidden(_("Only a signed-in user can request a report."))
    errors: dict[str, str] = {}
    if section != STATE_OF_NETWORK and section not in access.REPORT_SECTIONS:
        errors["section"] = _("'%(value)s' is not a section; choose one of: %(choices)s.") % {
            "value": section,
            "choices": ", ".join([*access.REPORT_SECTIONS, STATE_OF_NETWORK]),
        }
    if fmt not in ReportFormat.values:
        errors["format"] = _("'%(value)s' is not a format; choose pdf or xlsx.") % {"value": fmt}
    filters = Filters()
    try:
        filters = Filters.parse(params)
    except Invalid as exc:
        errors.update(exc.details if isinstance(exc.details, dict) else {})
    one_year = filters.year_from is not None and filters.year_from == filters.year_to
    if section == STATE_OF_NETWORK and not one_year and not {"from", "to"} & errors.keys():
        errors["year"] = _(
            "A state of the partnership network report covers one year: give the year."
        )
    if errors:
        raise Invalid(_("The report cannot be made with these parameters."), details=errors)
    if not build.sections_of(actor, section) or (
        section != STATE_OF_NETWORK and not access.can_open(actor, section)
    ):
        raise Forbidden(_("Your role does not give access to this analytics section."))
    query = urlencode({k: v for k, v in filters.as_params().items() if v is not None})
    with transaction.atomic():
        report = Report.objects.create(
            requested_by=actor.user,
            section=section,
            query=query,
            format=fmt,
            language=translation.get_language() or "en",
        )
        audit_record(
            actor=actor,
            action="analytics.report_requested",
            object_type="analytics.report",
            object_id=report.pk,
            summary={"section": section, "filters": query, "format": fmt},
        )
        from coopsec.analytics.tasks import report_build as task

        task.enqueue(report.pk)
    return report


def _progress(report_id: int, percent: int, step: str) -> None:
    """Record how far the report is (outside any transaction, so readers see it at once)."""
    Report.objects.filter(pk=report_id).update(progress=min(100, percent), step=step[:200])


def report_build(report_id: int) -> None:
    """Build a queued report: read its parts as the requester, write the file, keep it.

    A report that is not queued (already built, or being built by another worker) is left
    alone. A report the requester may no longer read, or whose filters no longer hold (a
    framework deleted since), fails with the reason; any other error fails it too, is logged,
    and is raised again for the task queue to record.
    """
    claimed = Report.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(
        status=ReportStatus.RUNNING, started_at=timezone.now(), progress=1,
        step=_("Starting"),
    )  # fmt: skip
    if not claimed:
        return
    report = Report.objects.select_related("requested_by").get(pk=report_id)
    user: User = report.requested_by
    with translation.override(report.language):
        try:
            content, name = _build(report, Actor.from_user(user))
        except CoopsecError as exc:
            _finish(report_id, ReportStatus.FAILED, error=exc.message)
            return
        except Exception:
            logger.exception("Report %s could not be built", report_id)
            _finish(report_id, ReportStatus.FAILED, error=_("The report could not be built."))
            raise
    _finish(report_id, ReportStatus.DONE, content=content, filename=name)


def _build(report: Report, actor: Actor) -> tuple[bytes, str]:
    if not user_active(actor):
        raise Forbidden(_("The account that requested this report is no longer active."))
    filters = Filters.parse(QueryDict(report.query))
    moment = timezone.localtime().strftime("%Y-%m-%d %H:%M")

    def reading(done: int, total: int, heading: str) -> None:
        step = _("Reading %(section)s") % {"section": heading} if heading else _("Writing")
        _progress(report.pk, 1 + (READING_SHARE - 1) * done // max(total, 1), step)

    document = build.document(actor, report.section, filters, generated_at=moment,
                              progress=reading)  # fmt: skip
    parts = max(len(document.parts), 1)

    def writing(done: int) -> None:
        _progress(report.pk, READING_SHARE + (99 - READING_SHARE) * done // parts, _("Writing"))

    content = build.render(document, report.format, writing)
    return content, build.filename(report.section, filters, report.format)


def user_active(actor: Actor) -> bool:
    return actor.user is not None and actor.user.is_active


def _finish(
    report_id: int,
    status: str,
    *,
    content: bytes | None = None,
    filename: str = "",
    error: str = "",
) -> None:
    Report.objects.filter(pk=report_id).update(
        status=status,
        progress=100 if status == ReportStatus.DONE else Report.objects.get(pk=report_id).progress,
        step="",
        error=error,
        content=content,
        size=len(content or b""),
        filename=filename,
        finished_at=timezone.now(),
    )
