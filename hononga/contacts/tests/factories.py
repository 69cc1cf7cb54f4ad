"""Helpers for contact tests and the benchmark. Synthetic names only."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from hononga.accounts.models import User
from hononga.checkins.models import Channel, CheckIn, Form, Perspective
from hononga.contacts.models import Contact, DecisionsWith, Mode
from hononga.factories import PersonFactory, earlier_today
from hononga.relationships.models import Relationship, RelationshipKind
from hononga.whanau.models import Person, PersonKind, Whanau


def make_contact(
    *,
    whanau: Whanau,
    practitioner: User,
    participants: list[Person],
    support: int = 7,
    control: int = 7,
    occurred_at: datetime | None = None,
    **fields: Any,
) -> Contact:
    """A contact written straight to the database (the services are tested on their own)."""
    fields.setdefault("mode", Mode.HOME_VISIT)
    fields.setdefault("purpose", "Catch-up about school")
    fields.setdefault("decisions_with", DecisionsWith.YES)
    contact = Contact.objects.create(
        whanau=whanau,
        practitioner=practitioner,
        occurred_at=occurred_at or earlier_today(),
        support=support,
        control=control,
        **fields,
    )
    contact.participants.set(participants)
    return contact


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


def relationship_between(whanau: Whanau, one: Person, other: Person) -> Relationship:
    a, b = sorted([one, other], key=lambda p: p.pk)
    return Relationship.objects.create(
        whanau=whanau, person_a=a, person_b=b, kind=RelationshipKind.PROFESSIONAL
    )


def make_checkin(
    *,
    relationship: Relationship,
    rater: Person,
    score: str,
    answered_at: datetime,
    perspective: str = Perspective.SELF,
) -> CheckIn:
    return CheckIn.objects.create(
        relationship=relationship,
        rater=rater,
        perspective=perspective,
        form=Form.MIRROR if perspective == Perspective.MIRROR else Form.ADULT,
        channel=Channel.IN_SESSION,
        score=Decimal(score),
        answered_at=answered_at,
    )
