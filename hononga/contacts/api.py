"""API for contacts: list (the same filters as the page), record, read, change, archive.

Outsiders get 404; a user who can see a contact but may not change it gets 403. The quadrant and
its reflective prompt come with every contact (derived, never sent).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import StrictInt

from hononga.accounts.models import User
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.contacts import selectors, services
from hononga.contacts.models import (
    PURPOSE_MAX,
    QUADRANT_PROMPTS,
    RATING_MAX,
    RATING_MIN,
    Contact,
    DecisionsWith,
    Mode,
    Quadrant,
)
from hononga.core.api import (
    CLEAN_TEXT,
    ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    BodyId,
    Day,
    Id,
    PathId,
    Reason,
    Version,
    forbidden,
    optional,
    reject_unknown_query,
    text,
)
from hononga.core.errors import ConflictError, PracticeError
from hononga.core.pagination import Pagination
from hononga.whanau.models import TEXT_MAX

router = Router(tags=["contacts"])

Rating = Annotated[
    StrictInt,
    Field(ge=RATING_MIN, le=RATING_MAX, description="0–10; 6 or more is high.", examples=[7]),
]
Purpose = Annotated[
    str,
    text(PURPOSE_MAX, required=True),
    CLEAN_TEXT,
    Field(examples=["Planning the school transition"]),
]
LongText = Annotated[str, text(TEXT_MAX), CLEAN_TEXT]
UrgentReason = Annotated[str, text(2000), CLEAN_TEXT]


IdList = Annotated[list[BodyId], Field(max_length=200)]


class ContactParticipantOut(Schema):
    id: int
    name: str = Field(examples=["Mere Kōwhai"])


class ContactOut(Schema):
    id: int
    whanau_id: int
    whanau_name: str
    practitioner_id: int
    practitioner_name: str
    occurred_at: datetime
    mode: Mode
    participants: list[ContactParticipantOut]
    relationships: list[int]
    purpose: str
    note: str
    own_words: str
    decisions_with: DecisionsWith
    support: int
    control: int
    quadrant: Quadrant = Field(description="Derived from support and control: never sent.")
    quadrant_prompt: str = Field(description="A one-line reflective prompt for the quadrant.")
    version: int
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None

    @staticmethod
    def resolve_whanau_name(obj: Contact) -> str:
        return obj.whanau.name

    @staticmethod
    def resolve_practitioner_name(obj: Contact) -> str:
        return obj.practitioner.display_name

    @staticmethod
    def resolve_participants(obj: Contact) -> list[dict[str, Any]]:
        return [{"id": p.pk, "name": p.full_name} for p in obj.participants.all()]

    @staticmethod
    def resolve_relationships(obj: Contact) -> list[int]:
        return sorted(r.pk for r in obj.relationships.all())

    @staticmethod
    def resolve_quadrant_prompt(obj: Contact) -> str:
        return str(QUADRANT_PROMPTS[Quadrant(obj.quadrant)])


class ContactIn(Schema):
    whanau_id: BodyId
    occurred_at: datetime = Field(description="When it happened; not in the future.")
    mode: Mode
    participant_ids: IdList = Field(description="People of this whānau who took part (≥ 1).")
    relationship_ids: IdList = Field(
        default_factory=list, description="Relationships of this whānau the contact was about."
    )
    purpose: Purpose
    note: LongText = ""
    own_words: LongText = ""
    decisions_with: DecisionsWith
    support: Rating
    control: Rating
    screening: BodyId | None = Field(
        None, description="The screening (id) done under an active practice advisory, if any."
    )
    urgent_reason: UrgentReason = Field(
        "", description="Why an in-person contact went ahead without a screening."
    )


class ContactPatch(Schema):
    version: Version
    occurred_at: datetime = optional()
    mode: Mode = optional()
    participant_ids: IdList = optional()
    relationship_ids: IdList = optional()
    purpose: Purpose = optional()
    note: LongText = optional()
    own_words: LongText = optional()
    decisions_with: DecisionsWith = optional()
    support: Rating = optional()
    control: Rating = optional()
    screening: BodyId | None = optional()
    urgent_reason: UrgentReason = optional("")


class ContactArchiveIn(Schema):
    version: Version
    reason: Reason


class ContactFilters(Schema):
    whanau: Id | None = Field(None, description="Only this whānau's contacts.")
    person: Id | None = Field(None, description="Only contacts this person took part in.")
    practitioner: Id | None = Field(None, description="Only contacts by this staff member.")
    relationship: Id | None = Field(None, description="Only contacts about this relationship.")
    date_from: Day | None = Field(None, description="On or after this day (NZ time).")
    date_to: Day | None = Field(None, description="On or before this day (NZ time).")
    mode: Mode | None = None
    quadrant: Quadrant | None = None
    include_archived: bool = False


def _user(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    return user


def _load(pk: int) -> Contact:
    return (
        Contact.objects.select_related("whanau", "practitioner")
        .prefetch_related("participants", "relationships")
        .get(pk=pk)
    )


def _contact_out(pk: int) -> dict[str, Any]:
    return ContactOut.from_orm(_load(pk)).model_dump(mode="json")


@contextmanager
def _service_errors(
    *, your_version: int | None = None, current: Callable[[], dict[str, Any]] | None = None
) -> Iterator[None]:
    """Conflicts show the saved contact as a GET would; field names match the body's."""
    rename = {"participants": "participant_ids", "relationships": "relationship_ids"}
    try:
        yield
    except ConflictError as error:
        error.your_version = your_version
        if current is not None:
            error.current = current()
        raise
    except PracticeError as error:
        error.errors = {rename.get(k, k): v for k, v in error.errors.items()}
        raise
    except PermissionDenied as error:
        raise forbidden(str(error)) from None


@router.get(
    "/contacts",
    response={200: list[ContactOut], **READ_ERRORS},
    url_name="contacts",
)
@paginate(Pagination)
def list_contacts(request: HttpRequest, filters: Query[ContactFilters]) -> QuerySet[Contact]:
    """Contacts in the whānau you may see, newest first, with the page's filters."""
    reject_unknown_query(request, ContactFilters)
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        raise PracticeError(
            "The end date must be on or after the start date.",
            errors={"date_to": ["The end date must be on or after the start date."]},
        )
    user = _user(request)
    record_event(
        actor=user,
        action=Action.LIST,
        whanau_id=filters.whanau,
        summary="Listed contacts (API)",
        data={"filters": filters.model_dump(mode="json", exclude_defaults=True)},
        request=request,
    )
    return selectors.contact_list(
        user=user,
        filters=selectors.ContactFilters(
            whanau=filters.whanau,
            person=filters.person,
            practitioner=filters.practitioner,
            relationship=filters.relationship,
            date_from=filters.date_from,
            date_to=filters.date_to,
            mode=filters.mode or "",
            quadrant=filters.quadrant or "",
            include_archived=filters.include_archived,
        ),
    ).prefetch_related("relationships")


@router.post("/contacts", response={201: ContactOut, **ERRORS})
def create_contact(request: HttpRequest, payload: ContactIn) -> Status:
    """Record a contact. The quadrant follows from `support` and `control`."""
    user = _user(request)
    fields = payload.model_dump(
        exclude={
            "whanau_id",
            "participant_ids",
            "relationship_ids",
            "screening",
            "urgent_reason",
        }
    )
    with _service_errors():
        contact = services.contact_create(
            actor=user,
            whanau_id=payload.whanau_id,
            fields=fields,
            participant_ids=list(payload.participant_ids),
            relationship_ids=list(payload.relationship_ids),
            screening_id=payload.screening,
            urgent_reason=payload.urgent_reason,
            request=request,
        )
    return Status(201, _load(contact.pk))


@router.get("/contacts/{contact_id}", response={200: ContactOut, **READ_ERRORS})
def get_contact(request: HttpRequest, contact_id: int = PathId) -> Contact:
    user = _user(request)
    contact = selectors.get_contact_for_user(user, contact_id)
    record_event(
        actor=user,
        action=Action.VIEW,
        target=contact,
        whanau_id=contact.whanau_id,
        summary=f"Viewed a contact with {contact.whanau.name} (API)",
        request=request,
    )
    return contact


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **WRITE_ERRORS})
def update_contact(
    request: HttpRequest, payload: ContactPatch, contact_id: int = PathId
) -> Contact:
    """Change some fields. Send the `version` you read; a stale one gets 409."""
    user = _user(request)
    selectors.get_contact_for_user(user, contact_id)  # 404 before anything else
    changes = payload.model_dump(exclude_unset=True, exclude={"version"})
    participant_ids = changes.pop("participant_ids", None)
    relationship_ids = changes.pop("relationship_ids", None)
    screening_id = changes.pop("screening", None)
    urgent_reason = changes.pop("urgent_reason", "") or ""
    with _service_errors(your_version=payload.version, current=lambda: _contact_out(contact_id)):
        services.contact_update(
            actor=user,
            contact_id=contact_id,
            expected_version=payload.version,
            changes=changes,
            participant_ids=participant_ids,
            relationship_ids=relationship_ids,
            screening_id=screening_id,
            urgent_reason=urgent_reason,
            request=request,
        )
    return _load(contact_id)


@router.post("/contacts/{contact_id}/archive", response={200: ContactOut, **WRITE_ERRORS})
def archive_contact(
    request: HttpRequest, payload: ContactArchiveIn, contact_id: int = PathId
) -> Contact:
    """Archive a contact (made in error, or about the wrong whānau), with the reason."""
    user = _user(request)
    contact = selectors.get_contact_for_user(user, contact_id)
    if not services.can_archive_contact(user, contact) and contact.archived_at is None:
        raise forbidden(
            "Only the practitioner who recorded a contact, or their supervisor, archives it."
        )
    with _service_errors(your_version=payload.version, current=lambda: _contact_out(contact_id)):
        services.contact_archive(
            actor=user,
            contact_id=contact_id,
            expected_version=payload.version,
            reason=payload.reason,
            request=request,
        )
    return _load(contact_id)
