"""API: subject access exports (privacy officer), correction requests, retention rules."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from hononga.accounts.models import User
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.api import (
    CLEAN_TEXT,
    ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    Day,
    Forbid,
    Problem,
    Version,
    forbidden,
    problem,
    reject_unknown_query,
    text,
)
from hononga.core.errors import NotFound
from hononga.core.pagination import Pagination
from hononga.privacy import export, selectors, services
from hononga.privacy.models import (
    Correction,
    ExportStatus,
    RetentionRule,
    SubjectAccessRequest,
)

router = Router()
PathId = Path(..., ge=1, le=2**63 - 1)
LongText = Annotated[str, text(2000, required=True), CLEAN_TEXT]


def _user(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    return user


def _officer(request: HttpRequest) -> User:
    user = _user(request)
    if not selectors.is_privacy_officer(user):
        raise forbidden("Only a privacy officer can do this (a permission of its own).")
    return user


# --- Exports ---------------------------------------------------------------------------------


class ExportIn(Forbid):
    reason: LongText = Field(description="Who asked, how, and what for.")
    received_on: Day | None = Field(
        None, description="When the request was received (default today); due 20 working days on."
    )


class ExportOut(Schema):
    id: int
    person_id: int | None
    whanau_id: int | None
    status: str = Field(description="queued, running, ready, failed or expired")
    progress: int
    total: int
    received_on: date
    due_on: date
    expires_at: datetime | None
    released_on: date | None
    page_url: str = Field(description="The export's page, with its downloads while not expired.")
    json_url: str | None = Field(
        description="Download the machine-readable export (API, privacy officer): null until "
        "it is ready and once it has expired."
    )
    pdf_url: str | None = Field(description="Download the readable PDF (the same rules).")

    @staticmethod
    def resolve_page_url(obj: SubjectAccessRequest) -> str:
        return reverse("privacy:export", args=[obj.pk])

    @staticmethod
    def resolve_json_url(obj: SubjectAccessRequest) -> str | None:
        return f"/api/v1/exports/{obj.pk}/export.json" if _downloadable(obj) else None

    @staticmethod
    def resolve_pdf_url(obj: SubjectAccessRequest) -> str | None:
        return f"/api/v1/exports/{obj.pk}/export.pdf" if _downloadable(obj) else None


def _downloadable(sar: SubjectAccessRequest) -> bool:
    return (
        sar.status == ExportStatus.READY
        and sar.expires_at is not None
        and sar.expires_at > timezone.now()
    )


@router.post(
    "/people/{person_id}/export",
    response={202: ExportOut, **ERRORS},
    tags=["privacy"],
)
def export_person(request: HttpRequest, payload: ExportIn, person_id: int = PathId) -> Status:
    """Start a subject access export of everything held about one person (privacy officer).
    Built in the background: poll `GET /exports/{id}`. Audited and shown to the supervisors of
    the person's whānau."""
    user = _officer(request)
    sar = services.export_request(
        actor=user,
        reason=payload.reason,
        received_on=payload.received_on,
        person_id=person_id,
        request=request,
    )
    return Status(202, sar)


@router.post(
    "/whanau/{whanau_id}/export",
    response={202: ExportOut, **ERRORS},
    tags=["privacy"],
)
def export_whanau(request: HttpRequest, payload: ExportIn, whanau_id: int = PathId) -> Status:
    """The same for a whānau as a whole (privacy officer)."""
    user = _officer(request)
    sar = services.export_request(
        actor=user,
        reason=payload.reason,
        received_on=payload.received_on,
        whanau_id=whanau_id,
        request=request,
    )
    return Status(202, sar)


@router.get("/exports", response={200: list[ExportOut], **ERRORS}, tags=["privacy"])
@paginate(Pagination)
def list_exports(request: HttpRequest) -> QuerySet[SubjectAccessRequest]:
    reject_unknown_query(request)
    user = _officer(request)
    record_event(
        actor=user,
        action=Action.LIST,
        summary="Privacy officer: listed subject access exports (API)",
        data={"privacy_officer": True},
        request=request,
    )
    return SubjectAccessRequest.objects.order_by("-created_at", "-id")


@router.get("/exports/{export_id}", response={200: ExportOut, **ERRORS}, tags=["privacy"])
def get_export(request: HttpRequest, export_id: int = PathId) -> SubjectAccessRequest:
    user = _officer(request)
    sar = SubjectAccessRequest.objects.filter(pk=export_id).first()
    if sar is None:
        raise NotFound("There is no such export.")
    record_event(
        actor=user,
        action=Action.VIEW,
        target=sar,
        summary="Privacy officer: viewed a subject access export (API)",
        data={"privacy_officer": True},
        request=request,
    )
    return sar


def _download(request: HttpRequest, export_id: int, fmt: str) -> HttpResponseBase:
    """The export's file from shared storage: 409 while it is being built (or failed), 410 once
    it has expired. Every download is audited and shown to the whānau's supervisors."""
    user = _officer(request)
    sar = SubjectAccessRequest.objects.select_related("person").filter(pk=export_id).first()
    if sar is None:
        raise NotFound("There is no such export.")
    if sar.status == ExportStatus.EXPIRED or (
        sar.status == ExportStatus.READY
        and (sar.expires_at is None or sar.expires_at <= timezone.now())
    ):
        return problem(
            request, 410, "Expired", "This export has expired and its files are deleted."
        )
    if sar.status != ExportStatus.READY:
        return problem(
            request,
            409,
            "Not ready",
            f"This export is not ready ({sar.get_status_display()}); poll GET /exports/{{id}}.",
        )
    path = export.export_dir(sar) / f"export.{fmt}"
    if not path.exists():
        return problem(request, 410, "Expired", "This export's files are no longer held.")
    services.export_downloaded(actor=user, sar=sar, fmt=fmt, request=request)
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"subject-access-{sar.pk}.{fmt}",
        content_type="application/pdf" if fmt == "pdf" else "application/json",
    )
    response["Cache-Control"] = "no-store"
    return response


DOWNLOAD_ERRORS: dict[int, Any] = {**ERRORS, 409: Problem, 410: Problem}


def _file_response(content_type: str, schema: dict[str, Any], description: str) -> Any:
    return {
        "responses": {
            200: {"description": description, "content": {content_type: {"schema": schema}}}
        }
    }


@router.get(
    "/exports/{export_id}/export.json",
    response=DOWNLOAD_ERRORS,
    tags=["privacy"],
    openapi_extra=_file_response(
        "application/json",
        {"type": "object", "description": "Everything held, section by section."},
        "The machine-readable export (an attachment).",
    ),
)
def download_export_json(request: HttpRequest, export_id: int = PathId) -> HttpResponseBase:
    """Download the export as JSON (privacy officer; audited; 410 once expired)."""
    return _download(request, export_id, "json")


@router.get(
    "/exports/{export_id}/export.pdf",
    response=DOWNLOAD_ERRORS,
    tags=["privacy"],
    openapi_extra=_file_response(
        "application/pdf",
        {"type": "string", "format": "binary"},
        "The readable export as a PDF (an attachment).",
    ),
)
def download_export_pdf(request: HttpRequest, export_id: int = PathId) -> HttpResponseBase:
    """Download the export as a PDF (privacy officer; audited; 410 once expired)."""
    return _download(request, export_id, "pdf")


# --- Corrections -----------------------------------------------------------------------------


class CorrectionOut(Schema):
    id: int
    person_id: int
    whanau_id: int
    record_type: str
    record_id: int
    record_label: str
    what_is_wrong: str
    should_say: str
    asked_at: datetime
    due_on: date
    status: str = Field(description="open, corrected or not_corrected")
    decided_at: datetime | None
    decision_note: str
    statement: str = Field(description="The statement of correction attached to the record.")
    version: int


class CorrectionFilters(Schema):
    status: Literal["open", "corrected", "not_corrected"] | None = None


class DecisionIn(Forbid):
    outcome: Literal["corrected", "not_corrected"]
    note: LongText = Field(description="What was changed, or why not (the person reads it).")
    version: Version


@router.get(
    "/corrections", response={200: list[CorrectionOut], **READ_ERRORS}, tags=["corrections"]
)
@paginate(Pagination)
def list_corrections(
    request: HttpRequest, filters: Query[CorrectionFilters]
) -> QuerySet[Correction]:
    """Correction requests about the whānau you may see, due soonest first."""
    reject_unknown_query(request, CorrectionFilters)
    user = _user(request)
    rows = selectors.corrections_for_user(user)
    if filters.status:
        rows = rows.filter(status=filters.status)
    record_event(
        actor=user,
        action=Action.LIST,
        summary="Listed correction requests (API)",
        data={"status": filters.status},
        request=request,
    )
    return rows.order_by("due_on", "id")


def _visible_correction(request: HttpRequest, correction_id: int) -> Correction:
    correction = selectors.corrections_for_user(_user(request)).filter(pk=correction_id).first()
    if correction is None:
        raise NotFound("There is no such correction request.")
    return correction


@router.get(
    "/corrections/{correction_id}",
    response={200: CorrectionOut, **READ_ERRORS},
    tags=["corrections"],
)
def get_correction(request: HttpRequest, correction_id: int = PathId) -> Correction:
    correction = _visible_correction(request, correction_id)
    record_event(
        actor=_user(request),
        action=Action.VIEW,
        target=correction,
        whanau_id=correction.whanau_id,
        summary="Viewed a correction request (API)",
        request=request,
    )
    return correction


@router.post(
    "/corrections/{correction_id}/decision",
    response={200: CorrectionOut, **WRITE_ERRORS},
    tags=["corrections"],
)
def decide_correction(
    request: HttpRequest, payload: DecisionIn, correction_id: int = PathId
) -> Correction:
    """Corrected (say what changed) or not corrected (say why; the person's words are attached
    to the record as a statement of correction). The person is told. A decided request: 409."""
    user = _user(request)
    correction = _visible_correction(request, correction_id)
    if not selectors.corrections_for_user(user, deciding=True).filter(pk=correction.pk).exists():
        raise forbidden("Only the whānau's practitioners and supervisors decide corrections.")
    return services.correction_decide(
        actor=user,
        correction_id=correction.pk,
        outcome=payload.outcome,
        note=payload.note,
        version=payload.version,
        request=request,
    )


# --- Retention -------------------------------------------------------------------------------


class RetentionRuleOut(Schema):
    id: int
    target: str
    description: str
    keep_days: int
    action: str = Field(description="delete or deidentify")
    authority: str = Field(description="The disposal authority the rule implements.")
    authority_class: str
    active: bool


@router.get(
    "/retention/rules", response={200: list[RetentionRuleOut], **ERRORS}, tags=["retention"]
)
@paginate(Pagination)
def list_retention_rules(request: HttpRequest) -> QuerySet[RetentionRule]:
    """The agency's retention schedule (privacy officer)."""
    reject_unknown_query(request)
    _officer(request)
    return RetentionRule.objects.order_by("target")


__all__: list[Any] = ["router"]
