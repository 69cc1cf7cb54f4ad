"""Writes for contacts: record, change, archive.

Each service checks access, validates everything before writing (so a refused contact leaves
nothing behind), calls the contact hooks (hononga.contacts.hooks: the practice-advisory
screening gate registers there), keeps history, and writes its AuditEvent in one transaction.
"""

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hononga.accounts.models import Role, User
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.contacts import hooks
from hononga.contacts.models import (
    RATING_MAX,
    RATING_MIN,
    Contact,
    quadrant,
    save_with_history,
)
from hononga.core.concurrency import lock_current
from hononga.core.errors import NON_FIELD, NotFound, PracticeError
from hononga.core.services import apply_changes, validate
from hononga.relationships.models import Relationship
from hononga.whanau import access
from hononga.whanau.models import Membership, Whanau

CONTACT_FIELDS = {
    "occurred_at",
    "mode",
    "purpose",
    "note",
    "own_words",
    "decisions_with",
    "support",
    "control",
}
# A form prefilled with "now" and saved a moment later must not count as the future.
CLOCK_LEEWAY = timedelta(minutes=2)
URGENT_REASON_MAX = 2000


def _not_found() -> NotFound:
    return NotFound(_("That record was not found."))


def _require_writer(actor: User) -> None:
    if actor.role not in access.CASE_WRITER_ROLES:
        raise PermissionDenied(_("Your role cannot record contacts."))


def _writable_whanau(actor: User, whanau_id: int) -> Whanau:
    whanau = access.whanau_for_user(actor).filter(pk=whanau_id).first()
    if whanau is None:
        raise _not_found()
    if not access.can_edit_whanau(actor, whanau):
        raise PermissionDenied(_("You can see this whānau but not record contacts for it."))
    if whanau.archived_at is not None:
        raise PracticeError(
            _("This whānau is archived: contacts can no longer be recorded for it.")
        )
    return whanau


def _check(
    contact: Contact,
    *,
    whanau: Whanau,
    participant_ids: list[int] | None,
    relationship_ids: list[int] | None,
    urgent_reason: str,
) -> None:
    """Every problem at once, each beside its field; raises before anything is written."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    ratings_ok = True
    for name in ("support", "control"):
        value = getattr(contact, name)
        if value is None or value == "":
            add(name, _("Give a number from 0 to 10."))
            ratings_ok = False
        elif isinstance(value, bool) or not isinstance(value, int):
            add(name, _("Give a whole number from 0 to 10."))
            ratings_ok = False
        elif not RATING_MIN <= value <= RATING_MAX:
            add(name, _("Give a number from 0 to 10 (you gave %(value)s).") % {"value": value})
            ratings_ok = False
    exclude = ["whanau", "practitioner", "quadrant", "support", "control"]
    if ratings_ok:
        contact.quadrant = quadrant(contact.support, contact.control)
        exclude = ["whanau", "practitioner"]
    try:
        validate(contact, exclude=exclude)
    except PracticeError as error:
        for field, messages in error.errors.items():
            for message in messages:
                add(field, message)
    if contact.occurred_at is not None and contact.occurred_at > timezone.now() + CLOCK_LEEWAY:
        add("occurred_at", _("The contact cannot be in the future: give when it happened."))
    if participant_ids is not None:
        wanted = set(participant_ids)
        if not wanted:
            add("participants", _("Choose who took part (at least one person)."))
        else:
            members = set(
                Membership.objects.filter(
                    whanau=whanau, archived_at__isnull=True, person_id__in=wanted
                ).values_list("person_id", flat=True)
            )
            outside = len(wanted - members)
            if outside:
                add(
                    "participants",
                    ngettext(
                        "One of the people chosen is not a member of this whānau: choose "
                        "people from this whānau.",
                        "%(n)s of the people chosen are not members of this whānau: choose "
                        "people from this whānau.",
                        outside,
                    )
                    % {"n": outside},
                )
    if relationship_ids:
        wanted = set(relationship_ids)
        found = set(
            Relationship.objects.filter(
                whanau=whanau, archived_at__isnull=True, pk__in=wanted
            ).values_list("pk", flat=True)
        )
        if wanted - found:
            add(
                "relationships",
                _("Choose relationships from this whānau's map."),
            )
    if len(urgent_reason) > URGENT_REASON_MAX:
        add(
            "urgent_reason",
            _("Keep the reason under %(n)s characters.") % {"n": URGENT_REASON_MAX},
        )
    if errors:
        count = sum(len(m) for m in errors.values())
        first = next(iter(errors.values()))[0]
        message = (
            first
            if count == 1
            else _("The contact was not saved: %(n)s things need correcting.") % {"n": count}
        )
        raise PracticeError(message, errors=errors)


def _hook_fields(
    contact: Contact, participant_ids: list[int], relationship_ids: list[int]
) -> dict[str, Any]:
    fields = {name: getattr(contact, name) for name in sorted(CONTACT_FIELDS)}
    fields["participant_ids"] = sorted(participant_ids)
    fields["relationship_ids"] = sorted(relationship_ids)
    return fields


def contact_create(
    *,
    actor: User,
    whanau_id: int,
    fields: dict[str, Any],
    participant_ids: list[int],
    relationship_ids: list[int] | None = None,
    screening_id: int | None = None,
    urgent_reason: str = "",
    request: HttpRequest | None = None,
) -> Contact:
    """Record a contact by the actor with a whānau they may change."""
    _require_writer(actor)
    unknown = set(fields) - CONTACT_FIELDS
    if unknown:
        raise PracticeError(
            _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))},
            errors={name: [_("This field cannot be set here.")] for name in sorted(unknown)},
        )
    relationship_ids = list(relationship_ids or [])
    urgent_reason = (urgent_reason or "").strip()
    with transaction.atomic():
        whanau = _writable_whanau(actor, whanau_id)
        contact = Contact(whanau=whanau, practitioner=actor, **fields)
        _check(
            contact,
            whanau=whanau,
            participant_ids=participant_ids,
            relationship_ids=relationship_ids,
            urgent_reason=urgent_reason,
        )
        hooks.run_before_save(
            actor=actor,
            whanau=whanau,
            fields=_hook_fields(contact, participant_ids, relationship_ids),
            screening_id=screening_id,
            urgent_reason=urgent_reason,
        )
        contact._history_user = actor  # type: ignore[attr-defined]

        def set_related() -> None:
            contact.participants.set(participant_ids)
            contact.relationships.set(relationship_ids)

        save_with_history(contact, "+", set_related)
        record_event(
            actor=actor,
            action=Action.CREATE,
            target=contact,
            whanau_id=whanau.pk,
            summary=f"Recorded a contact ({contact.mode}) with {whanau.name}",
            data={"quadrant": contact.quadrant, "participants": sorted(participant_ids)},
            request=request,
        )
        hooks.run_after_save(
            actor=actor, contact=contact, screening_id=screening_id, urgent_reason=urgent_reason
        )
    return contact


def _visible_contact(actor: User, contact_id: int) -> Contact:
    contact = (
        Contact.objects.filter(pk=contact_id, whanau__in=access.whanau_for_user(actor).values("pk"))
        .select_related("whanau")
        .first()
    )
    if contact is None:
        raise _not_found()
    return contact


def can_change_contact(actor: Any, contact: Contact) -> bool:
    """The practitioner who recorded it changes it: the ratings are their own reflection."""
    return (
        getattr(actor, "role", None) in access.CASE_WRITER_ROLES
        and contact.practitioner_id == actor.pk
        and contact.archived_at is None
        and access.can_edit_whanau(actor, contact.whanau)
    )


def can_archive_contact(actor: Any, contact: Contact) -> bool:
    """The recorder, or a supervisor of the whānau's team (for a record made in error)."""
    if contact.archived_at is not None:
        return False
    if can_change_contact(actor, contact):
        return True
    return getattr(actor, "role", None) == Role.SUPERVISOR and access.can_edit_whanau(
        actor, contact.whanau
    )


def contact_update(
    *,
    actor: User,
    contact_id: int,
    expected_version: int,
    changes: dict[str, Any],
    participant_ids: list[int] | None = None,
    relationship_ids: list[int] | None = None,
    screening_id: int | None = None,
    urgent_reason: str = "",
    request: HttpRequest | None = None,
) -> Contact:
    """Change a contact. `participant_ids`/`relationship_ids` of None leave those unchanged."""
    _require_writer(actor)
    urgent_reason = (urgent_reason or "").strip()
    with transaction.atomic():
        _visible_contact(actor, contact_id)
        contact = lock_current(Contact, contact_id, expected_version=expected_version)
        if not can_change_contact(actor, contact):
            if contact.archived_at is not None:
                raise PracticeError(_("This contact is archived and can no longer be changed."))
            raise PermissionDenied(_("Only the practitioner who recorded a contact changes it."))
        diff = apply_changes(contact, changes, CONTACT_FIELDS)
        old_participants = sorted(contact.participants.values_list("pk", flat=True))
        old_relationships = sorted(contact.relationships.values_list("pk", flat=True))
        new_participants = (
            sorted(set(participant_ids)) if participant_ids is not None else old_participants
        )
        new_relationships = (
            sorted(set(relationship_ids)) if relationship_ids is not None else old_relationships
        )
        if new_participants != old_participants:
            diff["participants"] = [old_participants, new_participants]
        if new_relationships != old_relationships:
            diff["relationships"] = [old_relationships, new_relationships]
        if not diff:
            return contact
        _check(
            contact,
            whanau=contact.whanau,
            participant_ids=new_participants,
            relationship_ids=new_relationships,
            urgent_reason=urgent_reason,
        )
        hooks.run_before_save(
            actor=actor,
            whanau=contact.whanau,
            fields=_hook_fields(contact, new_participants, new_relationships),
            screening_id=screening_id,
            urgent_reason=urgent_reason,
        )
        contact.version += 1
        contact._history_user = actor  # type: ignore[attr-defined]

        def set_related() -> None:
            if "participants" in diff:
                contact.participants.set(new_participants)
            if "relationships" in diff:
                contact.relationships.set(new_relationships)

        save_with_history(contact, "~", set_related)
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=contact,
            whanau_id=contact.whanau_id,
            summary=f"Changed a contact with {contact.whanau.name}",
            data={"changes": diff},
            request=request,
        )
        hooks.run_after_save(
            actor=actor, contact=contact, screening_id=screening_id, urgent_reason=urgent_reason
        )
    return contact


def contact_archive(
    *,
    actor: User,
    contact_id: int,
    expected_version: int,
    reason: str,
    request: HttpRequest | None = None,
) -> Contact:
    reason = (reason or "").strip()
    if not reason:
        message = _("Say why this contact is being archived.")
        raise PracticeError(message, errors={"reason": [message]})
    _require_writer(actor)
    with transaction.atomic():
        _visible_contact(actor, contact_id)
        contact = lock_current(Contact, contact_id, expected_version=expected_version)
        if contact.archived_at is not None:
            raise PracticeError(
                _("This contact is already archived."),
                errors={NON_FIELD: [_("This contact is already archived.")]},
            )
        if not can_archive_contact(actor, contact):
            raise PermissionDenied(
                _("Only the practitioner who recorded a contact, or their supervisor, archives it.")
            )
        contact.archived_at = timezone.now()
        contact.version += 1
        contact._history_user = actor  # type: ignore[attr-defined]
        contact._change_reason = reason  # type: ignore[attr-defined]
        contact.save()
        record_event(
            actor=actor,
            action=Action.ARCHIVE,
            target=contact,
            whanau_id=contact.whanau_id,
            summary=f"Archived a contact with {contact.whanau.name}",
            reason=reason,
            request=request,
        )
    return contact
