from datetime import time, timedelta

import pytest
from django.core.management import call_command, get_commands

from hononga.core.schedule import SCHEDULE, ScheduledJob


def test_it_refuses_a_job_with_both_or_neither_timing():
    with pytest.raises(ValueError):
        ScheduledJob(name="x", command="check", description="x")
    with pytest.raises(ValueError):
        ScheduledJob(
            name="x", command="check", description="x", every=timedelta(1), daily_at=time(1)
        )


def test_it_declares_only_commands_that_exist_with_unique_names():
    commands = get_commands()
    names = [job.name for job in SCHEDULE]
    assert len(names) == len(set(names))
    for job in SCHEDULE:
        assert job.command in commands, job


def test_it_lists_the_schedule(capsys):
    call_command("schedule")
    out = capsys.readouterr().out
    for job in SCHEDULE:
        assert job.name in out
