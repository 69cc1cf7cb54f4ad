"""From the old SHA-256 chain behind one locked head row to the keyed format (docs/audit.md).

The existing trail is checked under the old rules first (each event's hash over its content and
the hash before it, and the head row's count and last hash). Only an intact trail is carried
over: each event gets its digest under the current audit key and is sealed in id order (the old
head lock made id order the chain's order), so an existing deployment keeps a verifiable trail.
A broken old trail stops the migration, naming the event, rather than being laundered into a
valid new chain. Set AUDIT_MIGRATE_BROKEN_LEGACY=accept to carry a broken trail over anyway
(after investigating it; the override is recorded in the first new event's data).
"""

import hashlib
import json
import os

from django.db import migrations, models

GENESIS_HASH = "0" * 64
BATCH = 2000


def _legacy_hash(row):
    payload = {
        "at": row.at.isoformat(),
        "actor_id": row.actor_id,
        "actor_username": row.actor_username,
        "action": row.action,
        "target_type": row.target_type,
        "target_id": row.target_id,
        "whanau_id": row.whanau_id,
        "summary": row.summary,
        "reason": row.reason,
        "ip_address": row.ip_address,
        "data": row.data,
        "prev_hash": row.prev_hash,
    }
    text = json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _legacy_problem(Event, Head):
    previous, count = GENESIS_HASH, 0
    last_id = 0
    while True:
        page = list(Event.objects.filter(id__gt=last_id).order_by("id")[:BATCH])
        for row in page:
            if row.prev_hash != previous or _legacy_hash(row) != row.hash:
                return f"event {row.id} does not match the old hash chain"
            previous, count, last_id = row.hash, count + 1, row.id
        if len(page) < BATCH:
            break
    head = Head.objects.filter(pk=1).first()
    if head is not None and (head.count != count or head.last_hash != previous):
        return f"the head row records {head.count} events but the trail holds {count}"
    return ""


def carry_over(apps, schema_editor):
    from hononga.audit.chain import GENESIS_LINK, digest_for, link_for, normalise_data
    from hononga.audit.keys import keyring

    Event = apps.get_model("audit", "AuditEvent")
    Head = apps.get_model("audit", "AuditHead")
    if not Event.objects.exists():
        return
    problem = _legacy_problem(Event, Head)
    if problem and os.environ.get("AUDIT_MIGRATE_BROKEN_LEGACY") != "accept":
        raise RuntimeError(
            f"The existing audit trail is broken ({problem}). Investigate it with the previous "
            "release's `hononga audit verify`; to carry it over anyway, set "
            "AUDIT_MIGRATE_BROKEN_LEGACY=accept."
        )
    ring = keyring()
    key = ring.key(ring.current)
    seal, link, last_id = 0, GENESIS_LINK, 0
    fields = [
        "at",
        "actor_id",
        "actor_username",
        "action",
        "target_type",
        "target_id",
        "whanau_id",
        "summary",
        "reason",
        "ip_address",
        "data",
    ]
    while True:
        page = list(Event.objects.filter(id__gt=last_id).order_by("id")[:BATCH])
        for row in page:
            if seal == 0 and problem:
                row.data = {**normalise_data(row.data), "legacy_chain_broken": problem}
            row.data = normalise_data(row.data)
            row.key_id, row.digest = digest_for({f: getattr(row, f) for f in fields})
            seal += 1
            link = link_for(key, link, seal, row.digest)
            row.seal, row.link = seal, link
            last_id = row.id
        Event.objects.bulk_update(page, ["data", "key_id", "digest", "seal", "link"])
        if len(page) < BATCH:
            break


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_head")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(default="", max_length=32),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="digest",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seal",
            field=models.BigIntegerField(blank=True, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="link",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="redacted_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="redaction_rule",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="redaction_mac",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.RunPython(carry_over, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(model_name="auditevent", name="prev_hash"),
        migrations.RemoveField(model_name="auditevent", name="hash"),
        migrations.DeleteModel(name="AuditHead"),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(("seal__isnull", True)),
                fields=["id"],
                name="audit_unsealed_idx",
            ),
        ),
    ]
