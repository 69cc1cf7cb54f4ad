"""Bulk writing for the generator: COPY on PostgreSQL, batched inserts on SQLite.

Rows are plain dicts keyed by field attname; missing fields take the model's default (and
`created_at`/`updated_at` the row's own time), so the generator names only what it chooses.
Rows of a model with django-simple-history also get their "created" history row. Rows are kept
in per-table buffers and written table by table, in the order the tables were first used,
which is the order their foreign keys need.
"""

import json
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone

SQLITE_BATCH = 5_000


class _Table:
    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields]
        self.columns = [f.column for f in self.fields]
        self.defaults: dict[str, Any] = {}
        for f in self.fields:
            if f.has_default():
                default = f.default
                self.defaults[f.attname] = None if default is NOT_PROVIDED else f.get_default()
            elif isinstance(f, models.CharField | models.TextField) and not f.null:
                self.defaults[f.attname] = ""
            else:
                self.defaults[f.attname] = None
        self.pairs = [(f.attname, self.defaults[f.attname]) for f in self.fields]
        self.json = {f.attname for f in self.fields if isinstance(f, models.JSONField)}
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0

    def row(self, values: dict[str, Any]) -> tuple[Any, ...]:
        get = values.get
        if self.json:
            values = dict(values)
            for name in self.json:
                values[name] = json.dumps(get(name, self.defaults[name]), ensure_ascii=False)
            get = values.get
        return tuple([get(name, default) for name, default in self.pairs])


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class BulkWriter:
    """Buffer rows per table and write them in bulk; `flush()` at the end of each chunk."""

    def __init__(self) -> None:
        self.tables: dict[type[models.Model], _Table] = {}
        self.vendor = connection.vendor
        self.history: dict[type[models.Model], Any] = {}
        # Models whose "created" history rows are written afterwards in SQL (history_by_sql),
        # with the column naming the history's user.
        self.sql_history: dict[type[models.Model], str] = {}
        self.sql_counts: dict[str, int] = {}

    def _table(self, model: type[models.Model]) -> _Table:
        table = self.tables.get(model)
        if table is None:
            table = self.tables[model] = _Table(model)
        return table

    def _historical(self, model: type[models.Model]) -> Any:
        # Looked up once per model: simple-history's descriptor builds a manager on each access.
        if model not in self.history:
            history = getattr(model, "history", None)
            self.history[model] = getattr(history, "model", None)
        return self.history[model]

    def add(
        self, model: type[models.Model], values: dict[str, Any], *, by: int | None = None
    ) -> None:
        """One row, and its "created" history row if the model keeps history (`by`: the user
        the history names)."""
        when = values.get("created_at")
        if when is not None:
            values.setdefault("updated_at", when)
        self._table(model).rows.append(self._table(model).row(values))
        historical = self._historical(model)
        if historical is not None and model not in self.sql_history:
            record = dict(values)
            record.pop("history_id", None)
            record.update(
                history_date=when
                or next(
                    (values[k] for k in ("recorded_at", "assessed_at", "held_at") if values.get(k)),
                    timezone.now(),
                ),
                history_type="+",
                history_change_reason=None,
                history_user_id=by,
            )
            table = self._table(historical)
            table.rows.append(table.row(record))

    def add_many(self, model: type[models.Model], rows: Iterable[dict[str, Any]]) -> None:
        table = self._table(model)
        table.rows.extend(table.row(values) for values in rows)

    def flush(self) -> None:
        with connection.cursor() as cursor:
            for table in self.tables.values():
                if not table.rows:
                    continue
                fields = table.fields
                # A history row's own id comes from its table's identity/autoincrement.
                skip = {
                    i for i, f in enumerate(fields) if f.attname == "history_id" and f.primary_key
                }
                columns = [c for i, c in enumerate(table.columns) if i not in skip]
                name = connection.ops.quote_name(table.model._meta.db_table)
                quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
                if self.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {name} ({quoted}) FROM STDIN") as copy:
                        for row in table.rows:
                            copy.write_row(
                                row if not skip else [v for i, v in enumerate(row) if i not in skip]
                            )
                else:
                    marks = ", ".join(["%s"] * len(columns))
                    sql = f"INSERT INTO {name} ({quoted}) VALUES ({marks})"
                    for start in range(0, len(table.rows), SQLITE_BATCH):
                        batch = [
                            [_sqlite_value(v) for i, v in enumerate(row) if i not in skip]
                            for row in table.rows[start : start + SQLITE_BATCH]
                        ]
                        cursor.executemany(sql, batch)
                table.written += len(table.rows)
                table.rows = []

    def counts(self) -> dict[str, int]:
        counts = {t.model._meta.db_table: t.written for t in self.tables.values() if t.written}
        for table, count in self.sql_counts.items():
            counts[table] = counts.get(table, 0) + count
        return counts

    def history_by_sql(self, model: type[models.Model], *, since_id: int) -> int:
        """The "created" history row of every row of `model` from `since_id` on, in one
        `INSERT … SELECT` (for the largest tables: no Python per row). The history's time is the
        row's `created_at`, its user the column named when the model was put in `sql_history`."""
        historical = self._historical(model)
        by_column = self.sql_history[model]
        source = {f.attname: f.column for f in model._meta.concrete_fields}
        quote = connection.ops.quote_name
        columns, expressions = [], []
        for f in historical._meta.concrete_fields:
            if f.attname == "history_id" and f.primary_key:
                continue
            if f.attname == "history_date":
                expression = quote(source["created_at"])
            elif f.attname == "history_type":
                expression = "'+'"
            elif f.attname == "history_change_reason":
                expression = "NULL"
            elif f.attname == "history_user_id":
                expression = quote(by_column)
            else:
                expression = quote(source[f.attname])
            columns.append(quote(f.column))
            expressions.append(expression)
        table = historical._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(table)} ({', '.join(columns)}) "
                f"SELECT {', '.join(expressions)} FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(model._meta.pk.column)} >= %s",
                [since_id],
            )
            count = cursor.rowcount
        self.sql_counts[table] = self.sql_counts.get(table, 0) + count
        return count

    def insert_select(self, table: str, sql: str, params: list[Any]) -> int:
        """Rows made by the database from rows already written (`sql`: INSERT … SELECT)."""
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            count = cursor.rowcount
        self.sql_counts[table] = self.sql_counts.get(table, 0) + count
        return count


def reset_sequences(models_used: Iterable[type[models.Model]]) -> None:
    """After rows written with explicit ids, the next id the database gives follows them."""
    if connection.vendor != "postgresql":
        return  # SQLite's autoincrement already follows the largest id
    with connection.cursor() as cursor:
        for model in models_used:
            pk = model._meta.pk
            if pk is None or not isinstance(pk, models.AutoField | models.BigAutoField):
                continue
            table = model._meta.db_table
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), "
                f"GREATEST((SELECT MAX({connection.ops.quote_name(pk.column)}) FROM "
                f"{connection.ops.quote_name(table)}), 1))",
                [table, pk.column],
            )


BULK_PREFIXES = (
    "whanau_",
    "relationships_",
    "checkins_",
    "contacts_",
    "restorative_",
    "advisories_",
    "audit_auditevent",
)


@contextmanager
def bulk_mode(progress: Any = None) -> Iterator[dict[str, float]]:
    """On PostgreSQL, load without secondary indexes (rebuilt at the end, in one pass each,
    which also checks the partial unique ones) and, for a superuser, without per-row foreign
    key triggers. The tests generate inside a transaction, where every check stays on, so the
    code that writes the rows is checked by the database; generating for real loads faster."""
    timings: dict[str, float] = {}
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        # Inside a caller's transaction (the tests) every check stays on.
        yield timings
        return
    with connection.cursor() as cursor:
        tables = [t for t in connection.introspection.table_names() if t.startswith(BULK_PREFIXES)]
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = bool(cursor.fetchone()[0])
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        if superuser:
            cursor.execute("SET session_replication_role = replica")
    try:
        yield timings
    finally:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            if superuser:
                cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _name, definition in indexes:
                cursor.execute(definition)
            cursor.execute("RESET maintenance_work_mem")
        timings["indexes"] = time.perf_counter() - started
