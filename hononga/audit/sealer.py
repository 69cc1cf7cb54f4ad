"""The sealer: puts committed events into the chain, in the order it finds them committed.

Writers only INSERT events (with their digest). The sealer, a scheduled job every few seconds
(`hononga audit seal`), takes the unsealed events — whatever their ids: an id is given out when
a transaction inserts, not when it commits, so a lower id can commit after a higher one was
sealed; it is simply found unsealed in a later batch — gives them the next seal numbers and
links, and writes a signed checkpoint outside the database.

Exactly one sealer works at a time: on PostgreSQL a transaction-level advisory lock (released
at commit, so it works behind PgBouncer's transaction pooling), on SQLite the write transaction
itself. A second sealer that finds the lock taken returns at once.
"""

from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction

from hononga.audit.chain import GENESIS_LINK, link_for
from hononga.audit.checkpoints import write_checkpoint
from hononga.audit.keys import keyring
from hononga.audit.models import AuditEvent

BATCH_SIZE = 2000
# pg_try_advisory_xact_lock's key: a constant the app uses for nothing else.
ADVISORY_LOCK_KEY = 0x4155444954534C  # "AUDITSL"


@dataclass
class SealResult:
    sealed: int
    last_seal: int
    last_link: str
    busy: bool = False  # another sealer held the lock
    checkpoint: Path | None = None


def chain_head() -> tuple[int, str]:
    """(seal, link) of the newest sealed event; (0, GENESIS_LINK) for an empty chain."""
    head = (
        AuditEvent.objects.filter(seal__isnull=False)
        .order_by("-seal")
        .values_list("seal", "link")
        .first()
    )
    return (int(head[0] or 0), str(head[1])) if head else (0, GENESIS_LINK)


def _take_lock() -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite: this write transaction (BEGIN IMMEDIATE) is the only writer
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
        return bool(cursor.fetchone()[0])


_PG_UPDATE = (
    "UPDATE {table} AS e SET seal = v.seal, link = v.link "
    "FROM (VALUES {values}) AS v(id, seal, link) WHERE e.id = v.id"
)
_SQLITE_UPDATE = (
    "UPDATE {table} SET seal = v.column2, link = v.column3 "
    "FROM (VALUES {values}) AS v WHERE {table}.id = v.column1"
)


def _bulk_set(rows: list[tuple[int, int, str]]) -> None:
    """One UPDATE for the whole batch: UPDATE … FROM (VALUES …)."""
    # Only the table name and placeholders are formatted in; every value is a parameter.
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    params = [value for row in rows for value in row]
    if connection.vendor == "postgresql":
        values = ", ".join(["(%s::bigint, %s::bigint, %s)"] * len(rows))
        sql = _PG_UPDATE.format(table=table, values=values)
    else:
        values = ", ".join(["(%s, %s, %s)"] * len(rows))
        sql = _SQLITE_UPDATE.format(table=table, values=values)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if cursor.rowcount != len(rows):
            raise RuntimeError(f"Sealing updated {cursor.rowcount} of {len(rows)} events.")


def seal_batch(batch_size: int = BATCH_SIZE) -> SealResult:
    """Seal up to `batch_size` events in one transaction."""
    ring = keyring()
    with transaction.atomic():
        if not _take_lock():
            return SealResult(0, 0, "", busy=True)
        last_seal, last_link = chain_head()
        # Events naming a key this installation does not hold cannot be linked: they stay
        # unsealed, and `hononga audit verify` reports them.
        pending = (
            AuditEvent.objects.filter(seal__isnull=True, key_id__in=list(ring.keys))
            .order_by("id")
            .values_list("id", "key_id", "digest")[:batch_size]
        )
        rows: list[tuple[int, int, str]] = []
        for event_id, key_id, digest in pending:
            last_seal += 1
            last_link = link_for(ring.keys[key_id], last_link, last_seal, digest)
            rows.append((event_id, last_seal, last_link))
        if rows:
            _bulk_set(rows)
    return SealResult(len(rows), last_seal, last_link)


def seal_pending(
    *, batch_size: int = BATCH_SIZE, max_batches: int | None = None, checkpoint: bool = True
) -> SealResult:
    """Seal batches until none is left (or `max_batches`), then write a checkpoint."""
    total = batches = 0
    result = SealResult(0, *chain_head())
    while max_batches is None or batches < max_batches:
        batch = seal_batch(batch_size)
        batches += 1
        if batch.busy:
            return SealResult(total, result.last_seal, result.last_link, busy=True)
        total += batch.sealed
        result = batch
        if batch.sealed < batch_size:
            break
    done = SealResult(total, result.last_seal, result.last_link)
    if checkpoint and total:
        done.checkpoint = write_checkpoint(done.last_seal, done.last_link)
    return done
