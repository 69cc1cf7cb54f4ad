"""A small dataset with known figures (frozen on 15 November 2026, Pacific/Auckland), and a
practice lead.

Team North (region Te Tai Tokerau): practitioner Aroha, allocated to the Kōwhai whānau since
1 September 2026. In October 2026:
- contacts by Aroha: a WITH home visit with decisions made with whānau, a TO phone call with
  decisions made without them, a NOT office visit with no decisions; one more in September;
- Mere's own check-ins about her relationship with Aroha: 9 on every item, and 6 on every item
  (low); Aroha's mirror (not counted);
- 3 check-in links made by Aroha, 1 answered;
- a measles advisory for Te Tai Tokerau from 1 to 20 October (so the home visit on 10 October
  was under it, without a screening);
- a restorative process referred on 5 October, held on 12 October (Mere harmed, followed up on
  20 October; Ariki responsible), with two agreement items due in October (one done on time,
  one still open) and one due in December;
- a family group conference (referred in August) whose plan review date was 1 November, still
  in monitoring.
Both processes have been in monitoring since they were held: 34 days (12 October) and 87 days
(20 August) on 15 November.
Team South (region Waitaha): one contact in October by Sione, in the Rimu whānau.
"""

from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from hononga.accounts.models import Role, Team, User
from hononga.advisories.models import Advisory, Condition
from hononga.checkins.models import CheckInLink, Perspective
from hononga.checkins.tests.factories import checkin, items, relationship_between, staff_person
from hononga.contacts.models import DecisionsWith, Mode
from hononga.contacts.tests.factories import make_contact
from hononga.factories import (
    AllocationFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
    WhanauFactory,
)
from hononga.restorative.models import (
    AgreementItem,
    FollowUp,
    Harm,
    ItemStatus,
    Participant,
    ParticipantRole,
    ProcessKind,
    RestorativeProcess,
    State,
)
from hononga.whanau.models import Allocation, Person, Whanau

NOW = datetime(2026, 11, 15, 10, 0)


def at(year: int, month: int, day: int, hour: int = 11) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(timezone.make_aware(NOW), tick=False):
        yield


@pytest.fixture
def practice_lead(team_north: Team) -> User:
    return UserFactory(username="lead", preferred_name="Rangi", role=Role.PRACTICE_LEAD)


@pytest.fixture
def regional_lead(team_south: Team) -> User:
    lead = UserFactory(username="lead_south", role=Role.PRACTICE_LEAD)
    lead.lead_regions.set([team_south.region])
    return lead


@pytest.fixture
def dataset(
    whanau: Whanau,
    person: Person,
    practitioner: User,
    practitioner2: User,
    team_south: Team,
    facilitator: User,
) -> dict[str, Any]:
    Allocation.objects.filter(whanau=whanau).update(started=date(2026, 9, 1))
    worker = staff_person(practitioner)
    relationship = relationship_between(whanau, worker, person)
    make_contact(
        whanau=whanau,
        practitioner=practitioner,
        participants=[person],
        support=8,
        control=8,
        occurred_at=at(2026, 10, 10),
        mode=Mode.HOME_VISIT,
        decisions_with=DecisionsWith.YES,
    )
    make_contact(
        whanau=whanau,
        practitioner=practitioner,
        participants=[person],
        support=2,
        control=8,
        occurred_at=at(2026, 10, 22),
        mode=Mode.PHONE,
        decisions_with=DecisionsWith.NO,
    )
    make_contact(
        whanau=whanau,
        practitioner=practitioner,
        participants=[person],
        support=2,
        control=2,
        occurred_at=at(2026, 10, 30),
        mode=Mode.OFFICE,
        decisions_with=DecisionsWith.NOT_APPLICABLE,
    )
    make_contact(
        whanau=whanau,
        practitioner=practitioner,
        participants=[person],
        occurred_at=at(2026, 9, 20),
    )
    checkin(relationship, person, answers=items(9), when=at(2026, 10, 3))
    checkin(relationship, person, answers=items(6), when=at(2026, 10, 25))
    checkin(
        relationship,
        worker,
        answers=items(8),
        perspective=Perspective.MIRROR,
        when=at(2026, 10, 25),
    )
    for number in range(3):
        link = CheckInLink.objects.create(
            token_hash=f"{number:064d}",
            relationship=relationship,
            rater=person,
            created_by=practitioner,
            expires_at=at(2026, 11, 30),
        )
        CheckInLink.objects.filter(pk=link.pk).update(
            created_at=at(2026, 10, 2 + number),
            used_at=at(2026, 10, 4) if number == 0 else None,
        )
    advisory = Advisory.objects.create(
        title="Measles",
        condition=Condition.MEASLES,
        starts=date(2026, 10, 1),
        ends=date(2026, 10, 20),
        guidance="Screen first.",
        published_by=facilitator,
    )
    advisory.regions.set([whanau.region])
    child = PersonFactory(preferred_name="Ariki")
    MembershipFactory(person=child, whanau=whanau)
    harm = Harm.objects.create(
        whanau=whanau,
        what="A broken promise",
        occurred_on=date(2026, 9, 30),
        severity="moderate",
        recorded_by=practitioner,
    )
    process = RestorativeProcess.objects.create(
        harm=harm,
        whanau=whanau,
        kind=ProcessKind.RESTORATIVE_MEETING,
        facilitator=facilitator,
        referred_by=practitioner,
        state=State.MONITORING,
        held_on=date(2026, 10, 12),
    )
    RestorativeProcess.objects.filter(pk=process.pk).update(
        created_at=at(2026, 10, 5), stage_entered_at=at(2026, 10, 12)
    )
    harmed = Participant.objects.create(process=process, person=person, role=ParticipantRole.HARMED)
    responsible = Participant.objects.create(
        process=process, person=child, role=ParticipantRole.RESPONSIBLE
    )
    FollowUp.objects.create(
        process=process,
        participant=harmed,
        scheduled_for=date(2026, 10, 20),
        held_at=at(2026, 10, 20),
        rating=8,
        recorded_by=facilitator,
    )
    AgreementItem.objects.create(
        process=process,
        what="Apologise",
        owner=responsible,
        for_whom=harmed,
        due=date(2026, 10, 15),
        status=ItemStatus.DONE,
        resolved_at=at(2026, 10, 14),
    )
    AgreementItem.objects.create(
        process=process, what="Fix the fence", owner=responsible, due=date(2026, 10, 28)
    )
    AgreementItem.objects.create(
        process=process, what="Weekly catch-up", owner=responsible, due=date(2026, 12, 1)
    )
    harm2 = Harm.objects.create(
        whanau=whanau,
        what="An argument",
        occurred_on=date(2026, 8, 1),
        severity="minor",
        recorded_by=practitioner,
    )
    fgc = RestorativeProcess.objects.create(
        harm=harm2,
        whanau=whanau,
        kind=ProcessKind.FAMILY_GROUP_CONFERENCE,
        facilitator=facilitator,
        referred_by=practitioner,
        state=State.MONITORING,
        held_on=date(2026, 8, 20),
        plan_review_date=date(2026, 11, 1),
    )
    RestorativeProcess.objects.filter(pk=fgc.pk).update(
        created_at=at(2026, 8, 5), stage_entered_at=at(2026, 8, 20)
    )
    rimu = WhanauFactory(name="Rimu whānau", team=team_south, region=team_south.region)
    AllocationFactory(whanau=rimu, user=practitioner2, started=date(2026, 9, 1))
    make_contact(
        whanau=rimu, practitioner=practitioner2, participants=[], occurred_at=at(2026, 10, 12)
    )
    return {"relationship": relationship, "process": process, "fgc": fgc, "rimu": rimu}


@pytest.fixture
def rolled_up(dataset: dict[str, Any]) -> dict[str, Any]:
    """The dataset, with the scheduled job's rollup worked out (the pages and API read it)."""
    from hononga.measures import rollup

    rollup.run()
    return dataset
