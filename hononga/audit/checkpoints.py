"""Signed checkpoints of the audit chain, kept outside the database.

A checkpoint says "the chain had reached seal N, whose link is L", signed with K. It lives in
settings.AUDIT_CHECKPOINT_DIR (by default a subdirectory of SHARED_STORAGE_DIR), which every app
host can reach and the database user cannot rewrite. Files are append-only: each checkpoint is a
new file, named so that names sort by seal number, written to a temporary file and linked into
place (never overwriting one that exists). Verification checks the chain against all of them:
an event altered, a tail truncated or the whole trail wiped disagrees with a checkpoint.

A restore from backup (hononga restore) writes a signed *restore record*: checkpoints written
before it beyond the restored seal are then reported as lost in that restore, not as tampering.

The sealer writes one every 5 s while events come in, so `prune_checkpoints` (scheduled daily)
thins the old ones: what verification needs is the newest (it catches a truncation or a wipe),
and the keyed links catch a rewrite anywhere; older checkpoints are extra anchors, so one a day is
kept for ever, every one of the last AUDIT_CHECKPOINT_KEEP_DAYS days, every restore record, and
every file that is unreadable or fails its signature (evidence, reported by verification).
"""

import json
import os
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from hononga.audit.chain import same, sign
from hononga.audit.keys import UnknownKeyError, keyring

CHECKPOINT_FORMAT = "hononga-audit-checkpoint"
RESTORE_FORMAT = "hononga-audit-restore"


@dataclass(frozen=True)
class Checkpoint:
    path: Path
    kind: str  # "checkpoint" or "restore"
    seal: int
    link: str
    written_at: datetime
    valid: bool  # the signature checks out under a key we hold
    problem: str = ""


def checkpoint_dir() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR)


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _write_new_file(directory: Path, name: str, body: bytes) -> Path:
    """Write `body` to directory/name atomically; never replace an existing file."""
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f".{name}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        stem, suffix = name.rsplit(".", 1)
        for attempt in range(100):
            final = directory / (name if attempt == 0 else f"{stem}-{attempt}.{suffix}")
            try:
                os.link(tmp, final)  # fails if it exists: append-only
                break
            except FileExistsError:
                continue
        else:  # pragma: no cover - 100 checkpoints in one microsecond
            raise FileExistsError(directory / name)
    finally:
        tmp.unlink(missing_ok=True)
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return final


def _signed(kind: str, seal: int, link: str, extra: dict[str, Any]) -> tuple[datetime, bytes]:
    ring = keyring()
    now = timezone.now()
    payload: dict[str, Any] = {
        "format": kind,
        "v": 1,
        "seal": seal,
        "link": link,
        "written_at": now.astimezone(UTC).isoformat(timespec="microseconds"),
        "host": socket.gethostname(),
        "key_id": ring.current,
        **extra,
    }
    payload["mac"] = sign(ring.key(ring.current), payload)
    return now, json.dumps(payload, indent=2, sort_keys=True).encode()


def write_checkpoint(seal: int, link: str, *, directory: Path | None = None) -> Path:
    now, body = _signed(CHECKPOINT_FORMAT, seal, link, {})
    name = f"checkpoint-{seal:016d}-{_stamp(now)}.json"
    return _write_new_file(directory or checkpoint_dir(), name, body)


def write_restore_record(
    seal: int, link: str, *, backup: str, directory: Path | None = None
) -> Path:
    now, body = _signed(RESTORE_FORMAT, seal, link, {"backup": backup})
    return _write_new_file(directory or checkpoint_dir(), f"restore-{_stamp(now)}.json", body)


def _read(path: Path) -> Checkpoint | None:
    kind = "restore" if path.name.startswith("restore-") else "checkpoint"
    try:
        payload = json.loads(path.read_text())
        seal = int(payload["seal"])
        link = str(payload["link"])
        written_at = datetime.fromisoformat(payload["written_at"])
        mac = str(payload.pop("mac"))
        key_id = str(payload["key_id"])
        expected_format = RESTORE_FORMAT if kind == "restore" else CHECKPOINT_FORMAT
        if payload.get("format") != expected_format:
            raise ValueError("format")
    except (OSError, ValueError, KeyError, TypeError):
        return Checkpoint(path, kind, 0, "", datetime.min.replace(tzinfo=UTC), False, "unreadable")
    try:
        valid = same(sign(keyring().key(key_id), payload), mac)
        problem = "" if valid else "its signature does not match (forged or altered)"
    except UnknownKeyError:
        valid, problem = False, f"it is signed with key {key_id!r}, which is not configured"
    return Checkpoint(path, kind, seal, link, written_at, valid, problem)


def read_checkpoints(directory: Path | None = None) -> list[Checkpoint]:
    """Every checkpoint and restore record, oldest first."""
    directory = directory or checkpoint_dir()
    if not directory.is_dir():
        return []
    found = [
        _read(path)
        for path in directory.iterdir()
        if path.suffix == ".json" and path.name.startswith(("checkpoint-", "restore-"))
    ]
    return sorted((c for c in found if c is not None), key=lambda c: (c.written_at, c.seal))


@dataclass
class PruneResult:
    kept: int = 0
    removed: list[Path] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # could not delete (e.g. an object lock)


def prune_checkpoints(
    *,
    keep_days: int | None = None,
    now: datetime | None = None,
    dry_run: bool = False,
    directory: Path | None = None,
) -> PruneResult:
    """Delete checkpoints verification no longer needs (see the module docstring). Never the
    newest, never a restore record, never a file that does not check out; idempotent, and safe
    beside a sealer writing new ones (only old files are touched) or another pruner."""
    keep_days = settings.AUDIT_CHECKPOINT_KEEP_DAYS if keep_days is None else keep_days
    now = now or timezone.now()
    found = read_checkpoints(directory)
    valid = [c for c in found if c.valid and c.kind == "checkpoint"]
    keep: set[Path] = {c.path for c in found if not c.valid or c.kind == "restore"}
    if valid:
        keep.add(max(valid, key=lambda c: (c.seal, c.written_at)).path)
        keep.add(max(valid, key=lambda c: (c.written_at, c.seal)).path)
    cutoff = now - timedelta(days=keep_days)
    last_of_day: dict[str, Checkpoint] = {}
    for checkpoint in valid:  # oldest first: the last one seen on a day is that day's newest
        if checkpoint.written_at >= cutoff:
            keep.add(checkpoint.path)
        else:
            last_of_day[checkpoint.written_at.astimezone(UTC).date().isoformat()] = checkpoint
    keep |= {c.path for c in last_of_day.values()}
    result = PruneResult(kept=len(found))
    for checkpoint in valid:
        if checkpoint.path in keep:
            continue
        if not dry_run:
            try:
                checkpoint.path.unlink(missing_ok=True)
            except OSError as error:
                result.failed.append(f"{checkpoint.path.name}: {error}")
                continue
        result.removed.append(checkpoint.path)
    result.kept = len(found) - len(result.removed)
    return result
