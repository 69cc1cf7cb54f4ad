"""One harm, one open process; FGC plan review dates counted from the conference; harm statuses
that follow all of a harm's processes (issue 14, points 4 and 5)."""

import calendar
from datetime import date
from typing import Any

from django.db import migrations, models
from django.db.models import Count, Max, Q

FINISHED = ["closed", "not_proceeding"]
CHILD_KINDS = ["tamariki", "rangatahi"]


def refuse_two_open_processes(apps: Any, schema_editor: Any) -> None:
    """Two open processes for one harm cannot be merged by a machine: a person decides which
    one goes on (and stops the other with a reason) before this migration can run."""
    process = apps.get_model("restorative", "RestorativeProcess")
    doubled = (
        process.objects.exclude(state__in=FINISHED)
        .values("harm_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    clashes = []
    for row in doubled.order_by("harm_id")[:20]:
        ids = list(
            process.objects.filter(harm_id=row["harm_id"])
            .exclude(state__in=FINISHED)
            .order_by("id")
            .values_list("id", flat=True)
        )
        clashes.append(f"harm {row['harm_id']}: processes {ids}")
    if clashes:
        raise RuntimeError(
            "These harms have more than one restorative process under way. Stop all but one of "
            "each (with a reason) in Hononga, then migrate again: " + "; ".join(clashes)
        )


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _birthday(born: date, years: int) -> date:
    year = born.year + years
    if born.month == 2 and born.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return born.replace(year=year)


def review_date(plan_date: date, youngest_born: date) -> date:
    """The same rule as lifecycle.fgc_review_date, frozen here as migrations must be."""
    under_seven = plan_date < _birthday(youngest_born, 7)
    return _add_months(plan_date, 6 if under_seven else 12)


def recount_review_dates(apps: Any, schema_editor: Any) -> None:
    """Review dates were counted from the move to monitoring with the child's age that day:
    count them again from the conference (held_on) with the age on that day."""
    process = apps.get_model("restorative", "RestorativeProcess")
    participant = apps.get_model("restorative", "Participant")
    person = apps.get_model("whanau", "Person")
    plans = process.objects.filter(
        kind="fgc", held_on__isnull=False, plan_review_date__isnull=False
    ).select_related("harm")
    for plan in plans.iterator():
        ids = set(
            participant.objects.filter(process_id=plan.pk, removed_at__isnull=True).values_list(
                "person_id", flat=True
            )
        ) | set(plan.harm.harmed.values_list("pk", flat=True))
        youngest = person.objects.filter(
            pk__in=ids, kind__in=CHILD_KINDS, date_of_birth__isnull=False
        ).aggregate(youngest=Max("date_of_birth"))["youngest"]
        if youngest is None:
            continue
        right = review_date(plan.held_on, youngest)
        if right != plan.plan_review_date:
            process.objects.filter(pk=plan.pk).update(plan_review_date=right)


def recount_harm_statuses(apps: Any, schema_editor: Any) -> None:
    """A harm is resolved only when no process for it is under way and one was closed."""
    harm = apps.get_model("restorative", "Harm")
    has_process = harm.objects.filter(processes__isnull=False).distinct()
    open_harms = has_process.filter(~Q(processes__state__in=FINISHED)).distinct()
    harm.objects.filter(pk__in=open_harms.values("pk")).exclude(status="in_process").update(
        status="in_process"
    )
    ended = has_process.exclude(pk__in=open_harms.values("pk"))
    closed = ended.filter(processes__state="closed").distinct()
    harm.objects.filter(pk__in=closed.values("pk")).exclude(status="resolved").update(
        status="resolved"
    )
    harm.objects.filter(pk__in=ended.values("pk")).exclude(pk__in=closed.values("pk")).exclude(
        status="open"
    ).update(status="open")


class Migration(migrations.Migration):
    dependencies = [
        ("restorative", "0002_removal_reassign_credential_end"),
        ("whanau", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(refuse_two_open_processes, migrations.RunPython.noop),
        migrations.RunPython(recount_review_dates, migrations.RunPython.noop),
        migrations.RunPython(recount_harm_statuses, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="restorativeprocess",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state__in", ["closed", "not_proceeding"]), _negated=True),
                fields=("harm",),
                name="one_open_process_per_harm",
                violation_error_message="This harm already has a restorative process under way.",
            ),
        ),
    ]
