"""A django-tasks backend that keeps tasks in our own database table (QueuedTask).

django-tasks gives the API (`@task`, `Task.enqueue`, `TaskResult`; Django 6's `django.tasks`
has the same one); this backend adds what its reference database backend lacks: retries with
exponential backoff, recovery of tasks left RUNNING by a killed worker, an idempotency key, and
scheduled jobs (see hononga.tasks.runner and hononga.tasks.scheduling).

Declare a task with the django-tasks decorator; our task class takes retry options::

    from django_tasks import task

    @task(queue_name="messages", max_attempts=6, retry_base=30, on_failure=message_gave_up)
    def message_deliver(message_id: int) -> None: ...

and queue it inside the caller's transaction (it runs only if that commits)::

    message_deliver.enqueue(message.pk)                  # or, to queue a piece of work once:
    task_enqueue(message_deliver, args=[message.pk], idempotency_key=f"message:{message.pk}")
"""

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import TaskResult, TaskResultStatus
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskError
from django_tasks.exceptions import TaskResultDoesNotExist
from django_tasks.utils import normalize_json
from typing_extensions import ParamSpec

from hononga.tasks.models import QueuedTask

T = TypeVar("T")
P = ParamSpec("P")

IDEMPOTENCY_KEY_MAX = 200


class PermanentFailure(Exception):
    """Raise from a task when trying again cannot help (bad data, a refusal): no more retries."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryingTask(Task[P, T]):
    """A django-tasks Task with a retry policy.

    An exception other than PermanentFailure makes the task run again after
    `retry_base * 2 ** (attempt - 1)` seconds (at most `retry_max`, plus up to a quarter more
    so that many failed tasks do not all come back at once), until `max_attempts`. When it
    finally fails — by exception, PermanentFailure, or a worker lost on its last attempt —
    `on_failure(task_result, reason)` is called (in the worker, outside any transaction).
    """

    max_attempts: int = 5
    retry_base: float = 30.0
    retry_max: float = 3600.0
    on_failure: Callable[[TaskResult[Any], str], None] | None = None

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.retry_base < 0 or self.retry_max < self.retry_base:
            raise ValueError(f"{self.module_path}: a bad retry policy")
        Task.__post_init__(self)


def retry_delay(task: RetryingTask[Any, Any], *, attempt: int, task_id: int) -> timedelta:
    """How long to wait after failed attempt number `attempt` (1 = the first)."""
    base = min(task.retry_base * 2 ** (attempt - 1), task.retry_max)
    # Jitter from the task id, so it is reproducible (and testable) yet spreads a crowd out.
    jitter = random.Random(f"{task_id}:{attempt}").uniform(1.0, 1.25)  # noqa: S311
    return timedelta(seconds=base * jitter)


def task_result_from_row(row: QueuedTask, task: Task[Any, Any]) -> TaskResult[Any]:
    result: TaskResult[Any] = TaskResult(
        task=task,
        id=str(row.pk),
        status=TaskResultStatus(row.status),
        enqueued_at=row.enqueued_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        last_attempted_at=row.started_at,
        args=row.arguments.get("args", []),
        kwargs=row.arguments.get("kwargs", {}),
        backend=task.backend,
        errors=(
            [TaskError(exception_class_path=row.error_class, traceback=row.last_error)]
            if row.error_class
            else []
        ),
        worker_ids=list(row.worker_ids),
    )
    object.__setattr__(result, "_return_value", row.return_value)
    return result


class DatabaseBackend(BaseTaskBackend):
    """Tasks in the QueuedTask table, run by `hononga worker`."""

    task_class = RetryingTask
    supports_defer = True
    supports_get_result = True
    supports_priority = True

    def enqueue(self, task: Task[P, T], args: Any, kwargs: Any) -> TaskResult[T]:
        return self.enqueue_with(task, args=args, kwargs=kwargs)

    def enqueue_with(
        self,
        task: Task[P, T],
        *,
        args: Sequence[Any] = (),
        kwargs: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
        run_after: datetime | None = None,
    ) -> TaskResult[T]:
        """Queue `task` in the current transaction; with a key, at most once per key."""
        self.validate_task(task)
        if idempotency_key is not None and not 0 < len(idempotency_key) <= IDEMPOTENCY_KEY_MAX:
            raise ValueError(f"An idempotency key has 1 to {IDEMPOTENCY_KEY_MAX} characters.")
        max_attempts = task.max_attempts if isinstance(task, RetryingTask) else 1
        row = QueuedTask(
            task_path=task.module_path,
            queue_name=task.queue_name,
            priority=task.priority,
            arguments=normalize_json({"args": list(args), "kwargs": kwargs or {}}),
            run_after=run_after or task.run_after or timezone.now(),
            max_attempts=max_attempts,
            idempotency_key=idempotency_key,
        )
        if idempotency_key is None:
            row.save()
        else:
            try:
                # A savepoint, so a duplicate key leaves the caller's transaction usable.
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                row = QueuedTask.objects.get(idempotency_key=idempotency_key)
        return task_result_from_row(row, task)

    def get_result(self, result_id: str) -> TaskResult[Any]:
        from django.utils.module_loading import import_string

        try:
            row = QueuedTask.objects.get(pk=int(result_id))
        except (QueuedTask.DoesNotExist, ValueError) as error:
            raise TaskResultDoesNotExist(result_id) from error
        return task_result_from_row(row, import_string(row.task_path))


def task_enqueue(
    task: Task[P, T],
    *,
    args: Sequence[Any] = (),
    kwargs: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
    run_after: datetime | None = None,
) -> TaskResult[T]:
    """Queue `task` in the caller's transaction (it runs only if that commits).

    With `idempotency_key`, queuing the same key again returns the task already queued (whatever
    its state) instead of a second one. Arguments must be JSON: ids, not objects — and never a
    secret (a token, a code): task arguments are stored in clear.
    """
    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        raise TypeError("task_enqueue needs the database task backend")
    return backend.enqueue_with(
        task, args=args, kwargs=kwargs, idempotency_key=idempotency_key, run_after=run_after
    )
