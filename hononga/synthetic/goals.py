"""The generator's whānau plans: goals in their holders' words, steps, and ratings 0–10.

Kept as the goals services keep them (hononga.goals.services): each goal's derived fields
(`baseline_*`, `latest_*`, `rating_count`, `baseline_practitioner`) are what `refresh_goal`
computes from its ratings; a goal that is met, set aside or changed is at version 2 with its
"created" and "changed" history rows, closed on the day of its last rating; a changed goal is
replaced by a new goal (`replaces`) in new words, which goes on being rated; a set-aside goal
has its reason. Holders are the whānau members the practitioner checks in with (so the agency's
learning finds their early relationship quality), or the whānau together (no holder). A goal's
ratings drift with the holder's relationship with the practitioner: goals move where the
relationship is strong and stall where it is weak, which is what the learning page looks for.
"""

import random
from datetime import date, datetime, timedelta
from typing import Any

from hononga.goals.models import Goal, GoalRating, GoalStatus, GoalStep, RatingChannel
from hononga.synthetic.audit_rows import AuditTrail
from hononga.synthetic.loader import BulkWriter

ADULT = [
    ("Get my licence so I can take the kids to kura myself.", "So we're not relying on others."),
    ("Have the house warm and dry before winter.", "The little ones keep getting sick."),
    ("Be calmer in the mornings — less yelling.", "I want the kids to start the day happy."),
    ("Get back to my mahi at the marae.", "It's where I feel like myself."),
    ("Sort out the rent arrears with the landlord.", "So we can stay in this house."),
    ("Learn more te reo Māori with my tamariki.", ""),
]
YOUNG = [
    ("Go to school every day this term.", "I want to stay with my mates."),
    ("Talk to Mum when I'm angry instead of walking out.", ""),
    ("Make the under-14 league team.", "Koro played league."),
    ("Sleep at home every night.", ""),
]
TOGETHER = [
    ("Have a whānau dinner together every Sunday.", "Nan says that's how it used to be."),
    ("Go back to the marae for Matariki as a whānau.", ""),
]
STEPS = [
    "Ring the people who can help",
    "Talk it through at the next visit",
    "Book the appointment",
    "Write down what went well this week",
    "Ask koro to come along",
]
SET_ASIDE = ["Not the right time for this.", "Other things came first for now."]


def _clamp(value: float) -> int:
    return max(0, min(10, round(value)))


def whanau_goals(
    w: BulkWriter,
    next_id: Any,
    rng: random.Random,
    audit: AuditTrail,
    *,
    whanau_id: int,
    worker: Any,
    holders: list[tuple[int, bool, float]],
    start: date,
    last_day: date,
    recent: datetime,
    at: Any,
) -> None:
    """The plan of one whānau: `holders` are (person id, young, relationship level 0–10) of the
    members the practitioner checks in with; goals are set from `start` on, rated until
    `last_day` (`at(day, rng)`: a moment on a working day)."""
    plans: list[tuple[int | None, bool, float]] = []
    for person, young, level in holders:
        plans.append((person, young, level))
        if rng.random() < 0.15:
            plans.append((person, young, level))
    if holders and rng.random() < 0.25:
        plans.append((None, False, sum(h[2] for h in holders) / len(holders)))
    for holder, young, level in plans:
        set_on = start + timedelta(days=rng.randrange(0, 45))
        if set_on > last_day - timedelta(days=7):
            continue
        _goal(w, next_id, rng, audit, whanau_id, worker, holder, young, level, set_on, last_day,
              recent, at, None, None)  # fmt: skip


def _goal(
    w: BulkWriter,
    next_id: Any,
    rng: random.Random,
    audit: AuditTrail,
    whanau_id: int,
    worker: Any,
    holder: int | None,
    young: bool,
    level: float,
    set_on: date,
    last_day: date,
    recent: datetime,
    at: Any,
    replaces: int | None,
    value: float | None,
) -> None:
    goal_id = next_id(Goal)
    words = TOGETHER if holder is None else (YOUNG if young else ADULT)
    wording, why = words[rng.randrange(len(words))]
    if replaces is not None:
        wording = f"{wording.rstrip('.')} — in my own way."
    fate = rng.random()
    status = (
        GoalStatus.MET
        if fate < 0.12
        else GoalStatus.CHANGED
        if fate < 0.19 and replaces is None
        else GoalStatus.SET_ASIDE
        if fate < 0.25
        else GoalStatus.ACTIVE
    )
    closing_after = rng.randrange(3, 9)
    # Goals move where the relationship is strong and stall where it is weak.
    drift = (level - 7.0) * 0.35 + rng.gauss(0.1, 0.3)  # points a month
    value = float(rng.randrange(1, 6)) if value is None else value
    stop = last_day
    if status == GoalStatus.ACTIVE and rng.random() < 0.1:
        stop = last_day - timedelta(days=60)  # a rating overdue where the work went quiet
    ratings: list[tuple[int, datetime, bool, date]] = []
    day = set_on
    while day <= stop:
        in_session = rng.random() < 0.6
        ratings.append((_clamp(value), at(day, rng), in_session, day))
        if status != GoalStatus.ACTIVE and len(ratings) >= closing_after:
            break
        gap = rng.randrange(25, 60)
        day += timedelta(days=gap)
        value += drift * gap / 30 + rng.gauss(0, 0.7)
    if status != GoalStatus.ACTIVE and len(ratings) < 2:
        status = GoalStatus.ACTIVE  # closed only once rated at least twice
    if status == GoalStatus.MET and ratings and ratings[-1][0] < 8:
        last = ratings[-1]
        ratings[-1] = (max(8, last[0]), last[1], last[2], last[3])
    created = at(set_on, rng)
    if ratings:
        created = min(created, ratings[0][1])
    target = set_on + timedelta(days=rng.randrange(90, 300)) if rng.random() < 0.5 else None
    initial: dict[str, Any] = {
        "id": goal_id,
        "whanau_id": whanau_id,
        "holder_id": holder,
        "wording": wording,
        "why": why,
        "set_on": set_on,
        "target_date": target,
        "status": GoalStatus.ACTIVE,
        "status_reason": "",
        "closed_on": None,
        "replaces_id": replaces,
        "created_by_id": worker.user_id,
        "created_at": created,
        "updated_at": created,
        "version": 1,
    }
    row = dict(
        initial,
        rating_count=len(ratings),
        baseline_rating=ratings[0][0] if ratings else None,
        baseline_at=ratings[0][1] if ratings else None,
        latest_rating=ratings[-1][0] if ratings else None,
        latest_rated_at=ratings[-1][1] if ratings else None,
        # Goals are set while the whānau's current practitioner is allocated.
        baseline_practitioner_id=worker.user_id if ratings else None,
    )
    history = w.historical(Goal)  # (Goal.history builds a manager on every access)
    records = [
        dict(initial, history_date=created, history_type="+", history_user_id=worker.user_id)
    ]
    closed_at = None
    if status != GoalStatus.ACTIVE:
        closed_at = ratings[-1][1] + timedelta(minutes=5)
        row.update(
            status=status,
            closed_on=ratings[-1][3],
            status_reason=SET_ASIDE[goal_id % 2] if status == GoalStatus.SET_ASIDE else "",
            version=2,
            updated_at=closed_at,
        )
        records.append(
            dict(
                row,
                history_date=closed_at,
                history_type="~",
                history_user_id=worker.user_id,
            )
        )
    w.add_many(Goal, [row])
    w.add_many(history, records)
    w.add_many(
        GoalRating,
        [
            {
                "id": next_id(GoalRating),
                "goal_id": goal_id,
                "value": rating,
                "rated_by_id": holder,
                "channel": RatingChannel.IN_SESSION if in_session else RatingChannel.LINK,
                "rated_at": rated_at,
                "recorded_by_id": worker.user_id if in_session else None,
            }
            for rating, rated_at, in_session, _day in ratings
        ],
    )
    for s in range(rng.randrange(0, 4)):
        by_when = set_on + timedelta(days=14 * (s + 1))
        done = by_when - timedelta(days=rng.randrange(0, 10))
        w.add(
            GoalStep,
            {
                "id": next_id(GoalStep),
                "goal_id": goal_id,
                "what": STEPS[(goal_id + s) % len(STEPS)],
                "who": "Kaimahi" if s == 0 else "Whānau",
                "by_when": by_when,
                "done_on": done if done <= last_day and rng.random() < 0.6 else None,
                "created_by_id": worker.user_id,
                "created_at": created,
                "version": 1,
            },
            by=worker.user_id,
        )
    if created >= recent:
        audit.event(
            at=created,
            actor=(worker.user_id, worker.username),
            action="create",
            target=("goal", goal_id),
            whanau_id=whanau_id,
            summary=f"Set a goal in whānau {whanau_id}",
        )
    if status == GoalStatus.CHANGED and closed_at is not None:
        _goal(w, next_id, rng, audit, whanau_id, worker, holder, young, level,
              ratings[-1][3], last_day, recent, at, goal_id, float(ratings[-1][0]))  # fmt: skip
