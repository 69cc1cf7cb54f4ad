"""Migration operations for the large tables, without long locks (README, "Migrations on large
tables").

A plain `AddIndex` is `CREATE INDEX`, which blocks every write to the table while it builds:
minutes on the national-size contacts, check-ins or audit trail. `AddIndexConcurrently` here is
Django's PostgreSQL operation (`CREATE INDEX CONCURRENTLY`: writes go on while it builds), with a
plain index on any other database (SQLite in development and the tests), where Django's own
operation fails (SQLite's schema editor has no `concurrently`). Put it in a migration with
`atomic = False`: PostgreSQL builds a concurrent index outside a transaction.
"""

from typing import Any

from django.contrib.postgres.operations import (
    AddIndexConcurrently as PostgresAddIndexConcurrently,
)
from django.contrib.postgres.operations import (
    RemoveIndexConcurrently as PostgresRemoveIndexConcurrently,
)
from django.db.migrations.operations import AddIndex, RemoveIndex


def _postgresql(schema_editor: Any) -> bool:
    return bool(schema_editor.connection.vendor == "postgresql")


class AddIndexConcurrently(PostgresAddIndexConcurrently):
    """`CREATE INDEX CONCURRENTLY` on PostgreSQL; `CREATE INDEX` elsewhere."""

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if _postgresql(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if _postgresql(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


class RemoveIndexConcurrently(PostgresRemoveIndexConcurrently):
    """`DROP INDEX CONCURRENTLY` on PostgreSQL; `DROP INDEX` elsewhere."""

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if _postgresql(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            RemoveIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if _postgresql(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            RemoveIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
