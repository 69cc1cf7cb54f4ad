"""When each restorative process entered its current stage (issue 17, point 3), backfilled from
the process's history (django-simple-history keeps a row for every save).

For each process, the history is walked in order: the stage was entered at the first history row
of the last unbroken run of rows at that stage. Each history row gets the value it would have had
then. A process with no history row at its stage (made before history was kept, or loaded in
bulk) falls back to what the record itself says: referred — when it was created; held — the day
it was held; closed — the day it was closed; otherwise when it was last changed (which can only
be later than the true entry, so waits are never overstated).
"""

from datetime import datetime, time
from typing import Any

import django.utils.timezone
from django.db import migrations, models
from django.utils import timezone


def _day(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _fallback(process: Any) -> datetime:
    if process.state == "referred":
        return process.created_at
    if process.state == "held" and process.held_on:
        return max(_day(process.held_on), process.created_at)
    if process.state == "closed" and process.closed_on:
        return max(_day(process.closed_on), process.created_at)
    return process.updated_at or process.created_at


def backfill(apps: Any, schema_editor: Any) -> None:
    process_model = apps.get_model("restorative", "RestorativeProcess")
    history_model = apps.get_model("restorative", "HistoricalRestorativeProcess")
    entered: dict[int, tuple[str, datetime]] = {}  # process id -> (stage, since) at its latest row
    history_updates = []
    rows = history_model.objects.order_by("id", "history_date", "history_id").values_list(
        "history_id", "id", "state", "history_date"
    )
    for history_id, process_id, state, when in rows.iterator(chunk_size=5000):
        previous = entered.get(process_id)
        if previous is None or previous[0] != state:
            entered[process_id] = (state, when)
        history_updates.append(
            history_model(history_id=history_id, stage_entered_at=entered[process_id][1])
        )
        if len(history_updates) >= 2000:
            history_model.objects.bulk_update(history_updates, ["stage_entered_at"])
            history_updates = []
    if history_updates:
        history_model.objects.bulk_update(history_updates, ["stage_entered_at"])
    updates = []
    for process in process_model.objects.only(
        "id", "state", "created_at", "updated_at", "held_on", "closed_on"
    ).iterator(chunk_size=2000):
        found = entered.get(process.pk)
        process.stage_entered_at = (
            found[1] if found is not None and found[0] == process.state else _fallback(process)
        )
        updates.append(process)
        if len(updates) >= 2000:
            process_model.objects.bulk_update(updates, ["stage_entered_at"])
            updates = []
    if updates:
        process_model.objects.bulk_update(updates, ["stage_entered_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("restorative", "0005_followup_open_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalrestorativeprocess",
            name="stage_entered_at",
            field=models.DateTimeField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="restorativeprocess",
            name="stage_entered_at",
            field=models.DateTimeField(null=True, editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="historicalrestorativeprocess",
            name="stage_entered_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                editable=False,
                verbose_name="at this stage since",
            ),
        ),
        migrations.AlterField(
            model_name="restorativeprocess",
            name="stage_entered_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                editable=False,
                verbose_name="at this stage since",
            ),
        ),
    ]
