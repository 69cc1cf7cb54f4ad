"""An index on the check-ins table (millions of rows at national size) built without blocking
writes: CREATE INDEX CONCURRENTLY on PostgreSQL, outside a transaction (README, "Migrations on
large tables")."""

from django.db import migrations, models

from hononga.core.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("checkins", "0006_checkin_overall")]

    operations = [
        AddIndexConcurrently(
            model_name="checkin",
            index=models.Index(
                condition=models.Q(
                    ("archived_at__isnull", True), ("perspective", "self"), ("score__isnull", False)
                ),
                fields=["relationship", "answered_at"],
                include=("score", "rater", "id"),
                name="checkin_self_scored_idx",
            ),
        ),
    ]
