"""The worker: claims due tasks one at a time, runs them, retries with backoff, recovers tasks
of workers that died, and queues scheduled jobs on time.

One `Worker` runs in each `hononga worker` process (run as many as the load needs, on any
hosts). Claiming is one short transaction — `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL,
an IMMEDIATE (write-locked) transaction on SQLite — so two workers never claim the same task.
A heartbeat thread refreshes the worker's `WorkerProcess.last_seen` (and `beat("worker")`)
every `TASKS_WORKER_HEARTBEAT` seconds even while a long task runs; a task still RUNNING under a
worker silent for `TASKS_WORKER_STALE_AFTER` seconds is put back on the queue (or failed, if
that was its last attempt) by any worker. Finishing a task is conditional on still owning it,
so a worker that was only paused cannot overwrite the result of the one that took over.
"""

import logging
import os
import signal
import socket
import threading
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import FrameType
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks import TaskContext, TaskResultStatus
from django_tasks.base import Task
from django_tasks.utils import normalize_json

from hononga.core.heartbeat import beat
from hononga.tasks.backend import PermanentFailure, RetryingTask, retry_delay, task_result_from_row
from hononga.tasks.models import QueuedTask, WorkerProcess
from hononga.tasks.scheduling import latest_slot, next_slot, queue_slot, schedule

logger = logging.getLogger("hononga.tasks")

ERROR_KEPT = 10_000  # characters of a traceback kept on the task
RECOVER_BATCH = 200
SCHEDULE_TICK = 1.0  # seconds between schedule checks (the sealer runs every 5 s)
RECONNECT_EVERY = 600.0  # seconds between fresh database connections


def refresh_connections() -> None:
    """Between tasks, drop a connection that broke, as Django does between requests — but keep
    a healthy one (Django's per-request close, CONN_MAX_AGE=0, would reconnect for every task
    and halve throughput). Never inside a transaction (only tests run the worker in one)."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is None or conn.in_atomic_block:
            continue
        if conn.errors_occurred and not conn.is_usable():
            conn.close()


def reconnect_all() -> None:
    """Now and then, start afresh (a failed-over database, a changed DNS name)."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"


def describe_error(error: BaseException) -> tuple[str, str]:
    kind = f"{type(error).__module__}.{type(error).__qualname__}"
    text = "".join(traceback.format_exception(error))
    return kind, text[-ERROR_KEPT:]


@dataclass
class Worker:
    queues: Sequence[str] | None = None  # None: every queue
    run_schedule: bool = True
    poll_interval: float = 0.5
    worker_id: str = field(default_factory=new_worker_id)
    tasks_run: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _heartbeat_stop: threading.Event = field(default_factory=threading.Event)
    _next_due: dict[str, datetime] = field(default_factory=dict)
    _last_tick: float = 0.0
    _last_recovery: float = 0.0
    _last_reconnect: float = 0.0

    # -- life --------------------------------------------------------------------------------

    def register(self) -> None:
        now = timezone.now()
        WorkerProcess.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": now,
                "last_seen": now,
            },
        )

    def touch(self) -> None:
        WorkerProcess.objects.filter(worker_id=self.worker_id).update(last_seen=timezone.now())
        beat("worker", f"{self.worker_id}; {self.tasks_run} tasks")

    def unregister(self) -> None:
        WorkerProcess.objects.filter(worker_id=self.worker_id).delete()

    def stop(self) -> None:
        """Finish the task in hand, then leave the loop."""
        self._stop.set()

    def install_signal_handlers(self) -> None:
        def handle(signum: int, frame: FrameType | None) -> None:
            if self._stop.is_set():
                # A second Ctrl-C: stop now; the task in hand goes back on the queue.
                raise KeyboardInterrupt
            logger.warning("Stopping after the task in hand (again to stop at once).")
            self.stop()

        signal.signal(signal.SIGINT, handle)
        signal.signal(signal.SIGTERM, handle)

    def _heartbeat_loop(self) -> None:
        try:
            while not self._heartbeat_stop.wait(settings.TASKS_WORKER_HEARTBEAT):
                try:
                    self.touch()
                except Exception:
                    logger.exception("Worker heartbeat failed")
        finally:
            connection.close()  # this thread's own connection

    def run(self, *, max_tasks: int | None = None, until_empty: bool = False) -> int:
        """Work until stopped (or the queue is empty, or `max_tasks` ran); return tasks run."""
        self.register()
        self.touch()
        heart = threading.Thread(target=self._heartbeat_loop, name="heartbeat", daemon=True)
        heart.start()
        logger.info("Worker %s started (queues: %s)", self.worker_id, self.queues or "all")
        row: QueuedTask | None = None
        try:
            while not self._stop.is_set():
                self.housekeeping()
                row = row or self.claim()
                if row is not None:
                    # Finishing a task claims the next in the same transaction: one commit a
                    # task instead of two (commits are what a busy queue waits for).
                    more = max_tasks is None or self.tasks_run + 1 < max_tasks
                    row = self.execute(row, claim_next=more and not self._stop.is_set())
                    if max_tasks is not None and self.tasks_run >= max_tasks:
                        break
                    continue
                if until_empty:
                    break
                refresh_connections()
                self._stop.wait(self.poll_interval)
        finally:
            if row is not None:
                self.release(row)  # claimed with the last finish, but we are stopping
            self._heartbeat_stop.set()
            heart.join(timeout=5)
            self.unregister()
            logger.info("Worker %s stopped after %d tasks", self.worker_id, self.tasks_run)
        return self.tasks_run

    def run_pending(self, *, now: datetime | None = None) -> int:
        """Tests and `--until-empty`: housekeeping once, then every due task; return tasks run."""
        self.register()
        self.housekeeping(force=True, now=now)
        before = self.tasks_run
        row = self.claim()
        while row is not None:
            row = self.execute(row, claim_next=True)
        return self.tasks_run - before

    # -- housekeeping ------------------------------------------------------------------------

    def housekeeping(self, *, force: bool = False, now: datetime | None = None) -> None:
        clock = timezone.now().timestamp()
        if self.run_schedule and (force or clock - self._last_tick >= SCHEDULE_TICK):
            self._last_tick = clock
            self.schedule_tick(now=now)
        if not self._last_reconnect:
            self._last_reconnect = clock
        elif clock - self._last_reconnect >= RECONNECT_EVERY:
            self._last_reconnect = clock
            reconnect_all()
        recover_every = max(1.0, settings.TASKS_WORKER_STALE_AFTER / 3)
        if force or clock - self._last_recovery >= recover_every:
            self._last_recovery = clock
            self.recover_abandoned()

    def schedule_tick(self, *, now: datetime | None = None) -> list[str]:
        """Queue the scheduled jobs now due (a database write only when a slot comes round)."""
        now = now or timezone.now()
        queued = []
        for job in schedule():
            due = self._next_due.get(job.name)
            if due is not None and now < due:
                continue
            slot = latest_slot(job, now)
            if queue_slot(job, slot, now=now):
                queued.append(job.name)
            self._next_due[job.name] = next_slot(job, slot)
        return queued

    def recover_abandoned(self, *, now: datetime | None = None) -> int:
        """Put back (or fail) tasks RUNNING under workers that stopped beating."""
        now = now or timezone.now()
        stale = now - timedelta(seconds=settings.TASKS_WORKER_STALE_AFTER)
        live = WorkerProcess.objects.filter(last_seen__gte=stale).values("worker_id")
        given_up: list[QueuedTask] = []
        with transaction.atomic():
            rows = list(
                QueuedTask.objects.filter(status=TaskResultStatus.RUNNING)
                .exclude(worker_id__in=live)
                .select_for_update(skip_locked=True)
                .order_by("id")[:RECOVER_BATCH]
            )
            for row in rows:
                reason = (
                    f"The worker running it ({row.worker_id}) stopped before it finished "
                    f"(attempt {row.attempts} of {row.max_attempts})."
                )
                row.last_error = reason
                row.error_class = "hononga.tasks.runner.WorkerLost"
                row.worker_id = ""
                if row.attempts < row.max_attempts:
                    row.status = TaskResultStatus.READY
                    row.run_after = now
                else:
                    row.status = TaskResultStatus.FAILED
                    row.finished_at = now
                    given_up.append(row)
                row.save(
                    update_fields=[
                        "status",
                        "run_after",
                        "finished_at",
                        "last_error",
                        "error_class",
                        "worker_id",
                    ]
                )
                logger.warning("Recovered task %s: %s", row.pk, reason)
            WorkerProcess.objects.filter(last_seen__lt=now - timedelta(days=1)).delete()
        for row in given_up:
            self._call_on_failure(row, row.last_error)
        return len(rows)

    # -- tasks -------------------------------------------------------------------------------

    def claim(self) -> QueuedTask | None:
        with transaction.atomic():
            return self._claim_locked()

    def _claim_locked(self) -> QueuedTask | None:
        """Claim the next due task; call inside a transaction."""
        now = timezone.now()
        ready = QueuedTask.objects.filter(status=TaskResultStatus.READY, run_after__lte=now)
        if self.queues:
            ready = ready.filter(queue_name__in=self.queues)
        row = (
            ready.order_by("-priority", "run_after", "id")
            .select_for_update(skip_locked=True)
            .first()
        )
        if row is None:
            return None
        row.status = TaskResultStatus.RUNNING
        row.started_at = now
        row.attempts += 1
        row.worker_id = self.worker_id
        row.worker_ids = [*row.worker_ids, self.worker_id]
        row.save(update_fields=["status", "started_at", "attempts", "worker_id", "worker_ids"])
        return row

    def _owned(self, row: QueuedTask) -> Any:
        return QueuedTask.objects.filter(
            pk=row.pk,
            status=TaskResultStatus.RUNNING,
            worker_id=self.worker_id,
            attempts=row.attempts,
        )

    def release(self, row: QueuedTask) -> None:
        """Put back a task claimed but not started, giving its attempt back."""
        self._owned(row).update(
            status=TaskResultStatus.READY, worker_id="", attempts=row.attempts - 1
        )

    def execute(self, row: QueuedTask, *, claim_next: bool = False) -> QueuedTask | None:
        """Run one claimed task and record how it went; with `claim_next`, also claim (and
        return) the next due task."""
        self.tasks_run += 1
        refresh_connections()
        try:
            task = import_string(row.task_path)
            if not isinstance(task, Task):
                raise PermanentFailure(f"{row.task_path} is not a task")
        except Exception as error:  # the code moved or was removed: retrying cannot help
            self._finish_failed(row, None, error, retry=False)
            return self.claim() if claim_next else None
        result = task_result_from_row(row, task)
        args, kwargs = result.args, result.kwargs
        try:
            if task.takes_context:
                value = task.call(TaskContext(task_result=result), *args, **kwargs)
            else:
                value = task.call(*args, **kwargs)
        except PermanentFailure as error:
            self._finish_failed(row, task, error, retry=False)
        except Exception as error:
            self._finish_failed(row, task, error, retry=row.attempts < row.max_attempts)
        except BaseException:
            # Stopped by force (a second Ctrl-C): give the attempt back and go.
            self.release(row)
            raise
        else:
            refresh_connections()
            return self._finish_successful(row, value, claim_next=claim_next)
        refresh_connections()
        return self.claim() if claim_next else None

    def _finish_successful(
        self, row: QueuedTask, value: Any, *, claim_next: bool = False
    ) -> QueuedTask | None:
        try:
            stored = normalize_json(value)
        except (TypeError, ValueError):
            stored = repr(value)[:ERROR_KEPT]
        with transaction.atomic():
            done = self._owned(row).update(
                status=TaskResultStatus.SUCCESSFUL,
                finished_at=timezone.now(),
                return_value=stored,
                worker_id="",
            )
            following = self._claim_locked() if claim_next else None
        if not done:
            logger.warning("Task %s finished here but another worker had taken it over", row.pk)
        return following

    def _finish_failed(
        self, row: QueuedTask, task: Task[Any, Any] | None, error: BaseException, *, retry: bool
    ) -> None:
        kind, text = describe_error(error)
        now = timezone.now()
        if retry and isinstance(task, RetryingTask):
            delay = retry_delay(task, attempt=row.attempts, task_id=row.pk)
            self._owned(row).update(
                status=TaskResultStatus.READY,
                run_after=now + delay,
                error_class=kind,
                last_error=text,
                worker_id="",
            )
            logger.warning(
                "Task %s (%s) failed on attempt %d of %d; again in %.0f s: %s",
                row.pk,
                row.task_path,
                row.attempts,
                row.max_attempts,
                delay.total_seconds(),
                error,
            )
            return
        done = self._owned(row).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            error_class=kind,
            last_error=text,
            worker_id="",
        )
        logger.error("Task %s (%s) failed for good: %s", row.pk, row.task_path, error)
        if done:
            row.error_class, row.last_error = kind, text
            row.status, row.finished_at = TaskResultStatus.FAILED, now
            self._call_on_failure(row, f"{type(error).__name__}: {error}")

    def _call_on_failure(self, row: QueuedTask, reason: str) -> None:
        try:
            task = import_string(row.task_path)
        except ImportError:
            return
        hook = getattr(task, "on_failure", None)
        if hook is None:
            return
        try:
            hook(task_result_from_row(row, task), reason)
        except Exception:
            logger.exception("The failure hook of task %s failed", row.pk)


def worker_processes_alive(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.TASKS_WORKER_STALE_AFTER)
    return WorkerProcess.objects.filter(Q(last_seen__gte=stale)).count()
