from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings
from django_tasks import TaskResultStatus

from hononga.tasks.backend import task_enqueue
from hononga.tasks.models import QueuedTask, WorkerProcess
from hononga.tasks.runner import Worker
from hononga.tasks.tests import sample_tasks
from hononga.tasks.tests.sample_tasks import (
    always_fails,
    fails_once,
    one_go,
    record,
    record_urgent,
    refuses,
)

pytestmark = pytest.mark.django_db

T0 = datetime.fromisoformat("2026-03-02T09:00:00+13:00")


def test_it_runs_a_queued_task_and_keeps_its_result():
    result = record.enqueue({"who": "Aroha"})
    worker = Worker()
    assert worker.run_pending() == 1
    row = QueuedTask.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value == {"who": "Aroha"}
    assert row.worker_ids == [worker.worker_id] and row.attempts == 1
    assert sample_tasks.CALLS == [{"who": "Aroha"}]
    assert record.get_result(result.id).return_value == {"who": "Aroha"}


def test_it_queues_in_the_callers_transaction_so_a_rollback_queues_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        record.enqueue("never")
        raise RuntimeError("the request failed")
    assert not QueuedTask.objects.exists()
    assert Worker().run_pending() == 0


def test_it_queues_a_keyed_piece_of_work_once():
    first = task_enqueue(record, args=["once"], idempotency_key="checkin-link:7")
    second = task_enqueue(record, args=["twice"], idempotency_key="checkin-link:7")
    assert first.id == second.id
    assert QueuedTask.objects.count() == 1
    Worker().run_pending()
    assert sample_tasks.CALLS == ["once"]


def test_it_refuses_a_key_too_long_or_empty():
    with pytest.raises(ValueError):
        task_enqueue(record, args=[1], idempotency_key="")
    with pytest.raises(ValueError):
        task_enqueue(record, args=[1], idempotency_key="k" * 201)


def test_it_runs_higher_priority_first_then_oldest():
    record.enqueue("first queued")
    record.enqueue("second queued")
    record_urgent.enqueue("urgent")
    Worker().run_pending()
    assert sample_tasks.CALLS == ["urgent", "first queued", "second queued"]


def test_it_waits_for_run_after():
    with time_machine.travel(T0, tick=False):
        record.using(run_after=T0 + timedelta(minutes=10)).enqueue("later")
        assert Worker().run_pending() == 0
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        assert Worker().run_pending() == 1


def test_retries_back_off_exponentially_then_fail_with_the_reason():
    # always_fails: 4 attempts, 10 s doubling, at most 30 s, each up to a quarter longer.
    with time_machine.travel(T0, tick=False) as clock:
        result = always_fails.enqueue("sms-1")
        worker = Worker()
        waits = []
        for attempt in range(1, 5):
            assert worker.run_pending() == 1, attempt
            row = QueuedTask.objects.get(pk=result.id)
            assert row.attempts == attempt
            if attempt == 4:
                break
            assert row.status == TaskResultStatus.READY
            wait = (row.run_after - datetime.now(tz=T0.tzinfo)).total_seconds()
            waits.append(wait)
            # Not a moment early.
            clock.shift(timedelta(seconds=wait - 1))
            assert worker.run_pending() == 0
            clock.shift(timedelta(seconds=1))
    assert 10 <= waits[0] <= 12.5
    assert 20 <= waits[1] <= 25
    assert 30 <= waits[2] <= 37.5  # capped at retry_max
    row = QueuedTask.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.FAILED
    assert "ConnectionError: gateway down for sms-1" in row.last_error
    assert row.error_class == "builtins.ConnectionError"
    assert sample_tasks.CALLS == ["sms-1"] * 4
    gave_up = sample_tasks.GAVE_UP
    assert gave_up == [(result.id, "ConnectionError: gateway down for sms-1")]


def test_a_retry_that_succeeds_is_not_reported_as_failed():
    with time_machine.travel(T0, tick=False) as clock:
        result = fails_once.enqueue("email-1")
        Worker().run_pending()
        clock.shift(timedelta(seconds=13))
        Worker().run_pending()
    row = QueuedTask.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL and row.attempts == 2
    assert row.return_value == "second time lucky"
    assert sample_tasks.GAVE_UP == []


def test_a_permanent_failure_is_not_retried():
    result = refuses.enqueue("landline")
    Worker().run_pending()
    row = QueuedTask.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.FAILED and row.attempts == 1
    gave_up = sample_tasks.GAVE_UP
    assert gave_up == [(result.id, "PermanentFailure: not a mobile number")]


def test_a_task_whose_code_is_gone_fails_with_a_reason():
    row = QueuedTask.objects.create(task_path="hononga.nowhere.gone", arguments={})
    Worker().run_pending()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert "ModuleNotFoundError" in row.last_error


def test_two_workers_never_claim_the_same_task():
    record.enqueue("a")
    record.enqueue("b")
    one, two = Worker(), Worker()
    for worker in (one, two):
        worker.register()
    first, second = one.claim(), two.claim()
    assert first is not None and second is not None
    assert first.pk != second.pk
    assert one.claim() is None and two.claim() is None


@override_settings(TASKS_WORKER_STALE_AFTER=30)
def test_a_task_left_running_by_a_dead_worker_is_run_again_by_another():
    with time_machine.travel(T0, tick=False) as clock:
        result = record.enqueue("interrupted")
        dead = Worker()
        dead.register()
        assert dead.claim() is not None  # ... and the process is killed here
        survivor = Worker()
        # While the dead worker's last beat is recent, its task is left alone.
        clock.shift(timedelta(seconds=29))
        assert survivor.run_pending() == 0
        clock.shift(timedelta(seconds=2))
        assert survivor.run_pending() == 1
    row = QueuedTask.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.attempts == 2
    assert row.worker_ids == [dead.worker_id, survivor.worker_id]
    assert sample_tasks.CALLS == ["interrupted"]


@override_settings(TASKS_WORKER_STALE_AFTER=30)
def test_a_lost_last_attempt_fails_and_calls_the_failure_hook():
    with time_machine.travel(T0, tick=False) as clock:
        result = one_go.enqueue("only once")
        dead = Worker()
        dead.register()
        dead.claim()
        clock.shift(timedelta(minutes=2))
        assert Worker().recover_abandoned() == 1
    row = QueuedTask.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.FAILED
    assert "stopped before it finished" in row.last_error
    assert sample_tasks.GAVE_UP and sample_tasks.GAVE_UP[0][0] == result.id
    assert sample_tasks.CALLS == []


@override_settings(TASKS_WORKER_STALE_AFTER=30)
def test_a_paused_worker_cannot_overwrite_the_result_of_the_one_that_took_over():
    with time_machine.travel(T0, tick=False) as clock:
        record.enqueue("slow")
        paused = Worker()
        paused.register()
        row = paused.claim()
        assert row is not None
        clock.shift(timedelta(minutes=2))
        taker = Worker()
        taker.run_pending()
        # The paused worker wakes up and fails its (old) attempt: nothing changes.
        paused._finish_failed(row, record, RuntimeError("late"), retry=False)
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.worker_ids[-1] == taker.worker_id


def test_the_worker_loop_stops_when_empty_and_unregisters():
    record.enqueue("x")
    worker = Worker()
    assert worker.run(until_empty=True) == 1
    assert not WorkerProcess.objects.filter(worker_id=worker.worker_id).exists()


def test_a_worker_told_to_stop_after_n_tasks_leaves_the_rest_unclaimed():
    for n in range(3):
        record.enqueue(n)
    worker = Worker()
    assert worker.run(max_tasks=2) == 2
    left = QueuedTask.objects.get(status=TaskResultStatus.READY)
    assert left.attempts == 0 and left.worker_id == ""
    assert sample_tasks.CALLS == [0, 1]


def test_a_claimed_task_released_unstarted_gets_its_attempt_back():
    record.enqueue("x")
    worker = Worker()
    worker.register()
    row = worker.claim()
    worker.release(row)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.worker_id) == (TaskResultStatus.READY, 0, "")
