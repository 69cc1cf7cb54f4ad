"""Factories for check-in tests and the benchmark. Synthetic names only."""

from datetime import date, datetime
from typing import Any

from django.utils import timezone

from hononga.accounts.models import User
from hononga.checkins import services
from hononga.checkins.models import Channel, CheckIn, Form, Perspective
from hononga.factories import MembershipFactory, PersonFactory
from hononga.relationships.models import (
    Consent,
    ConsentPurpose,
    ConsentStatus,
    Relationship,
    RelationshipKind,
)
from hononga.whanau.models import Person, PersonKind, Whanau

ALL_EIGHT = (
    "safety",
    "trust",
    "respect",
    "empathy",
    "honesty",
    "responsibility",
    "power_sharing",
    "heard",
)


def staff_person(user: User) -> Person:
    existing = Person.objects.filter(user=user).first()
    if existing is not None:
        return existing
    return PersonFactory(
        preferred_name=user.preferred_name or user.username,
        other_names="",
        kind=PersonKind.PRACTITIONER,
        user=user,
    )


def relationship_between(whanau: Whanau, one: Person, other: Person, **fields: Any) -> Relationship:
    a, b = sorted([one, other], key=lambda p: p.pk)
    fields.setdefault("kind", RelationshipKind.PROFESSIONAL)
    return Relationship.objects.create(whanau=whanau, person_a=a, person_b=b, **fields)


def give_consent(person: Person, recorded_by: User, status: str = ConsentStatus.GIVEN) -> Consent:
    return Consent.objects.create(
        person=person,
        purpose=ConsentPurpose.CHECK_INS,
        status=status,
        date=timezone.localdate(),
        recorded_by=recorded_by,
    )


def member(whanau: Whanau, name: str = "Hine", kind: str = PersonKind.RANGATAHI) -> Person:
    person = PersonFactory(preferred_name=name, kind=kind)
    MembershipFactory(person=person, whanau=whanau)
    return person


def items(value: int | None = 9, **overrides: int | None) -> dict[str, int | None]:
    answers: dict[str, int | None] = dict.fromkeys(ALL_EIGHT, value)
    answers.update(overrides)
    return answers


def checkin(
    relationship: Relationship,
    rater: Person,
    *,
    answers: dict[str, int | None] | None = None,
    perspective: str = Perspective.SELF,
    form: str = Form.ADULT,
    channel: str = Channel.IN_SESSION,
    when: datetime | date | None = None,
    recorded_by: User | None = None,
    comment: str = "",
    refresh: bool = True,
) -> CheckIn:
    """A check-in written straight to the database (for setting up flags) with what the
    services write when recording one (score, unrounded mean, the thresholds in force), derived
    fields refreshed like the services do unless `refresh` is False."""
    answers = answers if answers is not None else items(9)
    if isinstance(when, date) and not isinstance(when, datetime):
        when = timezone.make_aware(datetime(when.year, when.month, when.day, 12))
    from hononga.checkins import scoring

    made = CheckIn.objects.create(
        relationship=relationship,
        rater=rater,
        perspective=perspective,
        form=Form.MIRROR if perspective == Perspective.MIRROR else form,
        channel=channel,
        answered_at=when or timezone.now(),
        recorded_by=recorded_by,
        comment=comment,
        score=scoring.score(answers),
        mean=scoring.mean(answers),
        flagged_with=services.flag_thresholds_in_force(),
        **answers,
    )
    if refresh:
        services.refresh_derived(relationship.pk)
        made.refresh_from_db()
    return made
