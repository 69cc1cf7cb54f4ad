"""Reads for restorative processes."""

from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet

from hononga.restorative import access
from hononga.restorative.models import (
    VOICE_ORDER,
    AgreementItem,
    Harm,
    ItemStatus,
    Participant,
    ProcessKind,
    RestorativeProcess,
    State,
)

REVIEW_SOON_DAYS = 30
DUE_SOON_DAYS = 14


def process_list(
    *, user: Any, state: str = "", mine: bool = False, whanau_id: int | None = None
) -> QuerySet[RestorativeProcess]:
    processes = access.processes_for_user(user)
    if state:
        processes = processes.filter(state=state)
    if mine:
        processes = processes.filter(facilitator=user)
    if whanau_id is not None:
        processes = processes.filter(whanau_id=whanau_id)
    return processes.select_related("whanau", "facilitator", "harm").order_by("-created_at", "-id")


def harm_list(
    *,
    user: Any,
    whanau_id: int | None = None,
    person_id: int | None = None,
    relationship_id: int | None = None,
) -> QuerySet[Harm]:
    harms = access.harms_for_user(user)
    if whanau_id is not None:
        harms = harms.filter(whanau_id=whanau_id)
    if person_id is not None:
        harms = harms.filter(harmed__pk=person_id) | harms.filter(responsible__pk=person_id)
    if relationship_id is not None:
        harms = harms.filter(relationships__pk=relationship_id)
    return harms.distinct().select_related("whanau").prefetch_related("harmed", "responsible")


def plans_due_for_review(*, user: Any, today: date) -> QuerySet[RestorativeProcess]:
    """Family group conference plans whose review date is past or within 30 days."""
    return (
        access.processes_for_user(user)
        .filter(
            kind=ProcessKind.FAMILY_GROUP_CONFERENCE,
            state=State.MONITORING,
            plan_review_date__lte=today + timedelta(days=REVIEW_SOON_DAYS),
        )
        .select_related("whanau")
        .order_by("plan_review_date", "id")
    )


def items_due(*, user: Any, today: date) -> QuerySet[AgreementItem]:
    """Open agreement items due within two weeks or overdue, of processes the user facilitates
    or whose whānau is allocated to them (a practitioner's and a facilitator's home page)."""
    processes = access.processes_for_user(user).filter(
        state__in=[State.READY, State.HELD, State.MONITORING]
    )
    return (
        AgreementItem.objects.filter(
            process__in=processes.values("pk"),
            status=ItemStatus.OPEN,
            due__lte=today + timedelta(days=DUE_SOON_DAYS),
        )
        .select_related("process__whanau", "owner__person")
        .order_by("due", "id")
    )


def participants_in_voice_order(process: RestorativeProcess) -> list[Participant]:
    """The people who answer the restorative questions, the person responsible first."""
    participants = (
        process.participants.select_related("person")
        .prefetch_related("responses")
        .filter(role__in=VOICE_ORDER)
    )
    order = [str(role) for role in VOICE_ORDER]
    return sorted(participants, key=lambda p: (order.index(p.role), p.pk))


def process_detail(process_id: int) -> RestorativeProcess:
    return (
        RestorativeProcess.objects.select_related("harm", "whanau", "facilitator", "referred_by")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("person", "consent_recorded_by")
                .prefetch_related("responses")
                .order_by("id"),
            ),
            Prefetch(
                "agreement_items",
                queryset=AgreementItem.objects.select_related("owner__person", "for_whom__person"),
            ),
            "follow_ups__participant__person",
        )
        .get(pk=process_id)
    )
