"""Demo check-ins: a year of them for the demo practitioners' relationships, some flagged.

Deterministic (fixed seed) and idempotent (does nothing once demo check-ins exist). Invented
answers and words only.
"""

import random
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from hononga.accounts.models import User
from hononga.checkins import scoring, services
from hononga.checkins.instrument import ITEM_KEYS
from hononga.checkins.models import Channel, CheckIn, Form, Perspective
from hononga.relationships.models import (
    Consent,
    ConsentPurpose,
    ConsentStatus,
    Relationship,
    RelationshipKind,
)
from hononga.whanau.models import Allocation, Membership, Person, PersonKind, WhanauStatus

COMMENTS = [
    "More time to talk before decisions are made.",
    "Ring before you come, the mornings are hard.",
    "Keep doing what you're doing.",
    "I'd like to meet somewhere other than the office.",
    "Tell me straight when something is worrying you.",
    "It helped when you came to the school hui.",
    "Sometimes I feel like I'm not being listened to.",
    "Kia ora for sticking with us.",
]
# How each relationship's scores move over the year (its story): a start and an end level.
PATTERNS = {
    "steady": (8.8, 9.2),
    "growing": (6.8, 9.0),
    "falling": (9.2, 6.8),  # ends with a reliable drop
    "polite": (9.5, 9.4),  # high, with a mirror that is higher still on one item
    "quiet": (8.5, 8.7),  # last check-in long ago: overdue
}


def _answers(rng: random.Random, level: float) -> dict[str, int | None]:
    answers: dict[str, int | None] = {}
    for key in ITEM_KEYS:
        answers[key] = max(0, min(10, round(rng.gauss(level, 0.8))))
    if rng.random() < 0.15:
        answers[rng.choice(ITEM_KEYS)] = None  # people skip a question now and then
    return answers


def _moment(day: Any) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10, 30))


def load(stdout: Any) -> None:
    if CheckIn.objects.filter(recorded_by__username__startswith="demo-").exists():
        return
    workers = list(User.objects.filter(username__in=["demo-practitioner", "demo-practitioner2"]))
    if not workers:
        return
    rng = random.Random(4040)  # noqa: S311  (deterministic demo data, not security)
    today = timezone.localdate()
    made = 0
    for worker_user in sorted(workers, key=lambda u: u.username):
        worker = Person.objects.filter(user=worker_user).first()
        if worker is None:
            continue
        allocations = (
            Allocation.objects.current()
            .filter(user=worker_user, whanau__status=WhanauStatus.OPEN)
            .select_related("whanau")
            .order_by("whanau__name")
        )
        # Every practitioner's first relationships tell each story, so every flag shows.
        patterns = ["falling", "polite", "quiet", "growing", "steady"]
        story = 0
        for allocation in allocations:
            whanau = allocation.whanau
            members = [
                m.person
                for m in Membership.objects.filter(whanau=whanau, archived_at__isnull=True)
                .select_related("person")
                .order_by("person__search_key", "person_id")
                if m.person.kind in {PersonKind.PARENT, PersonKind.RANGATAHI, PersonKind.TAMARIKI}
            ][:2]
            for member in members:
                pattern = patterns[story % len(patterns)]
                story += 1
                relationship = _relationship(whanau, worker, member, today)
                if not Consent.objects.filter(person=member, purpose=ConsentPurpose.CHECK_INS):
                    Consent.objects.create(
                        person=member,
                        purpose=ConsentPurpose.CHECK_INS,
                        status=ConsentStatus.GIVEN,
                        date=today - timedelta(days=370),
                        note="Happy to get a text with a link. (Demo.)",
                        recorded_by=worker_user,
                    )
                made += _year_of_checkins(rng, relationship, member, worker, worker_user, pattern)
                services.refresh_derived(relationship.pk)
    services.estimates_refresh()
    stdout.write(f"Check-ins: {made} demo check-ins over the last year.")


def _relationship(whanau: Any, worker: Person, member: Person, today: Any) -> Relationship:
    existing = (
        Relationship.objects.filter(whanau=whanau, archived_at__isnull=True, ended__isnull=True)
        .filter(
            Q(person_a=worker, person_b=member) | Q(person_a=member, person_b=worker),
        )
        .first()
    )
    if existing is not None:
        return existing
    a, b = sorted([worker, member], key=lambda p: p.pk)
    return Relationship.objects.create(
        whanau=whanau,
        person_a=a,
        person_b=b,
        kind=RelationshipKind.PROFESSIONAL,
        started=today - timedelta(days=380),
        notes="Working relationship. (Demo.)",
    )


def _year_of_checkins(
    rng: random.Random,
    relationship: Relationship,
    member: Person,
    worker: Person,
    worker_user: User,
    pattern: str,
) -> int:
    start_level, end_level = PATTERNS[pattern]
    today = timezone.localdate()
    form = Form.CHILD if member.kind == PersonKind.TAMARIKI else Form.ADULT
    day = today - timedelta(days=360)
    stop = today - timedelta(days=60 if pattern == "quiet" else 3)
    dates = []
    while day <= stop:
        dates.append(day)
        day += timedelta(days=rng.randint(24, 38))
    if dates and dates[-1] != stop:
        dates.append(stop)
    count = 0
    for n, when in enumerate(dates):
        progress = n / max(1, len(dates) - 1)
        level = start_level + (end_level - start_level) * progress
        if pattern == "falling" and n == len(dates) - 1:
            level = end_level - 1.6  # a fall that is more than chance
        answers = _answers(rng, level)
        if pattern == "polite":
            answers["power_sharing"] = 7  # polite, but without a real say

        channel = rng.choice([Channel.IN_SESSION, Channel.IN_SESSION, Channel.LINK, Channel.PHONE])
        CheckIn.objects.create(
            relationship=relationship,
            rater=member,
            perspective=Perspective.SELF,
            form=form,
            channel=channel,
            comment=rng.choice(COMMENTS) if rng.random() < 0.35 else "",
            answered_at=_moment(when),
            recorded_by=worker_user,
            score=scoring.score(answers),
            **answers,
        )
        count += 1
        if n % 3 == 2 or n == len(dates) - 1:
            # The practitioner's guess is close to the person's own answers, a little higher;
            # for the "polite" story it is much higher on having a real say.
            mirror = {
                key: None if value is None else min(10, value + rng.choice([0, 0, 1]))
                for key, value in answers.items()
            }
            if pattern == "polite":
                mirror["power_sharing"] = 10
            CheckIn.objects.create(
                relationship=relationship,
                rater=worker,
                perspective=Perspective.MIRROR,
                form=Form.MIRROR,
                channel=Channel.IN_SESSION,
                answered_at=_moment(when) + timedelta(hours=1),
                recorded_by=worker_user,
                score=scoring.score(mirror),
                **mirror,
            )
            count += 1
    return count
