"""Backups and restores (docs/backups.md): the database, and the audit checkpoints beside it.

A backup is a directory `hononga-<UTC time>` holding
- `database.dump` (PostgreSQL, `pg_dump -Fc`) or `database.sqlite3` (SQLite's online backup API,
  then `PRAGMA integrity_check`),
- `audit-checkpoints/`: every audit checkpoint there was, including one written just before the
  dump (so the backup's chain reaches it),
- `manifest.json`: when, what database, the dump's SHA-256 and size, the chain's seal at the
  checkpoint, the audit key ids in use (ids only).

The audit keys are NOT in a backup (they are not in the database either): they are kept apart,
in the deployment's secret store, and a restore needs them to verify the trail.

A restore goes into a fresh, empty database (it refuses one that holds tables), copies the
backup's checkpoints into the checkpoint store where missing, and writes a signed restore record
there, so that `hononga audit verify` reports events sealed after the backup as lost in the
restore rather than as tampering.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections

MANIFEST = "manifest.json"
CHECKPOINTS = "audit-checkpoints"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"


class BackupError(Exception):
    pass


@dataclass
class BackupResult:
    path: Path
    seconds: float
    size: int
    seal: int


@dataclass
class RestoreResult:
    seconds: float
    seal: int
    checkpoints_copied: int


def backups_dir() -> Path:
    return Path(settings.SHARED_STORAGE_DIR) / "backups"


def _db() -> dict[str, Any]:
    return dict(settings.DATABASES["default"])


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict[str, Any]) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return args


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip() or done.stdout.strip()}")


def _sqlite_copy(source: str | Path, target: str | Path) -> None:
    """SQLite's online backup API: a consistent copy while the app keeps writing."""
    src = sqlite3.connect(str(source))
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
        check = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"The copy failed SQLite's integrity check: {check}")
    finally:
        dst.close()
        src.close()


def backup(destination: Path | None = None) -> BackupResult:
    """Seal and checkpoint the audit trail, dump the database, copy the checkpoints."""
    from hononga.audit.checkpoints import checkpoint_dir, write_checkpoint
    from hononga.audit.keys import keyring
    from hononga.audit.sealer import chain_head, seal_pending

    started = time.monotonic()
    now = datetime.now(UTC)
    target = (destination or backups_dir()) / f"hononga-{now:%Y%m%dT%H%M%SZ}"
    target.mkdir(parents=True, exist_ok=False)
    # The dump is taken after this checkpoint, so the backup's chain always reaches it.
    seal_pending(checkpoint=False)
    seal, link = chain_head()
    if seal:
        write_checkpoint(seal, link)
    db = _db()
    if connection.vendor == "postgresql":
        dump = target / PG_DUMP
        _run(
            [
                "pg_dump",
                "-Fc",
                "--no-owner",
                "--no-privileges",
                "-f",
                str(dump),
                *_pg_args(db),
                str(db["NAME"]),
            ],
            _pg_env(db),
        )
    elif connection.vendor == "sqlite":
        dump = target / SQLITE_COPY
        _sqlite_copy(db["NAME"], dump)
    else:  # pragma: no cover
        raise BackupError(f"No backup procedure for {connection.vendor}.")
    copied = target / CHECKPOINTS
    if checkpoint_dir().is_dir():
        shutil.copytree(checkpoint_dir(), copied, ignore=shutil.ignore_patterns(".*"))
    else:
        copied.mkdir()
    size = dump.stat().st_size
    manifest: dict[str, Any] = {
        "format": "hononga-backup",
        "v": 1,
        "created_at": now.isoformat(),
        "database": connection.vendor,
        "file": dump.name,
        "sha256": _sha256(dump),
        "size": size,
        "audit_seal": seal,
        "audit_link": link,
        "audit_key_ids": sorted(keyring().keys),  # ids only: the keys are never in a backup
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return BackupResult(target, time.monotonic() - started, size, seal)


def read_manifest(source: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{source} is not a Hononga backup ({error}).") from None
    if manifest.get("format") != "hononga-backup":
        raise BackupError(f"{source} is not a Hononga backup.")
    dump = source / str(manifest["file"])
    if not dump.is_file() or _sha256(dump) != manifest["sha256"]:
        raise BackupError(f"{dump} is missing or damaged (its SHA-256 does not match).")
    return manifest


def _database_is_empty() -> bool:
    return not connection.introspection.table_names()


def restore(source: Path) -> RestoreResult:
    """Restore a backup into the configured (fresh, empty) database."""
    from hononga.audit.checkpoints import checkpoint_dir, write_restore_record
    from hononga.audit.sealer import chain_head

    started = time.monotonic()
    manifest = read_manifest(source)
    if manifest["database"] != connection.vendor:
        raise BackupError(
            f"This backup is of a {manifest['database']} database; DATABASE_URL points at "
            f"{connection.vendor}."
        )
    if not _database_is_empty():
        raise BackupError(
            "The database DATABASE_URL points at is not empty. Restore into a fresh database "
            "(createdb, or a new SQLite path), check it, then point the app at it."
        )
    db = _db()
    dump = source / str(manifest["file"])
    connections.close_all()
    if connection.vendor == "postgresql":
        _run(
            [
                "pg_restore",
                "--exit-on-error",
                "--no-owner",
                "--no-privileges",
                "-d",
                str(db["NAME"]),
                *_pg_args(db),
                str(dump),
            ],
            _pg_env(db),
        )
    else:
        _sqlite_copy(dump, db["NAME"])
    connections.close_all()
    # The checkpoints: the backup's, where the store lacks them (never overwriting one).
    store = checkpoint_dir()
    store.mkdir(parents=True, exist_ok=True)
    copied = 0
    for path in sorted((source / CHECKPOINTS).glob("*.json")):
        if not (store / path.name).exists():
            shutil.copy2(path, store / path.name)
            copied += 1
    seal, link = chain_head()
    write_restore_record(seal, link, backup=source.name)
    return RestoreResult(time.monotonic() - started, seal, copied)
