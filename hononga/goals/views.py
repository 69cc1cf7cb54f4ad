"""Pages for the whānau plan: set, change and close goals, their steps, rating in session, and
one-time links (staff side and the public page)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hononga.accounts.handover import (
    handover_begin,
    handover_sign_back_in,
    handover_state,
    handover_user,
)
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.checkins import forms as checkin_forms
from hononga.checkins import instrument, ratelimit
from hononga.checkins import services as checkin_services
from hononga.core.errors import NON_FIELD, ConflictError, PracticeError
from hononga.core.request import AuthedRequest
from hononga.goals import forms, selectors, sending, services, wording
from hononga.goals.models import Goal, GoalLink, GoalStatus, GoalStep
from hononga.relationships.models import Relationship
from hononga.whanau import access as whanau_access
from hononga.whanau.models import Person, Whanau

FACE_COLOURS = ("face--0", "face--1", "face--2", "face--3", "face--4")


def _apply_errors(form: Any, error: PracticeError) -> None:
    for field, messages_ in (error.errors or {NON_FIELD: [error.message]}).items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


def _writable_whanau(request: AuthedRequest, pk: Any) -> Whanau:
    whanau = whanau_access.get_whanau_for_user(request.user, pk)
    if not services.can_write(request.user, whanau):
        raise Http404
    return whanau


def _goal_or_404(request: AuthedRequest, pk: Any) -> Goal:
    goal = selectors.goal_for_user(request.user, pk)
    if goal is None:
        raise Http404
    return goal


def _writable_goal(request: AuthedRequest, pk: Any) -> Goal:
    goal = _goal_or_404(request, pk)
    if not services.can_write(request.user, goal.whanau) or not goal.is_active:
        raise Http404
    return goal


def _people_and_relationships(whanau: Whanau) -> tuple[list[Person], list[Relationship]]:
    people = services.holder_choices(whanau)
    relationships = list(
        Relationship.objects.filter(whanau=whanau, archived_at__isnull=True, ended__isnull=True)
        .select_related("person_a", "person_b")
        .order_by("id")[:200]
    )
    return people, relationships


def _plan_url(whanau_id: int) -> str:
    return reverse("whanau:detail", args=[whanau_id]) + "#plan-title"


@login_required
def goal_new_view(request: AuthedRequest, pk: int) -> HttpResponse:
    whanau = _writable_whanau(request, pk)
    people, relationships = _people_and_relationships(whanau)
    initial = {"holder": request.GET.get("holder", "")}
    form = forms.GoalForm(
        request.POST or None, people=people, relationships=relationships, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            goal = services.goal_create(
                actor=request.user,
                whanau_id=whanau.pk,
                holder_id=int(data["holder"]) if data["holder"] else None,
                wording=data["wording"],
                why=data["why"],
                target_date=data["target_date"],
                concerns_people=data["concerns_people"],
                concerns_relationships=data["concerns_relationships"],
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            active = Goal.objects.filter(
                whanau=whanau, holder_id=goal.holder_id, status=GoalStatus.ACTIVE
            ).count()
            if active > services.USUAL_ACTIVE_GOALS:
                messages.info(
                    request,
                    _(
                        "The goal was saved. There are now %(n)s active goals for the same "
                        "holder: up to about three is usual, so that each gets attention."
                    )
                    % {"n": active},
                )
            else:
                messages.success(request, _("The goal was saved."))
            return redirect(_plan_url(whanau.pk))
    return render(
        request,
        "goals/form.html",
        {"whanau": whanau, "form": form, "title": _("Set a goal")},
        status=422 if form.errors else 200,
    )


@login_required
def goal_detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    goal = _goal_or_404(request, pk)
    record_event(
        actor=request.user,
        action=Action.VIEW,
        target=goal,
        whanau_id=goal.whanau_id,
        summary=f"Viewed goal {goal.pk}",
        request=request,
    )
    can_write = services.can_write(request.user, goal.whanau) and goal.is_active
    from hononga.privacy.panels import goal_statements

    return render(
        request,
        "goals/detail.html",
        {
            "statements": goal_statements(goal),
            "goal": goal,
            "whanau": goal.whanau,
            "view": selectors.goal_view(goal),
            "history": selectors.goal_history(goal),
            "earlier": selectors.replaced_chain(goal),
            "can_write": can_write,
            "step_form": forms.StepForm() if can_write else None,
            "threshold": services.reliable_change_threshold(),
            "due_days": services.due_days(),
        },
    )


@login_required
def goal_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    goal = _writable_goal(request, pk)
    people, relationships = _people_and_relationships(goal.whanau)
    initial = {
        "why": goal.why,
        "target_date": goal.target_date,
        "concerns_people": [p.pk for p in goal.concerns_people.all()],
        "concerns_relationships": [r.pk for r in goal.concerns_relationships.all()],
        "version": goal.version,
    }
    form = forms.GoalForm(
        request.POST or None,
        people=people,
        relationships=relationships,
        edit=True,
        initial=initial,
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.goal_update(
                actor=request.user,
                goal_id=goal.pk,
                expected_version=version,
                changes=data,
                request=request,
            )
        except ConflictError as error:
            conflict = error
            form.add_error(None, error.message)
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The goal was saved."))
            return redirect("goals:detail", goal.pk)
    return render(
        request,
        "goals/form.html",
        {
            "whanau": goal.whanau,
            "goal": goal,
            "form": form,
            "conflict": conflict,
            "title": _("Change the details of a goal"),
        },
        status=409 if conflict else 422 if form.errors else 200,
    )


@login_required
def goal_change_view(request: AuthedRequest, pk: int) -> HttpResponse:
    goal = _writable_goal(request, pk)
    form = forms.ChangeWordingForm(request.POST or None, initial={"version": goal.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            new = services.goal_change_wording(
                actor=request.user,
                goal_id=goal.pk,
                expected_version=form.cleaned_data["version"],
                wording=form.cleaned_data["wording"],
                request=request,
            )
        except ConflictError as error:
            form.add_error(None, error.message)
            status = 409
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, _("The new wording was saved; the old one stays in the history.")
            )
            return redirect("goals:detail", new.pk)
    return render(
        request,
        "goals/change.html",
        {"whanau": goal.whanau, "goal": goal, "form": form},
        status=status if status != 200 else 422 if form.errors else 200,
    )


@login_required
def goal_close_view(request: AuthedRequest, pk: int) -> HttpResponse:
    goal = _writable_goal(request, pk)
    form = forms.CloseForm(request.POST or None, initial={"version": goal.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_close(
                actor=request.user,
                goal_id=goal.pk,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ConflictError as error:
            form.add_error(None, error.message)
            status = 409
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The goal was closed."))
            return redirect(_plan_url(goal.whanau_id))
    return render(
        request,
        "goals/close.html",
        {"whanau": goal.whanau, "goal": goal, "form": form},
        status=status if status != 200 else 422 if form.errors else 200,
    )


@login_required
@require_POST
def step_add_view(request: AuthedRequest, pk: int) -> HttpResponse:
    goal = _writable_goal(request, pk)
    form = forms.StepForm(request.POST)
    if form.is_valid():
        try:
            services.step_add(
                actor=request.user,
                goal_id=goal.pk,
                what=form.cleaned_data["what"],
                who=form.cleaned_data["who"],
                by_when=form.cleaned_data["by_when"],
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The step was added."))
            return redirect(reverse("goals:detail", args=[goal.pk]) + "#steps-title")
    return render(
        request,
        "goals/detail.html",
        {
            "goal": goal,
            "whanau": goal.whanau,
            "view": selectors.goal_view(goal),
            "history": selectors.goal_history(goal),
            "earlier": selectors.replaced_chain(goal),
            "can_write": True,
            "step_form": form,
            "threshold": services.reliable_change_threshold(),
            "due_days": services.due_days(),
        },
        status=422,
    )


@login_required
@require_POST
def step_toggle_view(request: AuthedRequest, pk: int) -> HttpResponse:
    step = GoalStep.objects.filter(pk=pk, archived_at__isnull=True).first()
    if step is None:
        raise Http404
    goal = _writable_goal(request, step.goal_id)
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        services.step_update(
            actor=request.user,
            step_id=step.pk,
            expected_version=form.cleaned_data["version"],
            done=request.POST.get("done") == "1",
            request=request,
        )
    except PracticeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The step was updated."))
    return redirect(reverse("goals:detail", args=[goal.pk]) + "#steps-title")


def _rating_rows(
    goals: list[Any],
    *,
    language: str,
    child: bool,
    values: dict[int, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
    staff: bool = False,
) -> list[dict[str, Any]]:
    values = values or {}
    errors = errors or {}
    total = len(goals)
    words = wording.FACE_WORDS.get(language, wording.FACE_WORDS["en"])
    rows = []
    for n, goal in enumerate(goals, start=1):
        current = values.get(goal.pk)
        rows.append(
            {
                "goal": goal,
                "key": f"goal-{goal.pk}",
                "n": n,
                "progress": wording.text("goal_of", language, n=n, total=total)
                if not staff
                else _("Goal %(n)s of %(total)s") % {"n": n, "total": total},
                "whose": wording.text("whanau_goal", language) if goal.holder_id is None else "",
                "value": current if isinstance(current, int) else None,
                "errors": errors.get(f"goal-{goal.pk}", []),
                "options": [
                    {
                        "value": v,
                        "band": instrument.face_band(v),
                        "face": FACE_COLOURS[instrument.face_band(v)],
                        "word": words[instrument.face_band(v)],
                    }
                    for v in range(0, 11)
                ],
            }
        )
    return rows


def _summary(error: PracticeError | None) -> list[dict[str, str]]:
    if error is None:
        return []
    return [
        {"field": key, "message": message}
        for key, messages_ in error.errors.items()
        for message in messages_
    ] or [{"field": NON_FIELD, "message": error.message}]


def _holder_or_404(whanau: Whanau, raw_holder: Any) -> Person | None:
    """The goal holder named by a form ("" or "whanau": the whānau together)."""
    if raw_holder in ("", "whanau", None):
        return None
    try:
        holder_id = int(raw_holder)
    except (TypeError, ValueError):
        raise Http404 from None
    if holder_id not in services.member_ids(whanau) | services.staff_person_ids(whanau):
        raise Http404
    return Person.objects.get(pk=holder_id)


def _active_goals(whanau: Whanau, holder: Person | None) -> list[Goal]:
    goals = Goal.objects.filter(whanau=whanau, status=GoalStatus.ACTIVE, archived_at__isnull=True)
    goals = goals.filter(holder=holder) if holder is not None else goals.filter(holder__isnull=True)
    return list(goals.order_by("set_on", "id"))


@login_required
def rate_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Rating in session: the practitioner hands their device to the goal holder, who answers
    "How close are you to this goal?" for each of their active goals."""
    whanau = _writable_whanau(request, pk)
    raw_holder = request.POST.get("holder", request.GET.get("holder", ""))
    holder = _holder_or_404(whanau, raw_holder)
    goals = _active_goals(whanau, holder)
    child = request.GET.get("form", request.POST.get("form")) == "child"
    error: PracticeError | None = None
    values: dict[int, Any] = {}
    if request.method == "POST":
        values = forms.parse_ratings(request.POST, goals)
        try:
            services.ratings_record(
                actor=request.user,
                whanau_id=whanau.pk,
                rated_by_id=holder.pk if holder else None,
                values=values,
                request=request,
            )
        except PracticeError as caught:
            error = caught
        else:
            messages.success(request, _("The ratings were saved."))
            return redirect(_plan_url(whanau.pk))
    return render(
        request,
        "goals/rate.html",
        {
            "whanau": whanau,
            "holder": holder,
            "holder_value": holder.pk if holder else "whanau",
            "rows": _rating_rows(
                goals,
                language="en",
                child=child,
                values=values,
                errors=error.errors if error else None,
                staff=True,
            ),
            "child": child,
            "error_summary": _summary(error),
            "error": error,
        },
        status=422 if error else 200,
    )


# --- In session: the hand-over screen ------------------------------------------------------------

HANDOVER = "goals_handover"


@login_required
@require_POST
def handover_start_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Hand the device to the goal holder: the practitioner is signed out of this browser (as
    for an in-session check-in, hononga.accounts.handover) and only the rating form shows."""
    whanau = _writable_whanau(request, pk)
    holder = _holder_or_404(whanau, request.POST.get("holder"))
    goals = _active_goals(whanau, holder)
    if not goals:
        messages.error(request, _("There are no active goals to rate here. Set a goal first."))
        return redirect(_plan_url(whanau.pk))
    language = request.POST.get("language")
    state = {
        "user": request.user.pk,
        "whanau": whanau.pk,
        "holder": holder.pk if holder else None,
        "form": "child" if request.POST.get("form") == "child" else "adult",
        "language": language if language in {"en", "mi"} else "en",
        "done": False,
    }
    record_event(
        actor=request.user,
        action=Action.UPDATE,
        target=whanau,
        whanau_id=whanau.pk,
        summary=f"Handed the device over for goal ratings in whānau {whanau.pk}",
        data={"holder": state["holder"]},
        request=request,
    )
    handover_begin(request, HANDOVER, state)
    return redirect("goals:handover")


@never_cache
def handover_view(request: HttpRequest) -> HttpResponse:
    state = handover_state(request, HANDOVER)
    if state is None:
        return redirect("home")
    if state.get("done"):
        return redirect("goals:handover_done")
    user = handover_user(state)
    whanau = Whanau.objects.filter(pk=state.get("whanau") or 0).first()
    if user is None or whanau is None:
        request.session.pop(HANDOVER, None)
        return redirect("home")
    holder = Person.objects.filter(pk=state["holder"]).first() if state["holder"] else None
    goals = _active_goals(whanau, holder)
    language = request.GET.get("lang") or request.POST.get("lang") or state["language"]
    language = language if language in {"en", "mi"} else "en"
    error: PracticeError | None = None
    values: dict[int, Any] = {}
    if request.method == "POST":
        values = forms.parse_ratings(request.POST, goals)
        try:
            services.ratings_record(
                actor=user,
                whanau_id=whanau.pk,
                rated_by_id=holder.pk if holder else None,
                values=values,
                language=language,
                request=request,
            )
        except PracticeError as caught:
            error = caught
        else:
            state["done"] = True
            state["language"] = language
            request.session[HANDOVER] = state
            return redirect("goals:handover_done")
    child = state["form"] == "child"
    return render(
        request,
        "goals/answer.html",
        {
            "lang": language,
            "other_language": "en" if language == "mi" else "mi",
            "rows": _rating_rows(
                goals,
                language=language,
                child=child,
                values=values,
                errors=error.errors if error else None,
            ),
            "child": child,
            "error_summary": _summary(error),
            "t": _whanau_text(language),
            "review_note": language == "mi",
            "handover": True,
            "worker": user.display_name,
            "action": reverse("goals:handover"),
        },
        status=422 if error else 200,
    )


@never_cache
def handover_done_view(request: HttpRequest) -> HttpResponse:
    state = handover_state(request, HANDOVER)
    if state is None:
        return redirect("home")
    language = state.get("language", "en")
    return render(
        request,
        "checkins/thanks.html",
        {
            "lang": language,
            "title": wording.text("thanks_title", language),
            "body": wording.text("handover_thanks", language),
            "handover": True,
            "leave_url": reverse("goals:handover_leave"),
        },
    )


@never_cache
def handover_leave_view(request: HttpRequest) -> HttpResponse:
    """Only the practitioner's password ends the hand-over and signs them back in."""
    state = handover_state(request, HANDOVER)
    if state is None:
        return redirect("home")
    user = handover_user(state)
    if user is None:
        request.session.pop(HANDOVER, None)
        return redirect("accounts:login")
    form = checkin_forms.PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if handover_sign_back_in(request, HANDOVER, user, form.cleaned_data["password"]):
            if state.get("done"):
                messages.success(request, _("The ratings were saved. Welcome back."))
            return redirect(_plan_url(state["whanau"]))
        form.add_error(
            "password",
            _("That is not the password of the practitioner who handed over this device."),
        )
    return render(
        request,
        "checkins/handover_leave.html",
        {
            "form": form,
            "done": state.get("done", False),
            "back_url": reverse("goals:handover"),
        },
        status=422 if form.errors else 200,
    )


@login_required
def link_new_view(request: AuthedRequest, pk: int) -> HttpResponse:
    whanau = _writable_whanau(request, pk)
    member_ids = services.member_ids(whanau)
    people = list(
        Person.objects.filter(pk__in=member_ids, user__isnull=True).order_by("search_key", "pk")
    )
    practitioner_relationships = []
    for relationship in (
        Relationship.objects.filter(whanau=whanau, archived_at__isnull=True, ended__isnull=True)
        .select_related("person_a__user", "person_b__user")
        .order_by("id")[:200]
    ):
        member = checkin_services.other_side(relationship)
        if member is not None:
            practitioner_relationships.append(
                (
                    relationship.pk,
                    _("Yes: %(member)s with %(worker)s")
                    % {
                        "member": member.preferred_name,
                        "worker": checkin_services.worker_name(relationship),
                    },
                )
            )
    initial: dict[str, Any] = {
        "expires_in_days": checkin_services.settings_get().link_expiry_days,
        "rater": request.GET.get("rater"),
    }
    form = forms.LinkForm(
        request.POST or None,
        people=people,
        relationships=practitioner_relationships,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        send_by = data["send_by"] or "copy"
        try:
            # Made and queued together: a refused send (no consent, no number) leaves no link.
            with transaction.atomic():
                link, _raw, path = services.link_create(
                    actor=request.user,
                    whanau_id=whanau.pk,
                    rater_id=data["rater"],
                    form=data["form"],
                    language=data["language"],
                    checkin_relationship_id=data["checkin_relationship"],
                    expires_in_days=data["expires_in_days"],
                    request=request,
                    issue_token=send_by == "copy",
                )
                if send_by != "copy":
                    sending.goal_link_send(
                        actor=request.user, link_id=link.pk, channel=send_by, request=request
                    )
        except PracticeError as error:
            for field, messages_ in (error.errors or {NON_FIELD: [error.message]}).items():
                for message in messages_:
                    field = "send_by" if field in {"to", "channel"} else field
                    form.add_error(field if field in form.fields else None, message)
        else:
            if send_by != "copy":
                messages.success(request, _sent_message(link, send_by))
                return redirect(reverse("goals:link_new", args=[whanau.pk]) + "#goal-links-title")
            response = render(
                request,
                "goals/link_made.html",
                {"whanau": whanau, "link": link, "url": request.build_absolute_uri(path)},
            )
            response["Cache-Control"] = "no-store"
            return response
    open_links = list(
        GoalLink.objects.filter(
            whanau=whanau,
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("rater", "created_by")
        .order_by("-created_at", "-id")[:50]
    )
    latest = sending.goal_link_sends(open_links)
    for link in open_links:
        link.latest_send = latest.get(link.pk)  # type: ignore[attr-defined]
    return render(
        request,
        "goals/link_new.html",
        {"whanau": whanau, "form": form, "has_people": bool(people), "open_links": open_links},
        status=422 if form.errors else 200,
    )


def _sent_message(link: GoalLink, channel: str) -> str:
    name = link.rater.preferred_name
    if channel == "text":
        return _(
            "The link is on its way to %(name)s by text message. Its delivery is shown under "
            "Open goal links."
        ) % {"name": name}
    return _(
        "The link is on its way to %(name)s by email. Its delivery is shown under Open goal links."
    ) % {"name": name}


def _writable_link(request: AuthedRequest, pk: int) -> GoalLink:
    link = GoalLink.objects.filter(pk=pk).select_related("rater").first()
    if link is None:
        raise Http404
    _writable_whanau(request, link.whanau_id)
    return link


@login_required
@require_POST
def link_send_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Send (again) an open goal link by text or email: a new token, made by the sending task."""
    link = _writable_link(request, pk)
    back = reverse("goals:link_new", args=[link.whanau_id]) + "#goal-links-title"
    channel = request.POST.get("channel")
    if channel not in {"text", "email"}:
        messages.error(request, _("Choose text message or email."))
        return redirect(back)
    try:
        sending.goal_link_send(
            actor=request.user, link_id=link.pk, channel=channel, request=request
        )
    except PracticeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _sent_message(link, channel))
    return redirect(back)


@login_required
@require_POST
def link_revoke_view(request: AuthedRequest, pk: int) -> HttpResponse:
    link = _writable_link(request, pk)
    try:
        services.link_revoke(actor=request.user, link_id=link.pk, request=request)
    except PracticeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The link was revoked; it no longer works."))
    return redirect(reverse("goals:link_new", args=[link.whanau_id]) + "#goal-links-title")


def _unavailable(request: HttpRequest, error: checkin_services.LinkUnavailable) -> HttpResponse:
    return render(
        request,
        "checkins/link_unavailable.html",
        {"lang": error.language, "title": error.heading, "body": error.message},
        status=error.status,
    )


@never_cache
def answer_view(request: HttpRequest, token: str) -> HttpResponse:
    """The public page behind a one-time goal link: the holder's goals in their own words and
    the 0–10 scale, nothing else about the whānau."""
    allowed = (
        ratelimit.allow_public_post(request)
        if request.method == "POST"
        else ratelimit.allow_public_view(request)
    )
    if not allowed:
        response = render(
            request,
            "checkins/link_unavailable.html",
            {
                "lang": "en",
                "title": instrument.text("slow_down_title", "en"),
                "body": instrument.text("slow_down_body", "en"),
            },
            status=429,
        )
        response["Retry-After"] = str(ratelimit.WINDOW_SECONDS)
        return response
    try:
        opened = services.link_open(token)
    except checkin_services.LinkUnavailable as unavailable:
        return _unavailable(request, unavailable)
    language = request.GET.get("lang") or request.POST.get("lang") or opened.link.language
    language = language if language in {"en", "mi"} else opened.link.language
    error: PracticeError | None = None
    values: dict[int, Any] = {}
    if request.method == "POST":
        values = forms.parse_ratings(request.POST, opened.goals)
        try:
            services.link_answer(raw_token=token, values=values, request=request)
        except checkin_services.LinkUnavailable as gone:
            return _unavailable(request, gone)
        except PracticeError as caught:
            error = caught
        else:
            return redirect(reverse("goals:thanks") + f"?lang={language}")
    child = opened.link.form == "child"
    response = render(
        request,
        "goals/answer.html",
        {
            "lang": language,
            "other_language": "en" if language == "mi" else "mi",
            "rows": _rating_rows(
                opened.goals,
                language=language,
                child=child,
                values=values,
                errors=error.errors if error else None,
            ),
            "child": child,
            "after_checkin": request.GET.get("after") == "checkin",
            "sent_by": wording.text("sent_by", language, name=_link_sender(opened.link)),
            "error_summary": _summary(error),
            "t": _whanau_text(language),
            "review_note": language == "mi",
        },
        status=422 if error else 200,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _link_sender(link: GoalLink) -> str:
    """Who sent the link (their first name): the latest sender, or who made it to copy."""
    from hononga.goals.messages import sender_name

    send = link.sends.select_related("sent_by").order_by("-created_at", "-id").first()
    return sender_name(send.sent_by if send is not None else link.created_by)


def _whanau_text(language: str) -> dict[str, str]:
    return {
        key: wording.text(key, language)
        for key in wording.TEXT
        if "{" not in wording.TEXT[key]["en"]
    }


def thanks_view(request: HttpRequest) -> HttpResponse:
    language = request.GET.get("lang", "en")
    language = language if language in {"en", "mi"} else "en"
    return render(
        request,
        "checkins/thanks.html",
        {
            "lang": language,
            "title": wording.text("thanks_title", language),
            "body": wording.text("thanks_body", language),
        },
    )


# --- What the agency learns ----------------------------------------------------------------------


@login_required
def learning_view(request: AuthedRequest) -> HttpResponse:
    """Figures precomputed daily (their date shown); never a ranking of practitioners."""
    from hononga.goals import association
    from hononga.goals.models import HolderOutcome

    def number(name: str) -> int | None:
        raw = request.GET.get(name, "")
        return int(raw) if raw.isdecimal() and len(raw) < 10 else None

    try:
        scope = association.scope_for(request.user, team=number("team"), region=number("region"))
    except PracticeError:
        raise Http404 from None
    shown = association.figures(scope)
    points: list[dict[str, Any]] = []
    if scope.scatter:
        for quality, change in HolderOutcome.objects.filter(team_id=scope.pk or 0).values_list(
            "early_quality", "goal_change"
        )[:2000]:
            points.append(
                {
                    "x": round(40 + 400 * quality / 10, 1),
                    "y": round(20 + 160 * (10 - change) / 20, 1),
                    "quality": quality,
                    "change": change,
                }
            )
    record_event(
        actor=request.user,
        action=Action.VIEW,
        summary=f"Viewed what the agency learns ({scope.kind} {scope.pk or ''})",
        data={"scope": scope.kind, "id": scope.pk},
        request=request,
    )
    return render(
        request,
        "goals/learning.html",
        {
            "scope": scope,
            "figures": shown,
            "points": points,
            "teams": list(request.user.teams.order_by("name")) if scope.scatter else [],
        },
    )
