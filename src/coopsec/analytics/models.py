"""Reports of the analytics (issue 6, item 8): one section, or the whole "state of the
partnership network" for a year, as a PDF (charts and tables) or a workbook (the tables).

A report is requested, built by a task (`analytics.tasks.report_build`, run by
`coopsec db-worker`) that records its progress here, and kept with its file so the reader
can download it again. The file holds what the requester was allowed to read when it was
built: it is theirs alone (`analytics.access.can_open_report`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from coopsec.accounts.actor import Actor

# The whole report for a year: every section the reader may open.
STATE_OF_NETWORK = "state"


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", _("Workbook (.xlsx)")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ReportQuerySet(models.QuerySet["Report"]):
    def visible_to(self, actor: Actor) -> ReportQuerySet:
        """A reader's own reports; none for anonymous actors."""
        if actor.user is None or actor.user.pk is None:
            return self.none()
        return self.filter(requested_by_id=actor.user.pk)


class Report(models.Model):
    """One requested report, its progress and, once built, its file."""

    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="analytics_reports"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    # An analytics section (`analytics.access`'s codes, or "redundancy"), or STATE_OF_NETWORK.
    section = models.CharField(max_length=20)
    # The shared filters as the URL carries them ("from=2025&to=2025&framework=PfP").
    query = models.CharField(max_length=500, blank=True)
    format = models.CharField(max_length=4, choices=ReportFormat.choices)
    language = models.CharField(max_length=8, default="en")
    status = models.CharField(
        max_length=8, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    step = models.CharField(max_length=200, blank=True)  # what the task is doing now
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    filename = models.CharField(max_length=120, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    size = models.PositiveIntegerField(default=0)  # bytes of `content`

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "-requested_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="report_progress_percent"
            ),
            models.CheckConstraint(
                condition=models.Q(format__in=ReportFormat.values), name="report_format_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section} {self.query} ({self.format}, {self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)
