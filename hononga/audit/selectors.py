"""Reading the audit trail: who may see which events, and the audit page's filters."""

from typing import Any

from django.db.models import QuerySet

from hononga.accounts.models import Role
from hononga.audit.models import AuditEvent


def events_for_user(user: Any) -> QuerySet[AuditEvent]:
    """Administrators see every event; supervisors the events about their teams' whānau."""
    if not (user.is_authenticated and user.is_active):
        return AuditEvent.objects.none()
    if user.role == Role.ADMIN:
        return AuditEvent.objects.all()
    if user.role == Role.SUPERVISOR:
        from hononga.whanau.models import Whanau

        team_whanau = Whanau.objects.filter(team__in=user.teams.values("pk")).values("pk")
        return AuditEvent.objects.filter(whanau_id__in=team_whanau)
    return AuditEvent.objects.none()


def filter_events(events: QuerySet[AuditEvent], filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    if filters.get("actor"):
        events = events.filter(actor_username=filters["actor"].strip())
    if filters.get("action"):
        events = events.filter(action=filters["action"])
    if filters.get("whanau"):
        events = events.filter(whanau_id=filters["whanau"])
    if filters.get("date_from"):
        events = events.filter(at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        events = events.filter(at__date__lte=filters["date_to"])
    return events.order_by("-id")
