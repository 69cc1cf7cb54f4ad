"""Reads for the whānau plan: goals with their steps, ratings, flags and small charts.

A fixed number of queries whatever the number of goals or ratings: goals with their holders,
then steps and ratings of the goals shown (prefetched).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.utils import timezone

from hononga.goals import outcomes
from hononga.goals.models import Goal, GoalRating, GoalStatus, GoalStep
from hononga.goals.services import due_days, goals_for_user, reliable_change_threshold
from hononga.whanau.models import Person, Whanau

PLAN_LIMIT = 60  # goals on the whānau page; a whānau rarely has more than a dozen

CHART_WIDTH = 240
CHART_HEIGHT = 64
CHART_PAD = 6


def goal_flags(goal: Goal, today: date | None = None) -> tuple[str, ...]:
    """reliable_rise / reliable_drop (latest against baseline), rating_due (active, no rating
    for 42 days, counted in New Zealand dates since the latest rating or since it was set)."""
    flags: list[str] = []
    change = outcomes.reliable_change(
        goal.baseline_rating if goal.rating_count >= 2 else None,
        goal.latest_rating,
        reliable_change_threshold(),
    )
    if change is not None:
        flags.append(change)
    if goal.status == GoalStatus.ACTIVE:
        today = today or timezone.localdate()
        last = (
            timezone.localtime(goal.latest_rated_at).date()
            if goal.latest_rated_at is not None
            else goal.set_on
        )
        if outcomes.is_due(last, today, due_days()):
            flags.append(outcomes.DUE)
    return tuple(flags)


def _x(moment: datetime, start: datetime, span: float) -> float:
    usable = CHART_WIDTH - 2 * CHART_PAD
    if span <= 0:
        return CHART_WIDTH / 2
    return round(CHART_PAD + usable * (moment - start).total_seconds() / span, 1)


def _y(value: float) -> float:
    usable = CHART_HEIGHT - 2 * CHART_PAD
    return round(CHART_PAD + usable * (1 - value / outcomes.SCALE_MAX), 1)


def goal_chart(ratings: list[GoalRating]) -> dict[str, Any] | None:
    """Points of a small line chart of ratings over time, with the reliable-change band around
    the baseline (changes inside it are not reliable)."""
    if not ratings:
        return None
    start, end = ratings[0].rated_at, ratings[-1].rated_at
    span = (end - start).total_seconds()
    points = [
        {"x": _x(r.rated_at, start, span), "y": _y(r.value), "value": r.value, "at": r.rated_at}
        for r in ratings
    ]
    threshold = reliable_change_threshold()
    base = ratings[0].value
    top = min(outcomes.SCALE_MAX, base + threshold)
    bottom = max(outcomes.SCALE_MIN, base - threshold)
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "band_y": _y(top),
        "band_height": round(_y(bottom) - _y(top), 1),
        "baseline_y": _y(base),
    }


@dataclass
class GoalView:
    goal: Goal
    flags: tuple[str, ...]
    ratings: list[GoalRating]
    steps: list[GoalStep]
    chart: dict[str, Any] | None

    @property
    def rating_rows(self) -> list[dict[str, Any]]:
        base = self.ratings[0].value if self.ratings else 0
        return [
            {"rating": r, "change": r.value - base if i else None, "baseline": i == 0}
            for i, r in enumerate(self.ratings)
        ]

    @property
    def change(self) -> int | None:
        g = self.goal
        if g.rating_count < 2 or g.baseline_rating is None or g.latest_rating is None:
            return None
        return g.latest_rating - g.baseline_rating


@dataclass
class HolderGroup:
    holder: Person | None
    goals: list[GoalView] = field(default_factory=list)

    @property
    def active_count(self) -> int:
        return sum(1 for g in self.goals if g.goal.status == GoalStatus.ACTIVE)


@dataclass
class Plan:
    groups: list[HolderGroup]
    closed: list[GoalView]
    more: bool
    threshold: float

    @property
    def active(self) -> list[GoalView]:
        return [g for group in self.groups for g in group.goals]


def _goal_views(goals: Sequence[Goal], today: date) -> list[GoalView]:
    return [
        GoalView(
            goal=g,
            flags=goal_flags(g, today),
            ratings=list(g.ratings.all()),
            steps=list(g.steps.all()),
            chart=goal_chart(list(g.ratings.all())),
        )
        for g in goals
    ]


def with_details(goals: QuerySet[Goal]) -> QuerySet[Goal]:
    return goals.select_related("holder", "holder__user", "replaces").prefetch_related(
        Prefetch("ratings", queryset=GoalRating.objects.order_by("rated_at", "id")),
        Prefetch("steps", queryset=GoalStep.objects.filter(archived_at__isnull=True)),
    )


def whanau_plan(whanau: Whanau) -> Plan:
    """Active goals grouped by who holds them (the whānau together first), then the most
    recently closed ones."""
    active_first = Case(
        When(status=GoalStatus.ACTIVE, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    goals = list(
        with_details(Goal.objects.filter(whanau=whanau, archived_at__isnull=True))
        .annotate(closed_last=active_first)
        .order_by("closed_last", "holder_id", "set_on", "id")[: PLAN_LIMIT + 1]
    )
    more = len(goals) > PLAN_LIMIT
    views = _goal_views(goals[:PLAN_LIMIT], timezone.localdate())
    groups: dict[int | None, HolderGroup] = {}
    closed: list[GoalView] = []
    for view in views:
        if view.goal.status != GoalStatus.ACTIVE:
            closed.append(view)
            continue
        key = view.goal.holder_id
        if key not in groups:
            groups[key] = HolderGroup(holder=view.goal.holder)
        groups[key].goals.append(view)
    ordered = sorted(
        groups.values(),
        key=lambda g: (g.holder is not None, g.holder.user_id is not None if g.holder else False),
    )
    closed.sort(key=lambda v: (v.goal.closed_on or v.goal.set_on, v.goal.pk), reverse=True)
    return Plan(groups=ordered, closed=closed, more=more, threshold=reliable_change_threshold())


def goal_view(goal: Goal) -> GoalView:
    return _goal_views([goal], timezone.localdate())[0]


def goal_list(
    *,
    user: Any,
    whanau_id: int | None = None,
    person_id: int | None = None,
    status: str | None = None,
) -> QuerySet[Goal]:
    goals = goals_for_user(user).select_related("holder")
    if whanau_id is not None:
        goals = goals.filter(whanau_id=whanau_id)
    if person_id is not None:
        goals = goals.filter(holder_id=person_id)
    if status is not None:
        goals = goals.filter(status=status)
    return goals.order_by("-id")


def goal_for_user(user: Any, pk: Any) -> Goal | None:
    try:
        return (
            with_details(goals_for_user(user))
            .select_related("whanau", "whanau__team", "whanau__region")
            .filter(pk=int(pk))
            .first()
        )
    except (TypeError, ValueError, OverflowError):
        return None


def goal_history(goal: Goal, limit: int = 30) -> list[Any]:
    """Saved versions of the goal, newest first, and the goals it replaced (their wording)."""
    return list(goal.history.select_related("history_user").order_by("-history_date")[:limit])


def replaced_chain(goal: Goal, limit: int = 10) -> list[Goal]:
    """The earlier wordings this goal replaced, newest first (one query each, at most `limit`)."""
    chain: list[Goal] = []
    current = goal.replaces
    while current is not None and len(chain) < limit:
        chain.append(current)
        current = current.replaces
    return chain
