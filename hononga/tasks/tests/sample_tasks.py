"""Task functions for the task runner's tests (module level, as django-tasks requires)."""

import os
import time
from pathlib import Path
from typing import Any

from django_tasks import task
from django_tasks.base import TaskResult

from hononga.tasks.backend import PermanentFailure

CALLS: list[Any] = []
GAVE_UP: list[tuple[str, str]] = []


def note_failure(result: TaskResult[Any], reason: str) -> None:
    GAVE_UP.append((result.id, reason))


@task()
def record(value: Any) -> Any:
    CALLS.append(value)
    return value


@task(priority=5)
def record_urgent(value: Any) -> Any:
    CALLS.append(value)
    return value


@task(max_attempts=4, retry_base=10, retry_max=30, on_failure=note_failure)
def always_fails(label: str) -> None:
    CALLS.append(label)
    raise ConnectionError(f"gateway down for {label}")


@task(max_attempts=3, retry_base=10, on_failure=note_failure)
def fails_once(label: str) -> str:
    CALLS.append(label)
    if CALLS.count(label) == 1:
        raise TimeoutError("timed out")
    return "second time lucky"


@task(max_attempts=5, on_failure=note_failure)
def refuses(label: str) -> None:
    CALLS.append(label)
    raise PermanentFailure("not a mobile number")


@task(max_attempts=1, on_failure=note_failure)
def one_go(label: str) -> None:
    CALLS.append(label)


@task(max_attempts=3)
def crash_probe(path: str, seconds: float) -> str:
    """Write 'start <pid>' to `path`, sleep, write 'done <pid>': a task to kill part-way."""
    marker = Path(path)
    with marker.open("a") as out:
        out.write(f"start {os.getpid()}\n")
    time.sleep(seconds)
    with marker.open("a") as out:
        out.write(f"done {os.getpid()}\n")
    return "finished"


@task()
def noop(n: int) -> int:
    """Does nothing: the benchmark measures the runner's own cost per task."""
    return n
