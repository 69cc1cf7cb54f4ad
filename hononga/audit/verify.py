"""Checking the audit trail: every digest and link with K, and the chain against the checkpoints.

Walks the chain by seal number with keyset paging (`WHERE seal > last ORDER BY seal LIMIT n`):
no server-side cursor, so it works behind PgBouncer; memory stays flat at any size. Then checks
the events not yet sealed (their digests, how many, how old). Names the first event that fails.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from hononga.audit.chain import (
    CONTENT_FIELDS,
    GENESIS_LINK,
    canonical_content,
    hmac_hex,
    link_for,
    redaction_mac,
)
from hononga.audit.checkpoints import Checkpoint, read_checkpoints
from hononga.audit.keys import keyring
from hononga.audit.models import AuditEvent

PAGE_SIZE = 5000
# Unsealed events older than this mean the sealer is not running.
UNSEALED_WARN_AFTER = timedelta(minutes=5)

_COLUMNS = (
    "id",
    "seal",
    "link",
    "digest",
    "key_id",
    "redacted_at",
    "redaction_rule",
    "redaction_mac",
    *CONTENT_FIELDS,
)


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    message: str
    broken_event_id: int | None = None
    last_seal: int = 0
    unsealed: int = 0
    oldest_unsealed_at: datetime | None = None
    redacted: int = 0
    checkpoints: int = 0
    checkpoint_seal: int = 0
    checkpoint_at: datetime | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def oldest_unsealed_age(self) -> timedelta | None:
        if self.oldest_unsealed_at is None:
            return None
        return timezone.now() - self.oldest_unsealed_at

    @property
    def sealer_late(self) -> bool:
        age = self.oldest_unsealed_age
        return age is not None and age > UNSEALED_WARN_AFTER


class _Failure(Exception):
    def __init__(self, message: str, event_id: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.event_id = event_id


Progress = Callable[[int, int, float], None]


def _content_problem(row: tuple, keys: dict[str, bytes]) -> str:
    """'' if the row's digest (or its redaction) checks out; otherwise what is wrong."""
    (event_id, _seal, _link, digest, key_id, redacted_at, rule, mac, *content) = row
    key = keys.get(key_id)
    if key is None:
        return f"it names key {key_id!r}, which is not configured (forged, or a key is missing)"
    if redacted_at is not None:
        mac_key_id = mac.partition(":")[0]
        if mac_key_id not in keys:
            return f"its redaction names key {mac_key_id!r}, which is not configured"
        expected = redaction_mac(
            mac_key_id, event_id=event_id, digest=digest, rule=rule, redacted_at=redacted_at
        )
        if expected != mac:
            return "it is marked redacted, but the redaction is not signed with our key"
        return ""
    if hmac_hex(key, canonical_content(dict(zip(CONTENT_FIELDS, content, strict=True)))) != digest:
        return "its content does not match its digest: it was altered after it was written"
    return ""


def _describe(event_id: int, seal: int | None) -> str:
    return f"event {event_id}" + (f" (seal {seal})" if seal is not None else " (not yet sealed)")


def _effective_checkpoints(
    found: list[Checkpoint], notes: list[str]
) -> tuple[dict[int, list[Checkpoint]], Checkpoint | None]:
    """The checkpoints the chain must agree with: all valid ones, except those a later restore
    record superseded (events lost in a restore from backup are reported, not failed)."""
    invalid = [c for c in found if not c.valid]
    if invalid:
        first = invalid[0]
        raise _Failure(
            f"Checkpoint {first.path.name} cannot be trusted: {first.problem}. "
            "Someone wrote to the checkpoint store, or the audit key is missing."
        )
    by_seal: dict[int, list[Checkpoint]] = {}
    for cp in found:  # oldest first
        if cp.kind == "restore":
            lost = [c.seal for cps in by_seal.values() for c in cps if c.seal > cp.seal]
            if lost:
                notes.append(
                    f"Restored from a backup on {cp.written_at:%Y-%m-%d %H:%M} UTC at seal "
                    f"{cp.seal}: events sealed after it, up to seal {max(lost)}, were lost in "
                    "that restore."
                )
            by_seal = {s: cps for s, cps in by_seal.items() if s <= cp.seal}
        by_seal.setdefault(cp.seal, []).append(cp)
    latest = max((c for cps in by_seal.values() for c in cps), key=lambda c: c.seal, default=None)
    return by_seal, latest


def audit_verify(*, page_size: int = PAGE_SIZE, progress: Progress | None = None) -> VerifyResult:
    """Check the whole trail. Never loads more than one page of events into memory."""
    keys = keyring().keys
    notes: list[str] = []
    result = VerifyResult(ok=True, checked=0, message="", notes=notes)
    started = time.monotonic()
    try:
        found = read_checkpoints()
        by_seal, latest = _effective_checkpoints(found, notes)
        result.checkpoints = len(found)
        if latest is not None:
            result.checkpoint_seal, result.checkpoint_at = latest.seal, latest.written_at
        head = (
            AuditEvent.objects.filter(seal__isnull=False)
            .order_by("-seal")
            .values_list("seal", flat=True)
            .first()
        )
        total = int(head or 0)
        previous_link, expected_seal = GENESIS_LINK, 1
        while True:
            page = list(
                AuditEvent.objects.filter(seal__gte=expected_seal)
                .order_by("seal")
                .values_list(*_COLUMNS)[:page_size]
            )
            for row in page:
                event_id, seal, link, digest, key_id = row[:5]
                if seal != expected_seal:
                    raise _Failure(
                        f"Events are missing before {_describe(event_id, seal)}: the chain jumps "
                        f"from seal {expected_seal - 1} to {seal} (removed from the database).",
                        event_id,
                    )
                problem = _content_problem(row, keys)
                if problem:
                    raise _Failure(f"Broken at {_describe(event_id, seal)}: {problem}.", event_id)
                if link_for(keys[key_id], previous_link, seal, digest) != link:
                    raise _Failure(
                        f"Broken at {_describe(event_id, seal)}: its link does not follow the "
                        "event sealed before it (the chain was rewritten there).",
                        event_id,
                    )
                for cp in by_seal.get(seal, ()):
                    if cp.link != link:
                        raise _Failure(
                            f"Broken at {_describe(event_id, seal)}: it disagrees with checkpoint "
                            f"{cp.path.name} (the chain was rewritten from here on).",
                            event_id,
                        )
                if row[5] is not None:
                    result.redacted += 1
                previous_link = link
                expected_seal += 1
                result.checked += 1
            if progress is not None and page:
                progress(result.checked, total, time.monotonic() - started)
            if len(page) < page_size:
                break
        result.last_seal = expected_seal - 1
        if latest is not None and latest.seal > result.last_seal:
            first_missing = result.last_seal + 1
            what = (
                "The trail was wiped: it holds no sealed events"
                if result.last_seal == 0
                else f"The newest events were removed: the trail ends at seal {result.last_seal}"
            )
            raise _Failure(
                f"{what}, but checkpoint {latest.path.name} (written "
                f"{latest.written_at:%Y-%m-%d %H:%M} UTC) records seal {latest.seal}. "
                f"Seals {first_missing}–{latest.seal} are missing."
            )
        _check_unsealed(result, keys, page_size)
    except _Failure as failure:
        result.ok = False
        result.message = failure.message
        result.broken_event_id = failure.event_id
        return result
    parts = [f"Audit trail intact: {result.checked} sealed events checked"]
    if result.redacted:
        parts.append(f"{result.redacted} redacted under retention rules")
    if result.checkpoints:
        parts.append(
            f"agrees with {result.checkpoints} checkpoint(s), the newest at seal "
            f"{result.checkpoint_seal}"
        )
    else:
        parts.append("no checkpoints yet")
    message = "; ".join(parts) + "."
    if result.unsealed:
        age = result.oldest_unsealed_age or timedelta()
        message += (
            f" {result.unsealed} event(s) not yet sealed (digests checked), the oldest "
            f"{int(age.total_seconds())} s old"
            + (": is the sealer running? (`hononga audit seal`)" if result.sealer_late else ".")
        )
    result.message = " ".join([message, *notes])
    return result


def _check_unsealed(result: VerifyResult, keys: dict[str, bytes], page_size: int) -> None:
    last_id = 0
    while True:
        page = list(
            AuditEvent.objects.filter(seal__isnull=True, id__gt=last_id)
            .order_by("id")
            .values_list(*_COLUMNS)[:page_size]
        )
        for row in page:
            problem = _content_problem(row, keys)
            if problem:
                raise _Failure(f"Broken at {_describe(row[0], None)}: {problem}.", row[0])
            at = row[8]
            if result.oldest_unsealed_at is None or at < result.oldest_unsealed_at:
                result.oldest_unsealed_at = at
            result.unsealed += 1
            last_id = row[0]
        if len(page) < page_size:
            return
