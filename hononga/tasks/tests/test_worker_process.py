"""`hononga worker` as real processes: killed with SIGKILL mid-task, two at once, SIGTERM.

These run the worker as a subprocess on a database of their own (a migrated SQLite file, or a
fresh PostgreSQL database when the suite runs on PostgreSQL), since the test database of the
suite is not visible to other processes.
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings


class WorkerDatabase:
    def __init__(self, url: str, tmp: Path) -> None:
        self.tmp = tmp
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "HONONGA_ENV": "test",
            "TASKS_SCHEDULE": "hononga.tasks.tests.sample_schedule.NONE",
            "TASKS_WORKER_HEARTBEAT": "0.2",
            "TASKS_WORKER_STALE_AFTER": "2",
            "PYTHONUNBUFFERED": "1",
        }
        self.processes: list[subprocess.Popen[bytes]] = []

    def python(self, code: str, **env: str) -> Any:
        """Run `code` in a fresh Django process on this database; it prints JSON back."""
        setup = "import django, json; django.setup()\n"
        done = subprocess.run(
            [sys.executable, "-c", setup + code],
            env={**self.env, "DJANGO_SETTINGS_MODULE": "hononga.settings", **env},
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode()
        return json.loads(done.stdout.decode().strip().splitlines()[-1])

    def start_worker(self, name: str, **env: str) -> subprocess.Popen[bytes]:
        log = (self.tmp / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "hononga", "worker", "--poll", "0.1"],
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text()


def wait_for(check: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"Timed out waiting for {what}")


@pytest.fixture(scope="module")
def worker_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkerDatabase]:
    tmp = tmp_path_factory.mktemp("worker")
    default = settings.DATABASES["default"]
    dropper: Callable[[], None] | None = None
    if default["ENGINE"].endswith("postgresql"):
        import psycopg

        name = f"hononga_worker_test_{uuid.uuid4().hex[:10]}"
        params = {
            "host": default["HOST"] or "127.0.0.1",
            "port": default["PORT"] or 5432,
            "user": default["USER"],
            "password": default["PASSWORD"] or None,
            "dbname": "postgres",
            "autocommit": True,
        }
        with psycopg.connect(**params) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        password = f":{default['PASSWORD']}" if default["PASSWORD"] else ""
        url = f"postgres://{default['USER']}{password}@{params['host']}:{params['port']}/{name}"

        def dropper() -> None:
            with psycopg.connect(**params) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    else:
        url = f"sqlite:///{tmp / 'worker.sqlite3'}"
    db = WorkerDatabase(url, tmp)
    subprocess.run(
        [sys.executable, "-m", "hononga", "migrate", "--no-input", "-v", "0"],
        env=db.env,
        check=True,
        timeout=300,
    )
    try:
        yield db
    finally:
        for process in db.processes:
            if process.poll() is None:
                process.kill()
                process.wait()
        if dropper is not None:
            dropper()


TASK_STATE = """
from hononga.tasks.models import QueuedTask
row = QueuedTask.objects.get(pk={id})
print(json.dumps({{"status": row.status, "attempts": row.attempts, "workers": row.worker_ids,
                  "value": row.return_value}}))
"""


def test_a_worker_killed_mid_task_leaves_it_for_the_next_worker_to_finish(worker_db, tmp_path):
    marker = tmp_path / "probe.txt"
    marker.touch()
    task_id = worker_db.python(
        "from hononga.tasks.tests.sample_tasks import crash_probe\n"
        f"print(json.dumps(crash_probe.enqueue({str(marker)!r}, 2.0).id))"
    )
    first = worker_db.start_worker("first")
    wait_for(lambda: "start" in marker.read_text(), timeout=60, what="the task to start")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert "done" not in marker.read_text()
    assert worker_db.python(TASK_STATE.format(id=task_id))["status"] == "RUNNING"

    second = worker_db.start_worker("second")
    wait_for(lambda: "done" in marker.read_text(), timeout=60, what="the task to finish")
    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=30) == 0, worker_db.log("second")

    lines = marker.read_text().split()
    assert lines == ["start", str(first.pid), "start", str(second.pid), "done", str(second.pid)]
    state = worker_db.python(TASK_STATE.format(id=task_id))
    assert state["status"] == "SUCCESSFUL"
    assert state["attempts"] == 2
    assert len(state["workers"]) == 2 and state["workers"][0] != state["workers"][1]
    assert state["value"] == "finished"
    assert "stopped before it finished" in worker_db.log("second")


def test_two_workers_run_each_scheduled_slot_once_and_stop_cleanly(worker_db):
    every_second = {"TASKS_SCHEDULE": "hononga.tasks.tests.sample_schedule.EVERY_SECOND"}
    workers = [worker_db.start_worker(f"sched{n}", **every_second) for n in (1, 2)]
    for n in (1, 2):
        wait_for(lambda n=n: "started" in worker_db.log(f"sched{n}"), timeout=60, what="start")
    time.sleep(4)
    for process in workers:
        process.send_signal(signal.SIGTERM)
    for n, process in enumerate(workers, start=1):
        assert process.wait(timeout=30) == 0, worker_db.log(f"sched{n}")
    runs = worker_db.python(
        "from hononga.tasks.models import QueuedTask, WorkerProcess\n"
        "rows = QueuedTask.objects.filter(task_path__endswith='run_scheduled_job')\n"
        "print(json.dumps({'runs': [[r.arguments['args'][1], r.attempts, r.worker_ids, r.status]"
        " for r in rows], 'workers': WorkerProcess.objects.filter(pid__in=%r).count()}))"
        % [process.pid for process in workers],
        **every_second,
    )
    slots = [slot for slot, *_ in runs["runs"]]
    assert len(slots) >= 3
    assert len(slots) == len(set(slots))
    for _slot, attempts, worker_ids, status in runs["runs"]:
        assert attempts == 1 and len(worker_ids) == 1
        assert status in {"SUCCESSFUL", "READY"}  # the last slot may be queued as they stop
    assert runs["workers"] == 0  # both said goodbye


@pytest.mark.parametrize("stop", ["ctrl-c", "kill"])
def test_devserver_runs_the_web_server_and_a_worker_and_stopping_it_stops_both(worker_db, stop):
    import socket
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (worker_db.tmp / "devserver.log").open("wb")  # truncated for each run
    server = subprocess.Popen(
        [sys.executable, "-m", "hononga", "devserver", f"127.0.0.1:{port}"],
        env={**worker_db.env, "HONONGA_ENV": "development"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, as a terminal would give it
    )
    worker_db.processes.append(server)

    def serving() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2):
                return True
        except OSError:
            return False

    wait_for(serving, timeout=90, what="the development server")
    wait_for(
        lambda: "started" in worker_db.log("devserver"), timeout=60, what="the worker to start"
    )
    worker_pid = int(worker_db.log("devserver").split("Task worker started (pid ")[1].split(")")[0])
    try:
        if stop == "ctrl-c":
            # Ctrl-C in a terminal signals the whole foreground process group.
            os.killpg(server.pid, signal.SIGINT)
        else:
            server.send_signal(signal.SIGTERM)  # `kill PID`: only the outer process hears it
        server.wait(timeout=60)
        wait_for(lambda: not Path(f"/proc/{worker_pid}").exists(), timeout=30, what="worker exit")
        assert not serving()
    finally:
        if Path(f"/proc/{worker_pid}").exists():  # never leave a worker behind a failed test
            os.kill(worker_pid, signal.SIGKILL)
