from django.contrib import admin

from coopsec.network.models import (
    Framework,
    Membership,
    MembershipStatusPeriod,
    Operation,
    OperationContribution,
    Organization,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organization"
    extra = 0
    fields = ("framework", "alliance", "start", "start_precision", "end", "end_precision")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "subtype", "region", "verified")
    list_filter = ("kind", "subtype", "region", "verified")
    search_fields = ("name", "code", "short_name", "iso3")
    autocomplete_fields = ("host_country",)
    inlines = [MembershipInline]


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "established", "status", "verified")
    search_fields = ("code", "name")


class StatusPeriodInline(admin.TabularInline):
    model = MembershipStatusPeriod
    extra = 0


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("organization", "framework", "alliance", "start", "end", "verified")
    list_filter = ("framework", "verified")
    search_fields = ("organization__name", "organization__code")
    autocomplete_fields = ("organization", "alliance")
    inlines = [StatusPeriodInline]


@admin.register(MembershipStatusPeriod)
class MembershipStatusPeriodAdmin(admin.ModelAdmin):
    list_display = ("membership", "status", "start", "end")


class ContributionInline(admin.TabularInline):
    model = OperationContribution
    extra = 0
    autocomplete_fields = ("organization",)


@admin.register(Operation)
class OperationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "start", "end")
    search_fields = ("code", "name")
    inlines = [ContributionInline]


@admin.register(OperationContribution)
class OperationContributionAdmin(admin.ModelAdmin):
    list_display = ("operation", "organization", "verified")
    list_filter = ("operation",)
    autocomplete_fields = ("organization",)
