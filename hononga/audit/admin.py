"""The audit trail in the Django admin: strictly read-only. No add, change or delete — not even
for superusers — so the admin cannot break the hash chain (`hononga audit verify`).

The Django admin is an administrator's tool, and administrators read no case content without
breaking glass: an event about a whānau or a record in one shows its type, target and ids, and
"Details behind break glass" in place of its summary, reason and data, whoever opens it here (as
the audit page shows it to administrators; supervisors read their teams' events in full there).
Searching is by actor and target id only: a search of the summaries would tell which events
name someone.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hononga.audit.models import AuditEvent
from hononga.audit.redaction import REDACTED, is_case_content

# Fields whose words can name people and what happened to them.
WORDED = ("summary", "reason", "data")


def _shown(event: AuditEvent, field: str) -> Any:
    if is_case_content(event.whanau_id, event.target_type):
        return REDACTED
    return getattr(event, field)


def _field_names() -> list[str]:
    return [f"{f.name}_shown" if f.name in WORDED else f.name for f in AuditEvent._meta.fields]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("id", "at", "actor_username", "action", "target_type", "target_id", "whanau_id")
    list_filter = ("action", "target_type")
    search_fields = ("actor_username", "target_id")
    date_hierarchy = "at"
    ordering = ("-id",)
    show_full_result_count = False
    actions = None

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return _field_names()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return _field_names()

    @admin.display(description="summary")
    def summary_shown(self, event: AuditEvent) -> Any:
        return _shown(event, "summary")

    @admin.display(description="reason")
    def reason_shown(self, event: AuditEvent) -> Any:
        return _shown(event, "reason")

    @admin.display(description="data")
    def data_shown(self, event: AuditEvent) -> Any:
        return _shown(event, "data")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
