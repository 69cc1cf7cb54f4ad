"""Benchmark: how many tasks a minute one worker runs — no-op tasks (the runner's own cost) and
mail messages (message_send, rendering, the outbox email backend, status updates).

    .venv/bin/python bench/tasks_throughput.py                  # SQLite (a throwaway file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/tasks_throughput.py
                                                                # PostgreSQL (a throwaway database)
    BENCH_WORKERS=2 ...                                         # also drain with N worker processes

Target: thousands of tasks a minute on PostgreSQL with one worker (the daily digest for 2,000
users must fit in 2 minutes of worker time). Each task costs one claim transaction and one
finishing update, plus whatever the task does.

Measured 30 November 2026 on the shared 2-core development machine while it ran at a load
average of 18 or more (other engineers' test suites), so wall-clock figures are many times
slower than on a quiet server — inserting 1,000 rows in one transaction took 18 s. The worker's
own CPU time per task is the steadier figure:

    PostgreSQL 15 (fsync on)        wall clock          worker CPU a task (= a minute, one core)
      no-op tasks, one worker       567 a minute        4.2 ms (14,300 a minute)
      mail to the outbox, one       255 a minute        9.3 ms (6,500 a minute)
      no-op tasks, two workers      1,070 a minute (an earlier run, same load)

So one worker with a core to itself runs several thousand mail tasks a minute, and the
2,000-user digest is well inside two minutes of worker time; add workers when the wall clock
says so. Re-run on a quiet machine before relying on a figure. Per task the runner does two commits
(claim; finish); workers skip each other's locked rows, so more workers (processes or hosts)
add throughput until the database's commit rate is the limit.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOOPS = int(os.environ.get("BENCH_TASKS", "3000"))
MAILS = int(os.environ.get("BENCH_MAILS", "1000"))


def _throwaway_database() -> tuple[str, object]:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        name = f"hononga_bench_tasks_{os.getpid()}"
        parsed = urlparse(url)
        admin_url = urlunparse(parsed._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = urlunparse(parsed._replace(path=f"/{name}"))

        def drop() -> None:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return "PostgreSQL", drop
    folder = tempfile.mkdtemp(prefix="hononga-bench-")
    path = Path(folder) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"

    def remove() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        Path(folder).rmdir()

    return "SQLite", remove


def main() -> None:
    kind, cleanup = _throwaway_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hononga.settings")
    os.environ.setdefault("HONONGA_ENV", "test")
    os.environ["TASKS_SCHEDULE"] = "hononga.tasks.tests.sample_schedule.NONE"
    os.environ.pop("EMAIL_URL", None)
    import django

    django.setup()
    try:
        run(kind)
    finally:
        cleanup()  # type: ignore[operator]


def rate(label: str, count: int, seconds: float, cpu: float | None = None) -> None:
    line = f"{label:<40} {count:>6} in {seconds:6.2f} s = {count / seconds * 60:>8,.0f} a minute"
    if cpu is not None:
        # The worker's own CPU time: what the figure would be with a core to itself (the
        # database's time comes on top; it is small per statement).
        line += f"; worker CPU {cpu / count * 1000:.1f} ms a task = {count / cpu * 60:>8,.0f}"
    print(line)


def run(kind: str) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    from hononga.messaging.models import Message, MessageStatus
    from hononga.messaging.services import message_send
    from hononga.tasks.models import QueuedTask
    from hononga.tasks.runner import Worker
    from hononga.tasks.tests.sample_tasks import noop

    settings.EMAIL_BACKEND = "hononga.messaging.transports.OutboxEmailBackend"
    call_command("migrate", verbosity=0)
    print(f"== {kind}")

    started = time.perf_counter()
    with transaction.atomic():
        for n in range(NOOPS):
            noop.enqueue(n)
    rate("queue no-op tasks (one transaction)", NOOPS, time.perf_counter() - started)
    started, cpu = time.perf_counter(), time.process_time()
    ran = Worker(run_schedule=False).run(until_empty=True)
    rate(
        "run no-op tasks, one worker", ran, time.perf_counter() - started, time.process_time() - cpu
    )

    started = time.perf_counter()
    with transaction.atomic():
        for n in range(MAILS):
            message_send(
                channel="email", to=f"kaimahi{n}@example.org", purpose="bench",
                template="test", context={"sender": "Aroha"}, idempotency_key=f"bench:{n}",
            )  # fmt: skip
    rate("queue mail (message_send, rendered)", MAILS, time.perf_counter() - started)
    started, cpu = time.perf_counter(), time.process_time()
    ran = Worker(run_schedule=False).run(until_empty=True)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    rate("send mail to the outbox, one worker", ran, seconds, cpu)
    assert Message.objects.filter(status=MessageStatus.SENT).count() == MAILS

    processes = int(os.environ.get("BENCH_WORKERS", "0"))
    if processes:
        with transaction.atomic():
            for n in range(NOOPS):
                noop.enqueue(n)
        env = {**os.environ, "HONONGA_ENV": "test"}
        started = time.perf_counter()
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "hononga", "worker", "--until-empty", "--no-schedule"],
                env=env,
            )
            for _ in range(processes)
        ]
        for worker in workers:
            worker.wait()
        seconds = time.perf_counter() - started  # includes each process's start-up
        rate(f"run no-op tasks, {processes} worker processes", NOOPS, seconds)
        left = QueuedTask.objects.filter(status="READY").count()
        print(f"left over: {left}")


if __name__ == "__main__":
    main()
