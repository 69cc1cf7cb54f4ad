"""Django admin (/django-admin/) for accounts. Users and teams are never deleted, only
deactivated; token secrets are never shown (only a hash is stored). Day-to-day management,
with an audit event for every change, is on the Manage pages (/accounts/manage/)."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hononga.accounts.models import ApiToken, Team, User
from hononga.audit.models import Action
from hononga.audit.services import record_event


class NoDeleteMixin:
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditedMixin:
    """Changes made here are on the audit trail too, like those on the Manage pages."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        fields = sorted(f for f in form.changed_data if f not in {"password", "password1"})
        record_event(
            actor=request.user,
            action=Action.UPDATE if change else Action.CREATE,
            target=obj,
            summary=f"{'Changed' if change else 'Created'} {obj._meta.model_name} {obj} "
            "in the Django admin",
            data={"fields": fields},
            request=request,
        )


@admin.register(User)
class UserAdmin(AuditedMixin, NoDeleteMixin, BaseUserAdmin):
    list_display = ("username", "display_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active", "teams")
    search_fields = ("username", "first_name", "last_name", "preferred_name", "email")
    filter_horizontal = ("teams", "groups", "user_permissions")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Hononga"), {"fields": ("role", "preferred_name", "teams")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Hononga"), {"fields": ("role", "preferred_name", "teams")}),
    )


@admin.register(Team)
class TeamAdmin(AuditedMixin, NoDeleteMixin, admin.ModelAdmin):
    list_display = ("name", "region")
    list_filter = ("region",)
    search_fields = ("name",)


@admin.register(ApiToken)
class ApiTokenAdmin(NoDeleteMixin, admin.ModelAdmin):
    """Tokens are made by their user (profile page) or `hononga token create`, never here."""

    list_display = ("prefix", "name", "user", "created_at", "expires_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("user__username", "name", "prefix")
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    exclude = ("token_hash",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
