"""Partnership programmes: both sides' interests, programmes with objectives and planned
activities, their revisions, and assessments of progress.

Interests are versioned: every change records a whole new vector for one side, so the history
of what a partner asked for and what the alliance offered is kept. Programme revisions are
snapshots taken when a programme is submitted, agreed, or changed after agreement; two
snapshots are compared by `programmes.revisions.diff`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from coopsec.accounts.actor import Actor

PRIORITY_MAX = 5


class Side(models.TextChoices):
    PARTNER = "partner", _("Partner")
    ALLIANCE = "alliance", _("Alliance")


class InterestVersionQuerySet(models.QuerySet["InterestVersion"]):
    def visible_to(self, actor: Actor) -> InterestVersionQuerySet:
        from coopsec.programmes.access import partner_scoped

        return partner_scoped(actor, self, "partner_id")


class InterestVersion(models.Model):
    """One side's whole priority vector for one partner, as recorded at one time."""

    partner = models.ForeignKey(
        "network.Organization", on_delete=models.PROTECT, related_name="interest_versions"
    )
    side = models.CharField(max_length=8, choices=Side.choices)
    number = models.PositiveIntegerField()
    recorded_on = models.DateField()
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)

    objects = InterestVersionQuerySet.as_manager()

    class Meta:
        ordering = ["partner", "side", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "side", "number"], name="interest_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.side} interests of {self.partner_id} v{self.number}"


class InterestPriority(models.Model):
    """A priority 0 (none) to 5 (highest) for one area within one version."""

    version = models.ForeignKey(InterestVersion, on_delete=models.CASCADE, related_name="values")
    area = models.ForeignKey(
        "activities.CooperationArea", on_delete=models.PROTECT, related_name="+"
    )
    priority = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "area"], name="interest_priority_unique"),
            models.CheckConstraint(
                name="interest_priority_0_to_5",
                condition=Q(priority__gte=0) & Q(priority__lte=PRIORITY_MAX),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area_id}={self.priority}"


class ProgrammeType(models.TextChoices):
    ITPP = "ITPP", _("Individually Tailored Partnership Programme")
    IPCP = "IPCP", _("Individual Partnership and Cooperation Programme")
    IPAP = "IPAP", _("Individual Partnership Action Plan")
    ANP = "ANP", _("Annual National Programme")


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    AGREED = "agreed", _("Agreed")
    SUPERSEDED = "superseded", _("Superseded")


# A partner has at most one programme being prepared (draft or submitted) at a time.
OPEN_STATUSES = (ProgrammeStatus.DRAFT, ProgrammeStatus.SUBMITTED)


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def visible_to(self, actor: Actor) -> ProgrammeQuerySet:
        from coopsec.programmes.access import programmes_visible_to

        return programmes_visible_to(actor, self)


class Programme(models.Model):
    """A partner's individual partnership programme for a cycle of years."""

    partner = models.ForeignKey(
        "network.Organization", on_delete=models.PROTECT, related_name="programmes"
    )
    type = models.CharField(max_length=4, choices=ProgrammeType.choices)
    cycle_start = models.PositiveSmallIntegerField()
    cycle_end = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=10, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    title = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    agreed_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    synthetic = models.BooleanField(
        default=False, help_text=_("Generated demo data, not a real programme.")
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["partner", "-cycle_start", "-pk"]
        indexes = [models.Index(fields=["status", "partner"])]
        constraints = [
            models.CheckConstraint(
                name="programme_cycle_order", condition=Q(cycle_end__gte=F("cycle_start"))
            ),
            models.UniqueConstraint(
                fields=["partner"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="programme_one_open_per_partner",
            ),
            models.UniqueConstraint(
                fields=["partner"],
                condition=Q(status=ProgrammeStatus.AGREED),
                name="programme_one_agreed_per_partner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.cycle_start}-{self.cycle_end} ({self.partner_id})"

    @property
    def years(self) -> range:
        return range(self.cycle_start, self.cycle_end + 1)


class ObjectiveQuerySet(models.QuerySet["Objective"]):
    def visible_to(self, actor: Actor) -> ObjectiveQuerySet:
        from coopsec.programmes.access import partner_scoped

        return partner_scoped(actor, self, "programme__partner_id")


class Objective(models.Model):
    """What the programme should achieve in one area, measured by an indicator."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(max_length=250)
    area = models.ForeignKey(
        "activities.CooperationArea", on_delete=models.PROTECT, related_name="+"
    )
    indicator = models.CharField(max_length=300)
    baseline = models.CharField(max_length=200, blank=True)
    target = models.CharField(max_length=200)
    target_date = models.DateField()
    proposed_by = models.CharField(max_length=8, choices=Side.choices)
    agreed = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    objects = ObjectiveQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class ProgrammeItem(models.Model):
    """A planned activity serving an objective: a menu activity, or an activity type in an
    area and year when the exact activity is not yet on the menu."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="items")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="items")
    activity = models.ForeignKey(
        "activities.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programme_items",
    )
    area = models.ForeignKey(
        "activities.CooperationArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    activity_type = models.CharField(max_length=24, blank=True)
    year = models.PositiveSmallIntegerField()
    planned_seats = models.PositiveSmallIntegerField(default=1)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["programme", "year", "pk"]
        constraints = [
            models.CheckConstraint(
                name="programme_item_activity_or_area",
                condition=Q(activity__isnull=False) | Q(area__isnull=False),
            ),
            models.CheckConstraint(
                name="programme_item_seats_positive", condition=Q(planned_seats__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return f"item #{self.pk}"


class ProgrammeRevision(models.Model):
    """A snapshot of a programme's objectives and items at a step of its life."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    event = models.CharField(max_length=12)  # submitted, agreed, amended
    snapshot = models.JSONField()
    author = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="programme_revision_unique"
            )
        ]

    def __str__(self) -> str:
        return f"revision {self.number} of programme #{self.programme_id}"


class ProgrammeComment(models.Model):
    """A remark by either side on a programme under review."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    side = models.CharField(max_length=8, choices=Side.choices)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["programme", "created_at", "pk"]

    def __str__(self) -> str:
        return f"comment #{self.pk}"


class Rating(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    AT_RISK = "at_risk", _("At risk")
    ON_TRACK = "on_track", _("On track")
    ACHIEVED = "achieved", _("Achieved")


class Assessment(models.Model):
    """One side's rating of an objective's progress over a period, with the evidence that
    was on record when it was made."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="assessments")
    period = models.CharField(max_length=8)  # 2027, 2027-H1 or 2027-Q3
    period_start = models.DateField()
    period_end = models.DateField()
    side = models.CharField(max_length=8, choices=Side.choices)
    rating = models.CharField(max_length=12, choices=Rating.choices)
    narrative = models.TextField(blank=True)
    evidence = models.JSONField(default=dict)
    assessed_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["objective", "period_start", "side"]
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "period", "side"], name="assessment_one_per_period_side"
            ),
            models.CheckConstraint(
                name="assessment_period_order", condition=Q(period_end__gte=F("period_start"))
            ),
        ]

    def __str__(self) -> str:
        return f"assessment of objective #{self.objective_id} for {self.period}"
