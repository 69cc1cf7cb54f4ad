"""Writes for restorative processes. Pages and API both call these.

Each service checks access (outsiders: NotFound; can see but may not change: PermissionDenied),
validates everything before writing (a refused write leaves nothing behind), and writes its
AuditEvent in the same transaction. Stage changes go through `process_transition`, which asks
hononga.restorative.lifecycle for the unmet conditions.
"""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from hononga.accounts.models import Role, User
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.concurrency import lock_current
from hononga.core.errors import NON_FIELD, InvalidTransition, NotFound, PracticeError
from hononga.core.services import apply_changes, validate
from hononga.notifications import events as notification_events
from hononga.relationships.models import Consent, ConsentPurpose, ConsentStatus, Relationship
from hononga.restorative import access, lifecycle
from hononga.restorative.models import (
    CREDENTIAL_NEEDED,
    PRINCIPAL_ROLES,
    RATING_MAX,
    RATING_MIN,
    AgreementItem,
    FacilitatorCredential,
    FollowUp,
    Harm,
    HarmStatus,
    ItemStatus,
    Participant,
    ParticipantRole,
    ProcessKind,
    Response,
    RestorativeProcess,
    SafetyAssessment,
    SafetyOutcome,
    State,
)
from hononga.restorative.questions import questions_for
from hononga.whanau import access as whanau_access
from hononga.whanau.models import Membership, Whanau

HARM_FIELDS = {"what", "occurred_on", "severity"}
PREPARATION_FIELDS = {
    "invited_on",
    "consented_on",
    "prepared_on",
    "preparation_notes",
    "support_person",
    "wants_mihi",
    "wants_karakia",
    "wants_te_reo",
    "venue",
    "interpreter",
    "accessibility",
}
SAFETY_FIELDS = {
    "risk_of_further_harm",
    "power_imbalance",
    "readiness",
    "accepts_responsibility",
    "outcome",
    "safeguards",
    "reason",
}
ITEM_FIELDS = {"what", "owner", "for_whom", "due", "status", "status_reason"}
FINISHED_STATES = [State.CLOSED, State.NOT_PROCEEDING]
# The conference and the agreement builder are open from "ready" until monitoring ends.
CONFERENCE_STATES = {State.READY, State.HELD}
AGREEMENT_STATES = {State.READY, State.HELD, State.MONITORING}


def _fail(errors: dict[str, list[str]], summary: str | None = None) -> PracticeError:
    count = sum(len(m) for m in errors.values())
    first = next(iter(errors.values()))[0]
    return PracticeError(summary if summary and count > 1 else first, errors=errors)


def _not_found() -> NotFound:
    return NotFound(_("That record was not found."))


def _today() -> date:
    return timezone.localdate()


# --- Facilitator credentials ------------------------------------------------------------------


def credential_create(
    *,
    actor: User,
    user_id: int,
    level: str,
    issued: date,
    expires: date,
    request: HttpRequest | None = None,
) -> FacilitatorCredential:
    """Administrators record a facilitator's credential."""
    if actor.role != Role.ADMIN:
        raise PermissionDenied(_("Only administrators manage facilitator credentials."))
    facilitator = User.objects.filter(pk=user_id, is_active=True, role=Role.FACILITATOR).first()
    if facilitator is None:
        message = _("Choose an active facilitator.")
        raise PracticeError(message, errors={"user": [message]})
    credential = FacilitatorCredential(
        user=facilitator, level=level, issued=issued, expires=expires, recorded_by=actor
    )
    validate(credential, exclude=["user", "recorded_by"])
    with transaction.atomic():
        credential._history_user = actor  # type: ignore[attr-defined]
        credential.save()
        record_event(
            actor=actor,
            action=Action.SETTINGS,
            target=credential,
            summary=f"Recorded a {level} credential for {facilitator.username}",
            data={"issued": str(issued), "expires": str(expires)},
            request=request,
        )
    return credential


CREDENTIAL_FIELDS = {"level", "issued", "expires"}


def _credential(actor: User, credential_id: int) -> FacilitatorCredential:
    if actor.role != Role.ADMIN:
        raise PermissionDenied(_("Only administrators manage facilitator credentials."))
    if not FacilitatorCredential.objects.filter(pk=credential_id).exists():
        raise _not_found()
    return FacilitatorCredential.objects.select_related("user").get(pk=credential_id)


def credential_update(
    *,
    actor: User,
    credential_id: int,
    expected_version: int | None,
    changes: dict[str, Any],
    request: HttpRequest | None = None,
) -> FacilitatorCredential:
    """Administrators correct a credential's level, issue or expiry date."""
    with transaction.atomic():
        _credential(actor, credential_id)
        credential = lock_current(
            FacilitatorCredential, credential_id, expected_version=expected_version
        )
        diff = apply_changes(credential, changes, CREDENTIAL_FIELDS)
        validate(credential, exclude=["user", "recorded_by"])
        if not diff:
            return credential
        credential.version += 1
        credential._history_user = actor  # type: ignore[attr-defined]
        credential.save()
        record_event(
            actor=actor,
            action=Action.SETTINGS,
            target=credential,
            summary=f"Changed a facilitator credential of {credential.user.username}",
            data={"changed": diff},
            request=request,
        )
    return credential


def credential_end(
    *,
    actor: User,
    credential_id: int,
    expected_version: int | None,
    ended_on: date | None,
    reason: str,
    request: HttpRequest | None = None,
) -> FacilitatorCredential:
    """End a credential before its expiry (withdrawn, the facilitator left): it is not current
    from `ended_on` (today unless given) on. Processes that need it must then be reassigned."""
    reason = (reason or "").strip()
    with transaction.atomic():
        _credential(actor, credential_id)
        credential = lock_current(
            FacilitatorCredential, credential_id, expected_version=expected_version
        )
        day = ended_on or _today()
        errors: dict[str, list[str]] = {}
        if credential.ended_on is not None:
            errors[NON_FIELD] = [
                _("This credential already ended on %(day)s.") % {"day": credential.ended_on}
            ]
        elif day < credential.issued or day > credential.expires:
            errors["ended_on"] = [
                _(
                    "Give a day between the credential's issue (%(issued)s) and its expiry "
                    "(%(expires)s)."
                )
                % {"issued": credential.issued, "expires": credential.expires}
            ]
        if not reason:
            errors["reason"] = [_("Say why the credential ends early.")]
        if errors:
            raise _fail(errors, _("Nothing was saved: several things need correcting."))
        credential.ended_on = day
        credential.end_reason = reason
        credential.version += 1
        credential._history_user = actor  # type: ignore[attr-defined]
        credential.save()
        record_event(
            actor=actor,
            action=Action.SETTINGS,
            target=credential,
            summary=f"Ended a {credential.level} credential of {credential.user.username} early",
            reason=reason,
            data={"ended_on": str(day)},
            request=request,
        )
    return credential


def processes_needing_credential(credential: FacilitatorCredential) -> Any:
    """Unfinished processes of the credential's holder that need a credential of its level:
    after ending it early, an administrator reassigns them (or records a current one)."""
    kinds = [kind for kind, level in CREDENTIAL_NEEDED.items() if level == credential.level]
    return (
        RestorativeProcess.objects.filter(facilitator_id=credential.user_id, kind__in=kinds)
        .exclude(state__in=[State.CLOSED, State.NOT_PROCEEDING])
        .select_related("whanau")
        .order_by("id")
    )


# --- Harm -------------------------------------------------------------------------------------


def _members(whanau: Whanau, ids: set[int]) -> set[int]:
    return set(
        Membership.objects.filter(
            whanau=whanau, archived_at__isnull=True, person_id__in=ids
        ).values_list("person_id", flat=True)
    )


def _check_harm(
    harm: Harm, harmed: set[int], responsible: set[int], relationship_ids: list[int]
) -> dict[str, list[str]]:
    """Every problem with a harm record at once, each beside its field."""
    errors: dict[str, list[str]] = {}
    try:
        validate(harm, exclude=["whanau", "recorded_by"])
    except PracticeError as error:
        errors.update(error.errors)
    if isinstance(harm.occurred_on, date) and harm.occurred_on > _today():
        errors.setdefault("occurred_on", []).append(_("The harm cannot be in the future."))
    if not harmed:
        errors.setdefault("harmed", []).append(_("Choose who was harmed (at least one person)."))
    if harmed & responsible:
        errors.setdefault("responsible", []).append(
            _("A person cannot be both harmed and responsible in one record.")
        )
    members = _members(harm.whanau, harmed | responsible)
    if harmed - members:
        errors.setdefault("harmed", []).append(_("Choose people from this whānau."))
    if responsible - members:
        errors.setdefault("responsible", []).append(_("Choose people from this whānau."))
    if relationship_ids:
        found = set(
            Relationship.objects.filter(
                whanau=harm.whanau, archived_at__isnull=True, pk__in=relationship_ids
            ).values_list("pk", flat=True)
        )
        if set(relationship_ids) - found:
            errors.setdefault("relationships", []).append(
                _("Choose relationships from this whānau's map.")
            )
    return errors


def harm_create(
    *,
    actor: User,
    whanau_id: int,
    fields: dict[str, Any],
    harmed_ids: list[int],
    responsible_ids: list[int],
    relationship_ids: list[int] | None = None,
    request: HttpRequest | None = None,
) -> Harm:
    unknown = set(fields) - HARM_FIELDS
    if unknown:
        raise PracticeError(
            _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))},
            errors={name: [_("This field cannot be set here.")] for name in sorted(unknown)},
        )
    whanau = whanau_access.whanau_for_user(actor).filter(pk=whanau_id).first()
    if whanau is None:
        raise _not_found()
    if not access.can_record_harm(actor, whanau):
        raise PermissionDenied(_("You can see this whānau but not record harm for it."))
    relationship_ids = list(relationship_ids or [])
    harm = Harm(whanau=whanau, recorded_by=actor, **fields)
    harmed, responsible = set(harmed_ids), set(responsible_ids)
    errors = _check_harm(harm, harmed, responsible, relationship_ids)
    if errors:
        raise _fail(errors, _("The harm was not recorded: several things need correcting."))
    with transaction.atomic():
        harm._history_user = actor  # type: ignore[attr-defined]
        harm.save()
        harm.harmed.set(harmed)
        harm.responsible.set(responsible)
        harm.relationships.set(relationship_ids)
        record_event(
            actor=actor,
            action=Action.CREATE,
            target=harm,
            whanau_id=whanau.pk,
            summary=f"Recorded harm in {whanau.name}",
            data={"harmed": sorted(harmed), "responsible": sorted(responsible)},
            request=request,
        )
    return harm


def harm_update(
    *,
    actor: User,
    harm_id: int,
    expected_version: int | None,
    changes: dict[str, Any],
    harmed_ids: list[int] | None = None,
    responsible_ids: list[int] | None = None,
    relationship_ids: list[int] | None = None,
    request: HttpRequest | None = None,
) -> Harm:
    """Correct a harm record. A stale version is refused; the previous values stay in history."""
    with transaction.atomic():
        found = access.harms_for_user(actor).filter(pk=harm_id).select_related("whanau").first()
        if found is None:
            raise _not_found()
        if not access.can_record_harm(actor, found.whanau):
            raise PermissionDenied(_("You can see this harm but not change it."))
        harm = lock_current(Harm, harm_id, expected_version=expected_version)
        diff = apply_changes(harm, changes, HARM_FIELDS)
        related: dict[str, tuple[Any, list[int] | None]] = {
            "harmed": (harm.harmed, harmed_ids),
            "responsible": (harm.responsible, responsible_ids),
            "relationships": (harm.relationships, relationship_ids),
        }
        new: dict[str, set[int]] = {}
        for name, (manager, wanted) in related.items():
            old = set(manager.values_list("pk", flat=True))
            new[name] = set(wanted) if wanted is not None else old
            if new[name] != old:
                diff[name] = [sorted(old), sorted(new[name])]
        errors = _check_harm(harm, new["harmed"], new["responsible"], sorted(new["relationships"]))
        if errors:
            raise _fail(errors, _("The harm was not saved: several things need correcting."))
        if not diff:
            return harm
        harm.version += 1
        harm._history_user = actor  # type: ignore[attr-defined]
        harm.save()
        harm.harmed.set(new["harmed"])
        harm.responsible.set(new["responsible"])
        harm.relationships.set(new["relationships"])
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=harm,
            whanau_id=harm.whanau_id,
            summary=f"Changed a harm record in {found.whanau.name}",
            data={"changes": diff},
            request=request,
        )
    return harm


# --- Process ----------------------------------------------------------------------------------


def facilitators() -> Any:
    return User.objects.filter(role=Role.FACILITATOR, is_active=True).order_by("username")


def open_process_for(harm_id: int) -> RestorativeProcess | None:
    """The harm's process that has not ended, if any (there is at most one)."""
    return (
        RestorativeProcess.objects.filter(harm_id=harm_id)
        .exclude(state__in=FINISHED_STATES)
        .first()
    )


class AlreadyReferred(PracticeError):
    """A second referral of a harm while its process is under way (one harm, one open process)."""

    status = 409
    title = "The harm already has a process under way"


def _already_referred() -> AlreadyReferred:
    message = _(
        "This harm already has a restorative process under way: carry on with that one, or stop "
        "it with a reason before referring the harm again."
    )
    return AlreadyReferred(message, errors={NON_FIELD: [message]})


def process_create(
    *,
    actor: User,
    harm_id: int,
    kind: str,
    facilitator_id: int,
    request: HttpRequest | None = None,
) -> RestorativeProcess:
    """Refer a harm for a restorative process; its harmed and responsible join as participants."""
    harm = access.harms_for_user(actor).filter(pk=harm_id).select_related("whanau").first()
    if harm is None:
        raise _not_found()
    if not access.can_record_harm(actor, harm.whanau):
        raise PermissionDenied(_("You can see this harm but not refer it."))
    errors: dict[str, list[str]] = {}
    if kind not in ProcessKind.values:
        errors["kind"] = [_("Choose a type of process.")]
    facilitator = facilitators().filter(pk=facilitator_id).first()
    if facilitator is None:
        errors["facilitator"] = [_("Choose an active facilitator.")]
    if errors or facilitator is None:
        raise _fail(errors)
    process = RestorativeProcess(
        harm=harm, whanau=harm.whanau, kind=kind, facilitator=facilitator, referred_by=actor
    )
    with transaction.atomic():
        # One harm, one open process: the lock makes two referrals at once wait for each other,
        # and the database's one_open_process_per_harm constraint is the last word.
        locked = Harm.objects.select_for_update().get(pk=harm.pk)
        if open_process_for(harm.pk) is not None:
            raise _already_referred()
        process._history_user = actor  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                process.save()
        except IntegrityError:
            raise _already_referred() from None
        for role, people in (
            (ParticipantRole.HARMED, harm.harmed.all()),
            (ParticipantRole.RESPONSIBLE, harm.responsible.all()),
        ):
            for person in people:
                Participant.objects.create(process=process, person=person, role=role)
        if locked.status != HarmStatus.IN_PROCESS:
            locked.status = HarmStatus.IN_PROCESS
            locked.version += 1
            locked._history_user = actor  # type: ignore[attr-defined]
            locked.save()
        record_event(
            actor=actor,
            action=Action.CREATE,
            target=process,
            whanau_id=harm.whanau_id,
            summary=f"Referred harm for a {kind} with {facilitator.username}",
            request=request,
        )
        notification_events.process_referred(process=process, actor=actor)
    return process


def _harm_follow_processes(harm_id: int, actor: User) -> None:
    """Set a harm's status from its processes: in a process while one is open; resolved only
    when none is open and one was closed; otherwise open again (it may be referred anew)."""
    processes = RestorativeProcess.objects.filter(harm_id=harm_id)
    if processes.exclude(state__in=FINISHED_STATES).exists():
        status = HarmStatus.IN_PROCESS
    elif processes.filter(state=State.CLOSED).exists():
        status = HarmStatus.RESOLVED
    else:
        status = HarmStatus.OPEN
    harm = Harm.objects.select_for_update().get(pk=harm_id)
    if harm.status != status:
        harm.status = status
        harm.version += 1
        harm._history_user = actor  # type: ignore[attr-defined]
        harm.save()


def _runnable(actor: User, process_id: int, *, lock: bool = False) -> RestorativeProcess:
    process = access.processes_for_user(actor).filter(pk=process_id).first()
    if process is None:
        raise _not_found()
    if not access.can_run_process(actor, process):
        raise PermissionDenied(_("Only the process's facilitator can change it."))
    if lock:
        process = RestorativeProcess.objects.select_for_update().get(pk=process_id)
    return process


def _not_finished(process: RestorativeProcess) -> None:
    if process.is_finished:
        message = _("This process has ended: it can no longer be changed.")
        raise PracticeError(message, errors={NON_FIELD: [message]})


def process_transition(
    *,
    actor: User,
    process_id: int,
    expected_version: int | None,
    target: str,
    reason: str = "",
    outcome_summary: str | None = None,
    on_safety_grounds: bool = False,
    request: HttpRequest | None = None,
) -> RestorativeProcess:
    """Move a process to another stage, or refuse with every unmet condition (409)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        _runnable(actor, process_id)
        process = lock_current(RestorativeProcess, process_id, expected_version=expected_version)
        old_state = process.state
        if outcome_summary is not None:
            process.outcome_summary = outcome_summary.strip()
        today = _today()
        problems = lifecycle.unmet_conditions(
            process, target, today=today, reason=reason, on_safety_grounds=on_safety_grounds
        )
        if problems:
            raise InvalidTransition(
                _("The process cannot move to that stage yet: %(n)s condition(s) unmet.")
                % {"n": len(problems)},
                errors={"state": problems},
            )
        if target != old_state:
            process.stage_entered_at = timezone.now()
        process.state = target
        if target == State.NOT_PROCEEDING:
            process.not_proceeding_reason = reason
            process.stopped_on_safety_grounds = on_safety_grounds
        elif target == State.HELD:
            process.held_on = today
        elif target == State.MONITORING and process.is_family_group_conference:
            youngest = lifecycle.youngest_child_born(process)
            if youngest is not None:  # unmet_conditions made sure of it
                # The plan is made at the conference: its review date counts from that day,
                # with the youngest child's age on that day (not the day monitoring began).
                process.plan_review_date = lifecycle.fgc_review_date(
                    process.held_on or today, youngest
                )
        elif target == State.CLOSED:
            process.closed_on = today
        process.version += 1
        process._history_user = actor  # type: ignore[attr-defined]
        process.save()
        if target in (State.CLOSED, State.NOT_PROCEEDING):
            _harm_follow_processes(process.harm_id, actor)
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=process,
            whanau_id=process.whanau_id,
            summary=f"Moved a restorative process from {old_state} to {target}",
            reason=reason,
            data={"from": old_state, "to": target, "safety": on_safety_grounds},
            request=request,
        )
        notification_events.process_moved(process=process, actor=actor, to_state=target)
    return process


def process_reassign(
    *,
    actor: User,
    process_id: int,
    expected_version: int | None,
    facilitator_id: int,
    reason: str,
    request: HttpRequest | None = None,
) -> RestorativeProcess:
    """Give an unfinished process another facilitator (administrators anywhere, supervisors in
    their teams). A kind that needs a credential needs the new facilitator to hold a current one."""
    reason = (reason or "").strip()
    with transaction.atomic():
        found = access.reassignable_processes(actor).filter(pk=process_id).first()
        if found is None:
            if access.processes_for_user(actor).filter(pk=process_id).exists():
                raise PermissionDenied(
                    _("Only an administrator or the team's supervisor can reassign a process.")
                )
            raise _not_found()
        process = lock_current(RestorativeProcess, process_id, expected_version=expected_version)
        _not_finished(process)
        errors: dict[str, list[str]] = {}
        facilitator = facilitators().filter(pk=facilitator_id).first()
        if facilitator is None:
            errors["facilitator"] = [_("Choose an active facilitator.")]
        elif facilitator.pk == process.facilitator_id:
            errors["facilitator"] = [_("This is already the process's facilitator.")]
        else:
            problem = lifecycle.facilitator_credential_problem(
                facilitator.pk, process.kind, today=_today()
            )
            if problem:
                errors["facilitator"] = [
                    _("%(name)s cannot take this process: %(problem)s")
                    % {"name": facilitator.display_name, "problem": problem}
                ]
        if not reason:
            errors["reason"] = [_("Say why the process is reassigned.")]
        if errors or facilitator is None:
            raise _fail(errors, _("Nothing was saved: several things need correcting."))
        old = process.facilitator_id
        process.facilitator = facilitator
        process.version += 1
        process._history_user = actor  # type: ignore[attr-defined]
        process._change_reason = reason[:100]  # type: ignore[attr-defined]  # (column size)
        process.save()
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=process,
            whanau_id=process.whanau_id,
            summary=f"Reassigned a restorative process to {facilitator.username}",
            reason=reason,
            data={"facilitator": [old, facilitator.pk]},
            request=request,
        )
        notification_events.process_referred(process=process, actor=actor)
    return process


def process_set_fgc_stage(
    *, actor: User, process_id: int, stage: str, request: HttpRequest | None = None
) -> RestorativeProcess:
    from hononga.restorative.models import FgcStage

    with transaction.atomic():
        process = _runnable(actor, process_id, lock=True)
        if not process.is_family_group_conference:
            raise PracticeError(_("Only a family group conference has these stages."))
        if process.state not in CONFERENCE_STATES:
            raise PracticeError(_("The conference stages are recorded while it is held."))
        if stage not in FgcStage.values:
            message = _("Choose a stage of the conference.")
            raise PracticeError(message, errors={"fgc_stage": [message]})
        process.fgc_stage = stage
        process.version += 1
        process._history_user = actor  # type: ignore[attr-defined]
        process.save()
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=process,
            whanau_id=process.whanau_id,
            summary=f"Family group conference moved to {stage}",
            request=request,
        )
    return process


# Planned while the conference is being prepared; a year ahead at most (a later date is a typo).
CONFERENCE_PLANNING_STATES = {State.REFERRED, State.PREPARING, State.READY}
CONFERENCE_PLANNED_MAX_DAYS = 366


def process_plan_conference(
    *,
    actor: User,
    process_id: int,
    expected_version: int | None,
    planned_on: date | None,
    request: HttpRequest | None = None,
) -> RestorativeProcess:
    """Set (or clear, with None) the date the conference is planned for. Only the process's
    facilitator, before the conference is held; not in the past, at most a year ahead."""
    with transaction.atomic():
        _runnable(actor, process_id)
        process = lock_current(RestorativeProcess, process_id, expected_version=expected_version)
        _not_finished(process)
        if process.state not in CONFERENCE_PLANNING_STATES:
            message = _("The conference has been held: its planned date can no longer change.")
            raise PracticeError(message, errors={"conference_planned_on": [message]})
        today = _today()
        if planned_on is not None and planned_on < today:
            message = _("The planned date is in the past. Choose today or a later date.")
            raise PracticeError(message, errors={"conference_planned_on": [message]})
        if planned_on is not None and (planned_on - today).days > CONFERENCE_PLANNED_MAX_DAYS:
            message = _("Choose a date within a year from today.")
            raise PracticeError(message, errors={"conference_planned_on": [message]})
        old = process.conference_planned_on
        if old == planned_on:
            return process
        process.conference_planned_on = planned_on
        process.version += 1
        process._history_user = actor  # type: ignore[attr-defined]
        process.save()
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=process,
            whanau_id=process.whanau_id,
            summary="Planned the conference date"
            if planned_on
            else "Cleared the planned conference date",
            data={
                "conference_planned_on": [
                    old.isoformat() if old else None,
                    planned_on.isoformat() if planned_on else None,
                ]
            },
            request=request,
        )
    return process


# --- Participants and preparation --------------------------------------------------------------


def participant_add(
    *,
    actor: User,
    process_id: int,
    person_id: int,
    role: str,
    request: HttpRequest | None = None,
) -> Participant:
    with transaction.atomic():
        process = _runnable(actor, process_id, lock=True)
        _not_finished(process)
        errors: dict[str, list[str]] = {}
        if role not in ParticipantRole.values:
            errors["role"] = [_("Choose the person's role.")]
        if not _members(process.whanau, {person_id}):
            errors["person"] = [_("Choose a person from this whānau.")]
        elif process.participants.filter(person_id=person_id).exists():
            errors["person"] = [_("This person is already a participant.")]
        if errors:
            raise _fail(errors)
        participant = Participant(process=process, person_id=person_id, role=role)
        participant._history_user = actor  # type: ignore[attr-defined]
        participant.save()
        record_event(
            actor=actor,
            action=Action.CREATE,
            target=participant,
            whanau_id=process.whanau_id,
            summary=f"Added a {role} participant to a restorative process",
            request=request,
        )
        if process.state == State.READY and role in PRINCIPAL_ROLES:
            # "Ready" means every person harmed and responsible has consented and been
            # prepared; a new one has done neither, so the process is no longer ready.
            process.state = State.PREPARING
            process.stage_entered_at = timezone.now()
            process.version += 1
            process._history_user = actor  # type: ignore[attr-defined]
            process._change_reason = "A person harmed or responsible joined: preparing again"  # type: ignore[attr-defined]
            process.save()
            record_event(
                actor=actor,
                action=Action.UPDATE,
                target=process,
                whanau_id=process.whanau_id,
                summary="Moved a restorative process from ready to preparing",
                reason="A person harmed or responsible joined and must consent and be prepared.",
                data={"from": State.READY, "to": State.PREPARING, "participant": participant.pk},
                request=request,
            )
    return participant


# Before the conference is held a participant added by mistake can be removed.
REMOVAL_STATES = {State.REFERRED, State.PREPARING, State.READY}


def participant_remove(
    *,
    actor: User,
    participant_id: int,
    expected_version: int | None,
    reason: str,
    request: HttpRequest | None = None,
) -> Participant:
    """Remove a participant added by mistake: kept (who removed them, when, why), no longer
    counted by any rule or shown in the conference, and only before the conference is held."""
    reason = (reason or "").strip()
    with transaction.atomic():
        found = _participant(actor, participant_id)
        process = RestorativeProcess.objects.select_for_update().get(pk=found.process_id)
        participant = lock_current(Participant, participant_id, expected_version=expected_version)
        errors: dict[str, list[str]] = {}
        if process.state not in REMOVAL_STATES:
            errors[NON_FIELD] = [
                _(
                    "The conference has been held (or the process has ended): participants can "
                    "no longer be removed."
                )
            ]
        else:
            if participant.responses.exists():
                errors[NON_FIELD] = [
                    _(
                        "%(name)s's answers at the conference are recorded: a participant with "
                        "answers cannot be removed."
                    )
                    % {"name": found.person.full_name}
                ]
            if (
                process.state == State.READY
                and participant.role == ParticipantRole.HARMED
                and not process.participants.filter(role=ParticipantRole.HARMED)
                .exclude(pk=participant.pk)
                .exists()
            ):
                # A process responds to a harm: without anyone harmed taking part it could
                # close with no follow-up with anyone harmed. Before ready, the lifecycle
                # stops it going further until someone harmed is added; once ready, refuse.
                errors.setdefault(NON_FIELD, []).append(
                    _(
                        "%(name)s is the only person harmed taking part: add the person harmed "
                        "first, then remove %(name)s, or stop the process with a reason."
                    )
                    % {"name": found.person.full_name}
                )
            if (
                AgreementItem.objects.filter(process=process)
                .filter(Q(owner=participant) | Q(for_whom=participant))
                .exists()
            ):
                errors.setdefault(NON_FIELD, []).append(
                    _("Agreement items name %(name)s: change or remove those items first.")
                    % {"name": found.person.full_name}
                )
        if not reason:
            errors["reason"] = [_("Say why this participant is removed.")]
        if errors:
            raise _fail(errors, _("Nothing was changed: several things need attention."))
        participant.removed_at = timezone.now()
        participant.removed_by = actor
        participant.removal_reason = reason
        participant.version += 1
        participant._history_user = actor  # type: ignore[attr-defined]
        participant.save()
        process.version += 1  # the process's participants changed: stale stage forms refuse
        process._history_user = actor  # type: ignore[attr-defined]
        process._change_reason = (  # type: ignore[attr-defined]
            f"{found.person.full_name} removed: {reason}"[:100]
        )
        process.save()
        record_event(
            actor=actor,
            action=Action.ARCHIVE,
            target=participant,
            whanau_id=process.whanau_id,
            summary=f"Removed a {participant.role} participant from a restorative process",
            reason=reason,
            data={"person": participant.person_id},
            request=request,
        )
    return participant


def _participant(actor: User, participant_id: int) -> Participant:
    participant = (
        Participant.objects.filter(
            pk=participant_id, process__in=access.processes_for_user(actor).values("pk")
        )
        .select_related("process", "person")
        .first()
    )
    if participant is None:
        raise _not_found()
    if not access.can_run_process(actor, participant.process):
        raise PermissionDenied(_("Only the process's facilitator can change it."))
    return participant


def participant_prepare(
    *,
    actor: User,
    participant_id: int,
    expected_version: int | None,
    changes: dict[str, Any],
    request: HttpRequest | None = None,
) -> Participant:
    """Record invitation, consent, preparation and needs. Consent records who recorded it."""
    with transaction.atomic():
        found = _participant(actor, participant_id)
        _not_finished(found.process)
        participant = lock_current(Participant, participant_id, expected_version=expected_version)
        diff = apply_changes(participant, changes, PREPARATION_FIELDS)
        errors: dict[str, list[str]] = {}
        try:
            validate(participant, exclude=["process", "person", "consent_recorded_by"])
        except PracticeError as error:
            errors.update(error.errors)
        today = _today()
        for name in ("invited_on", "consented_on", "prepared_on"):
            value = getattr(participant, name)
            if isinstance(value, date) and value > today:
                errors.setdefault(name, []).append(_("This date cannot be in the future."))
        if errors:
            raise _fail(errors, _("Nothing was saved: several things need correcting."))
        if not diff:
            return participant
        if "consented_on" in diff:
            participant.consent_recorded_by = actor if participant.consented_on else None
            # The person's consent record (DESIGN.md, Consent) says the same, so a later
            # withdrawal anywhere in Hononga stops the process becoming ready.
            Consent.objects.create(
                person_id=participant.person_id,
                purpose=ConsentPurpose.RESTORATIVE,
                status=ConsentStatus.GIVEN if participant.consented_on else ConsentStatus.WITHDRAWN,
                date=participant.consented_on or today,
                note=f"Recorded while preparing restorative process {found.process_id}.",
                recorded_by=actor,
            )
        participant.version += 1
        participant._history_user = actor  # type: ignore[attr-defined]
        participant.save()
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=participant,
            whanau_id=found.process.whanau_id,
            summary="Recorded a participant's preparation",
            data={"changed": sorted(diff)},
            request=request,
        )
    return participant


# --- Safety -----------------------------------------------------------------------------------


def safety_assess(
    *,
    actor: User,
    process_id: int,
    fields: dict[str, Any],
    request: HttpRequest | None = None,
) -> SafetyAssessment:
    unknown = set(fields) - SAFETY_FIELDS
    if unknown:
        raise PracticeError(
            _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))},
            errors={name: [_("This field cannot be set here.")] for name in sorted(unknown)},
        )
    with transaction.atomic():
        process = _runnable(actor, process_id, lock=True)
        _not_finished(process)
        assessment = SafetyAssessment(process=process, assessed_by=actor, **fields)
        errors: dict[str, list[str]] = {}
        try:
            validate(assessment, exclude=["process", "assessed_by"])
        except PracticeError as error:
            errors.update(error.errors)
        if assessment.outcome == SafetyOutcome.SAFEGUARDS and not assessment.safeguards.strip():
            errors.setdefault("safeguards", []).append(
                _("List the safeguards the process will go ahead with.")
            )
        if assessment.outcome == SafetyOutcome.NOT_SUITABLE and not assessment.reason.strip():
            errors.setdefault("reason", []).append(_("Say why the process is not suitable."))
        if errors:
            raise _fail(errors, _("The assessment was not saved: several things need correcting."))
        assessment.save()
        record_event(
            actor=actor,
            action=Action.CREATE,
            target=assessment,
            whanau_id=process.whanau_id,
            summary=f"Safety assessment: {assessment.outcome}",
            request=request,
        )
    return assessment


# --- Conference: every voice ------------------------------------------------------------------


def responses_record(
    *,
    actor: User,
    process_id: int,
    answers: dict[int, dict[str, str]],
    request: HttpRequest | None = None,
) -> int:
    """Record answers (participant id → question → their words). Blank answers are skipped;
    an answer given again replaces the earlier one (kept in history). Returns how many saved."""
    with transaction.atomic():
        process = _runnable(actor, process_id, lock=True)
        if process.state not in CONFERENCE_STATES:
            raise PracticeError(
                _("Answers are recorded at the conference: the process must be ready or held.")
            )
        participants = {p.pk: p for p in process.participants.all()}
        errors: dict[str, list[str]] = {}
        cleaned: list[tuple[Participant, str, str]] = []
        for participant_id, by_question in answers.items():
            participant = participants.get(participant_id)
            if participant is None:
                errors.setdefault("participant", []).append(
                    _("Answers can only be recorded for this process's participants.")
                )
                continue
            allowed = questions_for(participant.role)
            for question, answer in by_question.items():
                text = (answer or "").strip()
                if not text:
                    continue
                if question not in allowed:
                    errors.setdefault(f"{participant_id}-{question}", []).append(
                        _("That question is not asked of a %(role)s participant.")
                        % {"role": participant.get_role_display().lower()}
                    )
                elif len(text) > 10000:
                    errors.setdefault(f"{participant_id}-{question}", []).append(
                        _("Keep each answer under 10,000 characters.")
                    )
                else:
                    cleaned.append((participant, question, text))
        if errors:
            raise _fail(errors, _("Nothing was saved: several answers need correcting."))
        for participant, question, text in cleaned:
            response = Response.objects.filter(participant=participant, question=question).first()
            if response is None:
                response = Response(participant=participant, question=question)
            if response.answer == text:
                continue
            response.answer = text
            response.recorded_by = actor
            response._history_user = actor  # type: ignore[attr-defined]
            response.save()
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=process,
            whanau_id=process.whanau_id,
            summary=f"Recorded {len(cleaned)} answers at a restorative conference",
            request=request,
        )
    return len(cleaned)


# --- Agreement --------------------------------------------------------------------------------


def _check_item(item: AgreementItem, process: RestorativeProcess) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if item.owner_id is None:
        errors["owner"] = [_("Say who does it.")]
    if item.due is None:
        errors["due"] = [_("Say by when.")]
    try:
        validate(item, exclude=["process", "owner", "for_whom", "due"])
    except PracticeError as error:
        for field, messages in error.errors.items():
            errors.setdefault(field, []).extend(messages)
    ids = {pk for pk in (item.owner_id, item.for_whom_id) if pk is not None}
    known = set(process.participants.filter(pk__in=ids).values_list("pk", flat=True))
    if item.owner_id is not None and item.owner_id not in known:
        errors.setdefault("owner", []).append(_("Choose a participant of this process."))
    if item.for_whom_id is not None and item.for_whom_id not in known:
        errors.setdefault("for_whom", []).append(_("Choose a participant of this process."))
    if item.status in (ItemStatus.VARIED, ItemStatus.NOT_DONE) and not item.status_reason.strip():
        errors.setdefault("status_reason", []).append(
            _("Give the reason the item was varied or not done.")
        )
    if item.status not in ItemStatus.values:
        errors.setdefault("status", []).append(_("Choose a status."))
    return errors


def item_create(
    *,
    actor: User,
    process_id: int,
    what: str,
    owner_id: int | None,
    for_whom_id: int | None,
    due: date | None,
    request: HttpRequest | None = None,
) -> AgreementItem:
    with transaction.atomic():
        process = _runnable(actor, process_id, lock=True)
        if process.state not in AGREEMENT_STATES:
            raise PracticeError(
                _("The agreement is made at the conference: the process must be ready or held.")
            )
        item = AgreementItem(process=process, what=(what or "").strip(), for_whom_id=for_whom_id)
        # Missing owner or date are reported by _check_item, beside their fields.
        item.owner_id = owner_id  # type: ignore[assignment]
        item.due = due  # type: ignore[assignment]
        errors = _check_item(item, process)
        if errors:
            raise _fail(errors, _("The item was not added: several things need correcting."))
        item._history_user = actor  # type: ignore[attr-defined]
        item.save()
        record_event(
            actor=actor,
            action=Action.CREATE,
            target=item,
            whanau_id=process.whanau_id,
            summary="Added an agreement item",
            request=request,
        )
    return item


def item_update(
    *,
    actor: User,
    item_id: int,
    expected_version: int | None,
    changes: dict[str, Any],
    request: HttpRequest | None = None,
) -> AgreementItem:
    """Change an item or its status; a stale version is refused (two facilitators, one item)."""
    with transaction.atomic():
        found = (
            AgreementItem.objects.filter(
                pk=item_id, process__in=access.processes_for_user(actor).values("pk")
            )
            .select_related("process")
            .first()
        )
        if found is None:
            raise _not_found()
        if not access.can_run_process(actor, found.process):
            raise PermissionDenied(_("Only the process's facilitator can change it."))
        _not_finished(found.process)
        item = lock_current(AgreementItem, item_id, expected_version=expected_version)
        for key in ("owner", "for_whom"):
            if key in changes and isinstance(changes[key], int):
                changes[key + "_id"] = changes.pop(key)
        allowed = ITEM_FIELDS | {"owner_id", "for_whom_id"}
        unknown = set(changes) - allowed
        if unknown:
            raise PracticeError(
                _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))},
                errors={n: [_("This field cannot be set here.")] for n in sorted(unknown)},
            )
        diff: dict[str, Any] = {}
        for name, value in changes.items():
            old = getattr(item, name)
            if old != value:
                diff[name] = [str(old), str(value)]
                setattr(item, name, value)
        if isinstance(item.what, str):
            item.what = item.what.strip()
        errors = _check_item(item, found.process)
        if errors:
            raise _fail(errors, _("The item was not saved: several things need correcting."))
        if not diff:
            return item
        if "status" in diff:
            item.resolved_at = None if item.status == ItemStatus.OPEN else timezone.now()
        item.version += 1
        item._history_user = actor  # type: ignore[attr-defined]
        item.save()
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=item,
            whanau_id=found.process.whanau_id,
            summary="Changed an agreement item",
            data={"changes": diff},
            request=request,
        )
    return item


# --- Follow-up --------------------------------------------------------------------------------


def follow_up_schedule(
    *,
    actor: User,
    process_id: int,
    participant_id: int,
    scheduled_for: date | None,
    request: HttpRequest | None = None,
) -> FollowUp:
    with transaction.atomic():
        process = _runnable(actor, process_id, lock=True)
        if process.state not in (State.HELD, State.MONITORING):
            raise PracticeError(_("Follow-ups come after the conference has been held."))
        errors: dict[str, list[str]] = {}
        participant = process.participants.filter(pk=participant_id).first()
        if participant is None or participant.role not in PRINCIPAL_ROLES:
            errors["participant"] = [_("Choose a person harmed or responsible in this process.")]
        if scheduled_for is None:
            errors["scheduled_for"] = [_("Give the date of the follow-up.")]
        if errors or participant is None or scheduled_for is None:
            raise _fail(errors)
        follow_up = FollowUp.objects.create(
            process=process,
            participant=participant,
            scheduled_for=scheduled_for,
            recorded_by=actor,
        )
        record_event(
            actor=actor,
            action=Action.CREATE,
            target=follow_up,
            whanau_id=process.whanau_id,
            summary="Scheduled a follow-up",
            request=request,
        )
    return follow_up


def follow_up_record(
    *,
    actor: User,
    follow_up_id: int,
    rating: int | None,
    own_words: str,
    held_at: datetime | None = None,
    request: HttpRequest | None = None,
) -> FollowUp:
    """Record a follow-up held: a person harmed gives a 0–10 rating and their words."""
    with transaction.atomic():
        follow_up = (
            FollowUp.objects.filter(
                pk=follow_up_id, process__in=access.processes_for_user(actor).values("pk")
            )
            .select_related("process", "participant")
            .first()
        )
        if follow_up is None:
            raise _not_found()
        if not access.can_run_process(actor, follow_up.process):
            raise PermissionDenied(_("Only the process's facilitator can change it."))
        _not_finished(follow_up.process)
        errors: dict[str, list[str]] = {}
        is_harmed = follow_up.participant.role == ParticipantRole.HARMED
        if rating is None:
            if is_harmed:
                errors["rating"] = [
                    _("Ask how far they feel things have been put right, from 0 to 10.")
                ]
        elif isinstance(rating, bool) or not RATING_MIN <= rating <= RATING_MAX:
            errors["rating"] = [_("Give a number from 0 to 10.")]
        own_words = (own_words or "").strip()
        if is_harmed and not own_words:
            errors["own_words"] = [_("Record what they said, in their own words.")]
        if len(own_words) > 10000:
            errors["own_words"] = [_("Keep this under 10,000 characters.")]
        held = held_at or timezone.now()
        if held > timezone.now():
            errors["held_at"] = [_("A follow-up is recorded after it was held.")]
        if errors:
            raise _fail(errors, _("The follow-up was not saved: several things need correcting."))
        follow_up.rating = rating
        follow_up.own_words = own_words
        follow_up.held_at = held
        follow_up.recorded_by = actor
        follow_up._history_user = actor  # type: ignore[attr-defined]
        follow_up.save()
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=follow_up,
            whanau_id=follow_up.process.whanau_id,
            summary="Recorded a follow-up",
            data={"rating": rating},
            request=request,
        )
    return follow_up
