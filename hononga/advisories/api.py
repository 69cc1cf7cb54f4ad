"""API for practice advisories (admin writes) and screenings (practitioners)."""

from datetime import date, datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from hononga.accounts.models import Role, User
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.api import (
    CLEAN_TEXT,
    ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    BodyId,
    Id,
    PathId,
    Version,
    text,
)
from hononga.core.errors import sent_version
from hononga.core.pagination import Pagination
from hononga.whanau import access as whanau_access

from . import diseases, immunisation, rules, selectors, services
from .models import Advisory, Screening

router = Router(tags=["advisories"])

# Text in bodies: surrounding spaces stripped, a length, no NUL (stated in the schema).
Text20 = Annotated[str, text(20), CLEAN_TEXT]
Text100 = Annotated[str, text(100), CLEAN_TEXT]
Text200 = Annotated[str, text(200), CLEAN_TEXT]
Text1000 = Annotated[str, text(1000), CLEAN_TEXT]
Text10000 = Annotated[str, text(10000), CLEAN_TEXT]


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


class QuestionOut(Schema):
    key: str
    text: str


class RuleOut(Schema):
    number: int
    when: str
    condition: str
    recommend: str
    recommendation: str


def _questions(condition: str) -> list[dict[str, str]]:
    return [
        {"key": q.key, "text": str(q.text)} for q in diseases.for_condition(condition).questions()
    ]


def _rules(condition: str) -> list[dict[str, Any]]:
    table = selectors.current_rule_table(condition)
    return [
        {**row, "condition": str(row["condition"]), "recommendation": str(row["recommendation"])}
        for row in rules.describe(table.rows)
    ]


class AdvisoryOut(Schema):
    id: int
    title: str
    condition: str = Field(description="The disease: measles, pertussis, influenza, covid, other.")
    disease_name: str
    regions: list[int]
    starts: date
    ends: date | None
    guidance: str
    questions: list[QuestionOut] = Field(description="What a screening under it asks (answers).")
    asks_practitioner_immunisation: bool
    reads_people_present: bool = Field(
        description="Whether the recorded status of the people present is part of its rules."
    )
    rules: list[RuleOut]
    active: bool
    version: int

    @staticmethod
    def resolve_regions(obj: Advisory) -> list[int]:
        return sorted(r.pk for r in obj.regions.all())

    @staticmethod
    def resolve_questions(obj: Advisory) -> list[dict[str, str]]:
        return _questions(obj.condition)

    @staticmethod
    def resolve_asks_practitioner_immunisation(obj: Advisory) -> bool:
        return obj.disease.asks_practitioner

    @staticmethod
    def resolve_reads_people_present(obj: Advisory) -> bool:
        return obj.disease.reads_people_present

    @staticmethod
    def resolve_rules(obj: Advisory) -> list[dict[str, Any]]:
        return _rules(obj.condition)

    @staticmethod
    def resolve_active(obj: Advisory) -> bool:
        return obj.is_active_on(selectors.today())


class AdvisoryIn(Schema):
    title: Text200 = ""
    condition: Text20 = ""
    disease_name: Text100 = ""
    regions: list[BodyId] = Field(default_factory=list, max_length=100)
    starts: date | None = None
    ends: date | None = None
    guidance: Text10000 = ""


class AdvisoryPatch(Schema):
    version: Version
    title: Text200 | None = None
    condition: Text20 | None = None
    disease_name: Text100 | None = None
    regions: list[BodyId] | None = Field(None, max_length=100)
    starts: date | None = None
    ends: date | None = None
    guidance: Text10000 | None = None


class ScreeningIn(Schema):
    whanau: BodyId
    planned_mode: Text20 | None = None
    answers: dict[str, bool] = Field(
        default_factory=dict,
        description="Yes/no answers by question key: the advisory's `questions`.",
    )
    practitioner_immunisation: Text20 | None = Field(
        None, description="Your own status, where `asks_practitioner_immunisation`."
    )
    people_present: list[BodyId] = Field(
        default_factory=list,
        max_length=200,
        description="Everyone who will be there (at least one): their recorded status is read.",
    )
    immunity_claim: Text1000 = Field(
        "",
        description="What people said about immunity: kept as a claim, never evidence.",
    )


class EvidenceOut(Schema):
    person: int
    status: str
    evidence: str
    as_at: date | None
    consent: bool
    counts: bool = Field(description="Counted as documented evidence of immunity.")
    why: str


class ScreeningOut(Schema):
    id: int
    whanau: int
    advisory: int
    disease: str
    rule_table_version: int
    rule_row: int
    planned_mode: str
    answers: dict[str, bool]
    people_present: list[int]
    evidence: list[EvidenceOut]
    people_immunisation: str = Field(description="From the records of the people present.")
    immunity_claim: str
    practitioner_immunisation: str
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
    def resolve_people_present(obj: Screening) -> list[int]:
        return sorted(p.pk for p in obj.people_present.all())

    @staticmethod
    def resolve_evidence(obj: Screening) -> list[dict[str, Any]]:
        return [
            {key: row.get(key) for key in ("person", "status", "evidence", "as_at", "why")}
            | {"consent": bool(row.get("consent")), "counts": bool(row.get("counts"))}
            for row in obj.evidence
        ]

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


class RuleTableOut(Schema):
    disease: str
    label: str
    version: int
    questions: list[QuestionOut]
    immunity: str | None = Field(description="What counts as immune; null: no immunity rule.")
    rules: list[RuleOut]
    sources: list[str]


class ImmunisationOut(Schema):
    disease: str
    status: str
    evidence: str
    source: str
    as_at: date | None
    counts: bool = Field(description="Counts as evidence of immunity in a screening today.")
    why: str
    version: int | None


class ImmunisationIn(Schema):
    status: Text20
    evidence: Text20 = ""
    source: Text200 = ""
    as_at: date | None = None
    version: Version | None = Field(None, description="The version you read (stale: 409).")


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
    return qs.prefetch_related("regions").order_by("-starts", "pk")


@router.post("/advisories", response={201: AdvisoryOut, **ERRORS})
def create_advisory(request: HttpRequest, payload: AdvisoryIn) -> Status:
    user = _user(request)
    _admin(user)
    data = payload.dict()
    regions = data.pop("regions")
    advisory = services.advisory_create(actor=user, data=data, region_ids=regions, request=request)
    return Status(201, advisory)


@router.get("/advisories/rule-tables", response={200: list[RuleTableOut], **READ_ERRORS})
def list_rule_tables(request: HttpRequest) -> list[dict[str, Any]]:
    """Every disease's screening rules (administrators): questions, immunity rule, rows and
    the public-health guidance they rest on."""
    _admin(_user(request))
    return [
        {
            "disease": t["key"],
            "label": str(t["disease"].label),
            "version": t["table"].version,
            "questions": _questions(t["key"]),
            "immunity": str(t["disease"].immunity.what_counts) if t["disease"].immunity else None,
            "rules": _rules(t["key"]),
            "sources": list(t["disease"].sources),
        }
        for t in selectors.rule_tables()
    ]


@router.get("/advisories/{advisory_id}", response={200: AdvisoryOut, **READ_ERRORS})
def get_advisory(request: HttpRequest, advisory_id: int = PathId) -> Advisory:
    advisory = Advisory.objects.filter(pk=advisory_id).first()
    if advisory is None:
        raise Http404
    return advisory


@router.patch("/advisories/{advisory_id}", response={200: AdvisoryOut, **WRITE_ERRORS})
def update_advisory(
    request: HttpRequest, payload: AdvisoryPatch, advisory_id: int = PathId
) -> Advisory:
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


def _immunisation_rows(user: User, person_id: int) -> list[dict[str, Any]]:
    person = whanau_access.get_person_for_user(user, person_id)
    rows = []
    for key in diseases.RECORDED:
        weighed = immunisation.evidence_for(diseases.DISEASES[key], [person])[0]
        record = weighed.record if weighed.consent_ok else None
        rows.append(
            {
                "disease": key,
                "status": record.status if record else "unknown",
                "evidence": record.evidence if record else "",
                "source": record.source if record else "",
                "as_at": record.as_at if record else None,
                "counts": weighed.counts,
                "why": str(weighed.why),
                "version": record.version if record else None,
            }
        )
    return rows


@router.get(
    "/people/{person_id}/immunisations", response={200: list[ImmunisationOut], **READ_ERRORS}
)
@paginate(Pagination)
def list_immunisations(request: HttpRequest, person_id: int = PathId) -> list[dict[str, Any]]:
    """A person's immunisation status for each disease that records one, and whether it counts
    as evidence of immunity in a screening today (documented, consented, not too old)."""
    user = _user(request)
    rows = _immunisation_rows(user, person_id)
    person = whanau_access.get_person_for_user(user, person_id)
    record_event(
        actor=user,
        action=Action.VIEW,
        target=person,
        summary="Viewed immunisation statuses (API)",
        request=request,
    )
    return rows


@router.put(
    "/people/{person_id}/immunisations/{disease}",
    response={200: list[ImmunisationOut], **WRITE_ERRORS},
)
def record_immunisation(
    request: HttpRequest, disease: str, payload: ImmunisationIn, person_id: int = PathId
) -> list[dict[str, Any]]:
    """Record one disease's status, with how it is known (`evidence`: record, test,
    born_before_1969 for measles, or word). Needs the person's consent where they can give it."""
    user = _user(request)
    with sent_version(payload.version):
        immunisation.immunisation_record(
            actor=user,
            person_id=person_id,
            disease=disease,
            status=payload.status,
            evidence=payload.evidence,
            source=payload.source,
            as_at=payload.as_at,
            expected_version=payload.version,
            request=request,
        )
    return _immunisation_rows(user, person_id)


@router.get("/screenings", response={200: list[ScreeningOut], **READ_ERRORS})
@paginate(Pagination)
def list_screenings(request: HttpRequest, whanau: Id | None = None) -> Any:
    user = _user(request)
    qs = (
        services.screenings_for_user(user)
        .select_related("rule_table")
        .prefetch_related("people_present")
        .order_by("-created_at", "-pk")
    )
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
def get_screening(request: HttpRequest, screening_id: int = PathId) -> Screening:
    user = _user(request)
    screening = (
        services.screenings_for_user(user)
        .select_related("rule_table")
        .prefetch_related("people_present")
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
