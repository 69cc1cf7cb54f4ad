"""Writes for the whānau space and corrections. Every change is audited in its transaction."""

import hashlib
import hmac
import secrets
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from hononga.accounts.models import User
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.errors import ConflictError, PracticeError
from hononga.messaging.models import Channel, Message
from hononga.messaging.rendering import Content, render_message
from hononga.messaging.services import CHANNEL_CONSENT, language_for_person, message_send
from hononga.messaging.transports import text_backend
from hononga.messaging.validation import normalise_email, normalise_mobile
from hononga.privacy.models import (
    Correction,
    CorrectionStatus,
    RecordType,
    SignInCode,
    SpaceAccess,
    Withholding,
)
from hononga.privacy.working_days import add_working_days
from hononga.whanau.access import can_edit_person
from hononga.whanau.models import Membership, Person, PersonKind

CODE_LIFETIME = timedelta(minutes=10)
MAX_WRONG_TRIES = 5
LOCK_FOR = timedelta(minutes=15)
MAX_CODES_PER_HOUR = 5
CORRECTION_WORKING_DAYS = 20
NOT_ELIGIBLE_KINDS = {PersonKind.PROFESSIONAL, PersonKind.PRACTITIONER}
ADULT_AGE = 18


def space_actor(person: Person) -> str:
    """How the audit trail names a whānau member acting in their space (they have no login)."""
    return f"person:{person.pk}"


def primary_whanau_id(person: Person) -> int | None:
    return (
        Membership.objects.filter(person=person, archived_at__isnull=True)
        .order_by("id")
        .values_list("whanau_id", flat=True)
        .first()
    )


# --- Opening and closing the space -----------------------------------------------------------


def eligibility_problems(person: Person) -> list[str]:
    """Why this person cannot have the whānau space (empty when they can)."""
    problems: list[str] = []
    if person.kind in NOT_ELIGIBLE_KINDS:
        problems.append(_("The whānau space is for whānau members, not professionals."))
        return problems
    age = person.age_on(timezone.localdate())
    minimum = settings.WHANAU_SPACE_MIN_AGE
    if person.kind in {PersonKind.TAMARIKI, PersonKind.RANGATAHI}:
        if age is None:
            problems.append(_("Record their date of birth first: the space opens from a set age."))
        elif age < minimum:
            problems.append(
                _("The whānau space opens from age %(age)s; they are %(now)s.")
                % {"age": minimum, "now": age}
            )
    elif age is not None and age < minimum:
        problems.append(
            _("The whānau space opens from age %(age)s; they are %(now)s.")
            % {"age": minimum, "now": age}
        )
    if not sign_in_channels(person):
        problems.append(
            _(
                "They need a mobile number or email address recorded, with their consent to be "
                "contacted that way, to receive sign-in codes."
            )
        )
    return problems


def sign_in_channels(person: Person) -> list[str]:
    """The channels a code may go to: an address recorded and consent for the channel (one
    query: the latest consent statement for each channel's purpose)."""
    from hononga.relationships.models import Consent, ConsentStatus

    purposes: dict[str, str] = {
        str(CHANNEL_CONSENT[Channel.EMAIL]): Channel.EMAIL.value,
        str(CHANNEL_CONSENT[Channel.TEXT]): Channel.TEXT.value,
    }
    latest: dict[str, str] = {}
    for purpose, status in (
        Consent.objects.filter(person=person, purpose__in=list(purposes))
        .order_by("purpose", "-date", "-id")
        .values_list("purpose", "status")
    ):
        latest.setdefault(purpose, status)
    consented = {purposes[p] for p, status in latest.items() if status == ConsentStatus.GIVEN}
    found = []
    if person.email and Channel.EMAIL.value in consented:
        found.append(Channel.EMAIL.value)
    if person.phone and Channel.TEXT.value in consented and text_backend() is not None:
        found.append(Channel.TEXT.value)
    return found


def space_open(
    *, actor: User, person: Person, reason: str, request: HttpRequest | None = None
) -> SpaceAccess:
    if not can_edit_person(actor, person):
        raise PracticeError(_("Only the whānau's practitioner or supervisor can open the space."))
    reason = (reason or "").strip()
    if not reason:
        text = _("Say what you checked before opening the space.")
        raise PracticeError(text, errors={"reason": [text]})
    if len(reason) > 2000:
        text = _("Keep it under 2000 characters.")
        raise PracticeError(text, errors={"reason": [text]})
    problems = eligibility_problems(person)
    if problems:
        raise PracticeError(problems[0], errors={"__all__": problems})
    now = timezone.now()
    with transaction.atomic():
        access, _created = SpaceAccess.objects.select_for_update().get_or_create(
            person=person, defaults={"opened_by": actor, "opened_at": now, "reason": reason}
        )
        access.is_open = True
        access.reason = reason
        access.opened_by = actor
        access.opened_at = now
        access.closed_at = None
        access.closed_by = None
        access.close_reason = ""
        access.failed_tries = 0
        access.locked_until = None
        access.save()
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=person,
            whanau_id=primary_whanau_id(person),
            summary=f"Opened the whānau space for {person.preferred_name}",
            reason=reason,
            request=request,
        )
    return access


def space_close(
    *, actor: User, person: Person, reason: str = "", request: HttpRequest | None = None
) -> SpaceAccess:
    if not can_edit_person(actor, person):
        raise PracticeError(_("Only the whānau's practitioner or supervisor can close the space."))
    with transaction.atomic():
        access = SpaceAccess.objects.select_for_update().filter(person=person).first()
        if access is None or not access.is_open:
            raise PracticeError(_("The whānau space is already closed for this person."))
        access.is_open = False
        access.closed_at = timezone.now()
        access.closed_by = actor
        access.close_reason = (reason or "").strip()[:2000]
        access.save()
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=person,
            whanau_id=primary_whanau_id(person),
            summary=f"Closed the whānau space for {person.preferred_name}",
            reason=access.close_reason,
            request=request,
        )
    return access


def space_is_open(person_id: int) -> bool:
    return SpaceAccess.objects.filter(person_id=person_id, is_open=True).exists()


# --- Signing in with a one-time code --------------------------------------------------------


def hash_code(code: str, attempt: uuid.UUID | str) -> str:
    """A keyed hash: a six-digit code alone is easy to brute-force from a stolen hash."""
    message = f"{attempt}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def build_sign_in_code(message: Message, *, code_id: int) -> Content:
    """Message builder (runs in the worker): makes the code, keeps only its hash."""
    row = SignInCode.objects.select_for_update().get(pk=code_id)
    code = f"{secrets.randbelow(10**6):06d}"
    row.code_hash = hash_code(code, row.attempt)
    row.expires_at = timezone.now() + CODE_LIFETIME
    row.save(update_fields=["code_hash", "expires_at"])
    return render_message(
        "sign_in_code",
        {"code": code, "minutes": int(CODE_LIFETIME.total_seconds() // 60)},
        language=message.language,
        channel=message.channel,
        secrets=(code,),
    )


def _people_at(address: str) -> tuple[str, list[Person]]:
    """The channel an address is for, and the people with an open space recorded at it."""
    raw = (address or "").strip()
    if not raw or len(raw) > 254:
        return "", []
    open_people = Person.objects.filter(space_access__is_open=True, archived_at__isnull=True)
    if "@" in raw:
        try:
            email = normalise_email(raw)
        except Exception:
            return Channel.EMAIL, []
        return Channel.EMAIL, list(open_people.filter(email__iexact=email)[:2])
    try:
        e164 = normalise_mobile(raw)
    except Exception:
        return Channel.TEXT, []
    forms = {e164}
    if e164.startswith("+64"):
        forms.add("0" + e164[3:])
        forms.add(e164[1:])
    return Channel.TEXT, list(open_people.filter(phone__in=forms)[:2])


def sign_in_start(*, address: str, request: HttpRequest | None = None) -> uuid.UUID:
    """Send a code if the address belongs to exactly one person whose space is open.

    Always returns an attempt id, whoever the address belongs to, so the page cannot be used to
    find out who has a space. A shared phone or address (two people with an open space) gets no
    code: the practitioner must sort out who it belongs to.
    """
    attempt = uuid.uuid4()
    channel, people = _people_at(address)
    if len(people) != 1:
        return attempt
    person = people[0]
    if channel not in sign_in_channels(person):
        return attempt
    recent = SignInCode.objects.filter(
        person=person, created_at__gt=timezone.now() - timedelta(hours=1)
    ).count()
    if recent >= MAX_CODES_PER_HOUR:
        return attempt
    with transaction.atomic():
        row = SignInCode.objects.create(person=person, channel=channel, attempt=attempt)
        message_send(
            channel=channel,
            person=person,
            purpose="sign_in_code",
            idempotency_key=f"sign-in:{row.pk}",
            language=language_for_person(person),
            builder="hononga.privacy.services.build_sign_in_code",
            builder_kwargs={"code_id": row.pk},
            send_within=CODE_LIFETIME,
        )
    return attempt


class SignInRefused(Exception):
    """`kind`: wrong, expired, locked (then `until`), or closed."""

    def __init__(self, kind: str, until: Any = None) -> None:
        super().__init__(kind)
        self.kind = kind
        self.until = until


def sign_in_verify(*, attempt: str, code: str, request: HttpRequest | None = None) -> Person:
    """The person whose code this is, or SignInRefused. Wrong tries are limited per person."""
    try:
        attempt_id = uuid.UUID(str(attempt))
    except ValueError:
        raise SignInRefused("wrong") from None
    code = "".join(ch for ch in str(code) if ch.isdigit())[:6]
    now = timezone.now()
    refusal: SignInRefused | None
    with transaction.atomic():
        row = (
            SignInCode.objects.select_related("person")
            .filter(attempt=attempt_id)
            .order_by("-id")
            .first()
        )
        if row is None:
            raise SignInRefused("wrong")
        access = SpaceAccess.objects.select_for_update().filter(person_id=row.person_id).first()
        if access is None or not access.is_open:
            raise SignInRefused("closed")
        if access.locked_until and access.locked_until > now:
            raise SignInRefused("locked", access.locked_until)
        if row.used_at is not None or not row.code_hash or row.expires_at is None:
            raise SignInRefused("expired" if row.used_at else "wrong")
        if not hmac.compare_digest(row.code_hash, hash_code(code, row.attempt)):
            access.failed_tries += 1
            if access.failed_tries >= MAX_WRONG_TRIES:
                access.locked_until = now + LOCK_FOR
                access.failed_tries = 0
            access.save(update_fields=["failed_tries", "locked_until"])
            record_event(
                actor=None,
                actor_username=space_actor(row.person),
                action=Action.LOGIN_FAILED,
                target=row.person,
                whanau_id=primary_whanau_id(row.person),
                summary="A wrong whānau space code",
                request=request,
            )
            # Raised after the block: the counted try and its audit event must be committed.
            if access.locked_until and access.locked_until > now:
                refusal = SignInRefused("locked", access.locked_until)
            else:
                refusal = SignInRefused("wrong")
        elif row.expires_at <= now:
            raise SignInRefused("expired")
        else:
            refusal = None
    if refusal is not None:
        raise refusal
    with transaction.atomic():
        access = SpaceAccess.objects.select_for_update().get(person_id=row.person_id)
        if not access.is_open:
            raise SignInRefused("closed")
        claimed = SignInCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now)
        if not claimed:  # the same code used twice at once
            raise SignInRefused("expired")
        access.failed_tries = 0
        access.locked_until = None
        access.last_sign_in_at = now
        access.save(update_fields=["failed_tries", "locked_until", "last_sign_in_at"])
        record_event(
            actor=None,
            actor_username=space_actor(row.person),
            action=Action.LOGIN,
            target=row.person,
            whanau_id=primary_whanau_id(row.person),
            summary=f"{row.person.preferred_name} signed in to the whānau space",
            request=request,
        )
    return row.person


def record_space_view(
    *, person: Person, what: str, request: HttpRequest | None = None, target: Any = None
) -> None:
    """Audit a page of the whānau space as viewed by the person."""
    record_event(
        actor=None,
        actor_username=space_actor(person),
        action=Action.VIEW,
        target=target if target is not None else person,
        whanau_id=primary_whanau_id(person),
        summary=f"Viewed by the person: {what}"[:300],
        data={"viewed_by_person": person.pk},
        request=request,
    )


# --- Not for sharing -------------------------------------------------------------------------


def withhold(
    *,
    actor: User,
    person: Person,
    record_type: str,
    record_id: int,
    reason: str,
    request: HttpRequest | None = None,
) -> Withholding:
    if not can_edit_person(actor, person):
        raise PracticeError(_("Only the whānau's practitioner or supervisor can do this."))
    if record_type not in RecordType.values or record_type == RecordType.PERSON:
        raise PracticeError(_("This kind of record cannot be withheld."))
    reason = (reason or "").strip()
    if not reason:
        text = _("Say why it is not shared.")
        raise PracticeError(text, errors={"reason": [text]})
    with transaction.atomic():
        row, created = Withholding.objects.get_or_create(
            person=person,
            record_type=record_type,
            record_id=record_id,
            lifted_at=None,
            defaults={"reason": reason[:2000], "marked_by": actor},
        )
        if created:
            record_event(
                actor=actor,
                action=Action.UPDATE,
                target=person,
                whanau_id=primary_whanau_id(person),
                summary=f"Marked a {record_type} not for sharing with {person.preferred_name}",
                reason=reason,
                data={"record_type": record_type, "record_id": record_id},
                request=request,
            )
    return row


def share_again(
    *, actor: User, withholding: Withholding, request: HttpRequest | None = None
) -> None:
    if not can_edit_person(actor, withholding.person):
        raise PracticeError(_("Only the whānau's practitioner or supervisor can do this."))
    with transaction.atomic():
        updated = Withholding.objects.filter(pk=withholding.pk, lifted_at__isnull=True).update(
            lifted_at=timezone.now(), lifted_by=actor
        )
        if updated:
            record_event(
                actor=actor,
                action=Action.UPDATE,
                target=withholding.person,
                whanau_id=primary_whanau_id(withholding.person),
                summary=f"Shared a {withholding.record_type} again",
                data={"record_type": withholding.record_type, "record_id": withholding.record_id},
                request=request,
            )


# --- Corrections -----------------------------------------------------------------------------


def correction_ask(
    *,
    person: Person,
    record_type: str,
    record_id: int,
    record_label: str,
    what_is_wrong: str,
    should_say: str = "",
    request: HttpRequest | None = None,
) -> Correction:
    """A person asks for a correction from their space (the item is one they can see)."""
    errors: dict[str, list[str]] = {}
    what_is_wrong = (what_is_wrong or "").strip()
    should_say = (should_say or "").strip()
    if not what_is_wrong:
        errors["what_is_wrong"] = [_("Tell us what is not right.")]
    elif len(what_is_wrong) > 2000:
        errors["what_is_wrong"] = [_("Keep it under 2000 characters.")]
    if len(should_say) > 2000:
        errors["should_say"] = [_("Keep it under 2000 characters.")]
    if errors:
        raise PracticeError(next(iter(errors.values()))[0], errors=errors)
    whanau_id = primary_whanau_id(person)
    if whanau_id is None:
        raise PracticeError(_("We could not find your whānau's worker. Please call us."))
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        pending = Correction.objects.filter(
            person=person,
            record_type=record_type,
            record_id=record_id,
            status=CorrectionStatus.OPEN,
        ).first()
        if pending is not None:
            text = _(
                "You have already asked for this to be corrected. We will answer by %(date)s."
            ) % {"date": pending.due_on.strftime("%d/%m/%Y")}
            raise PracticeError(text, errors={"__all__": [text]})
        today = timezone.localdate()
        correction = Correction.objects.create(
            person=person,
            whanau_id=whanau_id,
            record_type=record_type,
            record_id=record_id,
            record_label=record_label[:300],
            what_is_wrong=what_is_wrong,
            should_say=should_say,
            due_on=add_working_days(today, CORRECTION_WORKING_DAYS),
        )
        record_event(
            actor=None,
            actor_username=space_actor(person),
            action=Action.CREATE,
            target=correction,
            whanau_id=whanau_id,
            summary=f"{person.preferred_name} asked for a correction",
            data={"record_type": record_type, "record_id": record_id},
            request=request,
        )
    return correction


def correction_decide(
    *,
    actor: User,
    correction_id: int,
    outcome: str,
    note: str,
    version: int | None = None,
    request: HttpRequest | None = None,
) -> Correction:
    """Record the decision: corrected (note says what changed) or not corrected (note says why;
    the person's words become the statement of correction). The person is told."""
    from hononga.privacy.selectors import corrections_for_user

    if outcome not in {CorrectionStatus.CORRECTED, CorrectionStatus.NOT_CORRECTED}:
        text = _("Choose corrected or not corrected.")
        raise PracticeError(text, errors={"outcome": [text]})
    note = (note or "").strip()
    if not note:
        text = (
            _("Say what was changed.")
            if outcome == CorrectionStatus.CORRECTED
            else _("Say why it was not corrected: the person will read this.")
        )
        raise PracticeError(text, errors={"note": [text]})
    if len(note) > 2000:
        text = _("Keep it under 2000 characters.")
        raise PracticeError(text, errors={"note": [text]})
    with transaction.atomic():
        correction = (
            corrections_for_user(actor, deciding=True)
            .select_for_update()
            .filter(pk=correction_id)
            .first()
        )
        if correction is None:
            from hononga.core.errors import NotFound

            raise NotFound(_("There is no such correction request."))
        if not correction.is_open:
            raise ConflictError(
                _("This request was already decided (%(status)s); nothing was changed.")
                % {"status": correction.get_status_display()},
                current={"status": correction.status, "decision_note": correction.decision_note},
                current_version=correction.version,
                changed_by=correction.decided_by.display_name if correction.decided_by else "",
            )
        if version is not None and version != correction.version:
            raise ConflictError(
                _("Someone changed this request since you opened it."),
                current={"status": correction.status},
                current_version=correction.version,
            )
        correction.status = outcome
        correction.decided_by = actor
        correction.decided_at = timezone.now()
        correction.decision_note = note
        if outcome == CorrectionStatus.NOT_CORRECTED:
            statement = correction.what_is_wrong
            if correction.should_say:
                statement += "\n" + correction.should_say
            correction.statement = statement[:2000]
        correction.version += 1
        correction.save()
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=correction,
            whanau_id=correction.whanau_id,
            summary=f"Decided a correction request: {outcome}",
            reason=note,
            request=request,
        )
        _tell_person(correction, actor)
    return correction


def _tell_person(correction: Correction, actor: User) -> None:
    """A message with no case detail: there is an answer; sign in to read it."""
    person = correction.person
    channels = sign_in_channels(person)
    if not channels:
        return
    channel = Channel.TEXT if Channel.TEXT.value in channels else Channel.EMAIL
    try:
        message_send(
            channel=channel,
            person=person,
            purpose="correction_decided",
            idempotency_key=f"correction-decided:{correction.pk}",
            template="correction_decided",
            context={"site": settings.SITE_URL},
            requested_by=actor,
        )
    except PracticeError:
        # The decision stands; the person sees it when they next sign in.
        return


REMIND_WITHIN_WORKING_DAYS = 5


def corrections_remind(*, today: Any = None) -> int:
    """Remind the whānau's allocated staff of requests due within 5 working days or overdue:
    one mail a request a day (idempotent per day). Returns the number of requests reminded."""
    from hononga.accounts.models import Role
    from hononga.whanau.models import Allocation

    day = today or timezone.localdate()
    horizon = add_working_days(day, REMIND_WITHIN_WORKING_DAYS)
    due = (
        Correction.objects.filter(status=CorrectionStatus.OPEN, due_on__lte=horizon)
        .exclude(reminded_on=day)
        .select_related("person")
        .order_by("due_on", "id")
    )
    reminded = 0
    for correction in due.iterator(chunk_size=200):
        staff = {
            allocation.user
            for allocation in Allocation.objects.current(day)
            .filter(whanau_id=correction.whanau_id, user__is_active=True)
            .select_related("user")
        }
        staff |= set(
            User.objects.filter(
                role=Role.SUPERVISOR, is_active=True, teams__whanau__pk=correction.whanau_id
            )
        )
        with transaction.atomic():
            for user in staff:
                if not user.email:
                    continue
                message_send(
                    channel=Channel.EMAIL,
                    user=user,
                    purpose="correction_reminder",
                    idempotency_key=f"correction-reminder:{correction.pk}:{user.pk}:{day}",
                    template="correction_reminder",
                    context={
                        "due": correction.due_on,
                        "overdue": correction.due_on < day,
                        "link": f"{settings.SITE_URL}/corrections/{correction.pk}/",
                    },
                )
            Correction.objects.filter(pk=correction.pk).update(reminded_on=day)
        reminded += 1
    return reminded


# --- Subject access exports ------------------------------------------------------------------


def _require_officer(actor: Any) -> None:
    from hononga.privacy.selectors import is_privacy_officer

    if not is_privacy_officer(actor):
        raise PracticeError(_("Only a privacy officer can do this."))


def export_request(
    *,
    actor: User,
    reason: str,
    received_on: Any = None,
    person_id: int | None = None,
    whanau_id: int | None = None,
    request: HttpRequest | None = None,
) -> Any:
    """Record a subject access request and queue its export. Audited for every whānau concerned
    (so each whānau's supervisors see it, as break glass)."""
    from hononga.core.errors import NotFound
    from hononga.privacy.export import export_build
    from hononga.privacy.models import SubjectAccessRequest
    from hononga.tasks.backend import task_enqueue
    from hononga.whanau.models import Whanau

    _require_officer(actor)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Say whose request this is and how it was made.")]
    elif len(reason) > 2000:
        errors["reason"] = [_("Keep it under 2000 characters.")]
    if (person_id is None) == (whanau_id is None):
        errors["subject"] = [_("Choose one person or one whānau.")]
    today = timezone.localdate()
    received = received_on or today
    if received > today:
        errors["received_on"] = [_("The request cannot have been received in the future.")]
    if errors:
        raise PracticeError(next(iter(errors.values()))[0], errors=errors)
    person = Person.objects.filter(pk=person_id).first() if person_id else None
    whanau = Whanau.objects.filter(pk=whanau_id).first() if whanau_id else None
    if person is None and whanau is None:
        raise NotFound(_("There is no such person or whānau."))
    whanau_ids: list[int | None] = (
        [whanau.pk]
        if whanau is not None
        else list(Membership.objects.filter(person=person).values_list("whanau_id", flat=True)[:50])
    )
    with transaction.atomic():
        sar = SubjectAccessRequest.objects.create(
            person=person,
            whanau=whanau,
            requested_by=actor,
            reason=reason,
            received_on=received,
            due_on=add_working_days(received, CORRECTION_WORKING_DAYS),
        )
        subject = person.full_name if person else whanau.name  # type: ignore[union-attr]
        for wid in whanau_ids:
            record_event(
                actor=actor,
                action=Action.EXPORT,
                target=sar,
                whanau_id=wid,
                summary=f"Privacy officer: subject access export of {subject}",
                reason=reason,
                data={"person": person_id, "whanau": whanau_id, "privacy_officer": True},
                request=request,
            )
        task_enqueue(export_build, args=[sar.pk], idempotency_key=f"export:{sar.pk}")
    return sar


def export_downloaded(
    *, actor: User, sar: Any, fmt: str, request: HttpRequest | None = None
) -> None:
    record_event(
        actor=actor,
        action=Action.EXPORT,
        target=sar,
        whanau_id=sar.whanau_id or (primary_whanau_id(sar.person) if sar.person else None),
        summary=f"Privacy officer downloaded a subject access export ({fmt})",
        data={"privacy_officer": True, "format": fmt},
        request=request,
    )


def export_released(*, actor: User, sar: Any, request: HttpRequest | None = None) -> None:
    _require_officer(actor)
    from hononga.privacy.models import ExportStatus, SubjectAccessRequest

    with transaction.atomic():
        updated = SubjectAccessRequest.objects.filter(
            pk=sar.pk, status=ExportStatus.READY, released_on__isnull=True
        ).update(released_on=timezone.localdate())
        if not updated:
            raise PracticeError(_("Only a ready export not yet released can be marked released."))
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=sar,
            whanau_id=sar.whanau_id or (primary_whanau_id(sar.person) if sar.person else None),
            summary="Privacy officer recorded an export as released to the person",
            request=request,
        )
