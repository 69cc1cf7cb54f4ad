"""Goals and ratings written for tests (the services do the checking; these set the scene)."""

from datetime import datetime
from typing import Any

from django.utils import timezone

from hononga.goals import services
from hononga.goals.models import Goal, GoalRating, RatingChannel
from hononga.whanau.models import Person, Whanau


def goal(
    whanau: Whanau, holder: Person | None, wording: str = "Get my licence", **fields: Any
) -> Goal:
    return Goal.objects.create(whanau=whanau, holder=holder, wording=wording, **fields)


def rate(
    goal: Goal, value: int, when: datetime | None = None, rater: Person | None = None
) -> GoalRating:
    rating = GoalRating.objects.create(
        goal=goal,
        value=value,
        rated_by=rater if rater is not None else goal.holder,
        channel=RatingChannel.IN_SESSION,
        rated_at=when or timezone.now(),
    )
    services.refresh_goal(goal.pk)
    goal.refresh_from_db()
    return rating
