"""API for relationships, consent and the ecomap as data.

The same patterns as hononga/whanau/api.py: outsiders get 404; people who can see a whānau but
may not change it get 403; references in a body to records the user cannot see are field errors
(422), worded the same whether missing or hidden; a stale `version` gets 409.
"""

from datetime import date, datetime
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import ConfigDict

from hononga.accounts.models import User
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.api import (
    CLEAN_TEXT,
    READ_ERRORS,
    WRITE_ERRORS,
    BodyId,
    Day,
    Forbid,
    Id,
    PathId,
    Version,
    forbidden,
    optional,
    reject_unknown_query,
    text,
)
from hononga.core.api import ERRORS as API_ERRORS
from hononga.core.errors import ConflictError, PracticeError
from hononga.core.pagination import Pagination
from hononga.relationships import access, drawing, selectors, services
from hononga.relationships.models import (
    Consent,
    ConsentPurpose,
    ConsentStatus,
    Relationship,
    RelationshipKind,
    Strength,
    Stress,
    Support,
)
from hononga.whanau import access as whanau_access
from hononga.whanau.models import TEXT_MAX, Whanau

router = Router(tags=["relationships"])

Notes = Annotated[str, text(TEXT_MAX), CLEAN_TEXT, Field(examples=["Koro picks the kids up."])]
Note = Annotated[str, text(2000), CLEAN_TEXT, Field(examples=["Said yes at the hui."])]
EndReason = Annotated[str, text(100), CLEAN_TEXT, Field(examples=["Moved to Australia."])]


# --- Output schemas ------------------------------------------------------------------------------


class RelatedPerson(Schema):
    id: int
    full_name: str


class RelationshipOut(Schema):
    id: int
    whanau_id: int
    person_a: RelatedPerson
    person_b: RelatedPerson
    kind: RelationshipKind
    strength: Strength
    stress: Stress
    support: Support = Field(description="Which way support flows between person_a and person_b.")
    started: date | None
    ended: date | None
    notes: str
    is_active: bool
    version: int = Field(description="Send this back with a change.")
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None


class Recorder(Schema):
    id: int
    display_name: str


class ConsentOut(Schema):
    id: int
    person_id: int
    purpose: ConsentPurpose
    status: ConsentStatus
    date: date
    note: str
    recorded_by: Recorder
    recorded_at: datetime


class MapNodeOut(Schema):
    id: int = Field(description="The person's id.")
    name: str
    full_name: str
    role: str = Field(description="Their role in the whānau, or who they are.")
    kind: str
    is_practitioner: bool
    is_member: bool = Field(description="A live member of this whānau.")
    is_centre: bool
    x: float = Field(description="Position on the page's map (SVG units).")
    y: float


class MapEdgeOut(Schema):
    id: int = Field(description="The relationship's id.")
    person_a: int
    person_b: int
    kind: RelationshipKind
    strength: Strength
    stress: Stress
    support: Support
    supporters: list[int] = Field(description="Ids of the people who give support.")
    started: date | None
    ended: date | None
    is_practitioner: bool
    checkin_score: float | None = Field(description="Latest check-in score (practitioner ties).")
    checkin_flags: list[str]
    version: int


class MapOut(Schema):
    whanau_id: int
    centre_id: int | None
    include_ended: bool
    truncated: bool = Field(description="True when the map was too big to return in full.")
    width: float
    height: float
    nodes: list[MapNodeOut]
    edges: list[MapEdgeOut]


# --- Input schemas -------------------------------------------------------------------------------


class RelationshipFilters(Schema):
    whanau: Id | None = None
    person: Id | None = Field(None, description="Relationships this person is in.")
    include_ended: bool = False


class RelationshipIn(Forbid):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "whanau_id": 1,
                "person_a_id": 4,
                "person_b_id": 5,
                "kind": "whanau",
                "strength": "strong",
                "stress": "none",
                "support": "a_to_b",
            }
        },
    )

    whanau_id: BodyId = Field(description="The whānau whose map it is on (one you can change).")
    person_a_id: BodyId
    person_b_id: BodyId
    kind: RelationshipKind
    strength: Strength = Strength.MODERATE
    stress: Stress = Stress.NONE
    support: Support = Support.BOTH
    started: Day | None = None
    notes: Notes = ""


class RelationshipPatch(Forbid):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"version": 2, "stress": "high"}}
    )

    version: Version
    kind: RelationshipKind = optional()
    strength: Strength = optional()
    stress: Stress = optional()
    support: Support = optional()
    started: Day | None = optional()
    ended: Day | None = optional()
    notes: Notes = optional()


class RelationshipEnd(Forbid):
    version: Version
    ended: Day | None = Field(None, description="The last day; default today.")
    reason: EndReason = ""


class ConsentFilters(Schema):
    person: Id | None = None
    purpose: ConsentPurpose | None = None


class ConsentIn(Forbid):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"person_id": 4, "purpose": "check_ins", "status": "given"}},
    )

    person_id: BodyId
    purpose: ConsentPurpose
    status: ConsentStatus
    date: Day | None = Field(None, description="Default today; never in the future.")
    note: Note = ""


class MapQuery(Schema):
    centre: Id | None = Field(None, description="The person at the centre.")
    ended: bool = Field(False, description="Include ended relationships.")


# --- Helpers -------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    return user


def _field_error(field: str, message: str) -> PracticeError:
    return PracticeError(message, errors={field: [message]})


RENAME = {"person_a": "person_a_id", "person_b": "person_b_id", "whanau": "whanau_id"}


def _rename(error: PracticeError) -> None:
    if error.errors:
        error.errors = {RENAME.get(k, k): v for k, v in error.errors.items()}


def _visible() -> Any:
    return Relationship.objects.select_related("person_a", "person_b")


def _out(pk: int) -> Relationship:
    return _visible().get(pk=pk)


def _current(pk: int) -> dict[str, Any]:
    return RelationshipOut.from_orm(_out(pk)).model_dump(mode="json")


def _writable(user: User, relationship_id: int) -> Relationship:
    relationship = access.get_relationship_for_user(user, relationship_id)
    if not services.can_write(user, relationship.whanau):
        raise forbidden(
            "You can see this relationship but not change it: only the staff allocated to its "
            "whānau and the team's supervisors can (never through break glass)."
        )
    return relationship


def _list_event(request: HttpRequest, what: str, filters: Schema) -> None:
    record_event(
        actor=_user(request),
        action=Action.LIST,
        summary=f"Listed {what} (API)",
        data={"filters": filters.model_dump(mode="json", exclude_defaults=True)},
        request=request,
    )


# --- Relationships -------------------------------------------------------------------------------


@router.get(
    "/relationships",
    response={200: list[RelationshipOut], **READ_ERRORS},
    url_name="relationships",
)
@paginate(Pagination)
def list_relationships(
    request: HttpRequest, filters: Query[RelationshipFilters]
) -> QuerySet[Relationship]:
    """Relationships in the whānau you may see; ended ones only when asked for."""
    reject_unknown_query(request, RelationshipFilters)
    relationships = selectors.relationship_list(
        user=_user(request),
        whanau_id=filters.whanau,
        person_id=filters.person,
        include_ended=filters.include_ended,
    )
    _list_event(request, "relationships", filters)
    return relationships


@router.post("/relationships", response={201: RelationshipOut, **API_ERRORS})
def create_relationship(request: HttpRequest, payload: RelationshipIn) -> Status:
    """Add a relationship to a whānau's map. Both people must be on the map you can see."""
    user = _user(request)
    whanau = whanau_access.whanau_for_user(user).filter(pk=payload.whanau_id).first()
    if whanau is None:
        raise _field_error("whanau_id", "There is no whānau with that id that you can see.")
    if not services.can_write(user, whanau):
        raise forbidden("You can see this whānau but not change its map.")
    fields = payload.model_dump(exclude={"whanau_id", "person_a_id", "person_b_id"})
    try:
        relationship = services.relationship_create(
            actor=user,
            whanau_id=whanau.pk,
            person_a=payload.person_a_id,
            person_b=payload.person_b_id,
            fields=fields,
            request=request,
        )
    except PracticeError as error:
        _rename(error)
        raise
    return Status(201, _out(relationship.pk))


@router.get("/relationships/{relationship_id}", response={200: RelationshipOut, **READ_ERRORS})
def get_relationship(request: HttpRequest, relationship_id: int = PathId) -> Relationship:
    user = _user(request)
    relationship = access.get_relationship_for_user(user, relationship_id)
    record_event(
        actor=user,
        action=Action.VIEW,
        target=relationship,
        whanau_id=relationship.whanau_id,
        summary="Viewed a relationship (API)",
        request=request,
    )
    return relationship


@router.patch("/relationships/{relationship_id}", response={200: RelationshipOut, **WRITE_ERRORS})
def update_relationship(
    request: HttpRequest, payload: RelationshipPatch, relationship_id: int = PathId
) -> Relationship:
    """Change what the relationship is like. Send the `version` you read; a stale one gets 409."""
    user = _user(request)
    _writable(user, relationship_id)
    try:
        services.relationship_update(
            actor=user,
            relationship_id=relationship_id,
            expected_version=payload.version,
            changes=payload.model_dump(exclude_unset=True, exclude={"version"}),
            request=request,
        )
    except ConflictError as error:
        error.your_version = payload.version
        error.current = _current(relationship_id)
        raise
    return _out(relationship_id)


@router.post(
    "/relationships/{relationship_id}/end", response={200: RelationshipOut, **WRITE_ERRORS}
)
def end_relationship(
    request: HttpRequest, payload: RelationshipEnd, relationship_id: int = PathId
) -> Relationship:
    """End a relationship (default today). It is kept, with its history; nothing is deleted."""
    user = _user(request)
    _writable(user, relationship_id)
    try:
        services.relationship_end(
            actor=user,
            relationship_id=relationship_id,
            expected_version=payload.version,
            ended=payload.ended,
            reason=payload.reason,
            request=request,
        )
    except ConflictError as error:
        error.your_version = payload.version
        error.current = _current(relationship_id)
        raise
    return _out(relationship_id)


# --- Consent -------------------------------------------------------------------------------------


@router.get(
    "/consents",
    response={200: list[ConsentOut], **READ_ERRORS},
    tags=["consent"],
    url_name="consents",
)
@paginate(Pagination)
def list_consents(request: HttpRequest, filters: Query[ConsentFilters]) -> QuerySet[Consent]:
    """Every statement of consent of the people you may see, newest first (the history)."""
    reject_unknown_query(request, ConsentFilters)
    user = _user(request)
    consents = Consent.objects.filter(
        person__in=whanau_access.people_for_user(user).values("pk")
    ).select_related("recorded_by")
    if filters.person:
        consents = consents.filter(person_id=filters.person)
    if filters.purpose:
        consents = consents.filter(purpose=filters.purpose)
    _list_event(request, "consents", filters)
    return consents.order_by("-date", "-id")


@router.post("/consents", response={201: ConsentOut, **API_ERRORS}, tags=["consent"])
def create_consent(request: HttpRequest, payload: ConsentIn) -> Status:
    """Record that a person gave or withdrew consent for one purpose (a new record, always)."""
    user = _user(request)
    person = whanau_access.people_for_user(user).filter(pk=payload.person_id).first()
    if person is None:
        raise _field_error("person_id", "There is no person with that id that you can see.")
    if not services.can_record_consent(user, person):
        raise forbidden("You can see this person but not record their consent.")
    consent = services.consent_record(
        actor=user,
        person_id=person.pk,
        purpose=payload.purpose,
        status=payload.status,
        day=payload.date,
        note=payload.note,
        request=request,
    )
    return Status(201, Consent.objects.select_related("recorded_by").get(pk=consent.pk))


# --- The map as data -----------------------------------------------------------------------------


@router.get(
    "/whanau/{whanau_id}/map", response={200: MapOut, **READ_ERRORS}, tags=["relationships"]
)
def whanau_map(
    request: HttpRequest, filters: Query[MapQuery], whanau_id: int = PathId
) -> dict[str, Any]:
    """The people and relationships of a whānau's ecomap, with the page's positions."""
    reject_unknown_query(request, MapQuery)
    user = _user(request)
    whanau: Whanau = whanau_access.get_whanau_for_user(user, whanau_id)
    ecomap = selectors.whanau_map(
        whanau=whanau, centre_id=filters.centre, include_ended=filters.ended
    )
    record_event(
        actor=user,
        action=Action.VIEW,
        target=whanau,
        whanau_id=whanau.pk,
        summary=f"Viewed the relationship map of {whanau.name} (API)",
        request=request,
    )
    return drawing.as_data(drawing.draw(ecomap))
