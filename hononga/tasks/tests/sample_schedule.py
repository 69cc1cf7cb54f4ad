"""Schedules for the task runner's tests (settings.TASKS_SCHEDULE points at one of these)."""

from datetime import time, timedelta

from hononga.core.schedule import ScheduledJob

NONE: list[ScheduledJob] = []

DAILY = [
    ScheduledJob(
        name="list-schedule",
        command="schedule",
        daily_at=time(2, 0),
        description="Prints the schedule (a harmless command whose output we can check).",
    )
]

EVERY_5S = [
    ScheduledJob(
        name="list-schedule",
        command="schedule",
        every=timedelta(seconds=5),
        description="Prints the schedule every five seconds.",
    )
]

EVERY_SECOND = [
    ScheduledJob(
        name="list-schedule",
        command="schedule",
        every=timedelta(seconds=1),
        description="Prints the schedule every second.",
    )
]
