"""Bulk writing for the generator: COPY on PostgreSQL, batched inserts on SQLite.

Rows are plain dicts keyed by field attname; missing fields take the model's default (and
`created_at`/`updated_at` the row's own time), so the generator names only what it chooses.
Rows of a model with django-simple-history also get their "created" history row. Rows are kept
in per-table buffers and written table by table, in the order the tables were first used,
which is the order their foreign keys need.
"""

import json
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import repeat
from typing import Any, TypeVar, cast

from django.db import connection, models, transaction
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone
from psycopg.types.json import Jsonb

SQLITE_BATCH = 5_000
T = TypeVar("T")
SWITCH_INTERVAL = 0.0002  # seconds: how soon the writer thread gets the GIL back


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
        self.types: list[str] | None = None

    def copy_types(self) -> list[str]:
        """Each column's PostgreSQL type, for binary COPY ("varchar(20)" → "varchar")."""
        if self.types is None:
            self.types = [str(f.db_type(connection)).partition("(")[0] for f in self.fields]
        return self.types

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
        self._queue: queue.Queue[Any] | None = None
        self._failure: BaseException | None = None

    def _table(self, model: type[models.Model]) -> _Table:
        table = self.tables.get(model)
        if table is None:
            table = self.tables[model] = _Table(model)
        return table

    def historical(self, model: type[models.Model]) -> Any:
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
        historical = self.historical(model)
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

    def add_rows(self, model: type[models.Model], rows: list[tuple[Any, ...]]) -> None:
        """Rows already in the table's column order, as written (JSON fields as text): for the
        largest tables, without a dict per row."""
        self._table(model).rows.extend(rows)

    def add_columns(self, model: type[models.Model], n: int, columns: dict[str, Any]) -> None:
        """`n` rows given column by column: a list of `n` values, or one value for every row
        (fields not named take their defaults). No dict per row; JSON fields not supported."""
        table = self._table(model)
        lists = []
        for name, default in table.pairs:
            value = columns.get(name, default)
            lists.append(value if isinstance(value, list) else repeat(value, n))
        table.rows.extend(zip(*lists))  # noqa: B905  (repeat() is endless by design)

    def flush(self) -> None:
        """Write the buffered rows (in the background, inside `in_background`)."""
        batch = [(table, table.rows) for table in self.tables.values() if table.rows]
        for table, rows in batch:
            table.written += len(rows)
            table.rows = []
        if self._queue is None:
            _write(batch)
            return
        if self._failure is not None:
            raise RuntimeError("The background writer failed.") from self._failure
        self._queue.put(batch)

    @contextmanager
    def in_background(self) -> Iterator[None]:
        """Inside, `flush()` hands the rows to a thread that writes them on its own connection
        (each batch in one transaction) while the caller makes the next ones: PostgreSQL's COPY
        runs beside the Python that builds the rows, on the other core. Only for a bulk load
        outside a transaction (`bulk_mode`); inside one (the tests) rows are written at once."""
        if self.vendor != "postgresql" or connection.in_atomic_block or self._queue is not None:
            yield
            return
        settings = _session_settings()
        self._queue = queue.Queue(maxsize=2)
        self._failure = None
        thread = threading.Thread(target=self._write_batches, args=(self._queue, settings))
        # The writer gives up the GIL at every 32 KiB it sends and waits for it back while the
        # caller computes: at the default 5 ms a switch, that wait, not PostgreSQL, set the pace.
        interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL)
        thread.start()
        try:
            yield
        finally:
            self._queue.put(None)
            thread.join()
            sys.setswitchinterval(interval)
            self._queue = None
        if self._failure is not None:
            raise RuntimeError("The background writer failed.") from self._failure

    def _write_batches(self, batches: "queue.Queue[Any]", settings: dict[str, str]) -> None:
        try:
            _apply_session_settings(settings)
            while (batch := batches.get()) is not None:
                with transaction.atomic():
                    _write(batch)
        except BaseException as error:  # handed to the caller at its next flush
            self._failure = error
            while batches.get() is not None:
                pass  # let the caller go on putting until it stops
        finally:
            connection.close()

    def counts(self) -> dict[str, int]:
        counts = {t.model._meta.db_table: t.written for t in self.tables.values() if t.written}
        for table, count in self.sql_counts.items():
            counts[table] = counts.get(table, 0) + count
        return counts

    def history_by_sql(self, model: type[models.Model], *, since_id: int) -> int:
        """The "created" history row of every row of `model` from `since_id` on, in one
        `INSERT … SELECT` (for the largest tables: no Python per row). The history's time is the
        row's `created_at`, its user the column named when the model was put in `sql_history`."""
        historical = self.historical(model)
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


def _json_text(text: str) -> str:
    return text


def _as_jsonb(row: tuple[Any, ...], json_at: list[int]) -> tuple[Any, ...]:
    values = list(row)
    for i in json_at:
        values[i] = Jsonb(values[i], dumps=_json_text)
    return tuple(values)


def _write(batch: list[tuple[_Table, list[tuple[Any, ...]]]]) -> None:
    """COPY each table's rows (PostgreSQL), or insert them in batches (SQLite)."""
    with connection.cursor() as cursor:
        for table, rows in batch:
            fields = table.fields
            # A history row's own id comes from its table's identity/autoincrement.
            skip = {i for i, f in enumerate(fields) if f.attname == "history_id" and f.primary_key}
            columns = [c for i, c in enumerate(table.columns) if i not in skip]
            name = connection.ops.quote_name(table.model._meta.db_table)
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            if connection.vendor == "postgresql":
                # Binary COPY: about a tenth of text COPY's client CPU per row, and PostgreSQL
                # reads it faster (no parsing of dates and numbers).
                types = [t for i, t in enumerate(table.copy_types()) if i not in skip]
                # JSON fields hold their text already (`_Table.row`): sent as jsonb, as it is.
                json_at = [i for i, f in enumerate(fields) if f.attname in table.json]
                if json_at:
                    rows = [_as_jsonb(row, json_at) for row in rows]
                with cursor.cursor.copy(f"COPY {name} ({quoted}) FROM STDIN BINARY") as copy:
                    copy.set_types(types)
                    for row in rows:
                        copy.write_row(
                            row if not skip else [v for i, v in enumerate(row) if i not in skip]
                        )
            else:
                marks = ", ".join(["%s"] * len(columns))
                sql = f"INSERT INTO {name} ({quoted}) VALUES ({marks})"
                for start in range(0, len(rows), SQLITE_BATCH):
                    cursor.executemany(
                        sql,
                        [
                            [_sqlite_value(v) for i, v in enumerate(row) if i not in skip]
                            for row in rows[start : start + SQLITE_BATCH]
                        ],
                    )


# What a bulk load changes in its session (bulk_mode), copied to the threads that write beside it.
SESSION_SETTINGS = ("session_replication_role", "synchronous_commit", "maintenance_work_mem")


def _session_settings() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, setting FROM pg_settings WHERE name = ANY(%s)", [list(SESSION_SETTINGS)]
        )
        return dict(cursor.fetchall())


def _apply_session_settings(settings: dict[str, str]) -> None:
    with connection.cursor() as cursor:
        for name, value in settings.items():
            cursor.execute("SELECT set_config(%s, %s, false)", [name, value])


def beside(work: Callable[[], T]) -> Callable[[], T]:
    """Start `work` (SQL) in a thread on its own connection, with the bulk load's session
    settings, and return a function that waits for it and gives its result (or raises its
    error): PostgreSQL works on it while the caller's Python goes on. Outside a bulk load (in a
    transaction: the tests; or SQLite) `work` runs at once, in the caller's transaction."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        result = work()
        return lambda: result
    settings = _session_settings()
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            _apply_session_settings(settings)
            with transaction.atomic():
                outcome["result"] = work()
        except BaseException as error:
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()

    def wait() -> T:
        thread.join()
        if "error" in outcome:
            raise RuntimeError("Work beside the generator failed.") from outcome["error"]
        return cast(T, outcome["result"])

    return wait


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
    "goals_",
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
            "SELECT i.indrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text FROM pg_index i WHERE i.indrelid = "
            "ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [tables],
        )
        names = [name for (name,) in cursor.fetchall()]
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = bool(cursor.fetchone()[0])
        for name in names:
            cursor.execute(f"DROP INDEX {name}")
        if superuser:
            cursor.execute("SET session_replication_role = replica")
        # A generator's commits need not wait for the disk (a crash loses only the load).
        cursor.execute("SET synchronous_commit = off")
    try:
        yield timings
    finally:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            if superuser:
                cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SET maintenance_work_mem = '256MB'")
        _build_indexes(indexes)
        with connection.cursor() as cursor:
            cursor.execute("RESET maintenance_work_mem")
            cursor.execute("RESET synchronous_commit")
        timings["indexes"] = time.perf_counter() - started


def _build_indexes(indexes: list[tuple[str, str]]) -> None:
    """Build the indexes (table, definition) on two connections at once, largest tables first
    (two cores: one index's sort beside another's)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t, pg_relation_size(t::regclass) FROM unnest(%s::text[]) AS t",
            [sorted({table for table, _definition in indexes})],
        )
        sizes = dict(cursor.fetchall())
    pending = [d for _t, d in sorted(indexes, key=lambda index: -sizes.get(index[0], 0))]
    lock = threading.Lock()

    def build() -> int:
        built = 0
        with connection.cursor() as cursor:
            while True:
                with lock:
                    if not pending:
                        return built
                    definition = pending.pop(0)
                cursor.execute(definition)
                built += 1

    other = beside(build)
    build()
    other()
