"""Allocation runs (issue 7, item 5): one optimization of the seats of "allocated" activities,
its parameters, the solver's and the baselines' figures, and one decision per nomination.

A run is requested by a coordinator, solved by a task (`planning.tasks.run_execute`, run by
`coopsec db-worker`) that records its progress here, reviewed (and adjusted by hand), then
applied: its decisions are written through the nomination services. Runs are kept, applied
or not, so every allocation can be traced back to what it was given and why.

What the optimizer was given is kept with the run (`inputs`: the activities' free seats,
caps, costs, areas and dates, the partners' operational status and budgets) and with each
decision (the nomination's rank, interest, offered priority, ...), so a decision can be
adjusted and re-checked later against exactly the instance that was solved
(`planning.snapshot.instance_of_run`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from coopsec.accounts.actor import Actor


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    # A done run whose decisions the apply task is writing; done again once it has
    # (`applied_at` set) or was refused (`error` says why).
    APPLYING = "applying", _("Applying")


class Outcome(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waitlisted")
    DECLINED = "declined", _("Declined")


class AllocationRunQuerySet(models.QuerySet["AllocationRun"]):
    def visible_to(self, actor: Actor) -> AllocationRunQuerySet:
        """Every run for the roles that read runs (`planning.access`); none otherwise."""
        from coopsec.planning.access import can_view_runs

        return self if can_view_runs(actor) else self.none()


class AllocationRun(models.Model):
    """One optimization of a cycle's (or a list of activities') seats, and what came of it."""

    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="allocation_runs",
        help_text=_("Empty for a run made from the command line."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The cycle (a calendar year) whose allocated activities are allocated, or None when the
    # activities were listed (`activities`).
    cycle = models.PositiveSmallIntegerField(null=True, blank=True)
    activities = models.JSONField(default=list, blank=True)  # the ids asked for, if listed
    params = models.JSONField(default=dict, blank=True)  # as given (planning/params.py)
    language = models.CharField(max_length=8, default="en")
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    step = models.CharField(max_length=200, blank=True)  # what the task is doing now
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # What the optimizer was given, besides the nominations (see the module docstring).
    inputs = models.JSONField(default=dict, blank=True)
    # {"optimum": {...}, "fcfs": {...}, "round_robin": {...}}: planning/execute.py's figures.
    metrics = models.JSONField(default=dict, blank=True)
    # [{"activity": id, "code": code, "value": dual}], highest first.
    marginal_seat_value = models.JSONField(default=list, blank=True)
    # {"sweep": name, "breadth_seats": k, "points": [...], "note": why it is empty}; each
    # point: parameter, breadth, depth, values, seats, `chosen` and `partner_seats`.
    frontier = models.JSONField(default=dict, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = AllocationRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["cycle", "status", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="allocation_run_progress_percent"
            ),
            models.CheckConstraint(
                condition=Q(status__in=RunStatus.values), name="allocation_run_status_known"
            ),
        ]

    def __str__(self) -> str:
        scope = self.cycle if self.cycle is not None else f"{len(self.activities)} activities"
        return f"allocation run #{self.pk} ({scope}, {self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)

    @property
    def busy(self) -> bool:
        """A task is working on the run (solving it or applying it)."""
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.APPLYING)

    @property
    def applied(self) -> bool:
        return self.applied_at is not None


class AllocationDecision(models.Model):
    """The run's outcome for one nomination, why, and what the baselines would have done.

    The nomination's inputs to the optimizer are copied here (`activity` to
    `serves_objective`), so the run can be re-checked after the nomination changes. The reason
    is stored as a code and its parameters and put into words at display, in the reader's
    language (`planning.reasons.reason_text`).
    """

    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="decisions")
    nomination = models.ForeignKey(
        "activities.Nomination", on_delete=models.CASCADE, related_name="allocation_decisions"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason_code = models.CharField(max_length=24)
    reason_params = models.JSONField(default=dict, blank=True)
    value = models.FloatField()  # the nomination's value under the run's weights
    fcfs_outcome = models.CharField(max_length=10, choices=Outcome.choices)
    round_robin_outcome = models.CharField(max_length=10, choices=Outcome.choices)
    adjusted = models.BooleanField(default=False)
    adjusted_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The optimizer's inputs for this nomination, as they were read.
    activity = models.ForeignKey(
        "activities.Activity", on_delete=models.CASCADE, related_name="allocation_decisions"
    )
    partner = models.ForeignKey(
        "network.Organization", on_delete=models.PROTECT, related_name="allocation_decisions"
    )
    participant_key = models.CharField(max_length=40)
    submitted_at = models.DateTimeField()
    rank = models.PositiveSmallIntegerField()
    interest = models.PositiveSmallIntegerField()
    alliance_priority = models.PositiveSmallIntegerField()
    serves_objective = models.BooleanField()

    class Meta:
        ordering = ["run", "activity", "nomination"]
        indexes = [models.Index(fields=["run", "outcome"])]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "nomination"], name="allocation_decision_one_per_nomination"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=Outcome.values), name="allocation_decision_outcome_known"
            ),
        ]

    def __str__(self) -> str:
        return f"run #{self.run_id}: nomination #{self.nomination_id} {self.outcome}"
