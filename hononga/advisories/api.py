"""API for practice advisories (admin writes) and screenings (practitioners)."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from hononga.accounts.models import Role, User
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.api import ERRORS, READ_ERRORS, WRITE_ERRORS
from hononga.core.pagination import Pagination

from . import rules, selectors, services
from .models import Advisory, Screening

router = Router(tags=["advisories"])


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


class AdvisoryOut(Schema):
    id: int
    title: str
    condition: str
    regions: list[int]
    starts: date
    ends: date | None
    guidance: str
    rule_table_version: int
    active: bool
    version: int

    @staticmethod
    def resolve_regions(obj: Advisory) -> list[int]:
        return sorted(r.pk for r in obj.regions.all())

    @staticmethod
    def resolve_rule_table_version(obj: Advisory) -> int:
        return obj.rule_table.version

    @staticmethod
    def resolve_active(obj: Advisory) -> bool:
        return obj.is_active_on(selectors.today())


class AdvisoryIn(Schema):
    title: str = ""
    condition: str = ""
    regions: list[int] = []
    starts: date | None = None
    ends: date | None = None
    guidance: str = ""


class AdvisoryPatch(Schema):
    version: int
    title: str | None = None
    condition: str | None = None
    regions: list[int] | None = None
    starts: date | None = None
    ends: date | None = None
    guidance: str | None = None


class ScreeningIn(Schema):
    whanau: int
    planned_mode: str | None = None
    fever: bool | None = None
    cough: bool | None = None
    rash: bool | None = None
    exposure: bool | None = None
    people_immunisation: str | None = None
    practitioner_immunisation: str | None = None
    vulnerable_pepi: bool | None = None
    vulnerable_pregnant: bool | None = None
    vulnerable_immunocompromised: bool | None = None
    vulnerable_housing: bool | None = None
    people_present: list[int] = []


class ScreeningOut(Schema):
    id: int
    whanau: int
    advisory: int
    rule_table_version: int
    rule_row: int
    planned_mode: str
    fever: bool
    cough: bool
    rash: bool
    exposure: bool
    people_immunisation: str
    practitioner_immunisation: str
    vulnerable_pepi: bool
    vulnerable_pregnant: bool
    vulnerable_immunocompromised: bool
    vulnerable_housing: bool
    recommended_mode: str
    recommendation: str
    suggested_contact_mode: str
    actual_mode: str
    outcome: str
    contact: int | None
    created_at: datetime

    @staticmethod
    def resolve_whanau(obj: Screening) -> int:
        return obj.whanau_id

    @staticmethod
    def resolve_advisory(obj: Screening) -> int:
        return obj.advisory_id

    @staticmethod
    def resolve_rule_table_version(obj: Screening) -> int:
        return obj.rule_table.version

    @staticmethod
    def resolve_rule_row(obj: Screening) -> int:
        return obj.rule_row + 1

    @staticmethod
    def resolve_recommendation(obj: Screening) -> str:
        return str(rules.RECOMMENDATIONS[obj.recommended_mode])

    @staticmethod
    def resolve_suggested_contact_mode(obj: Screening) -> str:
        return rules.SUGGESTED_MODE[obj.recommended_mode] or obj.planned_mode

    @staticmethod
    def resolve_contact(obj: Screening) -> int | None:
        return obj.contact_id


def _admin(user: User) -> None:
    if user.role != Role.ADMIN:
        raise PermissionDenied(_("Only administrators manage practice advisories."))


@router.get("/advisories", response={200: list[AdvisoryOut], **READ_ERRORS})
@paginate(Pagination)
def list_advisories(request: HttpRequest, active: bool = False) -> Any:
    """Advisories (any signed-in staff may read them: they are agency guidance)."""
    qs = Advisory.objects.filter(archived_at__isnull=True)
    if active:
        qs = selectors.active_advisories()
    return qs.select_related("rule_table").prefetch_related("regions").order_by("-starts", "pk")


@router.post("/advisories", response={201: AdvisoryOut, **ERRORS})
def create_advisory(request: HttpRequest, payload: AdvisoryIn) -> Status:
    user = _user(request)
    _admin(user)
    data = payload.dict()
    regions = data.pop("regions")
    advisory = services.advisory_create(actor=user, data=data, region_ids=regions, request=request)
    return Status(201, advisory)


@router.get("/advisories/{advisory_id}", response={200: AdvisoryOut, **READ_ERRORS})
def get_advisory(request: HttpRequest, advisory_id: int) -> Advisory:
    advisory = Advisory.objects.filter(pk=advisory_id).first()
    if advisory is None:
        raise Http404
    return advisory


@router.patch("/advisories/{advisory_id}", response={200: AdvisoryOut, **WRITE_ERRORS})
def update_advisory(request: HttpRequest, advisory_id: int, payload: AdvisoryPatch) -> Advisory:
    user = _user(request)
    _admin(user)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    regions = changes.pop("regions", None)
    return services.advisory_update(
        actor=user,
        advisory_id=advisory_id,
        expected_version=version,
        changes=changes,
        region_ids=regions,
        request=request,
    )


@router.post("/screenings", response={201: ScreeningOut, **ERRORS})
def create_screening(request: HttpRequest, payload: ScreeningIn) -> Status:
    """Screen a planned in-person contact; the response carries the recommendation."""
    user = _user(request)
    data = payload.dict()
    whanau_id = data.pop("whanau")
    people = data.pop("people_present")
    screening = services.screening_create(
        actor=user, whanau_id=whanau_id, answers=data, person_ids=people, request=request
    )
    return Status(201, screening)


@router.get("/screenings", response={200: list[ScreeningOut], **READ_ERRORS})
@paginate(Pagination)
def list_screenings(request: HttpRequest, whanau: int | None = None) -> Any:
    user = _user(request)
    qs = services.screenings_for_user(user).select_related("rule_table")
    if whanau is not None:
        qs = qs.filter(whanau_id=whanau)
    record_event(
        actor=user,
        action=Action.LIST,
        whanau_id=whanau,
        summary="Listed screenings",
        request=request,
    )
    return qs


@router.get("/screenings/{screening_id}", response={200: ScreeningOut, **READ_ERRORS})
def get_screening(request: HttpRequest, screening_id: int) -> Screening:
    user = _user(request)
    screening = (
        services.screenings_for_user(user)
        .select_related("rule_table")
        .filter(pk=screening_id)
        .first()
    )
    if screening is None:
        raise Http404
    record_event(
        actor=user,
        action=Action.VIEW,
        target=screening,
        whanau_id=screening.whanau_id,
        summary="Viewed a screening",
        request=request,
    )
    return screening
