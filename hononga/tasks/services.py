"""Writes on the task queue that operators need: retry a failed task, prune finished ones."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus

from hononga.tasks.models import QueuedTask

PRUNE_BATCH = 5000


def task_retry(*, task_id: int) -> QueuedTask:
    """Queue a failed task again, with its attempts starting over."""
    with transaction.atomic():
        row = QueuedTask.objects.select_for_update().get(pk=task_id, status=TaskResultStatus.FAILED)
        row.status = TaskResultStatus.READY
        row.attempts = 0
        row.run_after = timezone.now()
        row.finished_at = None
        row.save(update_fields=["status", "attempts", "run_after", "finished_at"])
    return row


def tasks_prune() -> int:
    """Delete successful tasks older than TASKS_KEEP_SUCCEEDED and failed ones older than
    TASKS_KEEP_FAILED, in batches (a short lock each, whatever the backlog)."""
    now = timezone.now()
    deleted = 0
    for status, keep in (
        (TaskResultStatus.SUCCESSFUL, settings.TASKS_KEEP_SUCCEEDED),
        (TaskResultStatus.FAILED, settings.TASKS_KEEP_FAILED),
    ):
        while True:
            ids = list(
                QueuedTask.objects.filter(status=status, finished_at__lt=now - keep).values_list(
                    "id", flat=True
                )[:PRUNE_BATCH]
            )
            if not ids:
                break
            deleted += QueuedTask.objects.filter(id__in=ids).delete()[0]
    return deleted
