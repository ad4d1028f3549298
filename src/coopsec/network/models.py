"""The partnership network: organizations, frameworks, memberships and operations.

Every membership question is asked as of a date. Periods are half-open: a membership
counts on day D when start <= D and (end is empty or D < end), so a partner that becomes an
Ally on its accession day counts as an Ally that day and no longer as a partner.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coopsec.network.dates import DAY, PRECISION_CHOICES, format_partial

if TYPE_CHECKING:
    from coopsec.accounts.actor import Actor


class Sourced(models.Model):
    """Where a fact comes from, carried with every reference row."""

    source_url = models.URLField(max_length=500, blank=True)
    verified = models.BooleanField(
        default=False, help_text=_("The source page states the row's key facts.")
    )
    note = models.TextField(blank=True)

    class Meta:
        abstract = True


class OrganizationKind(models.TextChoices):
    ALLIANCE = "alliance", _("Alliance")
    MEMBER_STATE = "member_state", _("Member state")
    PARTNER_STATE = "partner_state", _("Partner state")
    INTERNATIONAL_ORG = "international_org", _("International organization")
    REGIONAL_ORG = "regional_org", _("Regional organization")
    INSTITUTION = "institution", _("Institution")


STATE_KINDS = (OrganizationKind.MEMBER_STATE, OrganizationKind.PARTNER_STATE)


class InstitutionSubtype(models.TextChoices):
    COE = "coe", _("Centre of Excellence")
    PTEC = "ptec", _("Partnership Training and Education Centre")
    SCHOOL = "school", _("School")
    COMMAND = "command", _("Command")
    AGENCY = "agency", _("Agency")


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def visible_to(self, actor: Actor) -> OrganizationQuerySet:
        from coopsec.network.access import organizations_visible_to

        return organizations_visible_to(actor, self)

    def states(self) -> OrganizationQuerySet:
        return self.filter(kind__in=STATE_KINDS)


class Organization(Sourced):
    """A state, an international or regional organization, an institution, or the alliance."""

    code = models.CharField(
        max_length=32,
        unique=True,
        help_text=_("ISO 3166 alpha-3 for states; a short code for everything else."),
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OrganizationKind.choices)
    iso3 = models.CharField(max_length=3, null=True, blank=True, unique=True)
    subtype = models.CharField(
        max_length=10, choices=InstitutionSubtype.choices, blank=True, default=""
    )
    short_name = models.CharField(max_length=60, blank=True)
    host_country = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_institutions",
        limit_choices_to={"kind__in": STATE_KINDS},
    )
    city = models.CharField(max_length=120, blank=True)
    accreditation_date = models.DateField(null=True, blank=True)
    accreditation_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, default=DAY)
    region = models.CharField(
        max_length=60, help_text=_("UN M49 sub-region, or the area an organization covers.")
    )
    continent = models.CharField(max_length=30, blank=True)
    domain = models.CharField(max_length=200, blank=True, help_text=_("Field of expertise."))
    description = models.TextField(blank=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="organization_state_has_iso3",
                condition=~Q(kind__in=STATE_KINDS) | Q(iso3__isnull=False),
            ),
            models.CheckConstraint(
                name="organization_only_states_have_iso3",
                condition=Q(kind__in=STATE_KINDS) | Q(iso3__isnull=True),
            ),
            models.CheckConstraint(
                name="organization_subtype_only_for_institutions",
                condition=Q(kind=OrganizationKind.INSTITUTION) | Q(subtype=""),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_state(self) -> bool:
        return self.kind in STATE_KINDS

    @property
    def accreditation_display(self) -> str:
        return format_partial(self.accreditation_date, self.accreditation_precision)


class FrameworkStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REPLACED = "replaced", _("Replaced")


class Framework(Sourced):
    """A partnership framework (PfP, MD, ICI, …) or a bilateral council or commission."""

    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=200)
    established = models.DateField(null=True, blank=True)
    established_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, default=DAY)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=FrameworkStatus.choices)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def established_display(self) -> str:
        return format_partial(self.established, self.established_precision)


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")


def active_on_q(as_of: date, prefix: str = "") -> Q:
    """Half-open period test on `<prefix>start` / `<prefix>end`."""
    return Q(**{f"{prefix}start__lte": as_of}) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gt": as_of})
    )


class MembershipQuerySet(models.QuerySet["Membership"]):
    def visible_to(self, actor: Actor) -> MembershipQuerySet:
        from coopsec.network.access import memberships_visible_to

        return memberships_visible_to(actor, self)

    def active_on(self, as_of: date) -> MembershipQuerySet:
        return self.filter(active_on_q(as_of))

    def in_frameworks(self) -> MembershipQuerySet:
        return self.filter(framework__isnull=False)

    def in_alliance(self) -> MembershipQuerySet:
        return self.filter(alliance__isnull=False)


class Membership(Sourced):
    """An organization's membership of a framework, or of the alliance (for Allies)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    alliance = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="member_memberships",
        limit_choices_to={"kind": OrganizationKind.ALLIANCE},
    )
    start = models.DateField()
    start_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, default=DAY)
    end = models.DateField(null=True, blank=True)
    end_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, default=DAY)
    start_confirmed_to = models.CharField(
        max_length=5,
        blank=True,
        help_text=_("How much of the start date the source confirms (day/month/year/none)."),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "start"]
        constraints = [
            models.CheckConstraint(
                name="membership_one_body",
                condition=(Q(framework__isnull=False) & Q(alliance__isnull=True))
                | (Q(framework__isnull=True) & Q(alliance__isnull=False)),
            ),
            models.CheckConstraint(
                name="membership_end_after_start",
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
            ),
            models.UniqueConstraint(
                fields=["organization", "framework", "start"], name="membership_unique_framework"
            ),
            models.UniqueConstraint(
                fields=["organization", "alliance", "start"], name="membership_unique_alliance"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} in {self.body_code} from {self.start_display}"

    @property
    def body_code(self) -> str:
        if self.framework is not None:
            return self.framework.code
        return self.alliance.code if self.alliance is not None else ""

    @property
    def start_display(self) -> str:
        return format_partial(self.start, self.start_precision)

    @property
    def end_display(self) -> str:
        return format_partial(self.end, self.end_precision)

    def is_active_on(self, as_of: date) -> bool:
        return self.start <= as_of and (self.end is None or as_of < self.end)

    def status_on(self, as_of: date) -> str:
        """ "ended", "not_started", or the status of the period covering the date."""
        if as_of < self.start:
            return "not_started"
        if self.end is not None and as_of >= self.end:
            return "ended"
        for period in self.status_periods.all():
            if period.start <= as_of and (period.end is None or as_of < period.end):
                return period.status
        return MembershipStatus.ACTIVE


class MembershipStatusPeriod(Sourced):
    """A dated status within a membership, e.g. Russia's PfP cooperation suspended from 2014.

    A membership with no period covering a date is active on that date.
    """

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="status_periods"
    )
    status = models.CharField(max_length=10, choices=MembershipStatus.choices)
    start = models.DateField()
    start_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, default=DAY)
    end = models.DateField(null=True, blank=True)
    end_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, default=DAY)

    class Meta:
        ordering = ["membership", "start"]
        constraints = [
            models.CheckConstraint(
                name="status_period_end_after_start",
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
            ),
            models.UniqueConstraint(
                fields=["membership", "start"], name="status_period_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership}: {self.status} from {self.start_display}"

    @property
    def start_display(self) -> str:
        return format_partial(self.start, self.start_precision)


class OperationKind(models.TextChoices):
    OPERATION = "operation", _("Operation")
    MISSION = "mission", _("Mission")


class Operation(Sourced):
    """A NATO-led operation or mission."""

    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=OperationKind.choices)
    start = models.DateField()
    start_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, default=DAY)
    end = models.DateField(null=True, blank=True)
    end_precision = models.CharField(max_length=5, choices=PRECISION_CHOICES, default=DAY)

    class Meta:
        ordering = ["start", "code"]
        constraints = [
            models.CheckConstraint(
                name="operation_end_after_start",
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"

    @property
    def start_display(self) -> str:
        return format_partial(self.start, self.start_precision)

    @property
    def end_display(self) -> str:
        return format_partial(self.end, self.end_precision)


class OperationContribution(Sourced):
    """A non-Ally's contribution to an operation.

    Contribution dates are optional: where the source gives none, the contribution is taken
    to span the operation (the reference data records participation, not its exact period).
    """

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="contributions")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="contributions"
    )
    role_note = models.TextField(blank=True)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["operation__start", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["operation", "organization"], name="contribution_unique"
            ),
            models.CheckConstraint(
                name="contribution_end_after_start",
                condition=Q(end__isnull=True)
                | Q(start__isnull=True)
                | Q(end__gte=models.F("start")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} in {self.operation.code}"
