"""Reading the audit trail: who may see which events, and the audit page's filters."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Min, QuerySet
from django.utils import timezone

from hononga.accounts.models import Role
from hononga.audit.checkpoints import Checkpoint, read_checkpoints
from hononga.audit.models import AuditEvent
from hononga.audit.verify import UNSEALED_WARN_AFTER


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


@dataclass
class ChainStatus:
    sealed: int  # the newest seal number: events 1…sealed are in the chain
    unsealed: int
    oldest_unsealed_at: datetime | None
    checkpoint: Checkpoint | None

    @property
    def total(self) -> int:
        return self.sealed + self.unsealed

    @property
    def oldest_unsealed_seconds(self) -> int | None:
        if self.oldest_unsealed_at is None:
            return None
        return max(0, int((timezone.now() - self.oldest_unsealed_at).total_seconds()))

    @property
    def sealer_late(self) -> bool:
        seconds = self.oldest_unsealed_seconds
        return seconds is not None and timedelta(seconds=seconds) > UNSEALED_WARN_AFTER


def chain_status() -> ChainStatus:
    """Two indexed queries (the newest seal; the few unsealed events) and the checkpoint store."""
    sealed = (
        AuditEvent.objects.filter(seal__isnull=False)
        .order_by("-seal")
        .values_list("seal", flat=True)
        .first()
    ) or 0
    waiting = AuditEvent.objects.filter(seal__isnull=True).aggregate(
        n=Count("id"), oldest=Min("at")
    )
    checkpoints = [c for c in read_checkpoints() if c.valid]
    newest = max(checkpoints, key=lambda c: (c.seal, c.written_at), default=None)
    return ChainStatus(int(sealed), waiting["n"], waiting["oldest"], newest)
