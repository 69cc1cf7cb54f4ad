"""Writing the audit trail. Call record_event() inside the same transaction as the change."""

import ipaddress
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from hononga.audit.chain import digest_for, normalise_data, redaction_mac
from hononga.audit.keys import keyring
from hononga.audit.models import Action, AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # Behind a proxy, the deployment sets REMOTE_ADDR correctly (see README); never trust a
    # client-supplied X-Forwarded-For here.
    return request.META.get("REMOTE_ADDR") or None


def _normal_ip(value: str | None) -> str | None:
    """The address as the database will give it back (PostgreSQL's inet normalises it)."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def build_event(
    *,
    at: datetime | None = None,
    actor_id: int | None = None,
    actor_username: str = "",
    action: Action | str,
    target_type: str = "",
    target_id: str = "",
    whanau_id: int | None = None,
    summary: str = "",
    reason: str = "",
    ip_address: str | None = None,
    data: dict[str, Any] | None = None,
    key_id: str | None = None,
) -> AuditEvent:
    """An unsaved event with its digest: for record_event, and for bulk writers
    (`AuditEvent.objects.bulk_create([...])`, e.g. the data generator). The sealer seals it."""
    event = AuditEvent(
        at=at or timezone.now(),
        actor_id=actor_id,
        actor_username=actor_username[:150],
        action=str(action),
        target_type=target_type[:40],
        target_id=str(target_id)[:40],
        whanau_id=whanau_id,
        summary=summary[:300],
        reason=reason,
        ip_address=_normal_ip(ip_address),
        data=normalise_data(data),
    )
    event.key_id, event.digest = digest_for(event.content(), key_id)
    return event


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
    """Write one event, in the caller's transaction (one INSERT; no lock on any shared row).

    Its digest is computed now; the sealer (`hononga audit seal`, every few seconds) puts it in
    the chain."""
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    event = build_event(
        actor_id=actor.pk if authenticated else None,
        actor_username=actor.get_username() if authenticated else actor_username,
        action=action,
        target_type=(target._meta.model_name or "") if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        whanau_id=whanau_id,
        summary=summary,
        reason=reason,
        ip_address=client_ip(request),
        data=data,
    )
    event.save(force_insert=True)
    return event


REDACTED_FIELDS: dict[str, Any] = {"summary": "", "reason": "", "ip_address": None, "data": {}}


def redact(event: AuditEvent, rule: str) -> AuditEvent:
    """Remove an event's personal content under a retention rule (the privacy tools call this).

    The summary, reason, address and data are cleared; the digest, seal and link stay, so the
    chain still verifies; the event says which rule redacted it and when, signed with K. The
    event's other fields (when, who acted, the action, the ids) are not personal content of the
    people the record is about and stay. Redacting twice keeps the first redaction."""
    rule = rule.strip()
    if not rule or len(rule) > 100:
        raise ValueError("A redaction names its retention rule (1–100 characters).")
    now = timezone.now()
    ring = keyring()
    mac = redaction_mac(
        ring.current, event_id=event.pk, digest=event.digest, rule=rule, redacted_at=now
    )
    with transaction.atomic():
        updated = AuditEvent.objects.filter(pk=event.pk, redacted_at__isnull=True).update(
            **REDACTED_FIELDS, redacted_at=now, redaction_rule=rule, redaction_mac=mac
        )
    if not updated and not AuditEvent.objects.filter(pk=event.pk).exists():
        raise AuditEvent.DoesNotExist(event.pk)
    return AuditEvent.objects.get(pk=event.pk)
