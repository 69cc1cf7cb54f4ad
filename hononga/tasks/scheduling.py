"""Running the jobs of hononga/core/schedule.py on time, once per slot however many workers run.

A job's *slot* is the latest moment it was due: for `every=5s`, the last multiple of 5 seconds
(since 2000-01-01 UTC); for `daily_at=02:00`, the last 02:00 in Pacific/Auckland. Each worker
ticks about once a second; the first to move the job's `ScheduledJobState.last_slot` forward
(under a row lock) queues one `run_scheduled_job` task for that slot — with the slot in its
idempotency key too, so a slot can never be queued twice. After downtime a job runs once for
the latest missed slot, not once for every slot missed. A job whose previous run has not
finished skips the slot (counted in `skipped`) rather than running twice at once. A daily job
seen for the first time waits for its next slot (a deploy at 14:00 does not send the 02:00
digest); an interval job runs at once.
"""

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus, task

from hononga.core.schedule import ScheduledJob
from hononga.tasks.backend import PermanentFailure, RetryingTask, task_enqueue
from hononga.tasks.models import QueuedTask, ScheduledJobState

logger = logging.getLogger(__name__)

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
OUTPUT_KEPT = 4000  # characters of a job's output kept as the task's return value


def schedule() -> list[ScheduledJob]:
    """The jobs to run: `settings.TASKS_SCHEDULE` (hononga.core.schedule.SCHEDULE)."""
    jobs: list[ScheduledJob] = import_string(settings.TASKS_SCHEDULE)
    return jobs


def latest_slot(job: ScheduledJob, now: datetime) -> datetime:
    """The latest moment at or before `now` that `job` was due (aware, UTC)."""
    now = now.astimezone(UTC)
    if job.every is not None:
        step = job.every.total_seconds()
        return EPOCH + timedelta(seconds=((now - EPOCH).total_seconds() // step) * step)
    if job.daily_at is None:  # ScheduledJob guarantees one of the two
        raise ValueError(job.name)
    zone = ZoneInfo(settings.TIME_ZONE)
    local_day = now.astimezone(zone).date()
    due = datetime.combine(local_day, job.daily_at, tzinfo=zone).astimezone(UTC)
    if due > now:
        due = datetime.combine(local_day - timedelta(days=1), job.daily_at, tzinfo=zone)
        due = due.astimezone(UTC)
    return due


def next_slot(job: ScheduledJob, after: datetime) -> datetime:
    """The first slot strictly after `after`."""
    if job.every is not None:
        return latest_slot(job, after) + job.every
    probe = after
    while True:
        # Whole days forward from the latest slot; one more day where DST moved the clock.
        probe = probe + timedelta(hours=23)
        slot = latest_slot(job, probe)
        if slot > after:
            return slot


def job_max_attempts(job: ScheduledJob) -> int:
    # A job due again within a minute is retried by its next slot; a daily job gets three goes.
    if job.every is not None and job.every <= timedelta(minutes=1):
        return 1
    return 3


@task(queue_name="scheduled", priority=10, max_attempts=3, retry_base=60)
def run_scheduled_job(name: str, slot: str) -> str:
    """Run one scheduled job's command for one slot; return (the end of) what it printed."""
    jobs = {job.name: job for job in schedule()}
    job = jobs.get(name)
    if job is None:
        raise PermanentFailure(f"No scheduled job is called {name!r} any more.")
    output = StringIO()
    call_command(job.command, *job.args, stdout=output, stderr=output)
    return output.getvalue()[-OUTPUT_KEPT:]


def schedule_tick(now: datetime | None = None) -> list[str]:
    """Queue every job whose slot has come and is not yet queued; return the names queued."""
    now = now or timezone.now()
    queued = []
    for job in schedule():
        if queue_slot(job, latest_slot(job, now), now=now):
            queued.append(job.name)
    return queued


def queue_slot(job: ScheduledJob, slot: datetime, *, now: datetime) -> bool:
    """Queue `job` for `slot` unless some worker already did; True if this call queued it."""
    with transaction.atomic():
        state, created = ScheduledJobState.objects.select_for_update().get_or_create(name=job.name)
        if created and job.daily_at is not None:
            state.last_slot = slot
            state.save(update_fields=["last_slot"])
            return False
        if state.last_slot is not None and state.last_slot >= slot:
            return False
        state.last_slot = slot
        running = (
            state.last_task_id is not None
            and QueuedTask.objects.filter(
                pk=state.last_task_id,
                status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
            ).exists()
        )
        if running:
            state.skipped += 1
            state.save(update_fields=["last_slot", "skipped"])
            logger.warning("Job %s skipped %s: its last run has not finished", job.name, slot)
            return False
        result = task_enqueue(
            replace(
                cast(RetryingTask[..., str], run_scheduled_job),
                max_attempts=job_max_attempts(job),
            ),
            args=[job.name, slot.isoformat()],
            idempotency_key=f"schedule:{job.name}:{slot.isoformat()}",
        )
        state.last_task_id = int(result.id)
        state.last_queued_at = now
        state.save(update_fields=["last_slot", "last_task_id", "last_queued_at"])
        return True
