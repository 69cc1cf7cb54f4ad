"""Demo restorative work (synthetic, deterministic, idempotent).

The demo facilitator holds current conference and family group conference credentials. In the
first open whānau of the demo practitioner: one harm whose formal conference was held and is
being monitored (one item done, one overdue, a follow-up booked), and one harm just referred.
Written directly rather than through the services: demo data is nobody's action, so it leaves no
audit events.
"""

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from hononga.accounts.models import User
from hononga.restorative.models import (
    AgreementItem,
    CredentialLevel,
    FacilitatorCredential,
    FollowUp,
    Harm,
    HarmStatus,
    ItemStatus,
    Participant,
    ParticipantRole,
    ProcessKind,
    Response,
    RestorativeProcess,
    SafetyAssessment,
    State,
)
from hononga.restorative.questions import questions_for
from hononga.whanau.models import Allocation, Person, PersonKind

HARM_HELD = "Demo: took the whānau car without asking and dented it on the way back from town."
HARM_NEW = "Demo: hurtful posts about a cousin on social media after the hui."
ANSWERS = {
    ParticipantRole.RESPONSIBLE: {
        "happened": "I took the car to town without asking and scraped it on a post.",
        "thinking": "I wanted to see my mates and didn't think past that.",
        "since": "That Mum couldn't get to work because of me.",
        "affected": "Mum, and my little brother who missed kura.",
        "repair": "Pay for the repair from my wages and say sorry properly.",
        "prevent": "Ask first. If the answer is no, it's no.",
    },
    ParticipantRole.HARMED: {
        "happened": "Kua pōuri au — I felt let down more than angry.",
        "thinking": "I missed two shifts and the kids missed school.",
        "since": "Not knowing if I could trust him with the keys again.",
        "repair": "Honesty, and the car fixed.",
        "prevent": "Talk to me before, not after.",
    },
}


def load(stdout: Any) -> None:
    if Harm.objects.filter(what=HARM_HELD).exists():
        stdout.write("Demo restorative processes already loaded.")
        return
    facilitator = User.objects.filter(username="demo-facilitator").first()
    practitioner = User.objects.filter(username="demo-practitioner").first()
    if facilitator is None or practitioner is None:
        stdout.write("Demo restorative processes skipped (no demo users).")
        return
    today = timezone.localdate()
    # A second facilitator holds a conference credential, so a process can be reassigned.
    second = User.objects.filter(username="demo-facilitator2").first()
    credentials = [(facilitator, CredentialLevel.CONFERENCE)]
    credentials += [(facilitator, CredentialLevel.FAMILY_GROUP_CONFERENCE)]
    credentials += [(second, CredentialLevel.CONFERENCE)] if second else []
    for holder, level in credentials:
        FacilitatorCredential.objects.get_or_create(
            user=holder,
            level=level,
            defaults={
                "issued": today - timedelta(days=400),
                "expires": today + timedelta(days=330),
                "recorded_by": holder,
            },
        )
    allocation = (
        Allocation.objects.filter(user=practitioner, whanau__status="open")
        .select_related("whanau")
        .order_by("whanau__name", "pk")
        .first()
    )
    if allocation is None:
        stdout.write("Demo restorative processes skipped (no open whānau).")
        return
    whanau = allocation.whanau
    people = list(
        Person.objects.filter(
            memberships__whanau=whanau, memberships__archived_at__isnull=True
        ).order_by("date_of_birth", "pk")
    )
    adults = [p for p in people if p.kind not in (PersonKind.TAMARIKI, PersonKind.RANGATAHI)]
    young = [p for p in people if p not in adults]
    if len(people) < 2:
        stdout.write("Demo restorative processes skipped (whānau too small).")
        return
    harmed_person = adults[0] if adults else people[0]
    responsible_person = (young or [p for p in people if p != harmed_person])[-1]

    held = Harm.objects.create(
        whanau=whanau,
        what=HARM_HELD,
        occurred_on=today - timedelta(days=60),
        severity="moderate",
        status=HarmStatus.IN_PROCESS,
        recorded_by=practitioner,
    )
    held.harmed.set([harmed_person])
    held.responsible.set([responsible_person])
    process = RestorativeProcess.objects.create(
        harm=held,
        whanau=whanau,
        kind=ProcessKind.FORMAL_CONFERENCE,
        facilitator=facilitator,
        referred_by=practitioner,
        state=State.MONITORING,
        held_on=today - timedelta(days=30),
    )
    participants = {}
    for person, role in (
        (harmed_person, ParticipantRole.HARMED),
        (responsible_person, ParticipantRole.RESPONSIBLE),
    ):
        participant = Participant.objects.create(
            process=process,
            person=person,
            role=role,
            invited_on=today - timedelta(days=50),
            consented_on=today - timedelta(days=45),
            consent_recorded_by=facilitator,
            prepared_on=today - timedelta(days=40),
            preparation_notes="Talked through: taking part is voluntary; what stays confidential.",
            wants_karakia=True,
            wants_te_reo=role == ParticipantRole.HARMED,
            venue="Te Puna marae",
        )
        participants[role] = participant
        for question in questions_for(role):
            Response.objects.create(
                participant=participant,
                question=question,
                answer=ANSWERS[role][question],
                recorded_by=facilitator,
            )
    SafetyAssessment.objects.create(
        process=process,
        risk_of_further_harm="low",
        power_imbalance="medium",
        readiness="Both ready to meet, with a support person each.",
        accepts_responsibility="yes",
        outcome="safeguards",
        safeguards="A support person sits with each; a break room is available.",
        assessed_by=facilitator,
    )
    harmed = participants[ParticipantRole.HARMED]
    responsible = participants[ParticipantRole.RESPONSIBLE]
    AgreementItem.objects.create(
        process=process,
        what="Say sorry in person, at the whānau dinner",
        owner=responsible,
        for_whom=harmed,
        due=today - timedelta(days=20),
        status=ItemStatus.DONE,
        resolved_at=timezone.make_aware(datetime.combine(today - timedelta(days=21), time(18))),
    )
    AgreementItem.objects.create(
        process=process,
        what="Pay for the panel repair from part-time wages",
        owner=responsible,
        for_whom=harmed,
        due=today - timedelta(days=3),
    )
    FollowUp.objects.create(
        process=process,
        participant=harmed,
        scheduled_for=today + timedelta(days=7),
        recorded_by=facilitator,
    )

    fresh = Harm.objects.create(
        whanau=whanau,
        what=HARM_NEW,
        occurred_on=today - timedelta(days=5),
        severity="minor",
        status=HarmStatus.IN_PROCESS,
        recorded_by=practitioner,
    )
    fresh.harmed.set([harmed_person])
    fresh.responsible.set([responsible_person])
    referred = RestorativeProcess.objects.create(
        harm=fresh,
        whanau=whanau,
        kind=ProcessKind.RESTORATIVE_MEETING,
        facilitator=facilitator,
        referred_by=practitioner,
    )
    Participant.objects.create(process=referred, person=harmed_person, role=ParticipantRole.HARMED)
    Participant.objects.create(
        process=referred, person=responsible_person, role=ParticipantRole.RESPONSIBLE
    )
    stdout.write("Demo restorative processes loaded (2).")
