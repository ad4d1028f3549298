"""The operator's view of programmes and interests: read-only. Programmes change only through
the services (programmes/services.py), which check who may act, keep revisions and audit."""

from django.contrib import admin

from coopsec.activities.admin import ReadOnlyAdmin
from coopsec.programmes.models import (
    Assessment,
    InterestVersion,
    Objective,
    Programme,
    ProgrammeItem,
    ProgrammeRevision,
)


@admin.register(InterestVersion)
class InterestVersionAdmin(ReadOnlyAdmin):
    list_display = ("partner", "side", "number", "recorded_on", "recorded_by")
    list_filter = ("side",)
    search_fields = ("partner__code", "partner__name")


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ("partner", "type", "cycle_start", "cycle_end", "status", "synthetic")
    list_filter = ("status", "type", "synthetic")
    search_fields = ("partner__code", "partner__name", "title")


@admin.register(Objective)
class ObjectiveAdmin(ReadOnlyAdmin):
    list_display = ("title", "programme", "area", "proposed_by", "agreed")
    list_filter = ("agreed", "proposed_by")
    search_fields = ("title", "programme__partner__code")


@admin.register(ProgrammeItem)
class ProgrammeItemAdmin(ReadOnlyAdmin):
    list_display = ("pk", "programme", "objective", "activity", "area", "year", "planned_seats")
    list_select_related = ("programme", "objective", "activity", "area")


@admin.register(ProgrammeRevision)
class ProgrammeRevisionAdmin(ReadOnlyAdmin):
    list_display = ("programme", "number", "event", "author", "created_at")
    list_filter = ("event",)


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ("objective", "period", "side", "rating", "assessed_by", "assessed_at")
    list_filter = ("rating", "side")
