"""The keyed audit chain: digests, the sealer, checkpoints, verification, rotation, redaction.

The threat (issue 13): someone who can read and write the database, but has neither the audit
key nor the checkpoint store.
"""

import base64
import hmac
import json
from datetime import timedelta
from hashlib import sha256

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from hononga.audit.chain import GENESIS_LINK, canonical_content, link_for
from hononga.audit.checkpoints import read_checkpoints, write_restore_record
from hononga.audit.keys import keyring
from hononga.audit.models import Action, AppendOnlyError, AuditEvent
from hononga.audit.sealer import chain_head, seal_pending
from hononga.audit.services import build_event, record_event, redact
from hononga.audit.verify import audit_verify

TABLE = AuditEvent._meta.db_table
OTHER_KEY = base64.b64encode(b"k" * 32).decode()


def _sql(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _events(actor, n, start=0):
    return [
        record_event(
            actor=actor, action=Action.VIEW, summary=f"event {i}", data={"n": i, "name": "Whānau"}
        )
        for i in range(start, start + n)
    ]


@pytest.fixture
def sealed(practitioner):
    _events(practitioner, 5)
    seal_pending()
    return list(AuditEvent.objects.order_by("seal"))


def test_an_event_is_written_with_its_digest_in_one_insert(practitioner, django_assert_num_queries):
    # No lock on a chain head: the writer's only statement is its own INSERT.
    with django_assert_num_queries(1):
        event = record_event(actor=practitioner, action=Action.VIEW, summary="seen")
    assert event.seal is None and event.link == ""
    assert event.key_id == "test"
    expected = hmac.new(keyring().key("test"), canonical_content(event.content()), sha256)
    assert event.digest == expected.hexdigest()
    assert audit_verify().ok  # unsealed events are checked by digest
    assert "1 event(s) not yet sealed" in audit_verify().message


def test_the_sealer_chains_events_and_checkpoints_outside_the_database(sealed):
    assert [e.seal for e in sealed] == [1, 2, 3, 4, 5]
    previous = GENESIS_LINK
    key = keyring().key("test")
    for event in sealed:
        assert event.link == link_for(key, previous, event.seal, event.digest)
        previous = event.link
    checkpoints = read_checkpoints()
    assert [(c.seal, c.link, c.valid) for c in checkpoints] == [(5, sealed[-1].link, True)]
    result = audit_verify()
    assert result.ok, result.message
    assert result.checked == 5 and result.checkpoint_seal == 5


def test_sealing_is_one_update_per_batch(practitioner, django_assert_max_num_queries):
    AuditEvent.objects.bulk_create(
        [build_event(action=Action.VIEW, summary=f"bulk {i}") for i in range(450)]
    )
    # Per batch: the lock (PostgreSQL), the head, the pending rows, one UPDATE.
    with django_assert_max_num_queries(3 * 6 + 1) as captured:
        result = seal_pending(batch_size=200)
    updates = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 3
    assert result.sealed == 450 and result.last_seal == 450
    assert not AuditEvent.objects.filter(seal__isnull=True).exists()
    assert audit_verify().ok


def test_a_lower_id_that_commits_later_is_sealed_in_the_next_batch(practitioner):
    later = build_event(action=Action.VIEW, summary="higher id, committed first")
    later.id = 1000
    AuditEvent.objects.bulk_create([later])
    seal_pending()
    early = build_event(action=Action.VIEW, summary="lower id, committed later")
    early.id = 500  # its id was given out before 1000's, but it commits only now
    AuditEvent.objects.bulk_create([early])
    seal_pending()
    assert AuditEvent.objects.get(pk=1000).seal == 1
    assert AuditEvent.objects.get(pk=500).seal == 2
    assert audit_verify().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_a_late_commit_is_sealed_not_skipped():
    """Real transactions: A takes its id first and commits last."""
    import threading

    from django.db import connections, transaction

    inserted, release = threading.Event(), threading.Event()
    ids = {}

    def slow_writer():
        try:
            with transaction.atomic():
                ids["slow"] = record_event(actor=None, action=Action.VIEW, summary="slow").pk
                inserted.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    inserted.wait(10)
    fast = record_event(actor=None, action=Action.VIEW, summary="fast")
    assert fast.pk > ids["slow"]
    first = seal_pending()  # sees only the committed, higher id; does not wait for the other
    release.set()
    thread.join(10)
    second = seal_pending()
    assert (first.sealed, second.sealed) == (1, 1)
    assert AuditEvent.objects.get(pk=fast.pk).seal == 1
    assert AuditEvent.objects.get(pk=ids["slow"]).seal == 2
    assert audit_verify().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks")
@pytest.mark.django_db(transaction=True)
def test_only_one_sealer_at_a_time():
    from django.db import connections

    from hononga.audit.sealer import ADVISORY_LOCK_KEY

    record_event(actor=None, action=Action.VIEW, summary="x")
    other = connections.create_connection("default")
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
        assert seal_pending().busy
        other.rollback()
    finally:
        other.close()
    assert seal_pending().sealed == 1


def test_it_refuses_to_change_or_delete_an_event(sealed):
    event = AuditEvent.objects.get(pk=sealed[0].pk)
    event.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_verify_names_an_altered_event(sealed, capsys):
    _sql(f"UPDATE {TABLE} SET summary = %s WHERE id = %s", ["tampered", sealed[2].pk])
    result = audit_verify()
    assert not result.ok
    assert result.broken_event_id == sealed[2].pk
    assert "altered" in result.message
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify", "--quiet")
    assert exit_info.value.code == 1
    assert f"event {sealed[2].pk} (seal 3)" in capsys.readouterr().err


def test_rewriting_an_event_and_every_later_link_without_the_key_fails(sealed):
    """The forger recomputes the digest and every later link, with a key of their own."""
    forger_key = b"forger-does-not-have-K-0000000000"
    previous = sealed[1].link
    for event in sealed[2:]:
        content = event.content()
        if event.pk == sealed[2].pk:
            content["summary"] = "nothing to see here"
        digest = hmac.new(forger_key, canonical_content(content), sha256).hexdigest()
        link = link_for(forger_key, previous, event.seal, digest)
        _sql(
            f"UPDATE {TABLE} SET summary = %s, digest = %s, link = %s WHERE id = %s",
            [content["summary"], digest, link, event.pk],
        )
        previous = link
    result = audit_verify()
    assert not result.ok
    assert result.broken_event_id == sealed[2].pk


def test_a_removed_event_is_named_by_the_gap(sealed):
    _sql(f"DELETE FROM {TABLE} WHERE id = %s", [sealed[1].pk])
    result = audit_verify()
    assert not result.ok
    assert result.broken_event_id == sealed[2].pk
    assert "jumps from seal 1 to 3" in result.message


def test_renumbering_after_a_removal_breaks_the_links(sealed):
    _sql(f"DELETE FROM {TABLE} WHERE id = %s", [sealed[1].pk])
    _sql(f"UPDATE {TABLE} SET seal = seal - 1 WHERE seal > 2")
    result = audit_verify()
    assert not result.ok
    assert result.broken_event_id == sealed[2].pk


def test_a_truncated_tail_fails_against_the_checkpoints(sealed):
    _sql(f"DELETE FROM {TABLE} WHERE seal > 3")
    result = audit_verify()
    assert not result.ok
    assert "newest events were removed" in result.message
    assert "Seals 4–5 are missing" in result.message


def test_a_wiped_trail_fails_against_the_checkpoints(sealed, practitioner):
    _sql(f"DELETE FROM {TABLE}")  # every audit table: the events are the only one
    result = audit_verify()
    assert not result.ok
    assert "wiped" in result.message
    # ... and a fresh chain started in its place does not pass either.
    _events(practitioner, 2)
    seal_pending()
    result = audit_verify()
    assert not result.ok


def test_a_forged_checkpoint_is_refused(sealed, settings):
    path = next(settings.AUDIT_CHECKPOINT_DIR.iterdir())
    body = json.loads(path.read_text())
    body["seal"] = 2
    (path.parent / "checkpoint-0000000000000002-forged.json").write_text(json.dumps(body))
    result = audit_verify()
    assert not result.ok
    assert "cannot be trusted" in result.message


def test_checkpoint_files_are_never_overwritten(sealed, practitioner):
    call_command("audit", "checkpoint")
    call_command("audit", "checkpoint")
    _events(practitioner, 1)
    call_command("audit", "seal")
    names = [c.path.name for c in read_checkpoints()]
    assert len(names) == len(set(names)) == 4
    assert [c.seal for c in read_checkpoints()] == [5, 5, 5, 6]


def test_a_restore_record_explains_the_events_lost_in_a_restore(sealed):
    seal, link = sealed[2].seal, sealed[2].link
    _sql(f"DELETE FROM {TABLE} WHERE seal > 3")  # what a restore from an older backup looks like
    write_restore_record(seal, link, backup="hononga-test.dump")
    result = audit_verify()
    assert result.ok, result.message
    assert "lost in that restore" in result.message


def test_unsealed_events_are_reported_with_their_age(practitioner):
    event = build_event(
        action=Action.VIEW, summary="old", at=timezone.now() - timedelta(minutes=10)
    )
    event.save(force_insert=True)
    result = audit_verify()
    assert result.ok
    assert result.unsealed == 1 and result.sealer_late
    assert "is the sealer running?" in result.message
    _sql(f"UPDATE {TABLE} SET summary = 'x' WHERE id = %s", [event.pk])
    result = audit_verify()
    assert not result.ok and result.broken_event_id == event.pk


def test_key_rotation_old_events_verify_under_their_key_id(practitioner, settings):
    first = _events(practitioner, 2)
    seal_pending()
    current = settings.AUDIT_KEYS
    settings.AUDIT_KEYS = f"k2={OTHER_KEY},{current}"
    settings.AUDIT_KEY_ID = "k2"
    second = _events(practitioner, 2, start=2)
    seal_pending()
    assert {e.key_id for e in first} == {"test"}
    assert {e.key_id for e in second} == {"k2"}
    assert audit_verify().ok
    # Retiring the old key too early is caught: its events can no longer be checked.
    settings.AUDIT_KEYS = f"k2={OTHER_KEY}"
    result = audit_verify()
    assert not result.ok
    assert "not configured" in result.message
    assert result.broken_event_id is not None or "Checkpoint" in result.message


def test_redaction_keeps_the_digest_and_the_chain_verifies(sealed):
    event = redact(sealed[1], "contacts-7y")
    assert event.summary == "" and event.data == {} and event.reason == ""
    assert event.digest == sealed[1].digest and event.link == sealed[1].link
    assert event.redaction_rule == "contacts-7y" and event.redacted_at is not None
    result = audit_verify()
    assert result.ok, result.message
    assert result.redacted == 1
    # Redacting again keeps the first redaction.
    assert redact(event, "other-rule").redaction_rule == "contacts-7y"


def test_a_fake_redaction_does_not_pass(sealed):
    _sql(
        f"UPDATE {TABLE} SET summary = '', redacted_at = %s, redaction_rule = 'x', "
        "redaction_mac = 'test:0000' WHERE id = %s",
        [timezone.now(), sealed[3].pk],
    )
    result = audit_verify()
    assert not result.ok
    assert result.broken_event_id == sealed[3].pk


def test_redaction_needs_a_rule(sealed):
    with pytest.raises(ValueError):
        redact(sealed[0], " ")


def test_the_seal_command_beats_and_the_schedule_runs_it_every_five_seconds(practitioner):
    from hononga.core.heartbeat import last_beat
    from hononga.core.schedule import job_named

    _events(practitioner, 3)
    call_command("audit", "seal")
    assert chain_head()[0] == 3
    assert last_beat("audit-sealer") is not None
    job = job_named("audit-sealer")
    assert job.command == "audit" and job.args == ("seal",)
    assert job.every == timedelta(seconds=5)


def test_verify_pages_by_seal_and_reports_progress(practitioner):
    AuditEvent.objects.bulk_create(
        [build_event(action=Action.VIEW, summary=f"bulk {i}") for i in range(120)]
    )
    seal_pending()
    seen = []
    result = audit_verify(page_size=50, progress=lambda n, total, s: seen.append((n, total)))
    assert result.ok and result.checked == 120
    assert seen == [(50, 120), (100, 120), (120, 120)]
