"""Pruning the audit checkpoints on shared storage: old ones thinned to one a day, the newest,
restore records and anything that does not check out always kept, and `audit verify` still
passes after it — and still catches a truncation or a wipe."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from hononga.audit.checkpoints import prune_checkpoints, read_checkpoints, write_restore_record
from hononga.audit.models import Action, AuditEvent
from hononga.audit.sealer import seal_pending
from hononga.audit.services import record_event
from hononga.audit.verify import audit_verify
from hononga.core.schedule import SCHEDULE

TABLE = AuditEvent._meta.db_table
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _seal_one(actor, at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        record_event(actor=actor, action=Action.VIEW, summary=f"at {at:%Y-%m-%d %H:%M}")
        seal_pending()


@pytest.fixture
def history(practitioner):
    """Checkpoints written over 40 days: three on day -40, two on day -39, two yesterday, one
    now (seals 1–8, one checkpoint each)."""
    moments = [
        NOW - timedelta(days=40, hours=3),
        NOW - timedelta(days=40, hours=2),
        NOW - timedelta(days=40, hours=1),
        NOW - timedelta(days=39, hours=2),
        NOW - timedelta(days=39, hours=1),
        NOW - timedelta(days=1, hours=2),
        NOW - timedelta(days=1, hours=1),
        NOW,
    ]
    for moment in moments:
        _seal_one(practitioner, moment)
    assert [c.seal for c in read_checkpoints()] == [1, 2, 3, 4, 5, 6, 7, 8]
    return moments


def test_old_checkpoints_are_thinned_to_one_a_day_and_the_trail_still_verifies(history):
    result = prune_checkpoints(keep_days=30, now=NOW)
    assert [p.name.split("-")[1] for p in result.removed] == [
        "0000000000000001",
        "0000000000000002",
        "0000000000000004",
    ]
    # Day -40 keeps its last (seal 3), day -39 its last (seal 5); the last 30 days keep all.
    assert [c.seal for c in read_checkpoints()] == [3, 5, 6, 7, 8]
    verified = audit_verify()
    assert verified.ok, verified.message
    assert verified.checkpoints == 5 and verified.checkpoint_seal == 8
    # Idempotent: a second run removes nothing.
    assert prune_checkpoints(keep_days=30, now=NOW).removed == []


def test_after_pruning_a_truncated_or_wiped_trail_still_fails(history):
    prune_checkpoints(keep_days=1, now=NOW + timedelta(days=400))
    # Far in the future every day keeps one, and the newest is always kept.
    assert 8 in [c.seal for c in read_checkpoints()]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seal > 6")
    result = audit_verify()
    assert not result.ok and "Seals 7–8 are missing" in result.message
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
    assert "wiped" in audit_verify().message


def test_the_newest_is_kept_even_when_it_is_old(practitioner):
    for days in (90, 80):
        _seal_one(practitioner, NOW - timedelta(days=days))
    result = prune_checkpoints(keep_days=30, now=NOW)
    assert result.removed == []
    assert [c.seal for c in read_checkpoints()] == [1, 2]


def test_restore_records_and_files_that_do_not_check_out_are_never_removed(history, settings):
    seal_three = AuditEvent.objects.get(seal=3)
    with time_machine.travel(NOW - timedelta(days=38), tick=False):
        restore = write_restore_record(8, AuditEvent.objects.get(seal=8).link, backup="x.dump")
    forged_body = json.loads(next(iter(read_checkpoints())).path.read_text())
    forged_body["seal"] = 2
    forged = settings.AUDIT_CHECKPOINT_DIR / "checkpoint-0000000000000002-forged.json"
    forged.write_text(json.dumps(forged_body))
    result = prune_checkpoints(keep_days=30, now=NOW)
    assert restore.exists() and forged.exists()
    assert forged not in result.removed and restore not in result.removed
    # Verification still reports the forged file (pruning never hides tampering).
    verified = audit_verify()
    assert not verified.ok and "cannot be trusted" in verified.message
    assert seal_three.seal == 3


def test_a_dry_run_deletes_nothing(history):
    before = [c.path for c in read_checkpoints()]
    result = prune_checkpoints(keep_days=30, now=NOW, dry_run=True)
    assert len(result.removed) == 3
    assert [c.path for c in read_checkpoints()] == before


def test_the_command_and_the_one_schedule(history, capsys):
    with time_machine.travel(NOW, tick=False):
        call_command("audit", "prune-checkpoints", "--dry-run")
        assert "Would remove 3 checkpoint(s) and keep 5." in capsys.readouterr().out
        call_command("audit", "prune-checkpoints")
        assert "Removed 3 checkpoint(s); 5 kept." in capsys.readouterr().out
    assert audit_verify().ok
    job = next(job for job in SCHEDULE if job.name == "audit-checkpoints-prune")
    assert job.command == "audit" and job.args == ("prune-checkpoints",)
    assert job.daily_at is not None
