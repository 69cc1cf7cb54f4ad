"""`hononga tasks`: look at the task queue, retry a failed task, prune old finished tasks."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.utils import timezone
from django_tasks import TaskResultStatus

from hononga.tasks.models import QueuedTask, ScheduledJobState, WorkerProcess
from hononga.tasks.services import task_retry, tasks_prune


class Command(BaseCommand):
    help = "The task queue: status, failed, retry ID, prune."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="Tasks by queue and status, live workers, the schedule.")
        failed = sub.add_parser("failed", help="The latest failed tasks and why.")
        failed.add_argument("--limit", type=int, default=20)
        retry = sub.add_parser("retry", help="Queue a failed task again (attempts start over).")
        retry.add_argument("task_id", type=int)
        sub.add_parser("prune", help="Delete finished tasks older than the settings keep.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "status":
            self.status()
        elif action == "failed":
            for row in QueuedTask.objects.filter(status=TaskResultStatus.FAILED).order_by(
                "-finished_at"
            )[: options["limit"]]:
                last_line = (row.last_error.strip().splitlines() or [""])[-1]
                self.stdout.write(
                    f"#{row.pk} {row.task_path} {row.finished_at:%Y-%m-%d %H:%M} "
                    f"after {row.attempts} attempts: {last_line}"
                )
        elif action == "retry":
            try:
                task_retry(task_id=options["task_id"])
            except QueuedTask.DoesNotExist as error:
                raise CommandError(f"No failed task #{options['task_id']}.") from error
            self.stdout.write(f"Task #{options['task_id']} is queued again.")
        elif action == "prune":
            deleted = tasks_prune()
            self.stdout.write(f"Deleted {deleted} finished tasks.")

    def status(self) -> None:
        rows = (
            QueuedTask.objects.values("queue_name", "status")
            .annotate(n=Count("id"))
            .order_by("queue_name", "status")
        )
        if not rows:
            self.stdout.write("No tasks.")
        for row in rows:
            self.stdout.write(f"{row['queue_name']:<12} {row['status']:<11} {row['n']}")
        stale = timezone.now() - timedelta(seconds=settings.TASKS_WORKER_STALE_AFTER)
        for worker in WorkerProcess.objects.order_by("started_at"):
            state = "alive" if worker.last_seen >= stale else "silent"
            self.stdout.write(
                f"worker {worker.worker_id} {state}, last seen {worker.last_seen:%H:%M:%S}"
            )
        for job in ScheduledJobState.objects.order_by("name"):
            self.stdout.write(
                f"job {job.name}: last slot {job.last_slot}, skipped {job.skipped} (overlap)"
            )
