"""Reads for restorative processes."""

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When

from hononga.restorative import access
from hononga.restorative.models import (
    VOICE_ORDER,
    AgreementItem,
    Harm,
    HarmStatus,
    ItemStatus,
    Participant,
    ProcessKind,
    Response,
    RestorativeProcess,
    State,
)
from hononga.whanau import access as whanau_access
from hononga.whanau.models import Allocation, Whanau

if TYPE_CHECKING:
    from hononga.privacy.models import Correction

REVIEW_SOON_DAYS = 30
STAGE_ORDER = (State.REFERRED, State.PREPARING, State.READY, State.HELD, State.MONITORING)
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


def facilitating(*, user: Any) -> QuerySet[RestorativeProcess]:
    """The processes this user facilitates that are not yet closed or stopped: earliest stage
    first (they need the most preparation), then the oldest referral."""
    stage_order = Case(
        *(When(state=state, then=Value(rank)) for rank, state in enumerate(STAGE_ORDER)),
        default=Value(len(STAGE_ORDER)),
    )
    return (
        RestorativeProcess.objects.filter(facilitator=user)
        .exclude(state__in=[State.CLOSED, State.NOT_PROCEEDING])
        .select_related("whanau")
        .annotate(stage_rank=stage_order)
        .order_by("stage_rank", "created_at", "id")
    )


def answers_version(process: RestorativeProcess) -> str:
    """Moves whenever an answer to the restorative questions is saved (each save adds a history
    row): a draft of the conference screen made before then is not restored over newer answers."""
    saves = Response.history.filter(participant__process_id=process.pk).count()
    return str(saves)


def harm_list(
    *,
    user: Any,
    whanau_id: int | None = None,
    person_id: int | None = None,
    relationship_id: int | None = None,
    visible: QuerySet[Harm] | None = None,
) -> QuerySet[Harm]:
    """The harms the user may see that match; `visible` stands for `harms_for_user(user)` when
    the caller has already narrowed it (`access.harms_in_whanau`)."""
    harms = access.harms_for_user(user) if visible is None else visible
    if whanau_id is not None:
        harms = harms.filter(whanau_id=whanau_id)
    if person_id is not None:
        harms = harms.filter(harmed__pk=person_id) | harms.filter(responsible__pk=person_id)
    if relationship_id is not None:
        harms = harms.filter(relationships__pk=relationship_id)
    return harms.distinct().select_related("whanau").prefetch_related("harmed", "responsible")


def plans_due_for_review(
    *, user: Any, today: date, visible: list[int] | None = None
) -> QuerySet[RestorativeProcess]:
    """Family group conference plans whose review date is past or within 30 days (`visible`:
    see access.processes_for_user)."""
    return (
        access.processes_for_user(user, visible)
        .filter(
            kind=ProcessKind.FAMILY_GROUP_CONFERENCE,
            state=State.MONITORING,
            plan_review_date__lte=today + timedelta(days=REVIEW_SOON_DAYS),
        )
        .select_related("whanau")
        .order_by("plan_review_date", "id")
    )


def items_due(
    *, user: Any, today: date, visible: list[int] | None = None
) -> QuerySet[AgreementItem]:
    """Open agreement items due within two weeks or overdue, of processes the user facilitates
    or whose whānau is allocated to them (a practitioner's and a facilitator's home page;
    `visible`: see access.processes_for_user)."""
    processes = access.processes_for_user(user, visible).filter(
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


# --- Supervision: a supervisor with one practitioner ---------------------------------------------

FINISHED_STATES = [State.CLOSED, State.NOT_PROCEEDING]


def supervision_whanau(*, viewer: Any, practitioner: Any) -> QuerySet[Whanau]:
    """The whānau currently allocated to the practitioner that the viewer may see."""
    allocated = Allocation.objects.current().filter(user=practitioner).values("whanau_id")
    return whanau_access.whanau_for_user(viewer).filter(pk__in=allocated, archived_at__isnull=True)


def supervision_open_harms(*, viewer: Any, practitioner: Any) -> QuerySet[Harm]:
    """Harms still open or in a process in the practitioner's whānau, newest first."""
    whanau = supervision_whanau(viewer=viewer, practitioner=practitioner).values("pk")
    return (
        Harm.objects.filter(whanau__in=whanau, status__in=[HarmStatus.OPEN, HarmStatus.IN_PROCESS])
        .select_related("whanau")
        .order_by("-occurred_on", "-id")
    )


def unfinished_processes_of_harms(harm_ids: list[int]) -> QuerySet[RestorativeProcess]:
    """The processes of these harms that are not closed or not proceeding (one query for all)."""
    return (
        RestorativeProcess.objects.filter(harm_id__in=harm_ids)
        .exclude(state__in=FINISHED_STATES)
        .select_related("facilitator")
        .order_by("-created_at", "-id")
    )


def _supervision_unfinished_processes(
    *, viewer: Any, practitioner: Any
) -> QuerySet[RestorativeProcess]:
    whanau = supervision_whanau(viewer=viewer, practitioner=practitioner).values("pk")
    visible = whanau_access.whanau_for_user(viewer).values("pk")
    return RestorativeProcess.objects.filter(
        Q(whanau__in=whanau) | Q(facilitator=practitioner), whanau__in=visible
    ).exclude(state__in=FINISHED_STATES)


def supervision_open_processes(*, viewer: Any, practitioner: Any) -> QuerySet[RestorativeProcess]:
    """Unfinished processes in the practitioner's whānau or facilitated by them, within the
    whānau the viewer may see, each with its number of open agreement items."""
    return (
        _supervision_unfinished_processes(viewer=viewer, practitioner=practitioner)
        .annotate(
            open_items=Count("agreement_items", filter=Q(agreement_items__status=ItemStatus.OPEN))
        )
        .select_related("whanau", "facilitator", "harm")
        .order_by("-created_at", "-id")
    )


def supervision_open_items(*, viewer: Any, practitioner: Any) -> QuerySet[AgreementItem]:
    """Open agreement items of those unfinished processes, the most overdue first."""
    processes = _supervision_unfinished_processes(viewer=viewer, practitioner=practitioner)
    return (
        AgreementItem.objects.filter(process__in=processes.values("pk"), status=ItemStatus.OPEN)
        .select_related("process__whanau", "owner__person")
        .order_by("due", "id")
    )


def agreement_item_statements(item_ids: list[int]) -> dict[int, list["Correction"]]:
    """Statements of correction attached to these agreement items (hononga.privacy, IPP 7):
    they go with the item onto its pages and into every copy of the agreement (one query)."""
    from hononga.privacy.models import RecordType
    from hononga.privacy.selectors import statements_for

    found = statements_for([(RecordType.AGREEMENT_ITEM, pk) for pk in item_ids])
    return {
        record_id: [c for c in corrections if c.statement]
        for (_type, record_id), corrections in found.items()
    }
