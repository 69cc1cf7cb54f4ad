"""Fixtures for restorative processes: a harm in the Kōwhai whānau (Ariki harmed Mere's
trust; Mere was harmed), a facilitator with a current conference credential, and helpers that walk
a process through its stages with the real services."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from hononga.accounts.models import User
from hononga.conftest import client_for
from hononga.factories import MembershipFactory, PersonFactory
from hononga.restorative import services
from hononga.restorative.models import (
    CredentialLevel,
    FacilitatorCredential,
    Harm,
    ItemStatus,
    ParticipantRole,
    ProcessKind,
    RestorativeProcess,
    SafetyOutcome,
    State,
)
from hononga.restorative.questions import questions_for
from hononga.whanau.models import Person, PersonKind, Whanau


@pytest.fixture
def child(whanau: Whanau) -> Person:
    child = PersonFactory(
        preferred_name="Ariki",
        other_names="Kōwhai",
        kind=PersonKind.RANGATAHI,
        date_of_birth=date(2011, 3, 4),
    )
    MembershipFactory(person=child, whanau=whanau, role="son")
    return child


@pytest.fixture
def aunt(whanau: Whanau) -> Person:
    aunt = PersonFactory(preferred_name="Hine", other_names="Kōwhai")
    MembershipFactory(person=aunt, whanau=whanau, role="aunt")
    return aunt


@pytest.fixture
def stranger(db: Any) -> Person:
    other = PersonFactory(preferred_name="Tama", other_names="Rimu")
    MembershipFactory(person=other)
    return other


def give_credential(user: User, level: str = CredentialLevel.CONFERENCE, **dates: date) -> Any:
    today = timezone.localdate()
    return FacilitatorCredential.objects.create(
        user=user,
        level=level,
        issued=dates.get("issued", today - timedelta(days=100)),
        expires=dates.get("expires", today + timedelta(days=300)),
        recorded_by=user,
    )


@pytest.fixture
def credential(facilitator: User) -> Any:
    return give_credential(facilitator)


@pytest.fixture
def facilitator_client(facilitator: User) -> Client:
    return client_for(facilitator)


def record_harm(actor: User, whanau: Whanau, harmed: Person, responsible: Person) -> Harm:
    """A harm (one harm has one process under way at a time: a new referral needs a new harm)."""
    return services.harm_create(
        actor=actor,
        whanau_id=whanau.pk,
        fields={
            "what": "Ariki took Mere's car without asking and damaged it.",
            "occurred_on": timezone.localdate() - timedelta(days=10),
            "severity": "moderate",
        },
        harmed_ids=[harmed.pk],
        responsible_ids=[responsible.pk],
    )


@pytest.fixture
def harm(practitioner: User, whanau: Whanau, person: Person, child: Person) -> Harm:
    return record_harm(practitioner, whanau, person, child)


def refer(actor: User, harm: Harm, facilitator: User, kind: str = ProcessKind.FORMAL_CONFERENCE):
    return services.process_create(
        actor=actor, harm_id=harm.pk, kind=kind, facilitator_id=facilitator.pk
    )


@pytest.fixture
def process(practitioner: User, harm: Harm, facilitator: User, credential: Any) -> Any:
    return refer(practitioner, harm, facilitator)


def move(process: RestorativeProcess, target: str, **kwargs: Any) -> RestorativeProcess:
    process.refresh_from_db()
    return services.process_transition(
        actor=process.facilitator,
        process_id=process.pk,
        expected_version=process.version,
        target=target,
        **kwargs,
    )


def prepare_everyone(process: RestorativeProcess) -> None:
    today = timezone.localdate()
    for participant in process.participants.all():
        services.participant_prepare(
            actor=process.facilitator,
            participant_id=participant.pk,
            expected_version=participant.version,
            changes={"invited_on": today, "consented_on": today, "prepared_on": today},
        )


def assess(process: RestorativeProcess, outcome: str = SafetyOutcome.PROCEED, **extra: Any) -> Any:
    fields = {
        "risk_of_further_harm": "low",
        "power_imbalance": "low",
        "readiness": "Both are ready to meet.",
        "accepts_responsibility": "yes",
        "outcome": outcome,
        **extra,
    }
    return services.safety_assess(actor=process.facilitator, process_id=process.pk, fields=fields)


def record_voices(process: RestorativeProcess) -> None:
    answers = {
        p.pk: {
            str(q): f"{p.person.preferred_name}: kōrero about {q}" for q in questions_for(p.role)
        }
        for p in process.participants.all()
    }
    services.responses_record(actor=process.facilitator, process_id=process.pk, answers=answers)


def add_item(process: RestorativeProcess) -> Any:
    responsible = process.participants.get(role=ParticipantRole.RESPONSIBLE)
    harmed = process.participants.get(role=ParticipantRole.HARMED)
    return services.item_create(
        actor=process.facilitator,
        process_id=process.pk,
        what="Pay for the repair of the car",
        owner_id=responsible.pk,
        for_whom_id=harmed.pk,
        due=timezone.localdate() + timedelta(days=30),
    )


def walk_to(process: RestorativeProcess, target: str) -> RestorativeProcess:
    """Take a process (from referred) to `target` the way a facilitator would."""
    order = [State.PREPARING, State.READY, State.HELD, State.MONITORING, State.CLOSED]
    for state in order[: order.index(State(target)) + 1]:
        if state == State.READY:
            prepare_everyone(process)
            assess(process)
        elif state == State.HELD:
            record_voices(process)
        elif state == State.MONITORING:
            add_item(process)
        elif state == State.CLOSED:
            for item in process.agreement_items.all():
                services.item_update(
                    actor=process.facilitator,
                    item_id=item.pk,
                    expected_version=item.version,
                    changes={"status": ItemStatus.DONE},
                )
            for harmed in process.participants.filter(role=ParticipantRole.HARMED):
                follow_up = services.follow_up_schedule(
                    actor=process.facilitator,
                    process_id=process.pk,
                    participant_id=harmed.pk,
                    scheduled_for=timezone.localdate(),
                )
                services.follow_up_record(
                    actor=process.facilitator,
                    follow_up_id=follow_up.pk,
                    rating=8,
                    own_words="Kua pai ake — things are much better.",
                )
            process = move(process, state, outcome_summary="The car is repaired; trust is growing.")
            continue
        process = move(process, state)
    process.refresh_from_db()
    return process
