"""The generator's audit events, written in the trail's own format.

Kept apart so that the generator has one place that knows the format: events are collected
while the data is made, then given the content digest and key id that the audit app's own
`build_event` gives, written in time order in bulk, each with the next seal number and link of
the chain (`link_for`), so no second pass of the sealer is needed.
"""

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

from hononga.audit.chain import canonical_content, normalise_data
from hononga.audit.checkpoints import write_checkpoint
from hononga.audit.keys import keyring
from hononga.audit.models import AuditEvent
from hononga.audit.sealer import chain_head, seal_pending
from hononga.synthetic.loader import BulkWriter

DATA = {"synthetic": True}  # every generated event's `data`
FLUSH_EVERY = 200_000  # events buffered before they are written


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
    no second pass of UPDATEs over every row). `checkpoint` signs the head afterwards.

    Each event's content, digest and link are what `build_event` and `link_for` give (the tests
    compare them), computed here without a model instance per event: the content's canonical
    bytes by `canonical_content`, the HMACs from a keyed HMAC copied for each message."""
    seal_pending(checkpoint=False)  # anything written before is chained first
    last_seal, last_link = chain_head()
    ring = keyring()
    key_id = ring.current
    keyed = hmac.new(ring.key(key_id), digestmod=hashlib.sha256)
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    trail.events.sort(key=lambda e: e[0])
    data = normalise_data(DATA)
    stored_data = json.dumps(data, ensure_ascii=False)
    columns = [f.attname for f in AuditEvent._meta.concrete_fields]
    rows = []
    for number, (at, actor_id, username, action, t_type, t_id, whanau_id, summary) in enumerate(
        trail.events, start=last + 1
    ):
        content = {
            "at": at,
            "actor_id": actor_id,
            "actor_username": username[:150],
            "action": str(action),
            "target_type": t_type[:40],
            "target_id": t_id[:40],
            "whanau_id": whanau_id,
            "summary": summary[:300],
            "reason": "",
            "ip_address": None,
            "data": data,
        }
        mac = keyed.copy()
        mac.update(canonical_content(content))
        digest = mac.hexdigest()
        last_seal += 1
        mac = keyed.copy()
        mac.update(f"{last_link}|{last_seal}|{digest}".encode())
        last_link = mac.hexdigest()
        row = dict(
            content,
            id=number,
            data=stored_data,
            key_id=key_id,
            digest=digest,
            seal=last_seal,
            link=last_link,
            redacted_at=None,
            redaction_rule="",
            redaction_mac="",
        )
        rows.append(tuple([row[name] for name in columns]))
        if len(rows) >= FLUSH_EVERY:
            w.add_rows(AuditEvent, rows)
            w.flush()
            rows = []
    w.add_rows(AuditEvent, rows)
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
