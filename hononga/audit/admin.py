"""The audit trail in the Django admin: strictly read-only. No add, change or delete — not even
for superusers — so the admin cannot break the hash chain (`hononga audit verify`)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hononga.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("id", "at", "actor_username", "action", "target_type", "target_id", "whanau_id")
    list_filter = ("action", "target_type")
    search_fields = ("actor_username", "summary", "target_id")
    date_hierarchy = "at"
    ordering = ("-id",)
    show_full_result_count = False
    actions = None

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
