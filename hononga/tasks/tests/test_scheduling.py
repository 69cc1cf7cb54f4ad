from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_tasks import TaskResultStatus

from hononga.core.schedule import ScheduledJob
from hononga.tasks.models import QueuedTask, ScheduledJobState
from hononga.tasks.runner import Worker
from hononga.tasks.scheduling import latest_slot, next_slot, schedule_tick

NZ = ZoneInfo("Pacific/Auckland")
DAILY = "hononga.tasks.tests.sample_schedule.DAILY"
EVERY_5S = "hononga.tasks.tests.sample_schedule.EVERY_5S"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=NZ)


def runs() -> list[QueuedTask]:
    return list(QueuedTask.objects.filter(task_path__endswith="run_scheduled_job").order_by("id"))


def test_interval_slots_are_multiples_of_the_interval():
    job = ScheduledJob(name="seal", command="x", description="x", every=timedelta(seconds=5))
    assert latest_slot(job, at("2026-05-01T10:00:07")) == at("2026-05-01T10:00:05")
    assert latest_slot(job, at("2026-05-01T10:00:05")) == at("2026-05-01T10:00:05")
    assert next_slot(job, at("2026-05-01T10:00:05")) == at("2026-05-01T10:00:10")


def test_daily_slots_follow_new_zealand_time_across_daylight_saving():
    job = ScheduledJob(name="digest", command="x", description="x", daily_at=time(2, 0))
    assert latest_slot(job, at("2026-05-01T01:59:59")) == at("2026-04-30T02:00")
    assert latest_slot(job, at("2026-05-01T02:00:00")) == at("2026-05-01T02:00")
    # Daylight saving ends 5 April 2026 (03:00 NZDT becomes 02:00 NZST, so 02:00 comes twice):
    # the job runs at the first 02:00, once.
    first = datetime(2026, 4, 4, 13, 0, tzinfo=UTC)
    assert latest_slot(job, at("2026-04-05T12:00")) == first
    assert next_slot(job, at("2026-04-04T02:00")) == first
    assert next_slot(job, first) == at("2026-04-06T02:00")
    # ... and starts 27 September 2026 (02:00 becomes 03:00): that night's 02:00 is 03:00 NZDT.
    slot = next_slot(job, at("2026-09-26T02:00"))
    assert slot.astimezone(NZ).date().isoformat() == "2026-09-27"
    assert next_slot(job, slot).astimezone(NZ).hour == 2


@pytest.mark.django_db
def test_a_daily_job_runs_on_time_and_not_before(settings):
    settings.TASKS_SCHEDULE = DAILY
    worker = Worker()
    with time_machine.travel(at("2026-05-01T01:59:59"), tick=False) as clock:
        # First sight of a daily job: it waits for its next 02:00 rather than running now.
        worker.run_pending()
        assert runs() == []
        clock.move_to(at("2026-05-01T02:00:00"))
        assert worker.run_pending() == 1
        clock.move_to(at("2026-05-01T02:00:30"))
        assert worker.run_pending() == 0
    (run,) = runs()
    assert run.status == TaskResultStatus.SUCCESSFUL
    assert run.started_at == at("2026-05-01T02:00:00")
    assert run.arguments["args"] == ["list-schedule", "2026-04-30T14:00:00+00:00"]
    assert "tasks-prune" in run.return_value  # what `hononga schedule` printed
    assert run.max_attempts == 3


@pytest.mark.django_db
def test_an_interval_job_runs_every_slot_and_catches_up_once_after_downtime(settings):
    settings.TASKS_SCHEDULE = EVERY_5S
    worker = Worker()
    with time_machine.travel(at("2026-05-01T10:00:00"), tick=False) as clock:
        for second in range(0, 15):
            clock.move_to(at("2026-05-01T10:00:00") + timedelta(seconds=second))
            worker.run_pending()
        assert len(runs()) == 3  # :00, :05, :10
        # Down for ten minutes: one run for the latest slot, not 120.
        clock.move_to(at("2026-05-01T10:10:02"))
        worker.run_pending()
    assert len(runs()) == 4
    assert runs()[-1].arguments["args"][1] == "2026-04-30T22:10:00+00:00"
    assert all(run.max_attempts == 1 for run in runs())  # the next slot is the retry


@pytest.mark.django_db
def test_two_workers_queue_a_slot_once(settings):
    settings.TASKS_SCHEDULE = EVERY_5S
    one, two = Worker(), Worker()
    with time_machine.travel(at("2026-05-01T10:00:01"), tick=False):
        assert one.schedule_tick() == ["list-schedule"]
        assert two.schedule_tick() == []
        assert schedule_tick() == []
    assert len(runs()) == 1


@pytest.mark.django_db
def test_a_slot_is_skipped_while_the_last_run_is_unfinished(settings):
    settings.TASKS_SCHEDULE = EVERY_5S
    slow = Worker()
    slow.register()
    with time_machine.travel(at("2026-05-01T10:00:01"), tick=False) as clock:
        slow.schedule_tick()
        assert slow.claim() is not None  # running, and still running 5 s later
        clock.move_to(at("2026-05-01T10:00:06"))
        assert Worker().schedule_tick() == []
    assert len(runs()) == 1
    assert ScheduledJobState.objects.get(name="list-schedule").skipped == 1


@pytest.mark.django_db
def test_a_job_removed_from_the_schedule_fails_without_retrying(settings):
    settings.TASKS_SCHEDULE = EVERY_5S
    with time_machine.travel(at("2026-05-01T10:00:01"), tick=False):
        schedule_tick()
        settings.TASKS_SCHEDULE = "hononga.tasks.tests.sample_schedule.NONE"
        Worker().run_pending()
    (run,) = runs()
    assert run.status == TaskResultStatus.FAILED
    assert "No scheduled job is called 'list-schedule'" in run.last_error
