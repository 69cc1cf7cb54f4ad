"""API for harm and restorative processes: /api/v1/harms, /api/v1/processes and their
participants, responses, agreement items, follow-ups and transitions.

The same services as the pages: outsiders get 404, those who can see but not run a process
get 403, a refused transition is 409 listing every unmet condition, a stale version is 409.
"""

from datetime import date, datetime
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import StrictBool, StrictInt

from hononga.accounts.models import Role, User
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.api import (
    CLEAN_TEXT,
    ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    BodyId,
    Day,
    Forbid,
    Id,
    PathId,
    Version,
    reject_unknown_query,
    text,
)
from hononga.core.concurrency import snapshot
from hononga.core.errors import ConflictError, sent_version
from hononga.core.pagination import Pagination
from hononga.restorative import access, lifecycle, selectors, services
from hononga.restorative.models import (
    RATING_MAX,
    RATING_MIN,
    Acceptance,
    AgreementItem,
    CredentialLevel,
    FacilitatorCredential,
    FollowUp,
    Harm,
    ItemStatus,
    Participant,
    ParticipantRole,
    ProcessKind,
    Question,
    Response,
    RestorativeProcess,
    Risk,
    SafetyAssessment,
    SafetyOutcome,
    Severity,
    State,
)
from hononga.whanau.models import TEXT_MAX

router = Router(tags=["restorative"])

LongText = Annotated[str, text(TEXT_MAX), CLEAN_TEXT]
RequiredText = Annotated[str, text(TEXT_MAX, required=True), CLEAN_TEXT]
ShortText = Annotated[str, text(300), CLEAN_TEXT]
IdList = Annotated[list[BodyId], Field(max_length=200)]
Rating = Annotated[StrictInt, Field(ge=RATING_MIN, le=RATING_MAX)]


def _user(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    return user


# --- Schemas ----------------------------------------------------------------------------------


class HarmOut(Schema):
    id: int
    whanau_id: int
    what: str
    occurred_on: date
    severity: Severity
    status: str
    harmed: list[int]
    responsible: list[int]
    relationships: list[int]
    version: int

    @staticmethod
    def resolve_harmed(obj: Harm) -> list[int]:
        return sorted(p.pk for p in obj.harmed.all())

    @staticmethod
    def resolve_responsible(obj: Harm) -> list[int]:
        return sorted(p.pk for p in obj.responsible.all())

    @staticmethod
    def resolve_relationships(obj: Harm) -> list[int]:
        return sorted(r.pk for r in obj.relationships.all())


class HarmIn(Schema):
    whanau_id: BodyId
    what: RequiredText
    occurred_on: Day
    severity: Severity
    harmed_ids: IdList = Field(description="People of this whānau who were harmed (≥ 1).")
    responsible_ids: IdList = Field(default_factory=list)
    relationship_ids: IdList = Field(default_factory=list)


class HarmPatch(Schema):
    version: Version
    what: RequiredText | None = None
    occurred_on: Day | None = None
    severity: Severity | None = None
    harmed_ids: IdList | None = None
    responsible_ids: IdList | None = None
    relationship_ids: IdList | None = None


class HarmFilters(Schema):
    whanau: Id | None = None
    person: Id | None = None
    relationship: Id | None = None


class StepOut(Schema):
    to: State
    unmet_conditions: list[str]


class ProcessOut(Schema):
    id: int
    harm_id: int
    whanau_id: int
    kind: ProcessKind
    state: State
    facilitator_id: int
    facilitator_name: str
    not_proceeding_reason: str
    stopped_on_safety_grounds: bool
    fgc_stage: str
    held_on: date | None
    conference_planned_on: date | None = Field(
        description="The date the conference is planned for (set while it is prepared)."
    )
    plan_review_date: date | None
    outcome_summary: str
    closed_on: date | None
    version: int
    created_at: datetime

    @staticmethod
    def resolve_facilitator_name(obj: RestorativeProcess) -> str:
        return obj.facilitator.display_name


class ProcessDetailOut(ProcessOut):
    next_steps: list[StepOut]

    @staticmethod
    def resolve_next_steps(obj: RestorativeProcess) -> list[dict[str, Any]]:
        if obj.is_finished:
            return []
        steps = lifecycle.next_steps(obj, today=timezone.localdate())
        return [{"to": state, "unmet_conditions": problems} for state, problems in steps]


class ProcessIn(Schema):
    harm_id: BodyId
    kind: ProcessKind
    facilitator_id: BodyId


class ProcessFilters(Schema):
    state: State | None = None
    whanau: Id | None = None
    mine: bool = Field(False, description="Only processes you facilitate.")


class TransitionIn(Schema):
    version: Version
    to: State
    reason: LongText = ""
    outcome_summary: LongText | None = Field(None, description="Needed to close.")
    on_safety_grounds: StrictBool = False


class ParticipantOut(Schema):
    id: int
    person_id: int
    name: str
    role: ParticipantRole
    invited_on: date | None
    consented_on: date | None
    consent_recorded_by_id: int | None
    prepared_on: date | None
    preparation_notes: str
    support_person: str
    wants_mihi: bool
    wants_karakia: bool
    wants_te_reo: bool
    venue: str
    interpreter: str
    accessibility: str
    version: int

    @staticmethod
    def resolve_name(obj: Participant) -> str:
        return obj.person.full_name


class ReassignIn(Schema):
    version: Version
    facilitator_id: BodyId
    reason: RequiredText


class RemovalIn(Schema):
    version: Version
    reason: RequiredText


class RemovedParticipantOut(ParticipantOut):
    removed_at: datetime | None
    removed_by_id: int | None
    removal_reason: str


class ParticipantIn(Schema):
    person_id: BodyId
    role: ParticipantRole


class PreparationPatch(Schema):
    version: Version
    invited_on: Day | None = None
    consented_on: Day | None = None
    prepared_on: Day | None = None
    preparation_notes: LongText = ""
    support_person: ShortText = ""
    wants_mihi: StrictBool = False
    wants_karakia: StrictBool = False
    wants_te_reo: StrictBool = False
    venue: ShortText = ""
    interpreter: ShortText = ""
    accessibility: ShortText = ""


class SafetyIn(Schema):
    risk_of_further_harm: Risk
    power_imbalance: Risk
    readiness: RequiredText
    accepts_responsibility: Acceptance
    outcome: SafetyOutcome
    safeguards: LongText = ""
    reason: LongText = ""


class SafetyOut(SafetyIn):
    id: int
    assessed_by_id: int
    assessed_at: datetime


class AnswerIn(Schema):
    participant_id: BodyId
    question: Question
    answer: LongText


class ResponsesIn(Schema):
    answers: list[AnswerIn] = Field(max_length=500)


class ResponseOut(Schema):
    id: int
    participant_id: int
    question: Question
    answer: str
    recorded_at: datetime


class ItemOut(Schema):
    id: int
    what: str
    owner_id: int = Field(description="The participant who does it.")
    for_whom_id: int | None
    due: date
    status: ItemStatus
    status_reason: str
    resolved_at: datetime | None
    version: int


class ItemIn(Schema):
    what: RequiredText
    owner_id: BodyId | None = Field(None, description="The participant who does it (required).")
    for_whom_id: BodyId | None = None
    due: Day | None = Field(None, description="By when (required).")


class ItemPatch(Schema):
    version: Version
    what: RequiredText | None = None
    owner_id: BodyId | None = None
    for_whom_id: BodyId | None = None
    due: Day | None = None
    status: ItemStatus | None = None
    status_reason: LongText | None = None


class FollowUpOut(Schema):
    id: int
    participant_id: int
    scheduled_for: date
    held_at: datetime | None
    rating: int | None
    own_words: str


class FollowUpIn(Schema):
    participant_id: BodyId
    scheduled_for: Day


class FollowUpRecordIn(Schema):
    rating: Rating | None = None
    own_words: LongText = ""


class CredentialOut(Schema):
    id: int
    user_id: int
    user_name: str
    level: CredentialLevel
    issued: date
    expires: date
    ended_on: date | None = Field(description="Ended early: not current from this day on.")
    end_reason: str
    is_current: bool
    version: int

    @staticmethod
    def resolve_user_name(obj: FacilitatorCredential) -> str:
        return obj.user.display_name

    @staticmethod
    def resolve_is_current(obj: FacilitatorCredential) -> bool:
        return obj.is_current(timezone.localdate())


class CredentialFilters(Schema):
    user: Id | None = Field(None, description="Only this facilitator's credentials.")


class CredentialIn(Schema):
    user_id: BodyId
    level: CredentialLevel
    issued: Day
    expires: Day


class CredentialPatch(Schema):
    version: Version
    level: CredentialLevel | None = None
    issued: Day | None = None
    expires: Day | None = None


class CredentialEndIn(Schema):
    version: Version
    ended_on: Day | None = Field(None, description="Not current from this day on; default today.")
    reason: RequiredText


# --- Facilitator credentials ------------------------------------------------------------------


@router.get("/facilitator-credentials", response={200: list[CredentialOut], **READ_ERRORS})
@paginate(Pagination)
def list_credentials(
    request: HttpRequest, filters: Query[CredentialFilters]
) -> QuerySet[FacilitatorCredential]:
    """Administrators see every credential; a facilitator sees their own."""
    reject_unknown_query(request, CredentialFilters)
    user = _user(request)
    credentials = FacilitatorCredential.objects.select_related("user")
    if user.role != Role.ADMIN:
        credentials = credentials.filter(user=user)
    if filters.user is not None:
        credentials = credentials.filter(user_id=filters.user)
    return credentials.order_by("user__username", "level", "-expires", "id")


@router.post("/facilitator-credentials", response={201: CredentialOut, **ERRORS})
def create_credential(request: HttpRequest, payload: CredentialIn) -> Status:
    credential = services.credential_create(
        actor=_user(request),
        user_id=payload.user_id,
        level=payload.level,
        issued=payload.issued,
        expires=payload.expires,
        request=request,
    )
    return Status(201, credential)


@router.patch(
    "/facilitator-credentials/{credential_id}", response={200: CredentialOut, **WRITE_ERRORS}
)
def update_credential(
    request: HttpRequest, payload: CredentialPatch, credential_id: int = PathId
) -> FacilitatorCredential:
    """Correct a credential's level, issue or expiry (administrators). Stale `version`: 409."""
    changes = payload.model_dump(exclude={"version"}, exclude_none=True)
    with sent_version(payload.version):
        return services.credential_update(
            actor=_user(request),
            credential_id=credential_id,
            expected_version=payload.version,
            changes=changes,
            request=request,
        )


@router.post(
    "/facilitator-credentials/{credential_id}/end", response={200: CredentialOut, **WRITE_ERRORS}
)
def end_credential(
    request: HttpRequest, payload: CredentialEndIn, credential_id: int = PathId
) -> FacilitatorCredential:
    """End a credential early (administrators): withdrawn, or the facilitator left. Processes
    that need it stop moving forward until they are reassigned."""
    with sent_version(payload.version):
        return services.credential_end(
            actor=_user(request),
            credential_id=credential_id,
            expected_version=payload.version,
            ended_on=payload.ended_on,
            reason=payload.reason,
            request=request,
        )


# --- Harm -------------------------------------------------------------------------------------


@router.get("/harms", response={200: list[HarmOut], **READ_ERRORS})
@paginate(Pagination)
def list_harms(request: HttpRequest, filters: Query[HarmFilters]) -> QuerySet[Harm]:
    reject_unknown_query(request, HarmFilters)
    user = _user(request)
    record_event(actor=user, action=Action.LIST, summary="Listed harms (API)", request=request)
    return (
        selectors.harm_list(
            user=user,
            whanau_id=filters.whanau,
            person_id=filters.person,
            relationship_id=filters.relationship,
        )
        .prefetch_related("relationships")
        .order_by("-occurred_on", "-id")
    )


@router.post("/harms", response={201: HarmOut, **ERRORS})
def create_harm(request: HttpRequest, payload: HarmIn) -> Status:
    harm = services.harm_create(
        actor=_user(request),
        whanau_id=payload.whanau_id,
        fields={
            "what": payload.what,
            "occurred_on": payload.occurred_on,
            "severity": payload.severity,
        },
        harmed_ids=list(payload.harmed_ids),
        responsible_ids=list(payload.responsible_ids),
        relationship_ids=list(payload.relationship_ids),
        request=request,
    )
    return Status(201, harm)


@router.get("/harms/{harm_id}", response={200: HarmOut, **READ_ERRORS})
def get_harm(request: HttpRequest, harm_id: int = PathId) -> Harm:
    user = _user(request)
    harm = access.get_harm_for_user(user, harm_id)
    record_event(
        actor=user,
        action=Action.VIEW,
        target=harm,
        whanau_id=harm.whanau_id,
        summary="Viewed harm (API)",
        request=request,
    )
    return harm


@router.patch("/harms/{harm_id}", response={200: HarmOut, **WRITE_ERRORS})
def update_harm(request: HttpRequest, payload: HarmPatch, harm_id: int = PathId) -> Harm:
    """Correct a harm record. Send the `version` you read; a stale one gets 409."""
    changes = {
        k: v
        for k, v in payload.model_dump(include={"what", "occurred_on", "severity"}).items()
        if v is not None
    }
    with sent_version(payload.version):
        return services.harm_update(
            actor=_user(request),
            harm_id=harm_id,
            expected_version=payload.version,
            changes=changes,
            harmed_ids=payload.harmed_ids,
            responsible_ids=payload.responsible_ids,
            relationship_ids=payload.relationship_ids,
            request=request,
        )


# --- Processes --------------------------------------------------------------------------------


@router.get("/processes", response={200: list[ProcessOut], **READ_ERRORS})
@paginate(Pagination)
def list_processes(
    request: HttpRequest, filters: Query[ProcessFilters]
) -> QuerySet[RestorativeProcess]:
    """Processes you may see: your whānau's, and those you facilitate."""
    reject_unknown_query(request, ProcessFilters)
    user = _user(request)
    record_event(
        actor=user,
        action=Action.LIST,
        summary="Listed restorative processes (API)",
        request=request,
    )
    return selectors.process_list(
        user=user, state=filters.state or "", mine=filters.mine, whanau_id=filters.whanau
    )


@router.post("/processes", response={201: ProcessDetailOut, **ERRORS})
def create_process(request: HttpRequest, payload: ProcessIn) -> Status:
    """Refer a harm; its harmed and responsible people join as participants."""
    process = services.process_create(
        actor=_user(request),
        harm_id=payload.harm_id,
        kind=payload.kind,
        facilitator_id=payload.facilitator_id,
        request=request,
    )
    return Status(201, selectors.process_detail(process.pk))


def _visible_process(request: HttpRequest, process_id: int) -> RestorativeProcess:
    return access.get_process_for_user(_user(request), process_id)


@router.get("/processes/{process_id}", response={200: ProcessDetailOut, **READ_ERRORS})
def get_process(request: HttpRequest, process_id: int = PathId) -> RestorativeProcess:
    """The process, with each forward move and the conditions it still needs."""
    process = _visible_process(request, process_id)
    record_event(
        actor=_user(request),
        action=Action.VIEW,
        target=process,
        whanau_id=process.whanau_id,
        summary="Viewed a restorative process (API)",
        request=request,
    )
    return selectors.process_detail(process.pk)


@router.post(
    "/processes/{process_id}/transitions", response={200: ProcessDetailOut, **WRITE_ERRORS}
)
def transition_process(
    request: HttpRequest, payload: TransitionIn, process_id: int = PathId
) -> RestorativeProcess:
    """Move the process to another stage. Refused: 409 with `errors` listing each unmet
    condition (field `state`). A stale `version`: 409 with the saved process."""
    _visible_process(request, process_id)
    try:
        services.process_transition(
            actor=_user(request),
            process_id=process_id,
            expected_version=payload.version,
            target=payload.to,
            reason=payload.reason,
            outcome_summary=payload.outcome_summary,
            on_safety_grounds=payload.on_safety_grounds,
            request=request,
        )
    except ConflictError as error:
        error.your_version = payload.version
        error.current = snapshot(RestorativeProcess.objects.get(pk=process_id))
        raise
    return selectors.process_detail(process_id)


class ReassignedOut(Schema):
    """What reassigning needs and nothing more: administrators see no case content (no whānau,
    no people, no harm) without breaking glass."""

    id: int
    version: int
    kind: str
    state: str
    facilitator_id: int
    facilitator: str = Field(description="The new facilitator's display name.")

    @staticmethod
    def resolve_facilitator(obj: RestorativeProcess) -> str:
        return obj.facilitator.display_name


def _reassign_fields(process: RestorativeProcess) -> dict[str, Any]:
    return {
        "id": process.pk,
        "version": process.version,
        "kind": process.kind,
        "state": process.state,
        "facilitator_id": process.facilitator_id,
    }


@router.post("/processes/{process_id}/facilitator", response={200: ReassignedOut, **WRITE_ERRORS})
def reassign_process(
    request: HttpRequest, payload: ReassignIn, process_id: int = PathId
) -> RestorativeProcess:
    """Give the process another facilitator: administrators, and supervisors for their teams'
    whānau. A formal or family group conference needs the new facilitator to hold a current
    credential of its level (422 naming what is missing); a stale `version` is 409, whose
    `current` holds only the fields below (no case content)."""
    try:
        with sent_version(payload.version):
            services.process_reassign(
                actor=_user(request),
                process_id=process_id,
                expected_version=payload.version,
                facilitator_id=payload.facilitator_id,
                reason=payload.reason,
                request=request,
            )
    except ConflictError as error:
        error.current = _reassign_fields(RestorativeProcess.objects.get(pk=process_id))
        raise
    return RestorativeProcess.objects.select_related("facilitator").get(pk=process_id)


class ConferenceDateIn(Forbid):
    version: Version
    conference_planned_on: Day | None = Field(
        description="Today or later, within a year; null clears it."
    )


@router.put(
    "/processes/{process_id}/conference-date",
    response={200: ProcessDetailOut, **WRITE_ERRORS},
    summary="Set the date the conference is planned for",
)
def plan_conference(
    request: HttpRequest, payload: ConferenceDateIn, process_id: int = PathId
) -> RestorativeProcess:
    """The facilitator sets (or clears, with null) the planned conference date before it is
    held; it shows in their diary and calendar feed. A past date, one more than a year ahead
    or a conference already held: 422; a stale `version`: 409 with the saved process."""
    _visible_process(request, process_id)
    try:
        with sent_version(payload.version):
            services.process_plan_conference(
                actor=_user(request),
                process_id=process_id,
                expected_version=payload.version,
                planned_on=payload.conference_planned_on,
                request=request,
            )
    except ConflictError as error:
        error.your_version = payload.version
        error.current = snapshot(RestorativeProcess.objects.get(pk=process_id))
        raise
    return selectors.process_detail(process_id)


# --- Participants -----------------------------------------------------------------------------


@router.get(
    "/processes/{process_id}/participants", response={200: list[ParticipantOut], **READ_ERRORS}
)
@paginate(Pagination)
def list_participants(request: HttpRequest, process_id: int = PathId) -> QuerySet[Participant]:
    process = _visible_process(request, process_id)
    return process.participants.select_related("person").order_by("id")


@router.post("/processes/{process_id}/participants", response={201: ParticipantOut, **ERRORS})
def add_participant(
    request: HttpRequest, payload: ParticipantIn, process_id: int = PathId
) -> Status:
    """Add a participant. A person harmed or responsible added to a ready process sends it back
    to preparing: they consent and are prepared before the conference, like everyone else."""
    _visible_process(request, process_id)
    participant = services.participant_add(
        actor=_user(request),
        process_id=process_id,
        person_id=payload.person_id,
        role=payload.role,
        request=request,
    )
    return Status(201, Participant.objects.select_related("person").get(pk=participant.pk))


@router.put("/participants/{participant_id}", response={200: ParticipantOut, **WRITE_ERRORS})
def prepare_participant(
    request: HttpRequest, payload: PreparationPatch, participant_id: int = PathId
) -> Participant:
    """Record invitation, consent, preparation and needs (the whole preparation record)."""
    changes = payload.model_dump(exclude={"version"})
    with sent_version(payload.version):
        services.participant_prepare(
            actor=_user(request),
            participant_id=participant_id,
            expected_version=payload.version,
            changes=changes,
            request=request,
        )
    return Participant.objects.select_related("person").get(pk=participant_id)


@router.post(
    "/participants/{participant_id}/remove", response={200: RemovedParticipantOut, **WRITE_ERRORS}
)
def remove_participant(
    request: HttpRequest, payload: RemovalIn, participant_id: int = PathId
) -> Participant:
    """Remove a participant added by mistake, with the reason; only before the conference is
    held and while they have no answers or agreement items. The record is kept, marked removed."""
    with sent_version(payload.version):
        services.participant_remove(
            actor=_user(request),
            participant_id=participant_id,
            expected_version=payload.version,
            reason=payload.reason,
            request=request,
        )
    return Participant.all_objects.select_related("person").get(pk=participant_id)


# --- Safety -----------------------------------------------------------------------------------


@router.post("/processes/{process_id}/safety-assessments", response={201: SafetyOut, **ERRORS})
def assess_safety(request: HttpRequest, payload: SafetyIn, process_id: int = PathId) -> Status:
    _visible_process(request, process_id)
    assessment = services.safety_assess(
        actor=_user(request), process_id=process_id, fields=payload.model_dump(), request=request
    )
    return Status(201, assessment)


@router.get(
    "/processes/{process_id}/safety-assessments", response={200: list[SafetyOut], **READ_ERRORS}
)
@paginate(Pagination)
def list_safety(request: HttpRequest, process_id: int = PathId) -> QuerySet[SafetyAssessment]:
    return _visible_process(request, process_id).safety_assessments.order_by("-assessed_at", "-id")


# --- Responses --------------------------------------------------------------------------------


@router.get("/processes/{process_id}/responses", response={200: list[ResponseOut], **READ_ERRORS})
@paginate(Pagination)
def list_responses(request: HttpRequest, process_id: int = PathId) -> QuerySet[Response]:
    process = _visible_process(request, process_id)
    return Response.objects.filter(participant__process=process).order_by("participant_id", "id")


@router.post("/processes/{process_id}/responses", response={200: list[ResponseOut], **ERRORS})
def record_responses(
    request: HttpRequest, payload: ResponsesIn, process_id: int = PathId
) -> QuerySet[Response]:
    """Record answers to the restorative questions, each in the participant's own words."""
    process = _visible_process(request, process_id)
    answers: dict[int, dict[str, str]] = {}
    for answer in payload.answers:
        answers.setdefault(answer.participant_id, {})[answer.question] = answer.answer
    services.responses_record(
        actor=_user(request), process_id=process_id, answers=answers, request=request
    )
    return Response.objects.filter(participant__process=process).order_by("participant_id", "id")


# --- Agreement items --------------------------------------------------------------------------


@router.get("/processes/{process_id}/agreement-items", response={200: list[ItemOut], **READ_ERRORS})
@paginate(Pagination)
def list_items(request: HttpRequest, process_id: int = PathId) -> QuerySet[AgreementItem]:
    return _visible_process(request, process_id).agreement_items.order_by("due", "id")


@router.post("/processes/{process_id}/agreement-items", response={201: ItemOut, **ERRORS})
def create_item(request: HttpRequest, payload: ItemIn, process_id: int = PathId) -> Status:
    """An item is specific: what, who does it (a participant), for whom, by when."""
    _visible_process(request, process_id)
    item = services.item_create(
        actor=_user(request),
        process_id=process_id,
        what=payload.what,
        owner_id=payload.owner_id,
        for_whom_id=payload.for_whom_id,
        due=payload.due,
        request=request,
    )
    return Status(201, item)


@router.patch("/agreement-items/{item_id}", response={200: ItemOut, **WRITE_ERRORS})
def update_item(request: HttpRequest, payload: ItemPatch, item_id: int = PathId) -> AgreementItem:
    """Change an item or its status (varied and not done need `status_reason`)."""
    changes = payload.model_dump(exclude_unset=True, exclude={"version"})
    for key in ("what", "due", "status", "status_reason", "owner_id"):
        if key in changes and changes[key] is None:
            changes.pop(key)
    with sent_version(payload.version):
        return services.item_update(
            actor=_user(request),
            item_id=item_id,
            expected_version=payload.version,
            changes=changes,
            request=request,
        )


# --- Follow-ups -------------------------------------------------------------------------------


@router.get("/processes/{process_id}/follow-ups", response={200: list[FollowUpOut], **READ_ERRORS})
@paginate(Pagination)
def list_follow_ups(request: HttpRequest, process_id: int = PathId) -> QuerySet[FollowUp]:
    return _visible_process(request, process_id).follow_ups.order_by("scheduled_for", "id")


@router.post("/processes/{process_id}/follow-ups", response={201: FollowUpOut, **ERRORS})
def schedule_follow_up(
    request: HttpRequest, payload: FollowUpIn, process_id: int = PathId
) -> Status:
    _visible_process(request, process_id)
    follow_up = services.follow_up_schedule(
        actor=_user(request),
        process_id=process_id,
        participant_id=payload.participant_id,
        scheduled_for=payload.scheduled_for,
        request=request,
    )
    return Status(201, follow_up)


@router.post("/follow-ups/{follow_up_id}/record", response={200: FollowUpOut, **ERRORS})
def record_follow_up(
    request: HttpRequest, payload: FollowUpRecordIn, follow_up_id: int = PathId
) -> FollowUp:
    """Record the follow-up as held: a person harmed gives a 0–10 rating and their words."""
    return services.follow_up_record(
        actor=_user(request),
        follow_up_id=follow_up_id,
        rating=payload.rating,
        own_words=payload.own_words,
        request=request,
    )
