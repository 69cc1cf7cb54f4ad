"""API for whānau, people, memberships and allocations.

Thin, like the pages: parse (schemas), check access (whanau/access.py), call a service or
selector, answer. Outsiders get 404; people who can see a record but may not change it (an
administrator or anyone reading through a break-glass grant, a practitioner on allocations) get
403. References to other records in a body (`team_id`, `whanau_id`, …) that the user cannot see
are field errors (422), worded the same whether the record is missing or hidden.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Annotated, Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import AfterValidator, ConfigDict, StringConstraints, field_validator

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
    Reason,
    SearchText,
    Version,
    forbidden,
    optional,
    reject_unknown_query,
    text,
)
from hononga.core.errors import ConflictError, NotFound, PracticeError
from hononga.core.pagination import Pagination
from hononga.core.text import fold
from hononga.whanau import access, selectors, services
from hononga.whanau.models import (
    NAME_MAX,
    TEXT_MAX,
    Allocation,
    Membership,
    Person,
    PersonKind,
    Whanau,
    WhanauStatus,
)

router = Router(tags=["whanau"])


def _fits_search_key(value: str) -> str:
    # Names are also stored folded for search (fold("ﷺ") is 18 letters, fold("ß") is "ss"):
    # refuse the rare name whose folded form would not fit, rather than fail in the database.
    if len(fold(value)) > NAME_MAX:
        raise ValueError(
            f"This name is too long once expanded for search; use at most {NAME_MAX} letters."
        )
    return value


FITS_SEARCH_KEY = AfterValidator(_fits_search_key)

Name = Annotated[
    str,
    text(NAME_MAX, required=True),
    CLEAN_TEXT,
    FITS_SEARCH_KEY,
    Field(examples=["Kōwhai whānau"]),
]
OptionalName = Annotated[
    str, text(NAME_MAX), CLEAN_TEXT, FITS_SEARCH_KEY, Field(examples=["Kōwhai"])
]
Summary = Annotated[
    str,
    text(TEXT_MAX),
    CLEAN_TEXT,
    Field(examples=["Whānau of five; want support with the kids' schooling."]),
]
Phone = Annotated[
    str,
    # The pattern before CLEAN_TEXT, so that the schema states it (digits, spaces, + ( ) . / -).
    StringConstraints(strip_whitespace=True, max_length=30, pattern=r"^[0-9+()./ -]*$"),
    CLEAN_TEXT,
    Field(examples=["021 555 0199"]),
]
Email = Annotated[str, text(254), CLEAN_TEXT, Field(examples=["mere@example.org"])]
MembershipRole = Annotated[str, text(100), CLEAN_TEXT, Field(examples=["mother"])]


def _not_in_future(value: date | None) -> date | None:
    if value is not None and value > timezone.localdate():
        raise ValueError("A date of birth cannot be in the future.")
    return value


# --- Output schemas ------------------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class PersonRef(Schema):
    id: int
    full_name: str


class UserRef(Schema):
    id: int
    username: str
    display_name: str
    role: Role


class WhanauOut(Schema):
    id: int
    name: str = Field(examples=["Kōwhai whānau"])
    status: WhanauStatus
    summary: str
    team: Ref
    region: Ref
    version: int = Field(description="Send this back with a change.")
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None


class PersonOut(Schema):
    id: int
    preferred_name: str = Field(examples=["Mere"])
    other_names: str = Field(examples=["Kōwhai"])
    full_name: str = Field(examples=["Mere Kōwhai"])
    kind: PersonKind
    date_of_birth: date | None
    languages: str
    phone: str
    email: str
    iwi: str
    hapu: str
    version: int
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None


class MembershipOut(Schema):
    id: int
    person: PersonRef
    whanau: Ref
    role: str
    started: date | None
    ended: date | None
    version: int
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None


class AllocationOut(Schema):
    id: int
    whanau_id: int
    user: UserRef
    started: date
    ended: date | None
    is_current: bool = Field(description="Allocated today (started, not ended, not archived).")
    version: int
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None

    @staticmethod
    def resolve_is_current(obj: Allocation) -> bool:
        today = timezone.localdate()
        return (
            obj.archived_at is None
            and obj.started <= today
            and (obj.ended is None or obj.ended >= today)
        )


# --- Input schemas -------------------------------------------------------------------------------


class WhanauFilters(Schema):
    q: SearchText = Field("", description="Search names; ignores macrons and case.")
    status: WhanauStatus | None = None
    team: Id | None = None
    region: Id | None = None
    include_archived: bool = False


class WhanauIn(Forbid):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {"name": "Kōwhai whānau", "team_id": 1, "summary": "", "status": "open"}
        },
    )

    name: Name
    team_id: BodyId = Field(description="One of your own teams.")
    summary: Summary = ""
    status: WhanauStatus = WhanauStatus.OPEN


class WhanauPatch(Forbid):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"version": 3, "status": "closed"}}
    )

    version: Version
    name: Name = optional()
    team_id: BodyId = optional()
    summary: Summary = optional()
    status: WhanauStatus = optional()


class ArchiveIn(Forbid):
    version: Version
    reason: Reason


class PersonFilters(Schema):
    q: SearchText = Field("", description="Search names; ignores macrons and case.")
    kind: PersonKind | None = None
    whanau: Id | None = Field(None, description="Only members of this whānau.")
    include_archived: bool = False


class _PersonFields(Forbid):
    @field_validator("date_of_birth", check_fields=False)
    @classmethod
    def _dob(cls, value: date | None) -> date | None:
        return _not_in_future(value)


class PersonIn(_PersonFields):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "whanau_id": 1,
                "membership_role": "mother",
                "preferred_name": "Mere",
                "other_names": "Kōwhai",
                "kind": "parent",
                "date_of_birth": "1990-04-12",
                "languages": "te reo Māori, English",
            }
        },
    )

    whanau_id: BodyId = Field(description="The whānau they belong to (one you can change).")
    membership_role: MembershipRole = ""
    preferred_name: Name
    other_names: OptionalName = ""
    kind: PersonKind
    date_of_birth: Day | None = None
    languages: OptionalName = ""
    phone: Phone = ""
    email: Email = ""
    iwi: OptionalName = ""
    hapu: OptionalName = ""


class PersonPatch(_PersonFields):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"version": 2, "phone": "021 555 0199"}}
    )

    version: Version
    preferred_name: Name = optional()
    other_names: OptionalName = optional()
    kind: PersonKind = optional()
    date_of_birth: Day | None = optional()
    languages: OptionalName = optional()
    phone: Phone = optional()
    email: Email = optional()
    iwi: OptionalName = optional()
    hapu: OptionalName = optional()


class DuplicateQuery(Schema):
    name: Name = Field(description="The name as you have it; a full name or a preferred name.")
    other_names: OptionalName = Field("", description="Family or other names, if separate.")
    date_of_birth: date | None = None
    phone: Phone = ""


class MembershipFilters(Schema):
    whanau: Id | None = None
    person: Id | None = None
    include_archived: bool = False


class MembershipIn(Forbid):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"whanau_id": 1, "person_id": 4, "role": "koro"}},
    )

    whanau_id: BodyId
    person_id: BodyId = Field(description="Someone you can already see, in another whānau.")
    role: MembershipRole = ""
    started: Day | None = None


class MembershipPatch(Forbid):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"version": 1, "role": "foster carer"}}
    )

    version: Version
    role: MembershipRole = optional()
    started: Day | None = optional()
    ended: Day | None = optional()


class AllocationFilters(Schema):
    whanau: Id | None = None
    user: Id | None = None
    current: bool = Field(False, description="Only allocations that hold today.")
    include_archived: bool = False


class AllocationIn(Forbid):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"whanau_id": 1, "user_id": 2, "started": "2026-11-02"}},
    )

    whanau_id: BodyId
    user_id: BodyId = Field(description="An active practitioner, facilitator or supervisor.")
    started: Day | None = Field(None, description="Defaults to today.")
    ended: Day | None = None


class AllocationPatch(Forbid):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"version": 1, "ended": "2026-12-20"}}
    )

    version: Version
    started: Day = optional()
    ended: Day | None = optional()


class AllocationEnd(Forbid):
    version: Version
    ended: Day | None = Field(None, description="The last day of the allocation; default today.")


# --- Helpers -------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    return user


def _field_error(field: str, message: str) -> PracticeError:
    return PracticeError(message, errors={field: [message]})


@contextmanager
def _service_errors(
    *,
    your_version: int | None = None,
    current: Callable[[], dict[str, Any]] | None = None,
    rename: dict[str, str] | None = None,
) -> Iterator[None]:
    """Make a service's errors speak the API's language.

    A conflict shows the saved record in the same shape as a GET (and the version sent); field
    errors on model fields are renamed to the body's field names (`team` → `team_id`).
    """
    try:
        yield
    except ConflictError as error:
        error.your_version = your_version
        if current is not None:
            error.current = current()
        raise
    except PracticeError as error:
        if rename and error.errors:
            error.errors = {rename.get(k, k): v for k, v in error.errors.items()}
        raise


def _ends_after_start(started: date | None, ended: date | None) -> None:
    if started is not None and ended is not None and ended < started:
        raise _field_error("ended", "The end date cannot be before the start date.")


def _list_event(request: HttpRequest, what: str, filters: Schema) -> None:
    record_event(
        actor=_user(request),
        action=Action.LIST,
        summary=f"Listed {what} (API)",
        data={"filters": filters.model_dump(mode="json", exclude_defaults=True)},
        request=request,
    )


def _whanau_out(pk: int) -> dict[str, Any]:
    obj = Whanau.objects.select_related("team", "region").get(pk=pk)
    return WhanauOut.from_orm(obj).model_dump(mode="json")


def _person_out(pk: int) -> dict[str, Any]:
    return PersonOut.from_orm(Person.objects.get(pk=pk)).model_dump(mode="json")


def _membership_out(pk: int) -> dict[str, Any]:
    obj = Membership.objects.select_related("person", "whanau").get(pk=pk)
    return MembershipOut.from_orm(obj).model_dump(mode="json")


def _allocation_out(pk: int) -> dict[str, Any]:
    obj = Allocation.objects.select_related("user").get(pk=pk)
    return AllocationOut.from_orm(obj).model_dump(mode="json")


def _changes(payload: Schema) -> dict[str, Any]:
    return payload.model_dump(exclude_unset=True, exclude={"version"})


# --- Whānau --------------------------------------------------------------------------------------


def _writable_whanau(user: User, whanau_id: int) -> Whanau:
    """The whānau if the user may change it; 404 if they cannot see it, 403 if only see."""
    whanau = access.get_whanau_for_user(user, whanau_id)
    if not access.can_edit_whanau(user, whanau):
        raise forbidden(
            "You can see this whānau but not change it: only the staff allocated to it and "
            "its team's supervisors can (never through break glass)."
        )
    return whanau


@router.get(
    "/whanau", response={200: list[WhanauOut], **READ_ERRORS}, tags=["whanau"], url_name="whanau"
)
@paginate(Pagination)
def list_whanau(request: HttpRequest, filters: Query[WhanauFilters]) -> QuerySet[Whanau]:
    """The whānau you may see: allocated to you, your teams' (supervisors), or by break glass."""
    reject_unknown_query(request, WhanauFilters)
    user = _user(request)
    whanau = selectors.whanau_list(
        user=user,
        query=filters.q,
        status=filters.status or "",
        team_id=filters.team,
        include_archived=filters.include_archived,
    )
    if filters.region:
        whanau = whanau.filter(region_id=filters.region)
    _list_event(request, "whānau", filters)
    return whanau


@router.post("/whanau", response={201: WhanauOut, **ERRORS}, tags=["whanau"])
def create_whanau(request: HttpRequest, payload: WhanauIn) -> Status:
    """Open a whānau in one of your teams. Practitioners and facilitators are allocated to it."""
    user = _user(request)
    if user.role not in access.CASE_WRITER_ROLES:
        raise forbidden("Your role cannot create whānau.")
    team = user.teams.filter(pk=payload.team_id).first()
    if team is None:
        raise _field_error("team_id", "Choose one of your own teams.")
    with _service_errors(rename={"team": "team_id"}):
        whanau = services.whanau_create(
            actor=user,
            name=payload.name,
            team=team,
            summary=payload.summary,
            status=payload.status,
            request=request,
        )
    return Status(201, whanau)


@router.get("/whanau/{whanau_id}", response={200: WhanauOut, **READ_ERRORS}, tags=["whanau"])
def get_whanau(request: HttpRequest, whanau_id: int = PathId) -> Whanau:
    user = _user(request)
    whanau = access.get_whanau_for_user(user, whanau_id)
    record_event(
        actor=user,
        action=Action.VIEW,
        target=whanau,
        whanau_id=whanau.pk,
        summary=f"Viewed whānau {whanau.name} (API)",
        request=request,
    )
    return whanau


@router.patch("/whanau/{whanau_id}", response={200: WhanauOut, **WRITE_ERRORS}, tags=["whanau"])
def update_whanau(request: HttpRequest, payload: WhanauPatch, whanau_id: int = PathId) -> Whanau:
    """Change some fields. Send the `version` you read; a stale one gets 409."""
    user = _user(request)
    _writable_whanau(user, whanau_id)
    changes = _changes(payload)
    if "team_id" in changes:
        team = user.teams.filter(pk=changes.pop("team_id")).first()
        if team is None:
            raise _field_error("team_id", "Choose one of your own teams.")
        changes["team"] = team
    with _service_errors(
        your_version=payload.version,
        current=lambda: _whanau_out(whanau_id),
        rename={"team": "team_id", "region": "team_id"},
    ):
        services.whanau_update(
            actor=user,
            whanau_id=whanau_id,
            expected_version=payload.version,
            changes=changes,
            request=request,
        )
    return Whanau.objects.select_related("team", "region").get(pk=whanau_id)


@router.post(
    "/whanau/{whanau_id}/archive", response={200: WhanauOut, **WRITE_ERRORS}, tags=["whanau"]
)
def archive_whanau(request: HttpRequest, payload: ArchiveIn, whanau_id: int = PathId) -> Whanau:
    """Archive (close) a whānau, with the reason. Nothing is deleted."""
    user = _user(request)
    _writable_whanau(user, whanau_id)
    with _service_errors(your_version=payload.version, current=lambda: _whanau_out(whanau_id)):
        services.whanau_archive(
            actor=user,
            whanau_id=whanau_id,
            expected_version=payload.version,
            reason=payload.reason,
            request=request,
        )
    return Whanau.objects.select_related("team", "region").get(pk=whanau_id)


# --- People --------------------------------------------------------------------------------------


def _live_whanau_ids(person: Person) -> list[int]:
    return list(
        person.memberships.filter(archived_at__isnull=True).values_list("whanau_id", flat=True)
    )


def _writable_person(user: User, person_id: int) -> Person:
    person = access.get_person_for_user(user, person_id)
    if not access.can_edit_person(user, person):
        raise forbidden(
            "You can see this person but not change their record: only staff who can change "
            "one of their whānau can."
        )
    return person


@router.get(
    "/people", response={200: list[PersonOut], **READ_ERRORS}, tags=["people"], url_name="people"
)
@paginate(Pagination)
def list_people(request: HttpRequest, filters: Query[PersonFilters]) -> QuerySet[Person]:
    """People in the whānau you may see."""
    reject_unknown_query(request, PersonFilters)
    user = _user(request)
    people = selectors.people_list(
        user=user,
        query=filters.q,
        kind=filters.kind or "",
        include_archived=filters.include_archived,
    )
    if filters.whanau:
        # Only through a whānau the user can see, so the filter cannot reveal other memberships.
        visible = access.whanau_for_user(user).filter(pk=filters.whanau)
        people = people.filter(
            Exists(
                Membership.objects.filter(
                    person=OuterRef("pk"), archived_at__isnull=True, whanau__in=visible
                )
            )
        )
    _list_event(request, "people", filters)
    return people


@router.get(
    "/people/likely-duplicates",
    response={200: list[PersonOut], **READ_ERRORS},
    tags=["people"],
)
@paginate(Pagination)
def likely_duplicates(request: HttpRequest, filters: Query[DuplicateQuery]) -> list[Person]:
    """Before creating a person: people you can see who may be the same person.

    A match is the same full name; or the same first or family name with the same date of
    birth; or the same phone number.
    """
    reject_unknown_query(request, DuplicateQuery)
    user = _user(request)
    preferred, other = filters.name, filters.other_names
    if not other and " " in preferred:
        preferred, other = preferred.split(" ", 1)
    people = selectors.likely_duplicates(
        user=user,
        preferred_name=preferred,
        other_names=other,
        date_of_birth=filters.date_of_birth,
        phone=filters.phone,
    )
    _list_event(request, "likely duplicates", filters)
    return people


@router.post("/people", response={201: PersonOut, **ERRORS}, tags=["people"])
def create_person(request: HttpRequest, payload: PersonIn) -> Status:
    """Add a person to a whānau you can change. Check `/people/likely-duplicates` first."""
    user = _user(request)
    if user.role not in access.CASE_WRITER_ROLES:
        raise forbidden("Your role cannot change case records.")
    whanau = access.whanau_for_user(user).filter(pk=payload.whanau_id).first()
    if whanau is None:
        raise _field_error("whanau_id", "There is no whānau with that id that you can see.")
    if not access.can_edit_whanau(user, whanau):
        raise forbidden("You can see this whānau but not change it.")
    fields = payload.model_dump(exclude={"whanau_id", "membership_role"})
    with _service_errors(rename={"role": "membership_role", "whanau": "whanau_id"}):
        person = services.person_create(
            actor=user,
            whanau=whanau,
            fields=fields,
            membership_role=payload.membership_role,
            request=request,
        )
    return Status(201, person)


@router.get("/people/{person_id}", response={200: PersonOut, **READ_ERRORS}, tags=["people"])
def get_person(request: HttpRequest, person_id: int = PathId) -> Person:
    user = _user(request)
    person = access.get_person_for_user(user, person_id)
    # One event for each whānau the person belongs to, so each whānau's trail shows it.
    for whanau_id in _live_whanau_ids(person):
        record_event(
            actor=user,
            action=Action.VIEW,
            target=person,
            whanau_id=whanau_id,
            summary=f"Viewed {person.full_name} (API)",
            request=request,
        )
    return person


@router.patch("/people/{person_id}", response={200: PersonOut, **WRITE_ERRORS}, tags=["people"])
def update_person(request: HttpRequest, payload: PersonPatch, person_id: int = PathId) -> Person:
    """Change some fields. Send the `version` you read; a stale one gets 409."""
    user = _user(request)
    _writable_person(user, person_id)
    with _service_errors(your_version=payload.version, current=lambda: _person_out(person_id)):
        services.person_update(
            actor=user,
            person_id=person_id,
            expected_version=payload.version,
            changes=_changes(payload),
            request=request,
        )
    return Person.objects.get(pk=person_id)


@router.post(
    "/people/{person_id}/archive", response={200: PersonOut, **WRITE_ERRORS}, tags=["people"]
)
def archive_person(request: HttpRequest, payload: ArchiveIn, person_id: int = PathId) -> Person:
    user = _user(request)
    _writable_person(user, person_id)
    with _service_errors(your_version=payload.version, current=lambda: _person_out(person_id)):
        services.person_archive(
            actor=user,
            person_id=person_id,
            expected_version=payload.version,
            reason=payload.reason,
            request=request,
        )
    return Person.objects.get(pk=person_id)


# --- Memberships ---------------------------------------------------------------------------------


def _visible_memberships(user: User) -> QuerySet[Membership]:
    return Membership.objects.select_related("person", "whanau").filter(
        whanau__in=access.whanau_for_user(user).values("pk")
    )


def _writable_membership(user: User, membership_id: int) -> Membership:
    membership = (
        _visible_memberships(user).filter(pk=membership_id, archived_at__isnull=True).first()
    )
    if membership is None:
        raise NotFound("That record was not found.")
    if not access.can_edit_whanau(user, membership.whanau):
        raise forbidden("You can see this whānau but not change it.")
    return membership


@router.get(
    "/memberships",
    response={200: list[MembershipOut], **READ_ERRORS},
    tags=["memberships"],
    url_name="memberships",
)
@paginate(Pagination)
def list_memberships(
    request: HttpRequest, filters: Query[MembershipFilters]
) -> QuerySet[Membership]:
    """Who belongs to which whānau, for the whānau you may see."""
    reject_unknown_query(request, MembershipFilters)
    user = _user(request)
    memberships = _visible_memberships(user)
    if not filters.include_archived:
        memberships = memberships.filter(archived_at__isnull=True)
    if filters.whanau:
        memberships = memberships.filter(whanau_id=filters.whanau)
    if filters.person:
        memberships = memberships.filter(person_id=filters.person)
    _list_event(request, "memberships", filters)
    return memberships.order_by("whanau__search_key", "person__search_key", "id")


@router.post("/memberships", response={201: MembershipOut, **ERRORS}, tags=["memberships"])
def create_membership(request: HttpRequest, payload: MembershipIn) -> Status:
    """Add someone you can already see to another whānau you can change."""
    user = _user(request)
    if user.role not in access.CASE_WRITER_ROLES:
        raise forbidden("Your role cannot change case records.")
    whanau = access.whanau_for_user(user).filter(pk=payload.whanau_id).first()
    if whanau is None:
        raise _field_error("whanau_id", "There is no whānau with that id that you can see.")
    if not access.can_edit_whanau(user, whanau):
        raise forbidden("You can see this whānau but not change it.")
    person = access.people_for_user(user).filter(pk=payload.person_id).first()
    if person is None:
        raise _field_error("person_id", "There is no person with that id that you can see.")
    with _service_errors(rename={"person": "person_id", "whanau": "whanau_id"}):
        membership = services.membership_create(
            actor=user,
            whanau=whanau,
            person=person,
            role=payload.role,
            started=payload.started,
            request=request,
        )
    return Status(201, Membership.objects.select_related("person", "whanau").get(pk=membership.pk))


@router.get(
    "/memberships/{membership_id}",
    response={200: MembershipOut, **READ_ERRORS},
    tags=["memberships"],
)
def get_membership(request: HttpRequest, membership_id: int = PathId) -> Membership:
    """One membership (archived ones too), for anyone who can see its whānau."""
    user = _user(request)
    membership = _visible_memberships(user).filter(pk=membership_id).first()
    if membership is None:
        raise NotFound("That record was not found.")
    record_event(
        actor=user,
        action=Action.VIEW,
        target=membership,
        whanau_id=membership.whanau_id,
        summary=f"Viewed the membership of {membership.person.full_name} (API)",
        request=request,
    )
    return membership


@router.patch(
    "/memberships/{membership_id}",
    response={200: MembershipOut, **WRITE_ERRORS},
    tags=["memberships"],
)
def update_membership(
    request: HttpRequest, payload: MembershipPatch, membership_id: int = PathId
) -> Membership:
    user = _user(request)
    membership = _writable_membership(user, membership_id)
    changes = _changes(payload)
    _ends_after_start(
        changes.get("started", membership.started), changes.get("ended", membership.ended)
    )
    with _service_errors(
        your_version=payload.version, current=lambda: _membership_out(membership_id)
    ):
        services.membership_update(
            actor=user,
            membership_id=membership_id,
            expected_version=payload.version,
            changes=changes,
            request=request,
        )
    return Membership.objects.select_related("person", "whanau").get(pk=membership_id)


@router.post(
    "/memberships/{membership_id}/archive",
    response={200: MembershipOut, **WRITE_ERRORS},
    tags=["memberships"],
)
def archive_membership(
    request: HttpRequest, payload: ArchiveIn, membership_id: int = PathId
) -> Membership:
    """Remove someone from a whānau (the membership is archived, with the reason)."""
    user = _user(request)
    _writable_membership(user, membership_id)
    with _service_errors(
        your_version=payload.version, current=lambda: _membership_out(membership_id)
    ):
        services.membership_archive(
            actor=user,
            membership_id=membership_id,
            expected_version=payload.version,
            reason=payload.reason,
            request=request,
        )
    return Membership.objects.select_related("person", "whanau").get(pk=membership_id)


# --- Allocations ---------------------------------------------------------------------------------


def _allocatable_whanau(user: User) -> QuerySet[Whanau]:
    """Whānau whose allocations the user may see: administrators all, others what they see."""
    if user.is_active and user.role == Role.ADMIN:
        return Whanau.objects.all()
    return access.whanau_for_user(user)


def _managed_allocation(user: User, allocation_id: int) -> Allocation:
    allocation = (
        Allocation.objects.select_related("whanau", "user")
        .filter(
            pk=allocation_id,
            archived_at__isnull=True,
            whanau__in=_allocatable_whanau(user).values("pk"),
        )
        .first()
    )
    if allocation is None:
        raise NotFound("That record was not found.")
    if not access.can_manage_allocations(user, allocation.whanau):
        raise forbidden("Only an administrator or the team's supervisor can change allocations.")
    return allocation


@router.get(
    "/allocations",
    response={200: list[AllocationOut], **READ_ERRORS},
    tags=["allocations"],
    url_name="allocations",
)
@paginate(Pagination)
def list_allocations(
    request: HttpRequest, filters: Query[AllocationFilters]
) -> QuerySet[Allocation]:
    """Who is allocated to which whānau: for administrators all, for others the whānau they see."""
    reject_unknown_query(request, AllocationFilters)
    user = _user(request)
    allocations = Allocation.objects.select_related("user").filter(
        whanau__in=_allocatable_whanau(user).values("pk")
    )
    if filters.current:
        allocations = allocations.current()
    elif not filters.include_archived:
        allocations = allocations.filter(archived_at__isnull=True)
    if filters.whanau:
        allocations = allocations.filter(whanau_id=filters.whanau)
    if filters.user:
        allocations = allocations.filter(user_id=filters.user)
    _list_event(request, "allocations", filters)
    return allocations.order_by("-started", "id")


@router.post("/allocations", response={201: AllocationOut, **ERRORS}, tags=["allocations"])
def create_allocation(request: HttpRequest, payload: AllocationIn) -> Status:
    """Allocate a staff member to a whānau (administrators, or the team's supervisor)."""
    user = _user(request)
    whanau = _allocatable_whanau(user).filter(pk=payload.whanau_id).first()
    if whanau is None:
        raise _field_error("whanau_id", "There is no whānau with that id that you can see.")
    if not access.can_manage_allocations(user, whanau):
        raise forbidden("Only an administrator or the team's supervisor can allocate.")
    staff = User.objects.filter(pk=payload.user_id).first()
    if staff is None:
        raise _field_error("user_id", "There is no staff member with that id.")
    started = payload.started or timezone.localdate()
    _ends_after_start(started, payload.ended)
    with _service_errors(rename={"user": "user_id", "whanau": "whanau_id"}):
        allocation = services.allocation_create(
            actor=user,
            whanau=whanau,
            user=staff,
            started=started,
            ended=payload.ended,
            request=request,
        )
    return Status(201, Allocation.objects.select_related("user").get(pk=allocation.pk))


@router.get(
    "/allocations/{allocation_id}",
    response={200: AllocationOut, **READ_ERRORS},
    tags=["allocations"],
)
def get_allocation(request: HttpRequest, allocation_id: int = PathId) -> Allocation:
    """One allocation (ended or archived ones too), for anyone who may list it."""
    user = _user(request)
    allocation = (
        Allocation.objects.select_related("user")
        .filter(pk=allocation_id, whanau__in=_allocatable_whanau(user).values("pk"))
        .first()
    )
    if allocation is None:
        raise NotFound("That record was not found.")
    record_event(
        actor=user,
        action=Action.VIEW,
        target=allocation,
        whanau_id=allocation.whanau_id,
        summary=f"Viewed the allocation of {allocation.user.get_username()} (API)",
        request=request,
    )
    return allocation


def _update_allocation(
    request: HttpRequest, allocation_id: int, version: int, changes: dict[str, Any]
) -> Allocation:
    user = _user(request)
    allocation = _managed_allocation(user, allocation_id)
    _ends_after_start(
        changes.get("started", allocation.started), changes.get("ended", allocation.ended)
    )
    with _service_errors(your_version=version, current=lambda: _allocation_out(allocation_id)):
        services.allocation_update(
            actor=user,
            allocation_id=allocation_id,
            expected_version=version,
            changes=changes,
            request=request,
        )
    return Allocation.objects.select_related("user").get(pk=allocation_id)


@router.patch(
    "/allocations/{allocation_id}",
    response={200: AllocationOut, **WRITE_ERRORS},
    tags=["allocations"],
)
def update_allocation(
    request: HttpRequest, payload: AllocationPatch, allocation_id: int = PathId
) -> Allocation:
    return _update_allocation(request, allocation_id, payload.version, _changes(payload))


@router.post(
    "/allocations/{allocation_id}/end",
    response={200: AllocationOut, **WRITE_ERRORS},
    tags=["allocations"],
)
def end_allocation(
    request: HttpRequest, payload: AllocationEnd, allocation_id: int = PathId
) -> Allocation:
    """End an allocation on a day (default today); the history keeps it."""
    ended = payload.ended or timezone.localdate()
    return _update_allocation(request, allocation_id, payload.version, {"ended": ended})
