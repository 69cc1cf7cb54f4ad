"""Checking the audit trail's hash chain."""

from dataclasses import dataclass

from hononga.audit.models import GENESIS_HASH, AuditEvent, AuditHead


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    message: str
    broken_event_id: int | None = None


def audit_verify(*, chunk_size: int = 2000) -> VerifyResult:
    """Walk the chain in order without loading the table into memory."""
    previous = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        if event.prev_hash != previous:
            return VerifyResult(
                False,
                checked,
                f"Broken link at event {event.id}: it does not follow the event before it "
                "(an event before it was removed or altered).",
                event.id,
            )
        if event.compute_hash() != event.hash:
            return VerifyResult(
                False,
                checked,
                f"Broken link at event {event.id}: its contents were altered after it was written.",
                event.id,
            )
        previous = event.hash
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != previous or head.count != checked):
        return VerifyResult(
            False,
            checked,
            f"The newest events were removed: the trail should hold {head.count} events "
            f"ending in {head.last_hash[:12]}…, but holds {checked}.",
            None,
        )
    return VerifyResult(True, checked, f"Audit trail intact: {checked} events checked.")
