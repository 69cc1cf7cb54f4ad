import pytest
from django.core.management import call_command
from django.db import connection

from hononga.audit.models import Action, AppendOnlyError, AuditEvent
from hononga.audit.services import record_event
from hononga.audit.verify import audit_verify


@pytest.fixture
def three_events(practitioner):
    return [
        record_event(
            actor=practitioner,
            action=Action.VIEW,
            summary=f"event {n}",
            data={"n": n, "name": "Whānau"},
        )
        for n in range(3)
    ]


def test_it_links_each_event_to_the_one_before(three_events):
    first, second, third = three_events
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert audit_verify().ok


def test_it_refuses_to_change_or_delete_an_event(three_events):
    event = AuditEvent.objects.get(pk=three_events[0].pk)
    event.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def _raw_sql(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_verify_names_the_first_altered_event(three_events, capsys):
    table = AuditEvent._meta.db_table
    _raw_sql(
        f"UPDATE {table} SET summary = %s WHERE id = %s",
        ["tampered", three_events[1].pk],
    )
    result = audit_verify()
    assert not result.ok
    assert result.broken_event_id == three_events[1].pk
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 1
    assert f"event {three_events[1].pk}" in capsys.readouterr().err


def test_verify_finds_a_removed_event(three_events):
    table = AuditEvent._meta.db_table
    _raw_sql(f"DELETE FROM {table} WHERE id = %s", [three_events[1].pk])
    result = audit_verify()
    assert not result.ok
    assert result.broken_event_id == three_events[2].pk


def test_verify_finds_the_newest_event_removed(three_events):
    table = AuditEvent._meta.db_table
    _raw_sql(f"DELETE FROM {table} WHERE id = %s", [three_events[2].pk])
    result = audit_verify()
    assert not result.ok
    assert "newest events were removed" in result.message


def test_verify_command_succeeds_on_an_intact_trail(three_events, capsys):
    call_command("audit", "verify")
    assert "3 events checked" in capsys.readouterr().out
