"""Writes for check-ins, one-time links and the thresholds.

Each service checks access and the rules, writes the change and its AuditEvent in one
transaction, and refreshes the derived fields (previous score, latest, mirror pairing) of the
relationship's check-ins so that reads stay cheap.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404, HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hononga.accounts.models import Role, User
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.checkins import instrument, scoring, statistics
from hononga.checkins.models import (
    Channel,
    CheckIn,
    CheckInLink,
    CheckInSettings,
    FlagThresholds,
    Form,
    Language,
    Perspective,
)
from hononga.core.errors import ConflictError, NotFound, PracticeError
from hononga.core.services import apply_changes, validate
from hononga.relationships import access as relationship_access
from hononga.relationships.models import ConsentPurpose, Relationship
from hononga.relationships.selectors import consent_current, is_practitioner
from hononga.whanau import access as whanau_access
from hononga.whanau.models import Membership, Person, WhanauStatus

# A self check-in and a mirror this close in time are compared for the perception gap.
PAIR_WINDOW = timedelta(days=14)
TOKEN_BYTES = 32  # 256 bits; the design asks for at least 128
# Links for a practitioner to send have their own minimum and maximum life.
MAX_LINK_DAYS = 60
# A phone check-in entered later keeps its real date, within reason.
MAX_BACKDATE = timedelta(days=366)

SETTINGS_FIELDS = {
    "low_score",
    "low_item",
    "dropped",
    "gap_item",
    "gap_mean",
    "overdue_days",
    "rci_z",
    "default_sd",
    "default_alpha",
    "min_sample",
    "reliable_change_floor",
    "link_expiry_days",
}


class ReadOnlyError(PracticeError):
    """The user may see the relationship but not record check-ins for it (403 in the API)."""

    status = 403
    title = "Your role cannot change this"


def _not_found() -> NotFound:
    return NotFound(_("That record was not found."))


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


# --- Settings ------------------------------------------------------------------------------------
def settings_get() -> CheckInSettings:
    found = CheckInSettings.objects.filter(pk=1).first()
    if found is None:
        found, _created = CheckInSettings.objects.get_or_create(pk=1)
    return found


def thresholds(settings: CheckInSettings | None = None) -> scoring.Thresholds:
    return scoring.Thresholds.from_settings(settings or settings_get())


def settings_update(
    *,
    actor: User,
    expected_version: int,
    changes: dict[str, Any],
    request: HttpRequest | None = None,
) -> CheckInSettings:
    if actor.role != Role.ADMIN:
        raise _not_found()
    settings_get()
    with transaction.atomic():
        current = CheckInSettings.objects.select_for_update().get(pk=1)
        if current.version != expected_version:
            raise ConflictError(
                _(
                    "Someone else saved the thresholds after you opened them (your copy is "
                    "version %(yours)s, the saved one is version %(theirs)s). Nothing was "
                    "overwritten: compare, then make your change again."
                )
                % {"yours": expected_version, "theirs": current.version},
                current={f: str(getattr(current, f)) for f in sorted(SETTINGS_FIELDS)},
                current_version=current.version,
                changed_by=current.updated_by.get_username() if current.updated_by else "",
            )
        diff = apply_changes(current, changes, SETTINGS_FIELDS)
        if not diff:
            return current
        validate(current)
        current.version += 1
        current.updated_by = actor
        current.save()
        in_force = _put_in_force(current, FlagThresholds.Reason.SETTINGS, actor)
        record_event(
            actor=actor,
            action=Action.SETTINGS,
            target=current,
            summary="Changed check-in thresholds",
            data={"changes": diff, "flag_thresholds": in_force.pk},
            request=request,
        )
    return current


# --- The thresholds in force, kept with each check-in --------------------------------------------
def _new_flag_thresholds(
    t: scoring.Thresholds, reason: str, actor: User | None = None
) -> FlagThresholds:
    made = FlagThresholds.objects.create(**t.stored_values(), reason=reason, created_by=actor)
    made.in_effect = made  # read as themselves until an administrator re-flags history
    made.save(update_fields=["in_effect"])
    return made


def _same_thresholds(stored: FlagThresholds, t: scoring.Thresholds) -> bool:
    return all(getattr(stored, name) == value for name, value in t.stored_values().items())


def _put_in_force(
    settings: CheckInSettings, reason: str, actor: User | None = None
) -> FlagThresholds:
    """Make the thresholds that `settings` describe the ones in force (a new FlagThresholds
    row only when they differ from those in force now). Call inside the transaction that
    changed `settings`, with its row locked."""
    wanted = scoring.Thresholds.from_settings(settings)
    current = settings.flag_thresholds
    if current is not None and _same_thresholds(current, wanted):
        return current
    made = _new_flag_thresholds(
        wanted, FlagThresholds.Reason.FIRST if current is None else reason, actor
    )
    settings.flag_thresholds = made
    CheckInSettings.objects.filter(pk=settings.pk).update(flag_thresholds=made)
    return made


def flag_thresholds_in_force() -> FlagThresholds:
    """What a check-in recorded now is flagged with (made from the settings the first time)."""
    settings = settings_get()
    if settings.flag_thresholds_id is not None:
        return settings.flag_thresholds  # type: ignore[return-value]
    with transaction.atomic():
        locked = CheckInSettings.objects.select_for_update().get(pk=settings.pk)
        return _put_in_force(locked, FlagThresholds.Reason.FIRST)


def thresholds_of(checkin: CheckIn, overdue_days: int | None = None) -> scoring.Thresholds:
    """The thresholds a check-in's flags are read with: those in force when it was recorded,
    or those history was re-flagged with (needs `flagged_with__in_effect` loaded to avoid two
    queries). A check-in that has none yet is read with the thresholds in force now."""
    stored = checkin.flagged_with.in_effect if checkin.flagged_with_id else None  # type: ignore[union-attr]
    if stored is None:
        return thresholds()
    return scoring.Thresholds.from_stored(stored, overdue_days or scoring.Thresholds.overdue_days)


def estimates_refresh(*, now: datetime | None = None) -> CheckInSettings:
    """Re-estimate the agency's SD of scores and Cronbach's alpha (with Feldt's interval) from
    the baseline check-ins — one per rater and relationship, their first complete self-rating —
    and put the resulting thresholds in force for check-ins recorded from now on.

    Runs as the daily job `hononga checkins estimate` (hononga/core/schedule.py), never inside
    a request. Sums and sums of squares come from the database in one aggregate query (exact
    integers), so it reads no rows into Python whatever the number of check-ins.
    """
    now = now or timezone.now()
    keys = instrument.ITEM_KEYS
    total = sum((F(key) for key in keys[1:]), F(keys[0]))
    sums = CheckIn.objects.filter(is_baseline=True).aggregate(
        n=Count("id"),
        total=Sum(total),
        total_squares=Sum(total * total),
        **{f"sum_{key}": Sum(key) for key in keys},
        **{f"squares_{key}": Sum(F(key) * F(key)) for key in keys},
    )
    n = int(sums["n"] or 0)
    fields: dict[str, Any] = {
        "estimated_n": n,
        "estimated_at": now,
        "estimated_sd": None,
        "estimated_alpha": None,
        "estimated_alpha_low": None,
        "estimated_alpha_high": None,
    }
    if n >= 2:
        estimate = statistics.estimate_from_sums(
            n=n,
            item_sums=[int(sums[f"sum_{key}"]) for key in keys],
            item_squares=[int(sums[f"squares_{key}"]) for key in keys],
            total_sum=int(sums["total"]),
            total_squares=int(sums["total_squares"]),
        )
        if estimate is not None:  # None when every answer is the same: nothing to estimate
            fields.update(
                estimated_sd=estimate.sd_of_means,
                estimated_alpha=estimate.alpha,
                estimated_alpha_low=estimate.alpha_low,
                estimated_alpha_high=estimate.alpha_high,
            )
    with transaction.atomic():
        current = CheckInSettings.objects.select_for_update().get(pk=settings_get().pk)
        for name, value in fields.items():
            setattr(current, name, value)
        current.save(update_fields=list(fields))
        in_force = _put_in_force(current, FlagThresholds.Reason.ESTIMATES)
        record_event(
            actor=None,
            actor_username="scheduled job",
            action=Action.SETTINGS,
            target=current,
            summary="Re-estimated the agency's check-in SD and alpha",
            data={
                "n": n,
                "sd": fields["estimated_sd"],
                "alpha": fields["estimated_alpha"],
                "in_use": current.uses_agency_estimates,
                "flag_thresholds": in_force.pk,
            },
        )
    return current


def earlier_flag_thresholds(in_force: FlagThresholds) -> QuerySet[FlagThresholds]:
    """The earlier thresholds that check-ins may still be read with (not those in force now)."""
    return FlagThresholds.objects.filter(in_effect=F("pk")).exclude(pk=in_force.pk)


def history_reflag(
    *, actor: User, expected_thresholds: int, request: HttpRequest | None = None
) -> FlagThresholds:
    """Read every earlier check-in's flags with the thresholds in force now (an administrator's
    deliberate act, audited). One UPDATE of the few FlagThresholds rows, however many check-ins
    there are; their original values stay, with who re-flagged them and when."""
    if actor.role != Role.ADMIN:
        raise _not_found()
    flag_thresholds_in_force()  # made if the settings have none yet
    with transaction.atomic():
        settings = CheckInSettings.objects.select_for_update().get(pk=1)
        in_force = settings.flag_thresholds
        if in_force is None or in_force.pk != expected_thresholds:
            raise ConflictError(
                _(
                    "The thresholds in force changed after you opened this page. Nothing was "
                    "re-flagged: look at the thresholds now in force, then decide again."
                ),
                current={},
                current_version=settings.flag_thresholds_id or 0,
            )
        now = timezone.now()
        moved = (
            FlagThresholds.objects.exclude(pk=in_force.pk)
            .exclude(in_effect=in_force)
            .update(in_effect=in_force, reflagged_at=now, reflagged_by=actor)
        )
        record_event(
            actor=actor,
            action=Action.SETTINGS,
            target=settings,
            summary="Re-flagged every earlier check-in with the thresholds in force",
            data={"flag_thresholds": in_force.pk, "earlier_thresholds_moved": moved},
            request=request,
        )
    return in_force


# --- The people of a relationship ----------------------------------------------------------------
def practitioner_side(relationship: Relationship) -> Person | None:
    for person in (relationship.person_a, relationship.person_b):
        if is_practitioner(person):
            return person
    return None


def other_side(relationship: Relationship) -> Person | None:
    """The whānau member in a practitioner relationship (the one whose own answers count)."""
    worker = practitioner_side(relationship)
    if worker is None:
        return None
    return relationship.person_b if worker.pk == relationship.person_a_id else relationship.person_a


def worker_name(relationship: Relationship) -> str:
    """The practitioner's preferred name: all a one-time link shows about anyone."""
    worker = practitioner_side(relationship)
    if worker is None:
        return ""
    user = getattr(worker, "user", None) if worker.user_id else None
    return (user.preferred_name if user is not None and user.preferred_name else "") or (
        worker.preferred_name
    )


def collateral_candidates(relationship: Relationship) -> list[Person]:
    """People who may rate the relationship from outside it: live members of the whānau and
    anyone with an active relationship to either person on this whānau's map."""
    pair = {relationship.person_a_id, relationship.person_b_id}
    member_ids = set(
        Membership.objects.filter(
            whanau_id=relationship.whanau_id, archived_at__isnull=True
        ).values_list("person_id", flat=True)
    )
    linked = Relationship.objects.filter(
        whanau_id=relationship.whanau_id, archived_at__isnull=True, ended__isnull=True
    ).filter(Q(person_a_id__in=pair) | Q(person_b_id__in=pair))
    for a, b in linked.values_list("person_a_id", "person_b_id"):
        member_ids.update((a, b))
    return list(
        Person.objects.filter(pk__in=member_ids - pair, archived_at__isnull=True)
        .exclude(user__isnull=False)
        .order_by("search_key", "pk")
    )


def _check_relationship_open(relationship: Relationship) -> None:
    if not relationship.is_active:
        raise PracticeError(
            _("This relationship has ended or been archived, so it cannot be checked in on.")
        )
    if practitioner_side(relationship) is None:
        raise PracticeError(
            _(
                "Check-ins are about the relationship with a practitioner; neither person in "
                "this relationship is a practitioner."
            )
        )


def _check_rater(
    relationship: Relationship, rater: Person, perspective: str, form: str, actor: User | None
) -> None:
    worker = practitioner_side(relationship)
    assert worker is not None  # noqa: S101  (checked by _check_relationship_open)
    member = other_side(relationship)
    rater_error = {"rater": [_("This person is not part of this relationship.")]}
    if perspective == Perspective.SELF:
        if member is None or rater.pk != member.pk:
            raise PracticeError(
                _("Only %(person)s can give their own answers about this relationship.")
                % {"person": member.preferred_name if member else "—"},
                errors=rater_error,
            )
        if form not in {Form.ADULT, Form.CHILD}:
            raise PracticeError(
                _("Choose the adult or the child form."),
                errors={"form": [_("Choose the adult or the child form.")]},
            )
    elif perspective == Perspective.MIRROR:
        if rater.pk != worker.pk or actor is None or rater.user_id != actor.pk:
            raise PracticeError(
                _("The mirror is the practitioner's own view: only they can answer it."),
                errors=rater_error,
            )
        if form != Form.MIRROR:
            raise PracticeError(
                _("The mirror uses the mirror form."),
                errors={"form": [_("The mirror uses the mirror form.")]},
            )
    elif perspective == Perspective.COLLATERAL:
        if rater.pk in {relationship.person_a_id, relationship.person_b_id} or rater.pk not in {
            p.pk for p in collateral_candidates(relationship)
        }:
            raise PracticeError(
                _(
                    "Someone else who rates this relationship must be a member of the whānau or "
                    "connected to one of the two people on its map."
                ),
                errors=rater_error,
            )
        if form not in {Form.ADULT, Form.CHILD}:
            raise PracticeError(
                _("Choose the adult or the child form."),
                errors={"form": [_("Choose the adult or the child form.")]},
            )
    else:
        raise PracticeError(
            _("Choose whose view this is."),
            errors={"perspective": [_("Choose whose view this is.")]},
        )


def clean_answers(
    items: dict[str, Any], comment: Any, language: str = Language.EN
) -> tuple[dict[str, int | None], str]:
    """Check the eight answers and the comment; raise PracticeError field by field."""
    errors: dict[str, list[str]] = {}
    unknown = set(items) - set(instrument.ITEM_KEYS)
    for key in sorted(unknown):
        errors[key] = [_("There is no such question.")]
    cleaned: dict[str, int | None] = {}
    for key in instrument.ITEM_KEYS:
        value = items.get(key)
        if value is None or value == "":
            cleaned[key] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            errors[key] = [instrument.text("bad_value", language)]
            continue
        if not instrument.SCALE_MIN <= value <= instrument.SCALE_MAX:
            errors[key] = [instrument.text("bad_value", language)]
            continue
        cleaned[key] = value
    if comment is None:
        comment = ""
    if not isinstance(comment, str):
        errors["comment"] = [_("The comment must be text.")]
        comment = ""
    elif len(comment) > instrument.COMMENT_MAX:
        errors["comment"] = [instrument.text("comment_too_long", language)]
    elif "\x00" in comment:
        errors["comment"] = [_("The comment contains a character that cannot be saved.")]
    if errors:
        first = next(iter(errors.values()))[0]
        raise PracticeError(first, errors=errors)
    count = sum(1 for v in cleaned.values() if v is not None)
    if count < instrument.MIN_ANSWERED:
        message = instrument.text(
            "too_few",
            language,
            min=instrument.MIN_ANSWERED,
            total=len(instrument.ITEM_KEYS),
            n=count,
        )
        raise PracticeError(message, errors={"__all__": [message]})
    return cleaned, comment.strip()


def clean_overall(value: Any, language: str = Language.EN) -> int | None:
    """The overall "how are things" answer: a whole number 0–10, or None (skipped)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise PracticeError(
            instrument.text("overall_bad_value", language),
            errors={"overall": [instrument.text("overall_bad_value", language)]},
        )
    if not instrument.SCALE_MIN <= value <= instrument.SCALE_MAX:
        raise PracticeError(
            instrument.text("overall_bad_value", language),
            errors={"overall": [instrument.text("overall_bad_value", language)]},
        )
    return value


# --- Recording -----------------------------------------------------------------------------------
def _editable_relationship(actor: User, relationship_id: int) -> Relationship:
    try:
        relationship = relationship_access.get_relationship_for_user(actor, relationship_id)
    except Http404:
        raise _not_found() from None
    if actor.role not in whanau_access.CASE_WRITER_ROLES or not (
        relationship_access.can_edit_relationship(actor, relationship)
    ):
        raise ReadOnlyError(_("You can see this relationship but not record check-ins for it."))
    return relationship


def _rater_for(relationship: Relationship, rater_id: Any) -> Person:
    try:
        return Person.objects.select_related("user").get(pk=int(rater_id))
    except (Person.DoesNotExist, TypeError, ValueError, OverflowError):
        raise PracticeError(
            _("This person is not part of this relationship."),
            errors={"rater": [_("This person is not part of this relationship.")]},
        ) from None


def require_consent(rater: Person) -> None:
    if not consent_current(rater, ConsentPurpose.CHECK_INS):
        message = _(
            "%(person)s has not given consent to be contacted for check-ins. Record their "
            "consent on their page first, or do the check-in with them in person."
        ) % {"person": rater.preferred_name}
        raise PracticeError(message, errors={"rater": [message]})


def checkin_record(
    *,
    actor: User,
    relationship_id: int,
    rater_id: int,
    perspective: str,
    form: str,
    channel: str,
    items: dict[str, Any],
    comment: str = "",
    language: str = Language.EN,
    answered_at: datetime | None = None,
    request: HttpRequest | None = None,
    overall: Any = None,
) -> CheckIn:
    """Record a check-in answered in session, by phone, or the practitioner's mirror (with the
    overall "how are things" answer, except on the mirror)."""
    relationship = _editable_relationship(actor, relationship_id)
    _check_relationship_open(relationship)
    if channel not in {Channel.IN_SESSION, Channel.PHONE}:
        raise PracticeError(
            _("Record a check-in as answered in session or by phone; links answer themselves."),
            errors={"channel": [_("Choose in session or by phone.")]},
        )
    if language not in Language.values:
        raise PracticeError(
            _("Choose English or te reo Māori."), errors={"language": [_("Choose a language.")]}
        )
    rater = _rater_for(relationship, rater_id)
    _check_rater(relationship, rater, perspective, form, actor)
    cleaned, comment = clean_answers(items, comment, language)
    overall_value = None if perspective == Perspective.MIRROR else clean_overall(overall, language)
    now = timezone.now()
    if answered_at is None:
        answered_at = now
    else:
        if timezone.is_naive(answered_at):
            answered_at = timezone.make_aware(answered_at)
        if answered_at > now + timedelta(minutes=5):
            raise PracticeError(
                _("A check-in cannot be answered in the future."),
                errors={"answered_at": [_("Give a date and time that has passed.")]},
            )
        if answered_at < now - MAX_BACKDATE:
            raise PracticeError(
                _("A check-in can be entered up to a year after it was answered."),
                errors={"answered_at": [_("Give a date within the last year.")]},
            )
    if channel == Channel.PHONE and perspective != Perspective.MIRROR:
        require_consent(rater)
    with transaction.atomic():
        checkin = _save_checkin(
            relationship=relationship,
            rater=rater,
            perspective=perspective,
            form=form,
            channel=channel,
            language=language,
            items=cleaned,
            comment=comment,
            answered_at=answered_at,
            recorded_by=actor,
            overall=overall_value,
        )
        record_event(
            actor=actor,
            action=Action.CREATE,
            target=checkin,
            whanau_id=relationship.whanau_id,
            summary=f"Recorded a check-in ({channel}, {perspective}) on relationship "
            f"{relationship.pk}",
            request=request,
        )
    return checkin


def _save_checkin(
    *,
    relationship: Relationship,
    rater: Person,
    perspective: str,
    form: str,
    channel: str,
    language: str,
    items: dict[str, int | None],
    comment: str,
    answered_at: datetime,
    recorded_by: User | None,
    link: CheckInLink | None = None,
    overall: int | None = None,
) -> CheckIn:
    # One writer at a time per relationship, so that the derived fields (latest, previous,
    # pairing) computed below always see every committed check-in of the relationship.
    Relationship.objects.select_for_update().filter(pk=relationship.pk).values_list("pk").first()
    checkin = CheckIn(
        relationship=relationship,
        rater=rater,
        perspective=perspective,
        form=form,
        channel=channel,
        language=language,
        comment=comment,
        answered_at=answered_at,
        recorded_by=recorded_by,
        link=link,
        overall=overall,
        score=scoring.score(items),
        mean=scoring.mean(items),
        flagged_with=flag_thresholds_in_force(),
        **items,
    )
    validate(
        checkin,
        exclude=["relationship", "rater", "recorded_by", "link", "counterpart", "flagged_with"],
    )
    checkin._history_user = recorded_by  # type: ignore[attr-defined]
    checkin.save()
    refresh_derived(relationship.pk)
    checkin.refresh_from_db()
    from hononga.checkins.selectors import flags_of
    from hononga.notifications import events

    if flags_of(checkin):
        events.checkin_flagged(
            checkin=checkin,
            relationship=relationship,
            exclude=recorded_by if channel != Channel.LINK else None,
        )
    return checkin


@dataclass
class _Derived:
    previous_score: Decimal | None = None
    previous_mean: float | None = None
    is_latest: bool = False
    is_baseline: bool = False
    counterpart_id: int | None = None


DERIVED_FIELDS = ("previous_score", "previous_mean", "is_latest", "is_baseline", "counterpart_id")


def refresh_derived(relationship_id: int) -> None:
    """Recompute the derived fields of a relationship's check-ins: the previous score and mean
    by the same rater, latest-per-rater, the baseline (each rater's first complete self-rating),
    the self/mirror pairing; and fill in the mean and the thresholds in force for check-ins
    written without them (the demo and test factories write rows directly).

    A relationship has tens of check-ins, so recomputing the lot is simple, always right (also
    for a back-dated phone entry) and cheap; only changed rows are written. A check-in's
    thresholds are never changed here: they are those in force when it was first flagged.
    """
    rows = list(
        CheckIn.objects.filter(relationship_id=relationship_id)
        .order_by("answered_at", "id")
        .only(
            "id",
            "rater_id",
            "perspective",
            "score",
            "mean",
            "answered_at",
            "archived_at",
            "flagged_with_id",
            *DERIVED_FIELDS,
            *instrument.ITEM_KEYS,
        )
    )
    live = [c for c in rows if c.archived_at is None]
    wanted: dict[int, _Derived] = {c.pk: _Derived() for c in rows}
    last_by_rater: dict[int, CheckIn] = {}
    baseline_raters: set[int] = set()
    for c in live:
        previous = last_by_rater.get(c.rater_id)
        if previous is not None:
            wanted[c.pk].previous_score = previous.score
            wanted[c.pk].previous_mean = scoring.mean(previous.items())
        last_by_rater[c.rater_id] = c
        if (
            c.perspective == Perspective.SELF
            and c.rater_id not in baseline_raters
            and c.is_complete
        ):
            wanted[c.pk].is_baseline = True
            baseline_raters.add(c.rater_id)
    for c in last_by_rater.values():
        wanted[c.pk].is_latest = True
    selves = [c for c in live if c.perspective == Perspective.SELF]
    mirrors = [c for c in live if c.perspective == Perspective.MIRROR]
    for group, others in ((selves, mirrors), (mirrors, selves)):
        for c in group:
            close = [o for o in others if abs(o.answered_at - c.answered_at) <= PAIR_WINDOW]
            if close:
                best = min(close, key=lambda o: (abs(o.answered_at - c.answered_at), o.pk))
                wanted[c.pk].counterpart_id = best.pk
    in_force: FlagThresholds | None = None
    changed: list[CheckIn] = []
    fields: set[str] = set()
    for c in rows:
        derived = wanted[c.pk]
        updates: dict[str, Any] = {
            name: getattr(derived, name)
            for name in DERIVED_FIELDS
            if getattr(c, name) != getattr(derived, name)
        }
        mean = scoring.mean(c.items())
        if c.mean != mean:
            updates["mean"] = mean
        if c.flagged_with_id is None:
            in_force = in_force or flag_thresholds_in_force()
            updates["flagged_with_id"] = in_force.pk
        if updates:
            for name, value in updates.items():
                setattr(c, name, value)
            fields.update(updates)
            changed.append(c)
    if changed:
        CheckIn.objects.bulk_update(changed, sorted(name.removesuffix("_id") for name in fields))


def checkin_archive(
    *,
    actor: User,
    checkin_id: int,
    reason: str,
    request: HttpRequest | None = None,
) -> CheckIn:
    """Archive a check-in recorded by mistake (for example against the wrong person)."""
    found = CheckIn.objects.filter(pk=checkin_id, archived_at__isnull=True).first()
    if found is None:
        raise _not_found()
    relationship = _editable_relationship(actor, found.relationship_id)
    if not reason.strip():
        raise PracticeError(
            _("Say why this check-in is being archived."),
            errors={"reason": [_("Say why this check-in is being archived.")]},
        )
    with transaction.atomic():
        Relationship.objects.select_for_update().filter(pk=relationship.pk).values_list(
            "pk"
        ).first()
        checkin = CheckIn.objects.select_for_update().get(pk=found.pk)
        if checkin.archived_at is not None:
            raise _not_found()
        checkin.archived_at = timezone.now()
        checkin.version += 1
        checkin._history_user = actor  # type: ignore[attr-defined]
        checkin.save()
        refresh_derived(relationship.pk)
        record_event(
            actor=actor,
            action=Action.ARCHIVE,
            target=checkin,
            whanau_id=relationship.whanau_id,
            summary=f"Archived a check-in on relationship {relationship.pk}",
            reason=reason.strip()[:2000],
            request=request,
        )
    return checkin


# --- One-time links


def link_create(
    *,
    actor: User,
    relationship_id: int,
    rater_id: int,
    form: str = Form.ADULT,
    language: str = Language.EN,
    perspective: str = Perspective.SELF,
    expires_in_days: int | None = None,
    request: HttpRequest | None = None,
    issue_token: bool = True,
) -> tuple[CheckInLink, str]:
    """Make a one-time link; returns it with the raw token, which is never stored.

    `issue_token=False` makes a link to be sent from Hononga (`sending.link_send`): its token is
    made by the sending task, so none is returned ("").
    """
    relationship = _editable_relationship(actor, relationship_id)
    _check_relationship_open(relationship)
    if perspective == Perspective.MIRROR:
        raise PracticeError(
            _("The mirror is answered by the practitioner, not through a link."),
            errors={"perspective": [_("Choose their own answers or someone else's.")]},
        )
    if language not in Language.values:
        raise PracticeError(
            _("Choose English or te reo Māori."), errors={"language": [_("Choose a language.")]}
        )
    rater = _rater_for(relationship, rater_id)
    _check_rater(relationship, rater, perspective, form, actor)
    require_consent(rater)
    settings = settings_get()
    days = settings.link_expiry_days if expires_in_days is None else expires_in_days
    if not 1 <= days <= MAX_LINK_DAYS:
        raise PracticeError(
            _("A link can last from 1 to %(max)s days.") % {"max": MAX_LINK_DAYS},
            errors={
                "expires_in_days": [_("Choose from 1 to %(max)s days.") % {"max": MAX_LINK_DAYS}]
            },
        )
    raw = secrets.token_urlsafe(TOKEN_BYTES) if issue_token else ""
    with transaction.atomic():
        link = CheckInLink.objects.create(
            token_hash=hash_token(raw) if raw else None,
            relationship=relationship,
            rater=rater,
            perspective=perspective,
            form=form,
            language=language,
            created_by=actor,
            expires_at=timezone.now() + timedelta(days=days),
        )
        record_event(
            actor=actor,
            action=Action.CREATE,
            target=link,
            whanau_id=relationship.whanau_id,
            summary=f"Made a one-time check-in link for relationship {relationship.pk}",
            data={"expires_at": link.expires_at.isoformat(), "rater": rater.pk},
            request=request,
        )
    return link, raw


def link_revoke(*, actor: User, link_id: int, request: HttpRequest | None = None) -> CheckInLink:
    found = CheckInLink.objects.filter(pk=link_id).first()
    if found is None:
        raise _not_found()
    relationship = _editable_relationship(actor, found.relationship_id)
    with transaction.atomic():
        link = CheckInLink.objects.select_for_update().get(pk=found.pk)
        state = link.state()
        if state == "revoked":
            return link
        if state == "used":
            raise PracticeError(
                _("This link has already been answered; there is nothing to revoke.")
            )
        link.revoked_at = timezone.now()
        link.revoked_by = actor
        link.save(update_fields=["revoked_at", "revoked_by"])
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=link,
            whanau_id=relationship.whanau_id,
            summary=f"Revoked a one-time check-in link for relationship {relationship.pk}",
            request=request,
        )
    return link


class LinkUnavailable(PracticeError):
    """A link that cannot be answered; `state` says why (unknown, used, expired, closed)."""

    status = 410
    title = "This link cannot be used"

    def __init__(self, state: str, language: str | None = None) -> None:
        if language is None:
            # An unknown link has no language of its own: the reader's (cookie, browser).
            active = translation.get_language() or ""
            language = Language.MI if active.startswith("mi") else Language.EN
        key = {
            "unknown": "link_unknown",
            "used": "link_used",
            "expired": "link_expired",
        }.get(state, "link_closed")
        super().__init__(instrument.text(f"{key}_body", language))
        self.state = state
        self.language = language
        self.heading = instrument.text(f"{key}_title", language)
        if state == "unknown":
            self.status = 404


@dataclass(frozen=True)
class OpenLink:
    """What a public link page may show: the practitioner's preferred name and the questions."""

    link: CheckInLink
    worker: str

    @property
    def form(self) -> str:
        return self.link.form

    @property
    def language(self) -> str:
        return self.link.language


def _link_state(link: CheckInLink) -> str:
    state = link.state()
    if state != "open":
        return "closed" if state == "revoked" else state
    relationship = link.relationship
    if (
        not relationship.is_active
        or relationship.whanau.archived_at is not None
        or relationship.whanau.status != WhanauStatus.OPEN
        or link.rater.archived_at is not None
        or not consent_current(link.rater, ConsentPurpose.CHECK_INS)
    ):
        return "closed"
    return "open"


def link_open(raw_token: str) -> OpenLink:
    """The link behind a token, if it can still be answered; LinkUnavailable otherwise."""
    if not isinstance(raw_token, str) or not 16 <= len(raw_token) <= 100:
        raise LinkUnavailable("unknown")
    link = (
        CheckInLink.objects.select_related(
            "relationship__whanau",
            "relationship__person_a__user",
            "relationship__person_b__user",
            "rater",
        )
        .filter(token_hash=hash_token(raw_token))
        .first()
    )
    if link is None:
        raise LinkUnavailable("unknown")
    state = _link_state(link)
    if state != "open":
        raise LinkUnavailable(state, link.language)
    return OpenLink(link=link, worker=worker_name(link.relationship))


def link_answer(
    *,
    raw_token: str,
    items: dict[str, Any],
    comment: str = "",
    request: HttpRequest | None = None,
    overall: Any = None,
) -> CheckIn:
    """Answer a check-in through a one-time link (no login). The link is used up atomically."""
    opened = link_open(raw_token)
    cleaned, comment = clean_answers(items, comment, opened.language)
    overall_value = clean_overall(overall, opened.language)
    with transaction.atomic():
        # Locked so that two submissions of the same link cannot both be saved.
        link = CheckInLink.objects.select_for_update().get(pk=opened.link.pk)
        if link.state() != "open":
            raise LinkUnavailable(
                "used" if link.used_at else link.state().replace("revoked", "closed"),
                link.language,
            )
        relationship = opened.link.relationship
        now = timezone.now()
        checkin = _save_checkin(
            relationship=relationship,
            rater=opened.link.rater,
            perspective=link.perspective,
            form=link.form,
            channel=Channel.LINK,
            language=link.language,
            items=cleaned,
            comment=comment,
            answered_at=now,
            recorded_by=link.created_by,
            link=link,
            overall=overall_value,
        )
        link.used_at = now
        link.save(update_fields=["used_at"])
        record_event(
            actor=None,
            actor_username="check-in link",
            action=Action.CREATE,
            target=checkin,
            whanau_id=relationship.whanau_id,
            summary=f"Check-in answered through a one-time link on relationship {relationship.pk}",
            request=request,
        )
        from hononga.notifications import events

        events.checkin_answered(link=link, checkin=checkin)
    return checkin


# --- The hand-over screen


def handover_check(*, actor: User, relationship_id: int, rater_id: int, form: str) -> Relationship:
    """Everything about an in-session check-in that can be checked before the hand-over."""
    relationship = _editable_relationship(actor, relationship_id)
    _check_relationship_open(relationship)
    rater = _rater_for(relationship, rater_id)
    perspective = (
        Perspective.SELF
        if rater.pk in {relationship.person_a_id, relationship.person_b_id}
        else Perspective.COLLATERAL
    )
    _check_rater(relationship, rater, perspective, form, actor)
    return relationship
