"""`hononga backup` / `hononga restore` (SQLite here; PostgreSQL in the restore drill of .ci/run):
a backup restores into a fresh database and its audit trail verifies; the keys are not in it."""

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
KEY = "drill=" + base64.b64encode(b"d" * 32).decode()

MAKE_SOURCE = """
import django; django.setup()
from django.core.management import call_command
from hononga.audit.models import Action
from hononga.audit.services import record_event
call_command("migrate", verbosity=0)
for n in range(3):
    record_event(actor=None, action=Action.VIEW, summary=f"before the backup {n}")
call_command("audit", "seal")
call_command("backup", "--dest", "{backups}")
record_event(actor=None, action=Action.VIEW, summary="after the backup")
call_command("audit", "seal")
"""


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={
            **os.environ,
            "HONONGA_ENV": "test",
            "DJANGO_SETTINGS_MODULE": "hononga.settings",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_backup_then_restore_into_a_fresh_database_verifies(tmp_path):
    backups = tmp_path / "backups"
    source = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'live.sqlite3'}",
        "AUDIT_KEYS": KEY,
        "AUDIT_CHECKPOINT_DIR": str(tmp_path / "live-checkpoints"),
    }
    made = _run(source, "-c", MAKE_SOURCE.replace("{backups}", str(backups)))
    assert made.returncode == 0, made.stderr
    (backup,) = backups.iterdir()
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["database"] == "sqlite" and manifest["audit_seal"] == 3
    assert manifest["audit_key_ids"] == ["drill"]
    assert KEY.split("=", 1)[1] not in (backup / "manifest.json").read_text()
    assert list((backup / "audit-checkpoints").glob("checkpoint-*.json"))

    # A fresh machine: a new database, an empty checkpoint store, the keys from safekeeping.
    fresh = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}",
        "AUDIT_KEYS": KEY,
        "AUDIT_CHECKPOINT_DIR": str(tmp_path / "new-checkpoints"),
    }
    restored = _run(fresh, "manage.py", "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "Audit trail intact: 3 sealed events checked" in restored.stdout

    # Never over a database that holds data.
    again = _run(fresh, "manage.py", "restore", str(backup))
    assert again.returncode != 0
    assert "is not empty" in again.stderr

    # Without the audit key the restored trail cannot be verified: the key is not in the backup.
    other_key = {**fresh, "AUDIT_KEYS": "other=" + base64.b64encode(b"o" * 32).decode()}
    unverified = _run(other_key, "manage.py", "audit", "verify", "--quiet")
    assert unverified.returncode == 1

    # Restored in place (the live checkpoint store knows a later event): the loss is reported,
    # not taken for tampering.
    in_place = {**source, "DATABASE_URL": f"sqlite:///{tmp_path / 'in-place.sqlite3'}"}
    restored = _run(in_place, "manage.py", "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "up to seal 4, were lost in that restore" in restored.stdout


def test_a_damaged_backup_is_refused(tmp_path):
    backup = tmp_path / "hononga-20261130T000000Z"
    backup.mkdir()
    (backup / "database.sqlite3").write_bytes(b"not a database")
    (backup / "manifest.json").write_text(
        json.dumps({"format": "hononga-backup", "file": "database.sqlite3", "sha256": "0" * 64})
    )
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "AUDIT_KEYS": KEY}
    refused = _run(env, "manage.py", "restore", str(backup))
    assert refused.returncode != 0
    assert "damaged" in refused.stderr
