"""The task queue's tables: queued tasks, the workers that run them, and the schedule's state."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus


class QueuedTask(models.Model):
    """One call of a task function, waiting, running or finished.

    Delivery is at least once: a task is claimed (RUNNING, `worker_id` set) in one short
    transaction and finished in another, so a worker killed in between leaves it RUNNING until
    recovery puts it back (see hononga.tasks.runner). Task functions must therefore be safe to
    run again; `idempotency_key` stops the same piece of work being queued twice.
    """

    task_path = models.CharField(max_length=255)
    queue_name = models.CharField(max_length=32, default="default")
    priority = models.SmallIntegerField(default=0)
    arguments = models.JSONField(default=dict)  # {"args": [...], "kwargs": {...}}, JSON only
    status = models.CharField(
        max_length=10, choices=TaskResultStatus.choices, default=TaskResultStatus.READY
    )
    run_after = models.DateTimeField(default=timezone.now)
    enqueued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=5)
    worker_id = models.CharField(max_length=64, blank=True)  # the worker running it now
    worker_ids = models.JSONField(default=list)  # every worker that started it, in order
    return_value = models.JSONField(null=True, blank=True)
    error_class = models.CharField(max_length=255, blank=True)
    last_error = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=200, null=True, blank=True, unique=True)

    class Meta:
        indexes = [
            # claim(): the next ready task, highest priority first, then oldest due.
            models.Index(
                models.F("priority").desc(),
                "run_after",
                "id",
                name="task_ready_idx",
                condition=Q(status=TaskResultStatus.READY),
            ),
            # recover_abandoned(): running tasks of workers that stopped beating.
            models.Index(
                fields=["worker_id"],
                name="task_running_idx",
                condition=Q(status=TaskResultStatus.RUNNING),
            ),
            # prune: finished tasks by age.
            models.Index(fields=["status", "finished_at"], name="task_finished_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task_path} #{self.pk} ({self.status})"


class WorkerProcess(models.Model):
    """A running `hononga worker`: it beats every few seconds while alive.

    A task RUNNING under a worker that stopped beating (killed, host lost) is put back on the
    queue by any other worker.
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname} pid {self.pid})"


class ScheduledJobState(models.Model):
    """The last slot of a scheduled job that some worker queued.

    Workers claim a slot by moving `last_slot` forward under a row lock, so a slot is queued
    once however many workers run.
    """

    name = models.CharField(max_length=60, primary_key=True)
    last_slot = models.DateTimeField(null=True, blank=True)
    last_task_id = models.BigIntegerField(null=True, blank=True)
    last_queued_at = models.DateTimeField(null=True, blank=True)
    skipped = models.PositiveIntegerField(default=0)  # slots skipped because a run overlapped

    def __str__(self) -> str:
        return f"{self.name} (last slot {self.last_slot})"
