"""Index operations for the large tables: CREATE INDEX CONCURRENTLY on PostgreSQL, a plain index
on SQLite (where Django's own operation fails), forwards and backwards."""

import pytest
from django.apps import apps
from django.db import connection, models
from django.db.migrations.state import ProjectState

from hononga.core.migration_operations import AddIndexConcurrently, RemoveIndexConcurrently

NAME = "contact_concurrent_test_idx"


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "contacts_contact")
    return {name for name, info in constraints.items() if info["index"]}


@pytest.mark.django_db(transaction=True)
def test_an_index_is_added_and_removed_outside_a_transaction():
    before = ProjectState.from_apps(apps)
    index = models.Index(fields=["purpose"], name=NAME)
    add = AddIndexConcurrently("contact", index)
    after = before.clone()
    add.state_forwards("contacts", after)
    assert add.atomic is False  # its migration must say `atomic = False` too
    with connection.schema_editor(atomic=False) as editor:
        add.database_forwards("contacts", editor, before, after)
    assert NAME in _indexes()
    remove = RemoveIndexConcurrently("contact", NAME)
    removed = after.clone()
    remove.state_forwards("contacts", removed)
    with connection.schema_editor(atomic=False) as editor:
        remove.database_forwards("contacts", editor, after, removed)
    assert NAME not in _indexes()
    with connection.schema_editor(atomic=False) as editor:
        remove.database_backwards("contacts", editor, removed, after)
    assert NAME in _indexes()
    with connection.schema_editor(atomic=False) as editor:
        add.database_backwards("contacts", editor, after, before)
    assert NAME not in _indexes()


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_it_refuses_to_run_inside_a_transaction():
    if connection.vendor != "postgresql":
        pytest.skip("CREATE INDEX CONCURRENTLY is PostgreSQL's")
    from django.db import NotSupportedError, transaction

    before = ProjectState.from_apps(apps)
    add = AddIndexConcurrently("contact", models.Index(fields=["purpose"], name=NAME))
    after = before.clone()
    add.state_forwards("contacts", after)
    with (
        pytest.raises(NotSupportedError),
        transaction.atomic(),
        connection.schema_editor(atomic=False) as editor,
    ):
        add.database_forwards("contacts", editor, before, after)
