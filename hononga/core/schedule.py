"""Every piece of periodic work, declared in one place.

Each job is a management command (so it can be run by hand, from cron, or by the task runner)
that is idempotent: running it twice, or twice at once, does no harm. The task runner reads this
list and runs each job on its schedule; `hononga schedule` prints it.

Add a job by appending a `ScheduledJob` to `SCHEDULE`; never start periodic work anywhere else
(and never inside a request).
"""

from dataclasses import dataclass, field
from datetime import time, timedelta


@dataclass(frozen=True)
class ScheduledJob:
    name: str  # unique, kebab-case: shown in logs, the health check and the task runner
    command: str  # the management command to call
    description: str  # one sentence: what it does and why on this schedule
    args: tuple[str, ...] = field(default_factory=tuple)
    every: timedelta | None = None  # run this often ...
    daily_at: time | None = None  # ... or once a day at this Pacific/Auckland time

    def __post_init__(self) -> None:
        if (self.every is None) == (self.daily_at is None):
            raise ValueError(f"{self.name}: give exactly one of `every` or `daily_at`.")


SCHEDULE: list[ScheduledJob] = [
    ScheduledJob(
        name="audit-sealer",
        command="audit",
        args=("seal",),
        every=timedelta(seconds=5),
        description=(
            "Seal newly committed audit events into the keyed chain and write a signed "
            "checkpoint outside the database (docs/audit.md). Every 5 s: the trail is "
            "tamper-evident from the checkpoint on."
        ),
    ),
    ScheduledJob(
        name="audit-checkpoints-prune",
        command="audit",
        args=("prune-checkpoints",),
        daily_at=time(4, 30),
        description=(
            "Thin the audit checkpoints on shared storage: every one of the last 30 days, then "
            "one a day, the newest and every restore record always kept, so `audit verify` "
            "still checks the chain against them (docs/audit.md). Daily: the sealer writes up "
            "to one every 5 s."
        ),
    ),
    ScheduledJob(
        name="goals-learn",
        command="goals",
        args=("learn",),
        daily_at=time(3, 0),
        description=(
            "Rebuild what the agency learns from goals: each goal holder's goal change and early "
            "relationship quality, the correlation and the mixed model (statsmodels, never in a "
            "request). Daily: the page shows the date it was computed."
        ),
    ),
    ScheduledJob(
        name="measures-rollup",
        command="measures",
        args=("rollup",),
        every=timedelta(hours=1),
        description=(
            "Work out the unrounded counts behind the team, region and agency figures for every "
            "month, quarter and year of the last 5 years (hononga/measures/rollup.py), so the "
            "pages read stored rows. Hourly: a new contact, a new month or a late correction "
            "shows within the hour; the pages say as of when."
        ),
    ),
    ScheduledJob(
        name="tasks-prune",
        command="tasks",
        args=("prune",),
        every=timedelta(hours=1),
        description="Delete finished background tasks past their keep (the queue stays small).",
    ),
    ScheduledJob(
        name="checkin-estimates",
        command="checkins",
        args=("estimate",),
        daily_at=time(2, 30),
        description=(
            "Re-estimate the agency's check-in SD and Cronbach's alpha from baseline check-ins "
            "(SQL aggregates); the thresholds they give apply to check-ins recorded afterwards. "
            "Daily: a day's new baselines barely move the estimate."
        ),
    ),
    ScheduledJob(
        name="retention",
        command="retention",
        args=("--scheduled",),
        daily_at=time(3, 15),
        description=(
            "Retention under the disposal authority: a dry-run report of what is due, then "
            "disposal of what has been due for the notice period (legal holds kept). Batched; "
            "idempotent."
        ),
    ),
    ScheduledJob(
        name="privacy-remind",
        command="privacy",
        args=("remind",),
        daily_at=time(8, 0),
        description=(
            "Remind the whānau's staff of correction requests due within 5 working days or "
            "overdue (Privacy Act: 20 working days); once a request a day."
        ),
    ),
    ScheduledJob(
        name="notification-reminders",
        command="notifications",
        args=("remind",),
        daily_at=time(6, 0),
        description=(
            "Notify staff of agreement items due or overdue, follow-ups due, plan reviews "
            "coming and advisories starting (once a thing a user: safe to run twice)."
        ),
    ),
    ScheduledJob(
        name="notification-digest",
        command="notifications",
        args=("digest",),
        daily_at=time(7, 0),
        description=(
            "Email each user who chose the daily digest one message about their unread "
            "notifications (after the reminders, so they are in it; keyed by day)."
        ),
    ),
]


def job_named(name: str) -> ScheduledJob:
    for job in SCHEDULE:
        if job.name == name:
            return job
    raise KeyError(name)
