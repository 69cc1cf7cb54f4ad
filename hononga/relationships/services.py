"""Writes for relationships and consent.

Each service checks access, validates, writes its history and AuditEvent in one transaction, and
raises PracticeError (field by field) or ConflictError; nothing is ever half-saved. Relationships
are never deleted: ending one keeps it (with its history) and hides it from the map by default.
"""

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from hononga.accounts.models import User
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.concurrency import lock_current
from hononga.core.errors import NotFound, PracticeError
from hononga.core.services import apply_changes, validate
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
from hononga.whanau import access
from hononga.whanau.models import Allocation, Membership, Person, PersonKind, Whanau

RELATIONSHIP_FIELDS = {"kind", "strength", "stress", "support", "started", "ended", "notes"}
CHOICES = {
    "kind": RelationshipKind.values,
    "strength": Strength.values,
    "stress": Stress.values,
    "support": Support.values,
}


def _not_found() -> NotFound:
    return NotFound(_("That record was not found."))


def _field_error(field: str, message: str) -> PracticeError:
    return PracticeError(message, errors={field: [message]})


def can_write(actor: Any, whanau: Whanau) -> bool:
    return (
        getattr(actor, "role", None) in access.CASE_WRITER_ROLES
        and whanau.archived_at is None
        and access.can_edit_whanau(actor, whanau)
    )


def _writable_whanau(actor: User, whanau_id: int) -> Whanau:
    whanau = access.whanau_for_user(actor).filter(pk=whanau_id).first()
    if whanau is None:
        raise _not_found()
    if actor.role not in access.CASE_WRITER_ROLES:
        raise PracticeError(_("Your role cannot change case records."))
    if not access.can_edit_whanau(actor, whanau):
        raise PracticeError(_("You can see this whānau but not change it."))
    if whanau.archived_at is not None:
        raise PracticeError(_("This whānau is archived: its map cannot change."))
    return whanau


# --- Who can be in a relationship on a whānau's map -----------------------------------------------


def map_people(actor: Any, whanau: Whanau) -> QuerySet[Person]:
    """People the actor may put on this whānau's map.

    Live members of the whānau, anyone already in one of its relationships, and the Person
    records of the staff allocated to it (and the actor's own). Everyone else is hidden.
    """
    staff = Allocation.objects.current().filter(whanau=whanau).values("user_id")
    return Person.objects.filter(
        Q(
            pk__in=Membership.objects.filter(whanau=whanau, archived_at__isnull=True).values(
                "person_id"
            )
        )
        | Q(pk__in=Relationship.objects.filter(whanau=whanau).values("person_a_id"))
        | Q(pk__in=Relationship.objects.filter(whanau=whanau).values("person_b_id"))
        | Q(user__in=staff)
        | Q(user=actor),
        archived_at__isnull=True,
    )


def _staff_person(actor: User, whanau: Whanau, user_id: int) -> Person | None:
    """The Person record of an allocated staff member (or the actor), made if missing."""
    allocated = Allocation.objects.current().filter(whanau=whanau, user_id=user_id).exists()
    if not allocated and user_id != actor.pk:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    existing = Person.objects.filter(user=user).first()
    if existing is not None:
        return existing if existing.archived_at is None else None
    person = Person(
        preferred_name=(user.preferred_name or user.first_name or user.username)[:100],
        other_names=user.last_name[:100],
        kind=PersonKind.PRACTITIONER,
        user=user,
    )
    person._history_user = actor  # type: ignore[attr-defined]
    person.save()
    return person


def resolve_person(actor: User, whanau: Whanau, key: Any, field: str) -> Person:
    """A person for one side of a relationship: a Person id, "p<id>", or "u<user id>" for staff.

    Refused with a field error (worded the same whether missing or hidden) if the actor may not
    put them on this map.
    """
    message = _("Choose someone from this whānau's map.")
    text = str(key).strip() if key is not None else ""
    person: Person | None = None
    try:
        if text.startswith("u"):
            person = _staff_person(actor, whanau, int(text[1:]))
        elif text:
            pk = int(text[1:] if text.startswith("p") else text)
            person = map_people(actor, whanau).filter(pk=pk).first()
    except (TypeError, ValueError, OverflowError):
        person = None
    if person is None:
        raise _field_error(field, message)
    return person


# --- Rules ----------------------------------------------------------------------------------------


def _check_fields(fields: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    for name, values in CHOICES.items():
        if name in fields and fields[name] not in values:
            errors[name] = [_("Choose one of the options.")]
    for name in ("started", "ended"):
        if name in fields and fields[name] is not None and not isinstance(fields[name], date):
            errors[name] = [_("Enter a date.")]
    if "notes" in fields and not isinstance(fields["notes"], str):
        errors["notes"] = [_("Enter text.")]
    if errors:
        raise PracticeError(next(iter(errors.values()))[0], errors=errors)


def _check_rules(relationship: Relationship) -> None:
    """The rules of a relationship, each as a field error (before the database's own checks)."""
    errors: dict[str, list[str]] = {}
    if relationship.person_a_id == relationship.person_b_id:
        errors["person_b"] = [_("A relationship needs two different people.")]
    if (
        relationship.started is not None
        and relationship.ended is not None
        and relationship.ended < relationship.started
    ):
        errors["ended"] = [_("A relationship cannot end before it started.")]
    if relationship.ended is not None and relationship.ended > timezone.localdate():
        errors["ended"] = [_("The end date cannot be in the future.")]
    if relationship.is_active and "person_b" not in errors:
        duplicate = Relationship.objects.filter(
            person_a_id=relationship.person_a_id,
            person_b_id=relationship.person_b_id,
            kind=relationship.kind,
            ended__isnull=True,
            archived_at__isnull=True,
        ).exclude(pk=relationship.pk)
        if duplicate.exists():
            errors["kind"] = [
                _(
                    "These two people already have an active relationship of this kind: "
                    "change that one, or end it first."
                )
            ]
    if errors:
        raise PracticeError(next(iter(errors.values()))[0], errors=errors)


def _save(relationship: Relationship, actor: User) -> None:
    """Validate and save; a race past the checks still meets the database's constraints."""
    _check_rules(relationship)
    validate(relationship)
    relationship._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            relationship.save()
    except IntegrityError:
        raise _field_error(
            "kind", _("These two people already have an active relationship of this kind.")
        ) from None


def _names(relationship: Relationship) -> str:
    return f"{relationship.person_a.full_name} and {relationship.person_b.full_name}"


# --- Relationships --------------------------------------------------------------------------------


def relationship_create(
    *,
    actor: User,
    whanau_id: int,
    person_a: Any,
    person_b: Any,
    fields: dict[str, Any],
    request: HttpRequest | None = None,
) -> Relationship:
    """A new relationship on a whānau's map between two people the actor may put on it.

    `person_a`/`person_b`: Person ids, or candidate keys ("p<id>", "u<user id>"). The pair is
    stored in id order with the direction of support flipped to match, so the meaning is kept.
    """
    unknown = set(fields) - RELATIONSHIP_FIELDS
    if unknown:
        raise PracticeError(
            _("These fields cannot be set here: %(names)s") % {"names": ", ".join(sorted(unknown))},
            errors={name: [_("This field cannot be set here.")] for name in sorted(unknown)},
        )
    if "kind" not in fields or not fields["kind"]:
        raise _field_error("kind", _("Choose the kind of relationship."))
    _check_fields(fields)
    with transaction.atomic():
        whanau = _writable_whanau(actor, whanau_id)
        errors: dict[str, list[str]] = {}
        people: dict[str, Person] = {}
        for field, key in (("person_a", person_a), ("person_b", person_b)):
            try:
                people[field] = resolve_person(actor, whanau, key, field)
            except PracticeError as error:
                errors.update(error.errors)
        if errors:
            raise PracticeError(next(iter(errors.values()))[0], errors=errors)
        first, second = people["person_a"], people["person_b"]
        if first.pk == second.pk:
            raise _field_error("person_b", _("A relationship needs two different people."))
        member_ids = set(
            Membership.objects.filter(
                whanau=whanau, archived_at__isnull=True, person__in=[first, second]
            ).values_list("person_id", flat=True)
        )
        if not member_ids:
            raise _field_error(
                "person_a", _("At least one of the two people must belong to this whānau.")
            )
        values = dict(fields)
        if first.pk > second.pk:
            first, second = second, first
            values["support"] = Support.reversed(values.get("support", Support.BOTH))
        relationship = Relationship(whanau=whanau, person_a=first, person_b=second, **values)
        _save(relationship, actor)
        record_event(
            actor=actor,
            action=Action.CREATE,
            target=relationship,
            whanau_id=whanau.pk,
            summary=f"Added the relationship of {_names(relationship)} to {whanau.name}",
            request=request,
        )
    return relationship


def _locked(actor: User, relationship_id: int, expected_version: int) -> Relationship:
    visible = Relationship.objects.filter(
        pk=relationship_id, whanau__in=access.whanau_for_user(actor).values("pk")
    )
    if not visible.exists():
        raise _not_found()
    relationship = lock_current(Relationship, relationship_id, expected_version=expected_version)
    _writable_whanau(actor, relationship.whanau_id)
    if relationship.archived_at is not None:
        raise PracticeError(_("This relationship is archived."))
    return relationship


def relationship_update(
    *,
    actor: User,
    relationship_id: int,
    expected_version: int,
    changes: dict[str, Any],
    request: HttpRequest | None = None,
) -> Relationship:
    """Change what the relationship is like (its two people stay: end it and add another)."""
    if "person_a" in changes or "person_b" in changes:
        changes = dict(changes)
        message = _("The people in a relationship cannot change: end it and add another.")
        errors = {f: [message] for f in ("person_a", "person_b") if f in changes}
        raise PracticeError(message, errors=errors)
    _check_fields(changes)
    with transaction.atomic():
        relationship = _locked(actor, relationship_id, expected_version)
        diff = apply_changes(relationship, changes, RELATIONSHIP_FIELDS)
        if not diff:
            return relationship
        relationship.version += 1
        _save(relationship, actor)
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=relationship,
            whanau_id=relationship.whanau_id,
            summary=f"Changed the relationship of {_names(relationship)}",
            data={"changes": diff},
            request=request,
        )
    return relationship


def relationship_end(
    *,
    actor: User,
    relationship_id: int,
    expected_version: int,
    ended: date | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Relationship:
    """End a relationship on a date (default today). It stays, with its history."""
    if ended is not None and not isinstance(ended, date):
        raise _field_error("ended", _("Enter a date."))
    with transaction.atomic():
        relationship = _locked(actor, relationship_id, expected_version)
        if relationship.ended is not None:
            raise _field_error("ended", _("This relationship has already ended."))
        relationship.ended = ended or timezone.localdate()
        relationship.version += 1
        if reason:
            relationship._change_reason = reason[:100]  # type: ignore[attr-defined]
        _save(relationship, actor)
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=relationship,
            whanau_id=relationship.whanau_id,
            summary=f"Ended the relationship of {_names(relationship)}",
            reason=reason,
            data={"changes": {"ended": [None, str(relationship.ended)]}},
            request=request,
        )
    return relationship


# --- Consent --------------------------------------------------------------------------------------


def can_record_consent(actor: Any, person: Person) -> bool:
    return getattr(actor, "role", None) in access.CASE_WRITER_ROLES and access.can_edit_person(
        actor, person
    )


def consent_record(
    *,
    actor: User,
    person_id: int,
    purpose: str,
    status: str,
    day: date | None = None,
    note: str = "",
    request: HttpRequest | None = None,
) -> Consent:
    """Record that a person gave or withdrew consent for one purpose (a new row, always)."""
    errors: dict[str, list[str]] = {}
    if purpose not in ConsentPurpose.values:
        errors["purpose"] = [_("Choose what the consent is for.")]
    if status not in ConsentStatus.values:
        errors["status"] = [_("Choose given or withdrawn.")]
    day = day or timezone.localdate()
    if not isinstance(day, date):
        errors["date"] = [_("Enter a date.")]
    elif day > timezone.localdate():
        errors["date"] = [_("The date cannot be in the future.")]
    if not isinstance(note, str):
        errors["note"] = [_("Enter text.")]
    if errors:
        raise PracticeError(next(iter(errors.values()))[0], errors=errors)
    with transaction.atomic():
        person = access.people_for_user(actor).filter(pk=person_id).first()
        if person is None:
            raise _not_found()
        if not can_record_consent(actor, person):
            raise PracticeError(_("You can see this person but not record their consent."))
        consent = Consent(
            person=person, purpose=purpose, status=status, date=day, note=note, recorded_by=actor
        )
        validate(consent, exclude=["recorded_by"])
        consent.save()
        label = f"{consent.get_purpose_display()}: {consent.get_status_display()}"
        whanau_ids: list[int | None] = list(
            person.memberships.filter(archived_at__isnull=True).values_list("whanau_id", flat=True)
        )
        for whanau_id in whanau_ids or [None]:
            record_event(
                actor=actor,
                action=Action.CREATE,
                target=consent,
                whanau_id=whanau_id,
                summary=f"Recorded consent of {person.full_name} ({label})",
                request=request,
            )
    return consent
