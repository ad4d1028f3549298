"""The cooperation menu: areas, activities, participants, nominations, feedback, reports.

Seats are guarded twice: services take a lock on the activity row before they count seats
(SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions serialize writers), and
the database refuses more confirmed seats than the activity has (`confirmed_count <= seats`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from coopsec.activities import lifecycle

if TYPE_CHECKING:
    from coopsec.accounts.actor import Actor


class CooperationArea(models.Model):
    """One entry of the coded, hierarchical cooperation-area taxonomy."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    name_fr = models.CharField(max_length=160, blank=True)
    description = models.TextField(blank=True)
    description_fr = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if translation.get_language() == "fr" and self.name_fr:
            return self.name_fr
        return self.name


class ActivityType(models.TextChoices):
    COURSE = "course", _("Course")
    EXERCISE = "exercise", _("Exercise")
    SEMINAR = "seminar", _("Seminar")
    CONFERENCE = "conference", _("Conference")
    WORKSHOP = "workshop", _("Workshop")
    MOBILE_TRAINING_TEAM = "mobile_training_team", _("Mobile training team")
    EXPERT_VISIT = "expert_visit", _("Expert visit")
    STAFF_TALKS = "staff_talks", _("Staff talks")


class Nature(models.TextChoices):
    MILITARY = "military", _("Military")
    CIVIL = "civil", _("Civil")


class Eligibility(models.TextChoices):
    ALL_PARTNERS = "all_partners", _("All partners")
    FRAMEWORKS = "frameworks", _("Partners in listed frameworks")
    ORGANIZATIONS = "organizations", _("Listed organizations")


class Mode(models.TextChoices):
    FCFS = "fcfs", _("First come, first served")
    ALLOCATED = "allocated", _("Allocated by the coordinator")


class Clearance(models.TextChoices):
    NONE = "none", _("None")
    RESTRICTED = "restricted", _("Restricted")
    CONFIDENTIAL = "confidential", _("Confidential")
    SECRET = "secret", _("Secret")


class ActivityState(models.TextChoices):
    PROPOSED = lifecycle.PROPOSED, _("Proposed")
    APPROVED = lifecycle.APPROVED, _("Approved")
    OPEN = lifecycle.OPEN, _("Open for nominations")
    CLOSED = lifecycle.CLOSED, _("Closed")
    CONDUCTED = lifecycle.CONDUCTED, _("Conducted")
    REPORTED = lifecycle.REPORTED, _("Reported")
    CANCELLED = lifecycle.CANCELLED, _("Cancelled")


class ActivityQuerySet(models.QuerySet["Activity"]):
    def visible_to(self, actor: Actor) -> ActivityQuerySet:
        from coopsec.activities.access import activities_visible_to

        return activities_visible_to(actor, self)


class Activity(models.Model):
    """One entry of the cooperation menu."""

    code = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=250)
    title_fr = models.CharField(max_length=250, blank=True)
    description = models.TextField(blank=True)
    description_fr = models.TextField(blank=True)
    type = models.CharField(max_length=24, choices=ActivityType.choices)
    host = models.ForeignKey(
        "network.Organization", on_delete=models.PROTECT, related_name="hosted_activities"
    )
    primary_area = models.ForeignKey(
        CooperationArea, on_delete=models.PROTECT, related_name="primary_activities"
    )
    secondary_areas = models.ManyToManyField(
        CooperationArea, blank=True, related_name="secondary_activities"
    )
    start = models.DateField()
    end = models.DateField()
    country = models.ForeignKey(
        "network.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Where it takes place (a state); empty when online."),
    )
    city = models.CharField(max_length=120, blank=True)
    online = models.BooleanField(default=False)
    language = models.CharField(max_length=40, default="en", help_text=_("e.g. en, fr, en+fr"))
    seats = models.PositiveIntegerField()
    per_partner_cap = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Seats one partner may hold; empty for no cap.")
    )
    eligibility = models.CharField(
        max_length=16, choices=Eligibility.choices, default=Eligibility.ALL_PARTNERS
    )
    eligible_frameworks = models.ManyToManyField("network.Framework", blank=True, related_name="+")
    eligible_organizations = models.ManyToManyField(
        "network.Organization", blank=True, related_name="eligible_activities"
    )
    clearance = models.CharField(max_length=16, choices=Clearance.choices, default=Clearance.NONE)
    tuition_cost = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    accommodation_cost = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    nature = models.CharField(max_length=10, choices=Nature.choices, default=Nature.MILITARY)
    registration_deadline = models.DateField(null=True, blank=True)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.FCFS)
    state = models.CharField(
        max_length=10, choices=ActivityState.choices, default=ActivityState.PROPOSED
    )
    confirmed_count = models.PositiveIntegerField(default=0, editable=False)
    synthetic = models.BooleanField(
        default=False, help_text=_("Generated demo data, not a real activity.")
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["start", "code"]
        verbose_name_plural = "activities"
        indexes = [
            # The menu's order, and its "from" filter (end >= from): docs/PERFORMANCE.md.
            models.Index(fields=["start", "code"]),
            models.Index(fields=["end"]),
            models.Index(fields=["state", "start"]),
            models.Index(fields=["primary_area", "start"]),
            models.Index(fields=["host", "start"]),
            models.Index(fields=["type", "start"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="activity_end_after_start", condition=Q(end__gte=F("start"))
            ),
            models.CheckConstraint(
                name="activity_not_overbooked", condition=Q(confirmed_count__lte=F("seats"))
            ),
            models.CheckConstraint(
                name="activity_cap_positive",
                condition=Q(per_partner_cap__isnull=True) | Q(per_partner_cap__gte=1),
            ),
            models.CheckConstraint(
                name="activity_costs_not_negative",
                condition=Q(tuition_cost__gte=0) & Q(accommodation_cost__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.display_title}"

    @property
    def display_title(self) -> str:
        if translation.get_language() == "fr" and self.title_fr:
            return self.title_fr
        return self.title

    @property
    def display_description(self) -> str:
        if translation.get_language() == "fr" and self.description_fr:
            return self.description_fr
        return self.description

    @property
    def seats_left(self) -> int:
        return max(self.seats - self.confirmed_count, 0)

    @property
    def cost_per_seat(self) -> object:
        return self.tuition_cost + self.accommodation_cost


class ActivityReference(models.Model):
    """An identifier of the activity in another system (e-PRIME, ETOC, a national system)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="references")
    system = models.CharField(max_length=40)
    reference = models.CharField(max_length=80)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["system", "reference"], name="activity_ref_unique")
        ]

    def __str__(self) -> str:
        return f"{self.system}:{self.reference}"


class Participant(models.Model):
    """A person a partner nominates. Personal data: see accounts/personal_data.py."""

    partner = models.ForeignKey(
        "network.Organization", on_delete=models.PROTECT, related_name="participants"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    rank = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["partner", "email"])]

    def __str__(self) -> str:
        return f"participant #{self.pk}"


class NominationState(models.TextChoices):
    PENDING = "pending", _("Pending allocation")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waitlisted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("No-show")


# States that hold a seat.
SEAT_STATES = (NominationState.CONFIRMED, NominationState.ATTENDED, NominationState.NO_SHOW)
# States in which the nomination is still alive (not withdrawn or declined).
LIVE_STATES = (NominationState.PENDING, NominationState.WAITLISTED, *SEAT_STATES)


class NominationQuerySet(models.QuerySet["Nomination"]):
    def visible_to(self, actor: Actor) -> NominationQuerySet:
        from coopsec.activities.access import nominations_visible_to

        return nominations_visible_to(actor, self)


class Nomination(models.Model):
    """A partner's request for a seat for one participant, with the partner's priority."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="nominations")
    partner = models.ForeignKey(
        "network.Organization", on_delete=models.PROTECT, related_name="nominations"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="nominations"
    )
    priority = models.PositiveSmallIntegerField(
        default=1, help_text=_("The partner's own rank: 1 is its first choice.")
    )
    state = models.CharField(max_length=10, choices=NominationState.choices)
    nominated_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    programme_item = models.ForeignKey(
        "programmes.ProgrammeItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nominations",
        help_text=_("The planned activity of the partner's programme this nomination serves."),
    )

    objects = NominationQuerySet.as_manager()

    class Meta:
        ordering = ["activity", "created_at", "pk"]
        indexes = [
            # Seats a partner holds on an activity (every nomination counts them).
            models.Index(fields=["activity", "partner", "state"]),
            models.Index(fields=["activity", "state"]),
            models.Index(fields=["partner", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "participant"],
                condition=Q(state__in=[s.value for s in LIVE_STATES]),
                name="nomination_one_live_per_participant",
            ),
            models.CheckConstraint(
                name="nomination_priority_positive", condition=Q(priority__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return f"nomination #{self.pk} ({self.state})"

    @property
    def holds_seat(self) -> bool:
        return self.state in SEAT_STATES


class Feedback(models.Model):
    """A participant's ratings (1-5) and comments on an activity they attended."""

    nomination = models.OneToOneField(Nomination, on_delete=models.CASCADE, related_name="feedback")
    relevance = models.PositiveSmallIntegerField()
    quality = models.PositiveSmallIntegerField()
    applicability = models.PositiveSmallIntegerField()
    comments = models.TextField(blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name=f"feedback_{field}_1_to_5",
                condition=Q(**{f"{field}__gte": 1}) & Q(**{f"{field}__lte": 5}),
            )
            for field in ("relevance", "quality", "applicability")
        ]

    def __str__(self) -> str:
        return f"feedback on nomination #{self.nomination_id}"


class ActivityReport(models.Model):
    """The host's after-action report, distributed to the participating partners."""

    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="report")
    summary = models.TextField()
    lessons = models.TextField(blank=True)
    recommendations = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"report on {self.activity.code}"


class Notification(models.Model):
    """An in-app message to a user (mail goes out through Django's backend too)."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message


class CalendarFeed(models.Model):
    """A revocable secret URL serving an iCalendar feed for a user or an organization."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    organization_wide = models.BooleanField(
        default=False, help_text=_("The feed shows the user's organization's activities.")
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"calendar feed #{self.pk}"
