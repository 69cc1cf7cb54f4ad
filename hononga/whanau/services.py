"""Writes for whānau, people, memberships, allocations and break-glass grants.

Each service checks access, validates, writes history and its AuditEvent in one transaction.
"""

from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from hononga.accounts.models import Role, Team, User
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.concurrency import lock_current
from hononga.core.errors import NotFound, PracticeError
from hononga.core.services import apply_changes, validate
from hononga.whanau import access
from hononga.whanau.models import (
    Allocation,
    BreakGlassGrant,
    Membership,
    Person,
    Whanau,
    WhanauStatus,
)

WHANAU_FIELDS = {"name", "status", "summary", "region", "team"}
PERSON_FIELDS = {
    "preferred_name",
    "other_names",
    "kind",
    "date_of_birth",
    "languages",
    "phone",
    "email",
    "iwi",
    "hapu",
}
MEMBERSHIP_FIELDS = {"role", "started", "ended"}
ALLOCATION_FIELDS = {"started", "ended"}


def _not_found() -> NotFound:
    # Same words whether the record is missing or hidden from this user.
    return NotFound(_("That record was not found."))


def _require_case_writer(actor: User) -> None:
    if actor.role not in access.CASE_WRITER_ROLES:
        raise PracticeError(_("Your role cannot change case records."))


def _require_editable_whanau(actor: User, whanau: Whanau) -> None:
    if not access.can_edit_whanau(actor, whanau):
        if access.whanau_for_user(actor).filter(pk=whanau.pk).exists():
            raise PracticeError(_("You can see this whānau but not change it."))
        raise _not_found()


# --- Whānau -----------------------------------------------------------------------------------


def whanau_create(
    *,
    actor: User,
    name: str,
    team: Team,
    summary: str = "",
    status: str = WhanauStatus.OPEN,
    request: HttpRequest | None = None,
) -> Whanau:
    _require_case_writer(actor)
    if not actor.teams.filter(pk=team.pk).exists():
        raise PracticeError(
            _("Choose one of your own teams."),
            errors={"team": [_("Choose one of your own teams.")]},
        )
    with transaction.atomic():
        whanau = Whanau(
            name=name, team=team, region_id=team.region_id, summary=summary, status=status
        )
        validate(whanau)
        whanau._history_user = actor  # type: ignore[attr-defined]
        whanau.save()
        if actor.role in {Role.PRACTITIONER, Role.FACILITATOR}:
            # Whoever opens a whānau works with it; otherwise they could not see what they made.
            allocation = Allocation(whanau=whanau, user=actor, started=timezone.localdate())
            allocation._history_user = actor  # type: ignore[attr-defined]
            allocation.save()
        record_event(
            actor=actor,
            action=Action.CREATE,
            target=whanau,
            whanau_id=whanau.pk,
            summary=f"Created whānau {whanau.name}",
            request=request,
        )
    return whanau


def whanau_update(
    *,
    actor: User,
    whanau_id: int,
    expected_version: int,
    changes: dict[str, Any],
    request: HttpRequest | None = None,
) -> Whanau:
    with transaction.atomic():
        if not access.whanau_for_user(actor).filter(pk=whanau_id).exists():
            raise _not_found()
        whanau = lock_current(Whanau, whanau_id, expected_version=expected_version)
        _require_editable_whanau(actor, whanau)
        if "team" in changes:
            team = changes["team"]
            if not (actor.teams.filter(pk=team.pk).exists()):
                raise PracticeError(
                    _("Choose one of your own teams."),
                    errors={"team": [_("Choose one of your own teams.")]},
                )
            changes = {**changes, "region": team.region}
        diff = apply_changes(whanau, changes, WHANAU_FIELDS)
        if not diff:
            return whanau
        validate(whanau)
        whanau.version += 1
        whanau._history_user = actor  # type: ignore[attr-defined]
        whanau.save()
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=whanau,
            whanau_id=whanau.pk,
            summary=f"Changed whānau {whanau.name}",
            data={"changes": diff},
            request=request,
        )
    return whanau


def whanau_archive(
    *,
    actor: User,
    whanau_id: int,
    expected_version: int,
    reason: str,
    request: HttpRequest | None = None,
) -> Whanau:
    if not reason.strip():
        raise PracticeError(
            _("Say why this whānau is being archived."),
            errors={"reason": [_("Say why this whānau is being archived.")]},
        )
    with transaction.atomic():
        if not access.whanau_for_user(actor).filter(pk=whanau_id).exists():
            raise _not_found()
        whanau = lock_current(Whanau, whanau_id, expected_version=expected_version)
        _require_editable_whanau(actor, whanau)
        if whanau.archived_at is not None:
            raise PracticeError(_("This whānau is already archived."))
        whanau.archived_at = timezone.now()
        whanau.status = WhanauStatus.CLOSED
        whanau.version += 1
        whanau._history_user = actor  # type: ignore[attr-defined]
        whanau._change_reason = reason  # type: ignore[attr-defined]
        whanau.save()
        record_event(
            actor=actor,
            action=Action.ARCHIVE,
            target=whanau,
            whanau_id=whanau.pk,
            summary=f"Archived whānau {whanau.name}",
            reason=reason,
            request=request,
        )
    return whanau


# --- People and memberships --------------------------------------------------------------------


def person_create(
    *,
    actor: User,
    whanau: Whanau,
    fields: dict[str, Any],
    membership_role: str = "",
    request: HttpRequest | None = None,
) -> Person:
    """Create a person as a member of a whānau the actor can change."""
    _require_case_writer(actor)
    _require_editable_whanau(actor, whanau)
    unknown = set(fields) - PERSON_FIELDS
    if unknown:
        raise PracticeError(_("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))})
    with transaction.atomic():
        person = Person(**fields)
        validate(person)
        person._history_user = actor  # type: ignore[attr-defined]
        person.save()
        membership = Membership(person=person, whanau=whanau, role=membership_role)
        validate(membership)
        membership._history_user = actor  # type: ignore[attr-defined]
        membership.save()
        record_event(
            actor=actor,
            action=Action.CREATE,
            target=person,
            whanau_id=whanau.pk,
            summary=f"Added {person.full_name} to {whanau.name}",
            request=request,
        )
    return person


def person_update(
    *,
    actor: User,
    person_id: int,
    expected_version: int,
    changes: dict[str, Any],
    request: HttpRequest | None = None,
) -> Person:
    with transaction.atomic():
        if not access.people_for_user(actor).filter(pk=person_id).exists():
            raise _not_found()
        person = lock_current(Person, person_id, expected_version=expected_version)
        if not access.can_edit_person(actor, person):
            raise PracticeError(_("You can see this person but not change their record."))
        diff = apply_changes(person, changes, PERSON_FIELDS)
        if not diff:
            return person
        validate(person)
        person.version += 1
        person._history_user = actor  # type: ignore[attr-defined]
        person.save()
        for whanau_id in _whanau_ids_of(person):
            record_event(
                actor=actor,
                action=Action.UPDATE,
                target=person,
                whanau_id=whanau_id,
                summary=f"Changed {person.full_name}",
                data={"changes": diff},
                request=request,
            )
    return person


def person_archive(
    *,
    actor: User,
    person_id: int,
    expected_version: int,
    reason: str,
    request: HttpRequest | None = None,
) -> Person:
    if not reason.strip():
        raise PracticeError(
            _("Say why this person is being archived."),
            errors={"reason": [_("Say why this person is being archived.")]},
        )
    with transaction.atomic():
        if not access.people_for_user(actor).filter(pk=person_id).exists():
            raise _not_found()
        person = lock_current(Person, person_id, expected_version=expected_version)
        if not access.can_edit_person(actor, person):
            raise PracticeError(_("You can see this person but not change their record."))
        if person.archived_at is not None:
            raise PracticeError(_("This person is already archived."))
        person.archived_at = timezone.now()
        person.version += 1
        person._history_user = actor  # type: ignore[attr-defined]
        person._change_reason = reason  # type: ignore[attr-defined]
        person.save()
        for whanau_id in _whanau_ids_of(person):
            record_event(
                actor=actor,
                action=Action.ARCHIVE,
                target=person,
                whanau_id=whanau_id,
                summary=f"Archived {person.full_name}",
                reason=reason,
                request=request,
            )
    return person


def _whanau_ids_of(person: Person) -> list[int]:
    return list(
        person.memberships.filter(archived_at__isnull=True).values_list("whanau_id", flat=True)
    )


def membership_create(
    *,
    actor: User,
    whanau: Whanau,
    person: Person,
    role: str = "",
    started: date | None = None,
    request: HttpRequest | None = None,
) -> Membership:
    """Add a person the actor can already see to another whānau."""
    _require_case_writer(actor)
    _require_editable_whanau(actor, whanau)
    if not access.people_for_user(actor).filter(pk=person.pk).exists():
        raise _not_found()
    with transaction.atomic():
        if Membership.objects.filter(
            person=person, whanau=whanau, archived_at__isnull=True
        ).exists():
            raise PracticeError(
                _("%(person)s already belongs to this whānau.") % {"person": person.full_name},
                errors={"person": [_("Already a member of this whānau.")]},
            )
        membership = Membership(person=person, whanau=whanau, role=role, started=started)
        validate(membership)
        membership._history_user = actor  # type: ignore[attr-defined]
        membership.save()
        record_event(
            actor=actor,
            action=Action.CREATE,
            target=membership,
            whanau_id=whanau.pk,
            summary=f"Added {person.full_name} to {whanau.name}",
            request=request,
        )
    return membership


def membership_update(
    *,
    actor: User,
    membership_id: int,
    expected_version: int,
    changes: dict[str, Any],
    request: HttpRequest | None = None,
) -> Membership:
    with transaction.atomic():
        membership = _visible_membership(actor, membership_id)
        membership = lock_current(Membership, membership.pk, expected_version=expected_version)
        _require_editable_whanau(actor, membership.whanau)
        diff = apply_changes(membership, changes, MEMBERSHIP_FIELDS)
        if not diff:
            return membership
        validate(membership)
        membership.version += 1
        membership._history_user = actor  # type: ignore[attr-defined]
        membership.save()
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=membership,
            whanau_id=membership.whanau_id,
            summary="Changed a membership",
            data={"changes": diff},
            request=request,
        )
    return membership


def membership_archive(
    *,
    actor: User,
    membership_id: int,
    expected_version: int,
    reason: str,
    request: HttpRequest | None = None,
) -> Membership:
    if not reason.strip():
        raise PracticeError(
            _("Say why this membership is being removed."),
            errors={"reason": [_("Say why this membership is being removed.")]},
        )
    with transaction.atomic():
        membership = _visible_membership(actor, membership_id)
        membership = lock_current(Membership, membership.pk, expected_version=expected_version)
        _require_editable_whanau(actor, membership.whanau)
        membership.archived_at = timezone.now()
        membership.version += 1
        membership._history_user = actor  # type: ignore[attr-defined]
        membership._change_reason = reason  # type: ignore[attr-defined]
        membership.save()
        record_event(
            actor=actor,
            action=Action.ARCHIVE,
            target=membership,
            whanau_id=membership.whanau_id,
            summary="Removed a membership",
            reason=reason,
            request=request,
        )
    return membership


def _visible_membership(actor: User, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_related("whanau", "person")
        .filter(
            pk=membership_id,
            archived_at__isnull=True,
            whanau__in=access.whanau_for_user(actor).values("pk"),
        )
        .first()
    )
    if membership is None:
        raise _not_found()
    return membership


# --- Allocations ---------------------------------------------------------------------------------


def allocation_create(
    *,
    actor: User,
    whanau: Whanau,
    user: User,
    started: date,
    ended: date | None = None,
    request: HttpRequest | None = None,
) -> Allocation:
    if not access.can_manage_allocations(actor, whanau):
        raise PracticeError(_("Only an administrator or the team's supervisor can allocate."))
    if user.role == Role.ADMIN or not user.is_active:
        raise PracticeError(
            _("Allocate an active practitioner, facilitator or supervisor."),
            errors={"user": [_("Choose an active practitioner, facilitator or supervisor.")]},
        )
    with transaction.atomic():
        overlapping = Allocation.objects.filter(whanau=whanau, user=user, archived_at__isnull=True)
        overlapping = overlapping.exclude(ended__lt=started)
        if ended is not None:
            overlapping = overlapping.exclude(started__gt=ended)
        if overlapping.exists():
            raise PracticeError(
                _("%(user)s is already allocated to this whānau for some of those dates.")
                % {"user": user.display_name},
                errors={"user": [_("Already allocated for some of those dates.")]},
            )
        allocation = Allocation(whanau=whanau, user=user, started=started, ended=ended)
        validate(allocation)
        allocation._history_user = actor  # type: ignore[attr-defined]
        allocation.save()
        record_event(
            actor=actor,
            action=Action.CREATE,
            target=allocation,
            whanau_id=whanau.pk,
            summary=f"Allocated {user.username} to whānau {whanau.pk}",
            request=request,
        )
    return allocation


def allocation_update(
    *,
    actor: User,
    allocation_id: int,
    expected_version: int,
    changes: dict[str, Any],
    request: HttpRequest | None = None,
) -> Allocation:
    with transaction.atomic():
        try:
            allocation = lock_current(Allocation, allocation_id, expected_version=expected_version)
        except Allocation.DoesNotExist:
            raise _not_found() from None
        if not access.can_manage_allocations(actor, allocation.whanau):
            raise _not_found()
        diff = apply_changes(allocation, changes, ALLOCATION_FIELDS)
        if not diff:
            return allocation
        validate(allocation)
        allocation.version += 1
        allocation._history_user = actor  # type: ignore[attr-defined]
        allocation.save()
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=allocation,
            whanau_id=allocation.whanau_id,
            summary="Changed an allocation",
            data={"changes": diff},
            request=request,
        )
    return allocation


# --- Break glass ----------------------------------------------------------------------------------

MIN_REASON = 15


def break_glass(
    *, actor: User, whanau_id: int, reason: str, request: HttpRequest | None = None
) -> BreakGlassGrant:
    """Grant time-limited read access with a reason; logged, and shown to the supervisors."""
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        message = _("Give a reason of at least %(n)s characters: what you need and why.") % {
            "n": MIN_REASON
        }
        raise PracticeError(message, errors={"reason": [message]})
    whanau = Whanau.objects.filter(pk=whanau_id).first()
    if whanau is None:
        message = _("There is no whānau with that reference number.")
        raise PracticeError(message, errors={"whanau": [message]})
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            user=actor,
            whanau=whanau,
            reason=reason,
            expires_at=timezone.now() + settings.BREAK_GLASS_DURATION,
        )
        record_event(
            actor=actor,
            action=Action.BREAK_GLASS,
            target=whanau,
            whanau_id=whanau.pk,
            summary=f"Broke glass to see whānau {whanau.pk}",
            reason=reason,
            request=request,
        )
        from hononga.notifications import events

        events.break_glass(grant=grant)
    return grant
