"""The generator's audit events, written in the trail's own format.

Kept apart so that the generator has one place that knows the format: events are collected
while the data is made, then built by the audit app's own `build_event` (content digest and key
id), written in time order in bulk, and sealed by the audit sealer (`seal_pending`), which gives
them the next seal numbers and links of the chain.
"""

from datetime import datetime
from typing import Any

from hononga.audit.chain import link_for
from hononga.audit.checkpoints import write_checkpoint
from hononga.audit.keys import keyring
from hononga.audit.models import AuditEvent
from hononga.audit.sealer import chain_head, seal_pending
from hononga.audit.services import build_event
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
    """Buffer the collected events (oldest first) in `w`, sealed as the sealer seals them: each
    the next seal number after the chain's head, linked by the chain's own `link_for` (one pass:
    no second pass of UPDATEs over every row). `checkpoint` signs the head afterwards."""
    seal_pending(checkpoint=False)  # anything written before is chained first
    last_seal, last_link = chain_head()
    ring = keyring()
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    trail.events.sort(key=lambda e: e[0])
    fields = [f.attname for f in AuditEvent._meta.concrete_fields]
    for number, (at, actor_id, username, action, t_type, t_id, whanau_id, summary) in enumerate(
        trail.events, start=last + 1
    ):
        event = build_event(
            at=at,
            actor_id=actor_id,
            actor_username=username,
            action=action,
            target_type=t_type,
            target_id=t_id,
            whanau_id=whanau_id,
            summary=summary,
            data={"synthetic": True},
        )
        last_seal += 1
        last_link = link_for(ring.keys[event.key_id], last_link, last_seal, event.digest)
        row = {name: getattr(event, name) for name in fields}
        row.update(id=number, seal=last_seal, link=last_link)
        w.add_many(AuditEvent, [row])
    count = len(trail.events)
    trail.events = []
    return count


def checkpoint(*, checkpoint: bool = True) -> None:
    """Seal anything left unsealed (nothing, normally) and sign the chain's head."""
    result = seal_pending(checkpoint=False)
    if checkpoint:
        last_seal, last_link = chain_head()
        if last_seal or result.sealed:
            write_checkpoint(last_seal, last_link)
