"""An existing deployment keeps a verifiable trail: the old SHA-256 chain is checked, then every
event gets its keyed digest and seal (migration audit 0003); a broken old chain is not laundered."""

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from hononga.audit.models import AuditEvent
from hononga.audit.verify import audit_verify

BEFORE = [("audit", "0002_head")]
AFTER = [("audit", "0003_keyed_chain")]


def _legacy_rows(apps, n):
    Event = apps.get_model("audit", "AuditEvent")
    Head = apps.get_model("audit", "AuditHead")
    previous = "0" * 64
    start = datetime(2026, 5, 1, 9, tzinfo=UTC)
    for i in range(n):
        fields = {
            "at": start + timedelta(minutes=i),
            "actor_id": 7,
            "actor_username": "aroha",
            "action": "view",
            "target_type": "whanau",
            "target_id": str(i),
            "whanau_id": i,
            "summary": f"Viewed whānau {i}",
            "reason": "",
            "ip_address": "127.0.0.1",
            "data": {"n": i},
        }
        payload = {**fields, "at": fields["at"].isoformat(), "prev_hash": previous}
        text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        digest = hashlib.sha256(text.encode()).hexdigest()
        Event.objects.create(**fields, prev_hash=previous, hash=digest)
        previous = digest
    Head.objects.update_or_create(pk=1, defaults={"last_hash": previous, "count": n})


@pytest.mark.django_db(transaction=True)
def test_an_intact_old_chain_is_carried_over_and_verifies() -> None:
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    try:
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        _legacy_rows(old, 5)
        MigrationExecutor(connection).migrate(AFTER)
        events = list(AuditEvent.objects.order_by("id"))
        assert [e.seal for e in events] == [1, 2, 3, 4, 5]
        assert {e.key_id for e in events} == {"test"}
        assert events[2].summary == "Viewed whānau 2"
        result = audit_verify()
        assert result.ok, result.message
        assert result.checked == 5
    finally:
        MigrationExecutor(connection).migrate(latest)


@pytest.mark.django_db(transaction=True)
def test_a_broken_old_chain_stops_the_migration() -> None:
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    try:
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        _legacy_rows(old, 3)
        old.get_model("audit", "AuditEvent").objects.filter(target_id="1").update(summary="x")
        with pytest.raises(RuntimeError, match=r"event .* does not match the old hash chain"):
            MigrationExecutor(connection).migrate(AFTER)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent")
        MigrationExecutor(connection).migrate(latest)
