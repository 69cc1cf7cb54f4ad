"""Demo goals: each whānau member the demo practitioners check in with holds a goal or two in
their own words, rated over the year, telling the story of their relationship — goals that move
when the relationship grows (some met), that stall when it falls, a rating overdue where the
work has gone quiet, a goal put in new words, one set aside, and a goal the whānau holds
together.

Deterministic (fixed seed) and idempotent (does nothing once demo goals exist). Invented words.
"""

import random
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from hononga.checkins.models import CheckIn
from hononga.goals import learning, services
from hononga.goals.models import (
    Goal,
    GoalRating,
    GoalStatus,
    GoalStep,
    OutcomeFigures,
    RatingChannel,
)
from hononga.relationships.models import Relationship
from hononga.whanau.models import Allocation, Person, PersonKind

ADULT_GOALS = [
    ("Get my licence so I can take the kids to kura myself.", "So we're not relying on others."),
    ("Have the house warm and dry before winter.", "The little ones keep getting sick."),
    ("Be calmer in the mornings — less yelling.", "I want the kids to start the day happy."),
    ("Get back to my mahi at the marae.", "It's where I feel like myself."),
    ("Sort out the rent arrears with the landlord.", "So we can stay in this house."),
]
YOUNG_GOALS = [
    ("Go to school every day this term.", "I want to stay with my mates."),
    ("Talk to Mum when I'm angry instead of walking out.", ""),
    ("Make the under-14 league team.", "Koro played league."),
    ("Sleep at home every night.", ""),
]
TOGETHER = ("Have a whānau dinner together every Sunday.", "Nan says that's how it used to be.")
# How a member's goal ratings move over the year, by their relationship's story
# (hononga.checkins.demo.PATTERNS): (first rating, last rating, what happens at the end).
STORY = {
    "growing": (2, 8, GoalStatus.MET),  # the relationship grew and things got better
    "steady": (4, 7, None),
    "falling": (4, 4, None),  # the relationship fell and the goal stalled: time to talk
    "polite": (5, 5, None),
    "quiet": (3, 5, None),  # no rating for months: due
}


def _story(relationship: Relationship, member: Person) -> str:
    first = (
        CheckIn.objects.filter(relationship=relationship, rater=member, perspective="self")
        .order_by("answered_at")
        .values_list("score", flat=True)
    )
    scores = [float(s) for s in first if s is not None]
    if len(scores) < 2:
        return "steady"
    change = scores[-1] - scores[0]
    last = (
        CheckIn.objects.filter(relationship=relationship, rater=member)
        .order_by("-answered_at")
        .first()
    )
    if last is not None and (timezone.now() - last.answered_at).days > 40:
        return "quiet"
    if change <= -1.5:
        return "falling"
    if change >= 1.5:
        return "growing"
    return "steady" if scores[-1] < 9.3 else "polite"


def load(stdout: Any) -> None:
    if not Goal.objects.filter(created_by__username__startswith="demo-").exists():
        _load_goals(stdout)
    if not OutcomeFigures.objects.exists():
        # What the agency learns is computed nightly (the "goals-learn" job); the demo computes
        # it once now so the learning page shows figures straight after `make run`.
        count = learning.rebuild()
        stdout.write(f"Goals: what the agency learns, worked out from {count} goal holders.")


def _load_goals(stdout: Any) -> None:
    rng = random.Random(1515)  # noqa: S311  (deterministic demo data, not security)
    today = timezone.localdate()
    made = ratings = 0
    seen_whanau: set[int] = set()
    relationships = (
        Relationship.objects.filter(
            person_a__user__username__startswith="demo-practitioner",
            archived_at__isnull=True,
        )
        .select_related("whanau", "person_a__user", "person_b__user")
        .order_by("whanau__name", "id")
    ) | Relationship.objects.filter(
        person_b__user__username__startswith="demo-practitioner", archived_at__isnull=True
    ).select_related("whanau", "person_a__user", "person_b__user")
    adult, young = 0, 0
    for relationship in relationships.order_by("whanau__name", "id"):
        worker = relationship.person_a if relationship.person_a.user_id else relationship.person_b
        member = relationship.person_b if worker == relationship.person_a else relationship.person_a
        if member.user_id is not None:
            continue
        user = worker.user
        story = _story(relationship, member)
        is_young = member.kind in {PersonKind.TAMARIKI, PersonKind.RANGATAHI}
        pool = YOUNG_GOALS if is_young else ADULT_GOALS
        index = young if is_young else adult
        wording, why = pool[index % len(pool)]
        if is_young:
            young += 1
        else:
            adult += 1
        # Set once the practitioner was allocated: the baseline's practitioner is the group in
        # what the agency learns (hononga.goals.learning).
        started = (
            Allocation.objects.filter(whanau=relationship.whanau, user=user)
            .order_by("started")
            .values_list("started", flat=True)
            .first()
        )
        set_on = max(today - timedelta(days=300), started or today)
        goal = Goal.objects.create(
            whanau=relationship.whanau,
            holder=member,
            wording=wording,
            why=why,
            set_on=set_on,
            target_date=today + timedelta(days=rng.choice([30, 60, 120])),
            created_by=user,
        )
        goal.concerns_people.set([member])
        goal.concerns_relationships.set([relationship])
        made += 1
        ratings += _rate_over_time(rng, goal, member, user, story, set_on, today)
        GoalStep.objects.create(
            goal=goal,
            what="Talk it through at the next visit",
            who=worker.preferred_name,
            by_when=set_on + timedelta(days=14),
            done_on=set_on + timedelta(days=12),
            created_by=user,
        )
        GoalStep.objects.create(
            goal=goal,
            what="Ring the people who can help",
            who=member.preferred_name,
            by_when=today + timedelta(days=10),
            created_by=user,
        )
        _first, _last, ending = STORY[story]
        if ending == GoalStatus.MET:
            Goal.objects.filter(pk=goal.pk).update(
                status=GoalStatus.MET, closed_on=today - timedelta(days=5)
            )
        if story == "steady" and not is_young:
            # They put it differently halfway through: the new wording replaces the old.
            halfway = set_on + (today - set_on) / 2
            Goal.objects.filter(pk=goal.pk).update(status=GoalStatus.CHANGED, closed_on=halfway)
            newer = Goal.objects.create(
                whanau=relationship.whanau,
                holder=member,
                wording=wording.rstrip(".") + " — one step at a time.",
                why=why,
                set_on=halfway,
                created_by=user,
                replaces=goal,
            )
            made += 1
            ratings += _rate_over_time(rng, newer, member, user, "steady", newer.set_on, today)
        if relationship.whanau_id not in seen_whanau:
            seen_whanau.add(relationship.whanau_id)
            together = Goal.objects.create(
                whanau=relationship.whanau,
                holder=None,
                wording=TOGETHER[0],
                why=TOGETHER[1],
                set_on=set_on,
                created_by=user,
            )
            made += 1
            ratings += _rate_over_time(rng, together, None, user, story, set_on, today)
            aside_closed = min(
                set_on + timedelta(days=100), max(set_on, today - timedelta(days=90))
            )
            aside = Goal.objects.create(
                whanau=relationship.whanau,
                holder=member,
                wording="Move closer to Nan in Huntly.",
                set_on=set_on,
                status=GoalStatus.SET_ASIDE,
                status_reason="Staying put for now: the kids are settled at kura.",
                closed_on=min(
                    set_on + timedelta(days=100), max(set_on, today - timedelta(days=90))
                ),
                created_by=user,
            )
            made += 1
            ratings += _rate_over_time(rng, aside, member, user, "polite", set_on, aside_closed)
    stdout.write(f"Goals: {made} demo goals with {ratings} ratings.")


def _rate_over_time(
    rng: random.Random,
    goal: Goal,
    rater: Person | None,
    user: Any,
    story: str,
    start: Any,
    end: Any,
) -> int:
    first, last, _ending = STORY[story]
    stop = end - timedelta(days=70 if story == "quiet" else 6)
    days = []
    day = start + timedelta(days=7)
    while day <= stop:
        days.append(day)
        day += timedelta(days=rng.randint(28, 40))
    for n, when in enumerate(days):
        progress = n / max(1, len(days) - 1)
        value = round(first + (last - first) * progress + rng.choice([-1, 0, 0, 1]) * (n > 0))
        moment = timezone.make_aware(datetime(when.year, when.month, when.day, 11, 0))
        GoalRating.objects.create(
            goal=goal,
            value=max(0, min(10, value)),
            rated_by=rater,
            channel=rng.choice([RatingChannel.IN_SESSION, RatingChannel.LINK]),
            rated_at=moment,
            recorded_by=user,
        )
    services.refresh_goal(goal.pk)
    return len(days)
