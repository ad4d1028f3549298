from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from coopsec.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "organization", "roles", "is_active", "is_superuser")
    list_filter = ("is_active", "is_superuser", "organization__kind")
    search_fields = ("username", "email", "organization__name", "organization__code")
    autocomplete_fields = ("organization",)
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("coopsec", {"fields": ("organization", "roles")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("key_prefix", "user", "name", "created_at", "expires_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("user__username", "name", "key_prefix")
    readonly_fields = ("key_prefix", "key_hash", "created_at", "last_used_at")
