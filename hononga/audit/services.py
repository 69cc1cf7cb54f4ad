"""Writing the audit trail. Call record_event() inside the same transaction as the change."""

from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from hononga.audit.models import Action, AuditEvent, AuditHead


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # Behind a proxy, the deployment sets REMOTE_ADDR correctly (see README); never trust a
    # client-supplied X-Forwarded-For here.
    return request.META.get("REMOTE_ADDR") or None


def record_event(
    *,
    actor: Any,
    action: Action | str,
    target: models.Model | None = None,
    whanau_id: int | None = None,
    summary: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    actor_username: str = "",
) -> AuditEvent:
    """Append one event to the hash chain."""
    with transaction.atomic():
        # The single head row serialises appends, so each event links to exactly one before it.
        AuditHead.objects.get_or_create(pk=1)  # made by a migration; again after a flush
        head = AuditHead.objects.select_for_update().get(pk=1)
        authenticated = actor is not None and getattr(actor, "is_authenticated", False)
        event = AuditEvent(
            at=timezone.now(),
            actor_id=actor.pk if authenticated else None,
            actor_username=(actor.get_username() if authenticated else actor_username)[:150],
            action=str(action),
            target_type=(target._meta.model_name or "") if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            whanau_id=whanau_id,
            summary=summary[:300],
            reason=reason,
            ip_address=client_ip(request),
            data=data or {},
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save()
        head.last_hash = event.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
    return event
