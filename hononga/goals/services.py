"""Writes for the whānau plan: goals, their steps, ratings, and one-time links to rate them.

Each service checks access and the rules, writes the change and its AuditEvent in one
transaction, and keeps a goal's derived fields (baseline, latest) up to date.
"""

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hononga.accounts.models import Role, User
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.checkins import services as checkin_services
from hononga.checkins.models import CheckInLink
from hononga.core.concurrency import lock_current
from hononga.core.errors import NotFound, PracticeError
from hononga.core.services import validate
from hononga.goals import wording
from hononga.goals.models import (
    STEP_MAX,
    WHO_MAX,
    WHY_MAX,
    WORDING_MAX,
    Goal,
    GoalLink,
    GoalRating,
    GoalStatus,
    GoalStep,
    RatingChannel,
)
from hononga.goals.outcomes import SCALE_MAX, SCALE_MIN
from hononga.relationships.models import ConsentPurpose, Relationship
from hononga.relationships.selectors import consent_current
from hononga.whanau import access as whanau_access
from hononga.whanau.models import Allocation, Membership, Person, Whanau, WhanauStatus

# "Up to about three active goals per holder is normal; more is allowed with a gentle note."
USUAL_ACTIVE_GOALS = 3
# Empty wording, on every way in (the forms, the API schema, the service): the same words.
EMPTY_WORDING = gettext_lazy("Write the goal as the person said it.")
MAX_LINK_DAYS = 60


def reliable_change_threshold() -> float:
    return float(getattr(settings, "GOALS_RELIABLE_CHANGE", 2.45))


def due_days() -> int:
    return int(getattr(settings, "GOALS_DUE_DAYS", 42))


class ReadOnlyError(PracticeError):
    status = 403
    title = "Your role cannot change this"


def _not_found() -> NotFound:
    return NotFound(_("That record was not found."))


def _field_error(field: str, message: str) -> PracticeError:
    return PracticeError(message, errors={field: [message]})


# --- Access --------------------------------------------------------------------------------------
def goals_for_user(user: Any) -> Any:
    return Goal.objects.filter(
        whanau__in=whanau_access.whanau_for_user(user).values("pk"), archived_at__isnull=True
    )


def visible_whanau(actor: User, whanau_id: Any) -> Whanau:
    try:
        return whanau_access.get_whanau_for_user(actor, whanau_id)
    except Exception:  # Http404
        raise _not_found() from None


def editable_whanau(actor: User, whanau_id: Any) -> Whanau:
    whanau = visible_whanau(actor, whanau_id)
    if (
        actor.role not in whanau_access.CASE_WRITER_ROLES
        or whanau.archived_at is not None
        or not whanau_access.can_edit_whanau(actor, whanau)
    ):
        raise ReadOnlyError(_("You can see this whānau's plan but not change it."))
    return whanau


def can_write(user: Any, whanau: Whanau) -> bool:
    return (
        getattr(user, "role", None) in whanau_access.CASE_WRITER_ROLES
        and whanau.archived_at is None
        and whanau_access.can_edit_whanau(user, whanau)
    )


def editable_goal(actor: User, goal_id: Any) -> Goal:
    try:
        found = goals_for_user(actor).filter(pk=int(goal_id)).first()
    except (TypeError, ValueError, OverflowError):
        found = None
    if found is None:
        raise _not_found()
    editable_whanau(actor, found.whanau_id)
    return found


# --- Who may hold a goal, and what it may concern ------------------------------------------------
def member_ids(whanau: Whanau) -> set[int]:
    today = timezone.localdate()
    return set(
        Membership.objects.filter(whanau=whanau, archived_at__isnull=True, person__archived_at=None)
        .filter(Q(ended__isnull=True) | Q(ended__gte=today))
        .values_list("person_id", flat=True)
    )


def staff_person_ids(whanau: Whanau) -> set[int]:
    """The Person records of the staff allocated to the whānau now (a practitioner may hold a
    goal, shown as theirs)."""
    return set(
        Person.objects.filter(
            user__in=Allocation.objects.current().filter(whanau=whanau).values("user_id"),
            archived_at__isnull=True,
        ).values_list("pk", flat=True)
    )


def holder_choices(whanau: Whanau) -> list[Person]:
    ids = member_ids(whanau) | staff_person_ids(whanau)
    return list(Person.objects.filter(pk__in=ids).order_by("user_id", "search_key", "pk"))


def _clean_text(value: Any, field: str, max_length: int, *, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _field_error(field, _("Write this as text."))
    value = value.strip()
    if "\x00" in value:
        raise _field_error(field, _("This contains a character that cannot be saved."))
    if required and not value:
        raise _field_error(
            field,
            str(EMPTY_WORDING) if field == "wording" else _("This cannot be empty."),
        )
    if len(value) > max_length:
        raise _field_error(
            field,
            _("Keep this to %(max)s characters (it has %(n)s).")
            % {"max": max_length, "n": len(value)},
        )
    return value


def _check_holder(whanau: Whanau, holder_id: Any) -> Person | None:
    if holder_id in (None, "", 0):
        return None
    try:
        pk = int(holder_id)
    except (TypeError, ValueError):
        pk = -1
    if pk not in member_ids(whanau) | staff_person_ids(whanau):
        raise _field_error(
            "holder",
            _(
                "A goal is held by someone in this whānau, the whānau together, or a "
                "practitioner allocated to it."
            ),
        )
    return Person.objects.get(pk=pk)


def _check_concerns(
    whanau: Whanau, people: list[Any] | None, relationships: list[Any] | None
) -> tuple[list[int], list[int]]:
    allowed_people = member_ids(whanau) | staff_person_ids(whanau)
    person_ids = [int(p) for p in people or []]
    if any(p not in allowed_people for p in person_ids):
        raise _field_error(
            "concerns_people", _("Choose people in this whānau (someone else was chosen).")
        )
    relationship_ids = [int(r) for r in relationships or []]
    if relationship_ids:
        found = set(
            Relationship.objects.filter(
                pk__in=relationship_ids, whanau=whanau, archived_at__isnull=True
            ).values_list("pk", flat=True)
        )
        if found != set(relationship_ids):
            raise _field_error(
                "concerns_relationships", _("Choose relationships on this whānau's map.")
            )
    return sorted(set(person_ids)), sorted(set(relationship_ids))


def _check_target(target_date: date | None, set_on: date) -> None:
    if target_date is not None and target_date < set_on:
        raise _field_error(
            "target_date",
            _("The target date is before the goal was set (%(date)s). Choose a later date.")
            % {"date": set_on.strftime("%d/%m/%Y")},
        )


# --- Goals ---------------------------------------------------------------------------------------
def goal_create(
    *,
    actor: User,
    whanau_id: int,
    wording: Any,
    holder_id: int | None = None,
    why: Any = "",
    target_date: date | None = None,
    concerns_people: list[Any] | None = None,
    concerns_relationships: list[Any] | None = None,
    replaces: Goal | None = None,
    request: HttpRequest | None = None,
) -> Goal:
    whanau = editable_whanau(actor, whanau_id)
    if whanau.status != WhanauStatus.OPEN:
        raise PracticeError(_("This whānau's file is closed: goals cannot be added."))
    text = _clean_text(wording, "wording", WORDING_MAX, required=True)
    reason = _clean_text(why, "why", WHY_MAX, required=False)
    holder = _check_holder(whanau, holder_id)
    people, relationships = _check_concerns(whanau, concerns_people, concerns_relationships)
    set_on = timezone.localdate()
    _check_target(target_date, set_on)
    with transaction.atomic():
        goal = Goal(
            whanau=whanau,
            holder=holder,
            wording=text,
            why=reason,
            set_on=set_on,
            target_date=target_date,
            created_by=actor,
            replaces=replaces,
        )
        validate(goal, exclude=["whanau", "holder", "created_by", "replaces"])
        goal._history_user = actor  # type: ignore[attr-defined]
        goal.save()
        goal.concerns_people.set(people)
        goal.concerns_relationships.set(relationships)
        record_event(
            actor=actor,
            action=Action.CREATE,
            target=goal,
            whanau_id=whanau.pk,
            summary=f"Set a goal in whānau {whanau.pk}"
            + (f" (replacing goal {replaces.pk})" if replaces else ""),
            data={"holder": holder.pk if holder else None},
            request=request,
        )
    return goal


EDITABLE_FIELDS = {"why", "target_date", "concerns_people", "concerns_relationships"}


def goal_update(
    *,
    actor: User,
    goal_id: int,
    expected_version: int | None,
    changes: dict[str, Any],
    request: HttpRequest | None = None,
) -> Goal:
    """Change what may change about a goal: why, target date, who and what it concerns. The
    wording is the holder's own and is never rewritten (see goal_change_wording)."""
    if "wording" in changes:
        raise _field_error(
            "wording",
            _(
                "A goal's wording is the holder's own and is never rewritten. If they put it "
                "differently now, record the new wording as a change of goal."
            ),
        )
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise PracticeError(
            _("These fields cannot be changed here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))},
            errors={name: [_("This field cannot be changed here.")] for name in sorted(unknown)},
        )
    found = editable_goal(actor, goal_id)
    whanau = found.whanau
    diff: dict[str, list[Any]] = {}
    with transaction.atomic():
        goal = lock_current(Goal, found.pk, expected_version=expected_version)
        if not goal.is_active:
            raise PracticeError(_("Only an active goal can be changed."))
        if "why" in changes:
            why = _clean_text(changes["why"], "why", WHY_MAX, required=False)
            if why != goal.why:
                diff["why"] = [goal.why, why]
                goal.why = why
        if "target_date" in changes:
            target = changes["target_date"]
            _check_target(target, goal.set_on)
            if target != goal.target_date:
                diff["target_date"] = [str(goal.target_date), str(target)]
                goal.target_date = target
        people = relationships = None
        if "concerns_people" in changes or "concerns_relationships" in changes:
            people, relationships = _check_concerns(
                whanau,
                changes.get(
                    "concerns_people",
                    list(goal.concerns_people.values_list("pk", flat=True)),
                ),
                changes.get(
                    "concerns_relationships",
                    list(goal.concerns_relationships.values_list("pk", flat=True)),
                ),
            )
            old_people = sorted(goal.concerns_people.values_list("pk", flat=True))
            old_relationships = sorted(goal.concerns_relationships.values_list("pk", flat=True))
            if people != old_people:
                diff["concerns_people"] = [old_people, people]
            if relationships != old_relationships:
                diff["concerns_relationships"] = [old_relationships, relationships]
        if not diff:
            return goal
        goal.version += 1
        goal._history_user = actor  # type: ignore[attr-defined]
        goal.save()
        if people is not None and "concerns_people" in diff:
            goal.concerns_people.set(people)
        if relationships is not None and "concerns_relationships" in diff:
            goal.concerns_relationships.set(relationships)
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=goal,
            whanau_id=goal.whanau_id,
            summary=f"Changed goal {goal.pk}",
            data={"changes": diff},
            request=request,
        )
    return goal


def goal_close(
    *,
    actor: User,
    goal_id: int,
    expected_version: int | None,
    status: str,
    reason: Any = "",
    request: HttpRequest | None = None,
) -> Goal:
    """Mark a goal met, or set it aside (with a reason)."""
    if status not in {GoalStatus.MET, GoalStatus.SET_ASIDE}:
        raise _field_error("status", _("Choose met or set aside."))
    text = _clean_text(reason, "status_reason", WHY_MAX, required=status == GoalStatus.SET_ASIDE)
    found = editable_goal(actor, goal_id)
    with transaction.atomic():
        goal = lock_current(Goal, found.pk, expected_version=expected_version)
        if not goal.is_active:
            raise PracticeError(_("This goal is already closed."))
        goal.status = status
        goal.status_reason = text
        goal.closed_on = timezone.localdate()
        goal.version += 1
        goal._history_user = actor  # type: ignore[attr-defined]
        goal.save()
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=goal,
            whanau_id=goal.whanau_id,
            summary=f"Goal {goal.pk} {status.replace('_', ' ')}",
            reason=text,
            request=request,
        )
    return goal


def goal_change_wording(
    *,
    actor: User,
    goal_id: int,
    expected_version: int | None,
    wording: Any,
    request: HttpRequest | None = None,
) -> Goal:
    """The holder puts their goal differently: a new goal with the new wording replaces the old
    one (status "changed"), which stays in the history with its ratings."""
    text = _clean_text(wording, "wording", WORDING_MAX, required=True)
    found = editable_goal(actor, goal_id)
    with transaction.atomic():
        old = lock_current(Goal, found.pk, expected_version=expected_version)
        if not old.is_active:
            raise PracticeError(_("Only an active goal can be changed."))
        if text == old.wording:
            raise _field_error("wording", _("The new wording is the same as the old one."))
        old.status = GoalStatus.CHANGED
        old.closed_on = timezone.localdate()
        old.version += 1
        old._history_user = actor  # type: ignore[attr-defined]
        old.save()
        target = (
            old.target_date if old.target_date and old.target_date >= timezone.localdate() else None
        )
        new = goal_create(
            actor=actor,
            whanau_id=old.whanau_id,
            wording=text,
            holder_id=old.holder_id,
            why=old.why,
            target_date=target,
            concerns_people=list(old.concerns_people.values_list("pk", flat=True)),
            concerns_relationships=list(old.concerns_relationships.values_list("pk", flat=True)),
            replaces=old,
            request=request,
        )
        steps = list(old.steps.filter(archived_at__isnull=True, done_on__isnull=True))
        for step in steps:
            step.goal = new
            step.version += 1
            step._history_user = actor  # type: ignore[attr-defined]
            step.save()
    return new


# --- Steps ---------------------------------------------------------------------------------------
def step_add(
    *,
    actor: User,
    goal_id: int,
    what: Any,
    who: Any,
    by_when: date | None = None,
    request: HttpRequest | None = None,
) -> GoalStep:
    goal = editable_goal(actor, goal_id)
    if not goal.is_active:
        raise PracticeError(_("Steps can be added to an active goal only."))
    what_text = _clean_text(what, "what", STEP_MAX, required=True)
    who_text = _clean_text(who, "who", WHO_MAX, required=True)
    if by_when is not None and by_when < goal.set_on:
        raise _field_error("by_when", _("Choose a date on or after the goal was set."))
    with transaction.atomic():
        step = GoalStep(goal=goal, what=what_text, who=who_text, by_when=by_when, created_by=actor)
        step._history_user = actor  # type: ignore[attr-defined]
        step.save()
        record_event(
            actor=actor,
            action=Action.CREATE,
            target=step,
            whanau_id=goal.whanau_id,
            summary=f"Added a step to goal {goal.pk}",
            request=request,
        )
    return step


def step_update(
    *,
    actor: User,
    step_id: int,
    expected_version: int | None,
    done: bool | None = None,
    done_on: date | None = None,
    request: HttpRequest | None = None,
) -> GoalStep:
    """Tick a step off (with the date, today unless given) or untick it."""
    found = GoalStep.objects.filter(pk=step_id, archived_at__isnull=True).first()
    if found is None:
        raise _not_found()
    goal = editable_goal(actor, found.goal_id)
    today = timezone.localdate()
    if done_on is not None and (done_on > today or done_on < goal.set_on):
        raise _field_error(
            "done_on", _("Give the day it was done: not in the future, not before the goal.")
        )
    with transaction.atomic():
        step = lock_current(GoalStep, found.pk, expected_version=expected_version)
        before = step.done_on
        step.done_on = (done_on or today) if done else None
        if step.done_on == before:
            return step
        step.version += 1
        step._history_user = actor  # type: ignore[attr-defined]
        step.save()
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=step,
            whanau_id=goal.whanau_id,
            summary=f"{'Ticked off' if step.done_on else 'Unticked'} a step of goal {goal.pk}",
            request=request,
        )
    return step


# --- Ratings -------------------------------------------------------------------------------------
def clean_value(value: Any, language: str = "en", field: str = "value") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not SCALE_MIN <= value <= SCALE_MAX:
        raise _field_error(field, wording.text("bad_value", language))
    return value


def _check_rater(goal: Goal, rater: Person | None, language: str = "en") -> None:
    """The goal's holder rates it; a goal the whānau holds together is rated by a member (or
    "the whānau together")."""
    if not goal.is_active:
        raise _field_error("goal", wording.text("not_active", language))
    if goal.holder_id is not None:
        if rater is None or rater.pk != goal.holder_id:
            raise _field_error("rated_by", wording.text("not_yours", language))
    elif rater is not None and rater.pk not in member_ids(goal.whanau):
        raise _field_error("rated_by", wording.text("not_yours", language))


def refresh_goal(goal_id: int) -> None:
    """Recompute a goal's baseline, latest rating and count from its ratings (a goal has a
    few dozen at most), and the practitioner allocated when the baseline was given."""
    ratings = list(
        GoalRating.objects.filter(goal_id=goal_id)
        .order_by("rated_at", "id")
        .values_list("value", "rated_at")
    )
    goal = Goal.objects.select_related("whanau").get(pk=goal_id)
    fields: dict[str, Any] = {
        "rating_count": len(ratings),
        "baseline_rating": ratings[0][0] if ratings else None,
        "baseline_at": ratings[0][1] if ratings else None,
        "latest_rating": ratings[-1][0] if ratings else None,
        "latest_rated_at": ratings[-1][1] if ratings else None,
    }
    if ratings and goal.baseline_practitioner_id is None:
        day = timezone.localtime(ratings[0][1]).date()
        allocation = (
            Allocation.objects.current(on=day)
            .filter(whanau_id=goal.whanau_id, user__role=Role.PRACTITIONER)
            .order_by("started", "id")
            .first()
        )
        fields["baseline_practitioner_id"] = allocation.user_id if allocation else None
    Goal.objects.filter(pk=goal_id).update(**fields)


def _save_rating(
    goal: Goal,
    *,
    value: int,
    rater: Person | None,
    channel: str,
    recorded_by: User | None,
    link: GoalLink | None = None,
) -> GoalRating:
    # One writer at a time per goal, so the derived baseline and latest see every rating.
    Goal.objects.select_for_update().filter(pk=goal.pk).values_list("pk").first()
    rating = GoalRating.objects.create(
        goal=goal,
        value=value,
        rated_by=rater,
        channel=channel,
        rated_at=timezone.now(),
        recorded_by=recorded_by,
        link=link,
    )
    refresh_goal(goal.pk)
    return rating


def rating_record(
    *,
    actor: User,
    goal_id: int,
    value: Any,
    rated_by_id: int | None,
    request: HttpRequest | None = None,
) -> GoalRating:
    """A rating given in session, on the practitioner's device."""
    goal = editable_goal(actor, goal_id)
    cleaned = clean_value(value)
    rater = None
    if rated_by_id is not None:
        rater = Person.objects.filter(pk=rated_by_id).first()
        if rater is None:
            raise _field_error("rated_by", wording.text("not_yours"))
    _check_rater(goal, rater)
    with transaction.atomic():
        rating = _save_rating(
            goal, value=cleaned, rater=rater, channel=RatingChannel.IN_SESSION, recorded_by=actor
        )
        record_event(
            actor=actor,
            action=Action.CREATE,
            target=rating,
            whanau_id=goal.whanau_id,
            summary=f"Recorded a rating of goal {goal.pk} in session",
            request=request,
        )
    return rating


def ratings_record(
    *,
    actor: User,
    whanau_id: int,
    rated_by_id: int | None,
    values: dict[int, Any],
    language: str = "en",
    request: HttpRequest | None = None,
) -> list[GoalRating]:
    """Several goals rated together in session: all saved, or none. Messages in `language`
    (the whānau member's, on the hand-over screen)."""
    whanau = editable_whanau(actor, whanau_id)
    errors: dict[str, list[str]] = {}
    cleaned: dict[int, int] = {}
    for goal_id, raw in values.items():
        if raw is None:
            continue
        try:
            cleaned[goal_id] = clean_value(raw, language, field=f"goal-{goal_id}")
        except PracticeError as error:
            errors.update(error.errors)
    if errors:
        raise PracticeError(next(iter(errors.values()))[0], errors=errors)
    if not cleaned:
        raise _field_error("__all__", wording.text("none_answered", language))
    goals = {g.pk: g for g in Goal.objects.filter(pk__in=cleaned, whanau=whanau)}
    rater = Person.objects.filter(pk=rated_by_id).first() if rated_by_id else None
    for goal_id in cleaned:
        goal = goals.get(goal_id)
        if goal is None:
            raise _field_error(f"goal-{goal_id}", wording.text("not_yours", language))
        try:
            _check_rater(goal, rater, language)
        except PracticeError as error:
            raise _field_error(f"goal-{goal_id}", error.message) from None
    made = []
    with transaction.atomic():
        for goal_id, value in cleaned.items():
            rating = _save_rating(
                goals[goal_id],
                value=value,
                rater=rater,
                channel=RatingChannel.IN_SESSION,
                recorded_by=actor,
            )
            made.append(rating)
        record_event(
            actor=actor,
            action=Action.CREATE,
            whanau_id=whanau.pk,
            summary=f"Recorded {len(made)} goal rating(s) in session",
            data={"goals": sorted(cleaned)},
            request=request,
        )
    return made


# --- One-time links ------------------------------------------------------------------------------
def rateable_goals(whanau: Whanau, rater: Person) -> list[Goal]:
    """What a whānau member may rate: their own active goals, and the whānau's together."""
    return list(
        Goal.objects.filter(whanau=whanau, status=GoalStatus.ACTIVE, archived_at__isnull=True)
        .filter(Q(holder=rater) | Q(holder__isnull=True))
        .order_by("holder_id", "set_on", "id")
    )


def link_create(
    *,
    actor: User,
    whanau_id: int,
    rater_id: int,
    goal_ids: list[int] | None = None,
    form: str = "adult",
    language: str = "en",
    checkin_relationship_id: int | None = None,
    expires_in_days: int | None = None,
    request: HttpRequest | None = None,
    issue_token: bool = True,
) -> tuple[GoalLink, str, str]:
    """A one-time link for a whānau member to rate their goals; with `checkin_relationship_id`
    the same link first asks the check-in on that relationship. Returns the link, the raw
    token (never stored) and the path to send.

    `issue_token=False` makes a link to be sent from Hononga (hononga.goals.sending): its
    token is made by the sending task, so none is returned ("", ""); until then the link holds
    the hash of a token nobody has.
    """
    whanau = editable_whanau(actor, whanau_id)
    if form not in {"adult", "child"}:
        raise _field_error("form", _("Choose the adult or the child form."))
    if language not in {"en", "mi"}:
        raise _field_error("language", _("Choose English or te reo Māori."))
    rater = Person.objects.filter(pk=rater_id, archived_at__isnull=True).first()
    if rater is None or rater.pk not in member_ids(whanau):
        raise _field_error("rater", _("Choose someone in this whānau."))
    available = {g.pk: g for g in rateable_goals(whanau, rater)}
    chosen = list(available) if goal_ids is None else [int(g) for g in goal_ids]
    if not chosen:
        raise _field_error(
            "goals",
            _("%(person)s has no active goals to rate yet.") % {"person": rater.preferred_name},
        )
    if any(g not in available for g in chosen):
        raise _field_error("goals", _("Choose goals that are theirs, or the whānau's together."))
    checkin_services.require_consent(rater)
    days = expires_in_days or checkin_services.settings_get().link_expiry_days
    if not 1 <= days <= MAX_LINK_DAYS:
        raise _field_error(
            "expires_in_days", _("Choose from 1 to %(max)s days.") % {"max": MAX_LINK_DAYS}
        )
    with transaction.atomic():
        checkin_link: CheckInLink | None = None
        if checkin_relationship_id is not None:
            relationship = Relationship.objects.filter(
                pk=checkin_relationship_id, whanau=whanau
            ).first()
            if relationship is None or checkin_services.other_side(relationship) != rater:
                raise _field_error(
                    "checkin_relationship",
                    _("Choose their relationship with a practitioner on this whānau's map."),
                )
            checkin_link, raw = checkin_services.link_create(
                actor=actor,
                relationship_id=relationship.pk,
                rater_id=rater.pk,
                form=form,
                language=language,
                expires_in_days=days,
                request=request,
                issue_token=issue_token,
            )
            path = f"/c/{raw}/" if issue_token else ""
        else:
            raw = secrets.token_urlsafe(checkin_services.TOKEN_BYTES) if issue_token else ""
            path = f"/g/{raw}/" if issue_token else ""
        link = GoalLink.objects.create(
            token_hash=checkin_services.hash_token(
                raw or secrets.token_urlsafe(checkin_services.TOKEN_BYTES)
            ),
            whanau=whanau,
            rater=rater,
            form=form,
            language=language,
            checkin_link=checkin_link,
            created_by=actor,
            expires_at=checkin_link.expires_at
            if checkin_link
            else timezone.now() + timedelta(days=days),
        )
        link.goals.set(chosen)
        record_event(
            actor=actor,
            action=Action.CREATE,
            target=link,
            whanau_id=whanau.pk,
            summary=f"Made a one-time goal link in whānau {whanau.pk}"
            + (" with a check-in" if checkin_link else ""),
            data={"rater": rater.pk, "goals": sorted(chosen)},
            request=request,
        )
    return link, raw, path


def link_revoke(*, actor: User, link_id: int, request: HttpRequest | None = None) -> GoalLink:
    """Stop a goal link working (and the check-in it carries, for a combined link)."""
    found = GoalLink.objects.filter(pk=link_id).first()
    if found is None:
        raise _not_found()
    whanau = editable_whanau(actor, found.whanau_id)
    with transaction.atomic():
        link = GoalLink.objects.select_for_update().get(pk=found.pk)
        if link.revoked_at is not None:
            return link
        if link.used_at is not None:
            raise PracticeError(
                _("This link has already been answered; there is nothing to revoke.")
            )
        link.revoked_at = timezone.now()
        link.revoked_by = actor
        link.save(update_fields=["revoked_at", "revoked_by"])
        if link.checkin_link_id is not None:
            CheckInLink.objects.filter(
                pk=link.checkin_link_id, used_at__isnull=True, revoked_at__isnull=True
            ).update(revoked_at=link.revoked_at, revoked_by=actor)
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=link,
            whanau_id=whanau.pk,
            summary=f"Revoked a one-time goal link in whānau {whanau.pk}",
            request=request,
        )
    return link


class LinkUnavailable(checkin_services.LinkUnavailable):
    """The same answers as a check-in link: unknown, used, expired or closed."""


@dataclass(frozen=True)
class OpenLink:
    link: GoalLink
    goals: list[Goal]


def link_state(link: GoalLink) -> str:
    """ "open", "used", "revoked", "expired" or "closed" (the whānau or the person closed, or
    their consent to check-ins withdrawn, or no active goal left on it)."""
    state = link.state()
    if state == "open" and (
        link.whanau.archived_at is not None
        or link.whanau.status != WhanauStatus.OPEN
        or link.rater.archived_at is not None
        or not consent_current(link.rater, ConsentPurpose.CHECK_INS)
        or not link.goals.filter(status=GoalStatus.ACTIVE, archived_at__isnull=True).exists()
    ):
        state = "closed"
    return state


def link_open(raw_token: Any) -> OpenLink:
    if not isinstance(raw_token, str) or not 16 <= len(raw_token) <= 100:
        raise LinkUnavailable("unknown")
    link = (
        GoalLink.objects.select_related("whanau", "rater", "created_by")
        .filter(token_hash=checkin_services.hash_token(raw_token))
        .first()
    )
    if link is None:
        raise LinkUnavailable("unknown")
    state = link.state()
    if state == "open" and (
        link.whanau.archived_at is not None
        or link.whanau.status != WhanauStatus.OPEN
        or link.rater.archived_at is not None
        or not consent_current(link.rater, ConsentPurpose.CHECK_INS)
    ):
        state = "closed"
    if state != "open":
        raise LinkUnavailable("closed" if state == "revoked" else state, link.language)
    goals = list(
        link.goals.filter(status=GoalStatus.ACTIVE, archived_at__isnull=True).order_by(
            "holder_id", "set_on", "id"
        )
    )
    if not goals:
        raise LinkUnavailable("closed", link.language)
    return OpenLink(link=link, goals=goals)


def link_answer(
    *, raw_token: Any, values: dict[int, Any], request: HttpRequest | None = None
) -> list[GoalRating]:
    """Rate goals through a one-time link (no login). All the ratings are saved, or none, and
    the link is used up."""
    opened = link_open(raw_token)
    language = opened.link.language
    goals = {g.pk: g for g in opened.goals}
    errors: dict[str, list[str]] = {}
    cleaned: dict[int, int] = {}
    for goal_id, raw in values.items():
        if goal_id not in goals:
            errors[f"goal-{goal_id}"] = [wording.text("not_yours", language)]
            continue
        if raw is None:
            continue
        try:
            cleaned[goal_id] = clean_value(raw, language, field=f"goal-{goal_id}")
        except PracticeError as error:
            errors.update(error.errors)
    if errors:
        raise PracticeError(next(iter(errors.values()))[0], errors=errors)
    if not cleaned:
        raise _field_error("__all__", wording.text("none_answered", language))
    with transaction.atomic():
        link = GoalLink.objects.select_for_update().get(pk=opened.link.pk)
        if link.state() != "open":
            raise LinkUnavailable("used" if link.used_at else "closed", language)
        made = [
            _save_rating(
                goals[goal_id],
                value=value,
                rater=link.rater,
                channel=RatingChannel.LINK,
                recorded_by=None,
                link=link,
            )
            for goal_id, value in cleaned.items()
        ]
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        record_event(
            actor=None,
            actor_username="goal link",
            action=Action.CREATE,
            whanau_id=link.whanau_id,
            summary=f"{len(made)} goal rating(s) given through a one-time link",
            data={"goals": sorted(cleaned)},
            request=request,
        )
    return made


def link_after_checkin(raw_token: str) -> str | None:
    """Where a combined link goes once its check-in is answered: the goals, if any are left."""
    link = GoalLink.objects.filter(
        token_hash=checkin_services.hash_token(raw_token), used_at__isnull=True
    ).first()
    return f"/g/{raw_token}/?after=checkin" if link is not None else None
