"""The operator's view of the cooperation menu.

Seats, states and registrations change only through the services (activities/services.py),
which lock, count and audit; so the admin shows nominations, feedback and reports read-only
and never lets an activity's state or confirmed count be typed in. Participants' personal
data is shown to superusers only; other staff see pseudonyms.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from coopsec.accounts.personal_data import pseudonym
from coopsec.activities.models import (
    Activity,
    ActivityReference,
    ActivityReport,
    CalendarFeed,
    CooperationArea,
    Feedback,
    Nomination,
    Notification,
    Participant,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable by staff with the view permission; written only by the services."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CooperationArea)
class CooperationAreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_fr", "parent", "position")
    list_filter = ("parent",)
    search_fields = ("code", "name", "name_fr")
    ordering = ("position", "code")


class ActivityReferenceInline(admin.TabularInline):
    model = ActivityReference
    extra = 0


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = (
        "code", "title", "type", "host", "start", "end", "state", "mode", "seats",
        "confirmed_count", "synthetic",
    )  # fmt: skip
    list_filter = ("state", "type", "mode", "nature", "eligibility", "synthetic", "primary_area")
    search_fields = ("code", "title", "host__code", "host__name", "references__reference")
    date_hierarchy = "start"
    autocomplete_fields = ("host", "country", "eligible_organizations")
    filter_horizontal = ("secondary_areas", "eligible_frameworks")
    list_select_related = ("host",)
    readonly_fields = ("state", "confirmed_count", "created_by", "created_at", "updated_at")
    inlines = [ActivityReferenceInline]


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_filter = ("state", "partner__kind", "partner")
    search_fields = ("activity__code", "partner__code", "partner__name")
    list_select_related = ("activity", "partner", "participant")
    date_hierarchy = "created_at"

    @staticmethod
    def _person(request: HttpRequest) -> str:
        return "participant_name" if request.user.is_superuser else "participant_pseudonym"

    def get_list_display(self, request: HttpRequest) -> tuple[str, ...]:
        return ("pk", "activity", "partner", self._person(request), "state", "priority",
                "created_at", "decided_at")  # fmt: skip

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("activity", "partner", self._person(request), "priority", "state",
                "nominated_by", "created_at", "decided_at", "note")  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return self.get_fields(request, obj)

    @admin.display(description="participant")
    def participant_name(self, obj: Nomination) -> str:
        return obj.participant.name

    @admin.display(description="participant")
    def participant_pseudonym(self, obj: Nomination) -> str:
        return pseudonym("participant", obj.participant_id)


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    """Personal data: superusers only."""

    list_display = ("pk", "partner", "name", "rank", "email", "created_at")
    list_filter = ("partner",)
    search_fields = ("name", "email")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ("nomination", "relevance", "quality", "applicability", "submitted_at")
    list_select_related = ("nomination",)


@admin.register(ActivityReport)
class ActivityReportAdmin(ReadOnlyAdmin):
    list_display = ("activity", "submitted_by", "submitted_at")
    search_fields = ("activity__code",)
    list_select_related = ("activity", "submitted_by")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("user", "message", "created_at", "read_at")
    search_fields = ("user__username", "message")
    list_select_related = ("user",)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Feeds can be revoked here; their secret is never stored, only its hash."""

    list_display = ("pk", "user", "organization_wide", "created_at", "revoked_at")
    list_filter = ("organization_wide",)
    search_fields = ("user__username",)
    readonly_fields = ("user", "organization_wide", "key_hash", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
