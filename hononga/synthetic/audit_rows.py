"""The generator's audit events, written in the trail's own format.

Kept apart so that the generator has one place that knows the format: events are collected
while the data is made, then written in time order as one chain continuing from the head, each
carrying the hash of the one before (`AuditEvent.compute_hash`), and the head moved to the last.
"""

from datetime import datetime
from typing import Any

from hononga.audit.models import GENESIS_HASH, AuditEvent, AuditHead
from hononga.synthetic.loader import BulkWriter


class AuditTrail:
    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []

    def event(
        self,
        *,
        at: datetime,
        actor: tuple[int, str],
        action: str,
        target: tuple[str, int] | None = None,
        whanau_id: int | None = None,
        summary: str = "",
    ) -> None:
        target_type, target_id = target if target is not None else ("", "")
        self.events.append(
            (at, actor[0], actor[1], action, target_type, str(target_id), whanau_id, summary)
        )


def write(w: BulkWriter, trail: AuditTrail) -> int:
    """Chain the collected events (oldest first) onto the trail and buffer them in `w`."""
    head, _created = AuditHead.objects.get_or_create(pk=1)
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    previous = head.last_hash or GENESIS_HASH
    trail.events.sort(key=lambda e: e[0])
    for number, (at, actor_id, username, action, t_type, t_id, whanau_id, summary) in enumerate(
        trail.events, start=last + 1
    ):
        event = AuditEvent(
            id=number,
            at=at,
            actor_id=actor_id,
            actor_username=username,
            action=action,
            target_type=t_type,
            target_id=t_id,
            whanau_id=whanau_id,
            summary=summary[:300],
            reason="",
            ip_address=None,
            data={"synthetic": True},
            prev_hash=previous,
        )
        event.hash = event.compute_hash()
        previous = event.hash
        w.add_many(
            AuditEvent,
            [
                {
                    "id": number,
                    "at": at,
                    "actor_id": actor_id,
                    "actor_username": username,
                    "action": action,
                    "target_type": t_type,
                    "target_id": t_id,
                    "whanau_id": whanau_id,
                    "summary": event.summary,
                    "reason": "",
                    "ip_address": None,
                    "data": event.data,
                    "prev_hash": event.prev_hash,
                    "hash": event.hash,
                }
            ],
        )
    count = len(trail.events)
    AuditHead.objects.filter(pk=1).update(last_hash=previous, count=head.count + count)
    trail.events = []
    return count
