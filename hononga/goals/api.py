"""/api/v1/goals: the whānau plan (goals, their ratings and steps); /api/v1/outcomes/association."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.api import (
    ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    Day,
    Id,
    Problem,
    reject_unknown_query,
)
from hononga.core.concurrency import lock_current
from hononga.core.errors import NotFound, PracticeError, sent_version
from hononga.core.pagination import Pagination
from hononga.goals import selectors, sending, services
from hononga.goals.models import Goal, GoalLink, GoalRating, GoalStatus, GoalStep
from hononga.goals.schemas import (
    GoalChangeIn,
    GoalIn,
    GoalLinkCreated,
    GoalLinkIn,
    GoalLinkOut,
    GoalLinkSendIn,
    GoalLinkSendOut,
    GoalOut,
    GoalPatch,
    GoalRatingIn,
    GoalRatingOut,
    GoalStepIn,
    GoalStepOut,
    GoalStepPatch,
)

router = Router(tags=["goals"])


def goal_out(goal: Goal) -> dict[str, Any]:
    return {
        "id": goal.pk,
        "whanau": goal.whanau_id,
        "holder": goal.holder_id,
        "holder_name": goal.holder.preferred_name if goal.holder else None,
        "wording": goal.wording,
        "why": goal.why,
        "set_on": goal.set_on,
        "target_date": goal.target_date,
        "status": goal.status,
        "status_reason": goal.status_reason,
        "closed_on": goal.closed_on,
        "replaces": goal.replaces_id,
        "concerns_people": [p.pk for p in goal.concerns_people.all()],
        "concerns_relationships": [r.pk for r in goal.concerns_relationships.all()],
        "baseline_rating": goal.baseline_rating,
        "latest_rating": goal.latest_rating,
        "latest_rated_at": goal.latest_rated_at,
        "rating_count": goal.rating_count,
        "flags": list(selectors.goal_flags(goal)),
        "version": goal.version,
    }


def rating_out(rating: GoalRating, baseline_id: int | None) -> dict[str, Any]:
    return {
        "id": rating.pk,
        "goal": rating.goal_id,
        "value": rating.value,
        "rated_by": rating.rated_by_id,
        "channel": rating.channel,
        "rated_at": rating.rated_at,
        "is_baseline": rating.pk == baseline_id,
    }


def step_out(step: GoalStep) -> dict[str, Any]:
    return {
        "id": step.pk,
        "goal": step.goal_id,
        "what": step.what,
        "who": step.who,
        "by_when": step.by_when,
        "done_on": step.done_on,
        "version": step.version,
    }


def _visible_goal(request: HttpRequest, goal_id: int) -> Goal:
    goal = services.goals_for_user(request.auth).filter(pk=goal_id).first()  # type: ignore[attr-defined]
    if goal is None:
        raise NotFound("Not found")
    return goal


def _loaded(goal_id: int) -> Goal:
    return (
        Goal.objects.select_related("holder")
        .prefetch_related("concerns_people", "concerns_relationships")
        .get(pk=goal_id)
    )


class GoalFilters(Schema):
    whanau: Id | None = None
    person: Id | None = None
    status: GoalStatus | None = None


class _Page:
    def __init__(self, queryset: Any, convert: Any) -> None:
        self.queryset = queryset
        self.convert = convert

    def count(self) -> int:
        return int(self.queryset.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        return [self.convert(row) for row in self.queryset[key]]


@router.get(
    "/goals",
    response={200: list[GoalOut], **READ_ERRORS},
    url_name="goal_list",
    summary="Goals you may see, newest first",
)
@paginate(Pagination)
def goal_list(request: HttpRequest, filters: Query[GoalFilters]) -> Any:
    reject_unknown_query(request, GoalFilters)
    record_event(
        actor=request.auth,  # type: ignore[attr-defined]
        action=Action.LIST,
        whanau_id=filters.whanau,
        summary="Listed goals (API)",
        data={"filters": filters.model_dump(mode="json", exclude_none=True)},
        request=request,
    )
    goals = selectors.goal_list(
        user=request.auth,  # type: ignore[attr-defined]
        whanau_id=filters.whanau,
        person_id=filters.person,
        status=filters.status,
    ).prefetch_related("concerns_people", "concerns_relationships")
    return _Page(goals, goal_out)


@router.post(
    "/goals",
    response={201: GoalOut, **ERRORS},
    url_name="goal_create",
    summary="Set a goal, in the holder's own words",
)
def goal_create(request: HttpRequest, payload: GoalIn) -> Any:
    goal = services.goal_create(
        actor=request.auth,  # type: ignore[attr-defined]
        whanau_id=payload.whanau,
        holder_id=payload.holder,
        wording=payload.wording,
        why=payload.why,
        target_date=payload.target_date,
        concerns_people=payload.concerns_people,
        concerns_relationships=payload.concerns_relationships,
        request=request,
    )
    return Status(201, goal_out(_loaded(goal.pk)))


@router.get("/goals/{goal_id}", response={200: GoalOut, **READ_ERRORS}, url_name="goal_detail")
def goal_detail(request: HttpRequest, goal_id: Id) -> Any:
    goal = _visible_goal(request, goal_id)
    record_event(
        actor=request.auth,  # type: ignore[attr-defined]
        action=Action.VIEW,
        target=goal,
        whanau_id=goal.whanau_id,
        summary=f"Viewed goal {goal.pk} (API)",
        request=request,
    )
    return goal_out(_loaded(goal.pk))


@router.patch(
    "/goals/{goal_id}",
    response={200: GoalOut, **WRITE_ERRORS},
    url_name="goal_update",
    summary="Change why, the target date, what it concerns; or close it (met / set aside)",
    description="Send the `version` you read; a stale one gets 409 and nothing is written. "
    "The wording is never rewritten: POST /goals/{id}/change records a new wording.",
)
def goal_update(request: HttpRequest, goal_id: Id, payload: GoalPatch) -> Any:
    actor = request.auth  # type: ignore[attr-defined]
    _visible_goal(request, goal_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    status = changes.pop("status", None)
    reason = changes.pop("status_reason", None)
    with sent_version(version):
        if changes:
            goal = services.goal_update(
                actor=actor,
                goal_id=goal_id,
                expected_version=version,
                changes=changes,
                request=request,
            )
            version = goal.version
        if status is not None:
            services.goal_close(
                actor=actor,
                goal_id=goal_id,
                expected_version=version,
                status=status,
                reason=reason or "",
                request=request,
            )
        elif not changes:
            services.editable_goal(actor, goal_id)
            with transaction.atomic():  # nothing to change: still refuse a stale version
                lock_current(Goal, goal_id, expected_version=version)
    return goal_out(_loaded(goal_id))


@router.post(
    "/goals/{goal_id}/change",
    response={201: GoalOut, **WRITE_ERRORS},
    url_name="goal_change",
    summary="Record a new wording: a new goal replaces this one, which keeps its history",
)
def goal_change(request: HttpRequest, goal_id: Id, payload: GoalChangeIn) -> Any:
    _visible_goal(request, goal_id)
    with sent_version(payload.version):
        new = services.goal_change_wording(
            actor=request.auth,  # type: ignore[attr-defined]
            goal_id=goal_id,
            expected_version=payload.version,
            wording=payload.wording,
            request=request,
        )
    return Status(201, goal_out(_loaded(new.pk)))


@router.get(
    "/goals/{goal_id}/ratings",
    response={200: list[GoalRatingOut], **READ_ERRORS},
    url_name="goal_rating_list",
    summary="A goal's ratings in time order; the first is the baseline",
)
@paginate(Pagination)
def rating_list(request: HttpRequest, goal_id: Id) -> Any:
    reject_unknown_query(request)
    goal = _visible_goal(request, goal_id)
    record_event(
        actor=request.auth,  # type: ignore[attr-defined]
        action=Action.LIST,
        target=goal,
        whanau_id=goal.whanau_id,
        summary=f"Listed the ratings of goal {goal.pk} (API)",
        request=request,
    )
    ratings = GoalRating.objects.filter(goal=goal).order_by("rated_at", "id")
    first = ratings.values_list("pk", flat=True).first()
    return _Page(ratings, lambda r: rating_out(r, first))


@router.post(
    "/goals/{goal_id}/ratings",
    response={201: GoalRatingOut, **ERRORS},
    url_name="goal_rating_create",
    summary="Record a rating given in session: “How close are you to this goal?” 0–10",
)
def rating_create(request: HttpRequest, goal_id: Id, payload: GoalRatingIn) -> Any:
    _visible_goal(request, goal_id)
    rating = services.rating_record(
        actor=request.auth,  # type: ignore[attr-defined]
        goal_id=goal_id,
        value=payload.value,
        rated_by_id=payload.rated_by,
        request=request,
    )
    first = GoalRating.objects.filter(goal_id=goal_id).order_by("rated_at", "id").first()
    return Status(201, rating_out(rating, first.pk if first else None))


@router.get(
    "/goals/{goal_id}/steps",
    response={200: list[GoalStepOut], **READ_ERRORS},
    url_name="goal_step_list",
    summary="A goal's steps: who does what by when",
)
@paginate(Pagination)
def step_list(request: HttpRequest, goal_id: Id) -> Any:
    reject_unknown_query(request)
    goal = _visible_goal(request, goal_id)
    record_event(
        actor=request.auth,  # type: ignore[attr-defined]
        action=Action.LIST,
        target=goal,
        whanau_id=goal.whanau_id,
        summary=f"Listed the steps of goal {goal.pk} (API)",
        request=request,
    )
    return _Page(GoalStep.objects.filter(goal=goal, archived_at__isnull=True), step_out)


@router.post(
    "/goals/{goal_id}/steps",
    response={201: GoalStepOut, **ERRORS},
    url_name="goal_step_create",
    summary="Add a step",
)
def step_create(request: HttpRequest, goal_id: Id, payload: GoalStepIn) -> Any:
    _visible_goal(request, goal_id)
    step = services.step_add(
        actor=request.auth,  # type: ignore[attr-defined]
        goal_id=goal_id,
        what=payload.what,
        who=payload.who,
        by_when=payload.by_when,
        request=request,
    )
    return Status(201, step_out(step))


@router.patch(
    "/goals/{goal_id}/steps/{step_id}",
    response={200: GoalStepOut, **WRITE_ERRORS},
    url_name="goal_step_update",
    summary="Tick a step off (with the date, today unless given) or untick it",
)
def step_update(request: HttpRequest, goal_id: Id, step_id: Id, payload: GoalStepPatch) -> Any:
    _visible_goal(request, goal_id)
    if not GoalStep.objects.filter(pk=step_id, goal_id=goal_id).exists():
        raise NotFound("Not found")
    with sent_version(payload.version):
        step = services.step_update(
            actor=request.auth,  # type: ignore[attr-defined]
            step_id=step_id,
            expected_version=payload.version,
            done=payload.done,
            done_on=payload.done_on,
            request=request,
        )
    return step_out(step)


class AssociationFilters(Schema):
    team: Id | None = None
    region: Id | None = None
    from_: Day | None = Field(None, alias="from", description="Baselines on or after (YYYY-MM-DD).")
    to: Day | None = Field(None, description="Baselines on or before (YYYY-MM-DD).")


class ThirdOut(Schema):
    third: str = Field(description="low, middle, high (or all when there are under 3 people).")
    n: int | None = Field(description="People in the third; null when under 10 (not shown).")
    mean_change: float | None
    suppressed: bool
    from_: float | None = Field(alias="from")
    to: float | None


class ModelOut(Schema):
    status: str = Field(
        description="fitted, too_few_units, too_few_groups or degenerate (then only the "
        "correlation is shown)."
    )
    estimate: float | None = Field(description="Points of goal change per point of early quality.")
    low: float | None
    high: float | None
    groups: int


class AssociationOut(Schema):
    scope: str
    scope_id: int | None
    computed_at: datetime | None = Field(description="When the daily job last computed these.")
    n: int
    r: float | None
    r_low: float | None
    r_high: float | None
    thirds: list[ThirdOut]
    model: ModelOut | None = Field(
        description="The random-intercept model (fitted daily over all dates); null for a period."
    )


@router.get(
    "/outcomes/association",
    response={200: AssociationOut, **READ_ERRORS},
    url_name="outcome_association",
    summary="Early relationship quality and goal change: correlation, model and thirds",
    description="Never per practitioner. Supervisors: their own teams; practice leads and "
    "administrators: the agency, a region or a team. Thirds under 10 people are not shown.",
)
def outcome_association(request: HttpRequest, filters: Query[AssociationFilters]) -> Any:
    from hononga.goals import association

    unknown = sorted(set(request.GET) - {"team", "region", "from", "to"})
    if unknown:
        raise PracticeError(
            "Unknown filter: " + ", ".join(unknown),
            errors={name: ["There is no such filter."] for name in unknown},
        )
    if filters.from_ and filters.to and filters.to < filters.from_:
        raise PracticeError(
            "The end date is before the start date.", errors={"to": ["Give a later date."]}
        )
    scope = association.scope_for(
        request.auth,  # type: ignore[attr-defined]
        team=filters.team,
        region=filters.region,
    )
    record_event(
        actor=request.auth,  # type: ignore[attr-defined]
        action=Action.VIEW,
        summary="Viewed the association of relationship quality and goal change (API)",
        data={"scope": scope.kind, "id": scope.pk},
        request=request,
    )
    shown = association.figures(scope, since=filters.from_, until=filters.to)
    return {"scope": scope.kind, "scope_id": scope.pk, **shown}


# --- One-time goal links -------------------------------------------------------------------------


def goal_link_out(link: GoalLink) -> dict[str, Any]:
    return {
        "id": link.pk,
        "whanau": link.whanau_id,
        "rater": link.rater_id,
        "goals": sorted(g.pk for g in link.goals.all()),
        "form": link.form,
        "language": link.language,
        "checkin_link": link.checkin_link_id,
        "created_at": link.created_at,
        "expires_at": link.expires_at,
        "used_at": link.used_at,
        "revoked_at": link.revoked_at,
        "state": services.link_state(link),
    }


def goal_link_send_out(send: Any) -> dict[str, Any]:
    return {
        "id": send.pk,
        "link": send.link_id,
        "channel": send.channel,
        "message": send.message_id,
        "status": send.message.status,
        "reason": send.message.last_error if send.message.status == "failed" else "",
        "sent_by": send.sent_by.get_username(),
        "created_at": send.created_at,
    }


def _visible_link(request: HttpRequest, link_id: int) -> GoalLink:
    link = (
        GoalLink.objects.filter(pk=link_id)
        .select_related("whanau", "rater")
        .prefetch_related("goals")
        .first()
    )
    if link is None:
        raise NotFound("Not found")
    services.visible_whanau(request.auth, link.whanau_id)  # type: ignore[attr-defined]
    return link


@router.post(
    "/goal-links",
    response={201: GoalLinkCreated, 429: Problem, **ERRORS},
    url_name="goal_link_create",
    summary="Make a one-time link to rate goals (needs the person's consent for check-in contact)",
    description="With `send_by`, Hononga sends it (as `POST /goal-links/{id}/send`) and no token "
    "is returned; the link is made only if the send can be queued.",
)
def goal_link_create(request: HttpRequest, payload: GoalLinkIn) -> Any:
    actor = request.auth  # type: ignore[attr-defined]
    send = None
    with transaction.atomic():
        link, raw, path = services.link_create(
            actor=actor,
            whanau_id=payload.whanau,
            rater_id=payload.rater,
            goal_ids=payload.goals,
            form=payload.form,
            language=payload.language,
            checkin_relationship_id=payload.checkin_relationship,
            expires_in_days=payload.expires_in_days,
            request=request,
            issue_token=payload.send_by is None,
        )
        if payload.send_by is not None:
            send = sending.goal_link_send(
                actor=actor, link_id=link.pk, channel=payload.send_by, request=request
            )
    url = request.build_absolute_uri(path) if path else ""
    return Status(
        201, {**goal_link_out(link), "token": raw, "url": url, "send": send.pk if send else None}
    )


@router.post(
    "/goal-links/{link_id}/send",
    response={202: GoalLinkSendOut, 429: Problem, **ERRORS},
    url_name="goal_link_send",
    summary="Send the goal link by text message or email (a new token; the earlier one stops)",
    description="Queued for the worker, never sent inside the request: the answer is 202 with "
    "the message's status (`queued`); read it again from `GET /goal-links/{id}/sends`. "
    "Refused with 422 without the person's consent for check-ins and for the channel, or "
    "without a valid mobile number or address; 429 past the limits (3 sends of one link and 5 "
    "links — goal or check-in — to one person a day, 60 sends by one user an hour).",
)
def goal_link_send(request: HttpRequest, link_id: Id, payload: GoalLinkSendIn) -> Any:
    send = sending.goal_link_send(
        actor=request.auth,  # type: ignore[attr-defined]
        link_id=link_id,
        channel=payload.channel,
        request=request,
    )
    return Status(202, goal_link_send_out(send))


@router.get(
    "/goal-links/{link_id}/sends",
    response={200: list[GoalLinkSendOut], **READ_ERRORS},
    url_name="goal_link_sends",
    summary="Each time the goal link was sent, newest first, with its delivery status",
)
@paginate(Pagination)
def goal_link_send_list(request: HttpRequest, link_id: Id) -> Any:
    reject_unknown_query(request)
    link = _visible_link(request, link_id)
    record_event(
        actor=request.auth,  # type: ignore[attr-defined]
        action=Action.VIEW,
        target=link,
        whanau_id=link.whanau_id,
        summary=f"Viewed the sends of goal link {link.pk} (API)",
        request=request,
    )
    return _Page(
        link.sends.select_related("message", "sent_by").order_by("-created_at", "-id"),
        goal_link_send_out,
    )


@router.post(
    "/goal-links/{link_id}/revoke",
    response={200: GoalLinkOut, **ERRORS},
    url_name="goal_link_revoke",
    summary="Revoke a goal link so that it no longer works (and the check-in it carries)",
)
def goal_link_revoke(request: HttpRequest, link_id: Id) -> Any:
    link = services.link_revoke(actor=request.auth, link_id=link_id, request=request)  # type: ignore[attr-defined]
    return goal_link_out(_visible_link(request, link.pk))
