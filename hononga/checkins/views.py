"""Pages for check-ins: the relationship's check-ins, starting one, the hand-over screen, one-time
links (staff side and the public page), and the administrator's thresholds."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hononga.accounts.handover import handover_begin, handover_sign_back_in
from hononga.accounts.models import Role, User
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.checkins import (
    forms,
    hooks,
    instrument,
    ratelimit,
    scoring,
    selectors,
    sending,
    services,
)
from hononga.checkins.models import Channel, CheckIn, CheckInLink, Form, Language, Perspective
from hononga.core.decorators import role_required
from hononga.core.errors import NON_FIELD, PracticeError
from hononga.core.request import AuthedRequest
from hononga.relationships import access as relationship_access
from hononga.relationships.models import Relationship
from hononga.whanau import access as whanau_access

PAGE_SIZE = 25
HANDOVER = "checkins_handover"
FACE_COLOURS = ("face--0", "face--1", "face--2", "face--3", "face--4")


def relationship_url(relationship: Relationship) -> str:
    """The relationship's own page if the relationships app has one, else its check-ins page."""
    try:
        return reverse("relationships:detail", args=[relationship.pk])
    except NoReverseMatch:
        return reverse("checkins:relationship", args=[relationship.pk])


def _can_write(user: Any, relationship: Relationship) -> bool:
    return user.role in whanau_access.CASE_WRITER_ROLES and (
        relationship_access.can_edit_relationship(user, relationship)
    )


def _writable_relationship(request: AuthedRequest, pk: int) -> Relationship:
    relationship = relationship_access.get_relationship_for_user(request.user, pk)
    if not _can_write(request.user, relationship):
        raise Http404
    return relationship


# --- The questions, for every form ---------------------------------------------------------------


def questions(
    *,
    form: str,
    language: str,
    worker: str,
    person: str = "",
    values: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
) -> list[dict[str, Any]]:
    """What a template needs to draw the eight questions (radio groups of 0–10)."""
    values = values or {}
    errors = errors or {}
    total = len(instrument.ITEM_KEYS)
    rows = []
    for n, key in enumerate(instrument.ITEM_KEYS, start=1):
        current = values.get(key)
        rows.append(
            {
                "key": key,
                "n": n,
                "progress": instrument.text("question_of", language, n=n, total=total)
                if form != Form.MIRROR
                else _("Question %(n)s of %(total)s") % {"n": n, "total": total},
                "text": instrument.wording(key, form, language, worker=worker, person=person),
                "quality": instrument.quality(key, language),
                "value": current if isinstance(current, int) else None,
                "errors": errors.get(key, []),
                "options": [
                    {
                        "value": v,
                        "band": instrument.face_band(v),
                        "face": FACE_COLOURS[instrument.face_band(v)],
                        "word": instrument.FACE_WORDS.get(language, instrument.FACE_WORDS["en"])[
                            instrument.face_band(v)
                        ],
                    }
                    for v in range(instrument.SCALE_MIN, instrument.SCALE_MAX + 1)
                ],
            }
        )
    return rows


def _form_context(
    *,
    form: str,
    language: str,
    worker: str,
    person: str = "",
    collateral: bool = False,
    values: dict[str, Any] | None = None,
    comment: str = "",
    error: PracticeError | None = None,
    overall: Any = None,
) -> dict[str, Any]:
    errors = error.errors if error is not None else {}
    lang = language if form != Form.MIRROR else "en"
    total = len(instrument.ITEM_KEYS)
    if collateral:
        intro = instrument.text("intro_collateral", lang, worker=worker)
    elif form == Form.CHILD:
        intro = instrument.text("intro_child", lang, worker=worker)
    elif form == Form.MIRROR:
        intro = _(
            "Answer as you think %(person)s would answer about working with you. The gap "
            "between your answers and theirs is the perception gap."
        ) % {"person": person}
    else:
        intro = instrument.text("intro_adult", lang, worker=worker)
    summary = []
    if error is not None:
        summary = [
            {"field": key, "message": message}
            for key, messages_ in errors.items()
            for message in messages_
        ] or [{"field": NON_FIELD, "message": error.message}]
    return {
        "form_kind": form,
        "lang": lang,
        "worker": worker,
        "questions": questions(
            form=form,
            language=lang,
            worker=worker,
            person=person,
            values=values,
            errors=errors,
        ),
        "comment": comment,
        "comment_errors": errors.get("comment", []),
        "comment_label": instrument.text("comment", lang),
        "comment_hint": instrument.text("comment_hint", lang, worker=worker),
        "intro": intro,
        "error_summary": summary,
        "t": {
            key: instrument.text(key, lang)
            for key in instrument.TEXT
            if "{" not in instrument.TEXT[key]["en"]
        },
        "review_note": lang == "mi" and not instrument.TE_REO_REVIEWED,
        "overall_question": None
        if form == Form.MIRROR
        else {
            "key": "overall",
            "n": total + 1,
            "progress": instrument.text("question_of", lang, n=total + 1, total=total + 1),
            "text": instrument.text("overall_child" if form == Form.CHILD else "overall", lang),
            "low": instrument.text("overall_low", lang),
            "high": instrument.text("overall_high", lang),
            "value": overall if isinstance(overall, int) else None,
            "errors": errors.get("overall", []),
            "options": questions(form=form, language=lang, worker=worker)[0]["options"],
        },
    }


# --- The relationship's check-ins page -----------------------------------------------------------


@login_required
def relationship_view(request: AuthedRequest, pk: int) -> HttpResponse:
    relationship = relationship_access.get_relationship_for_user(request.user, pk)
    trends = selectors.relationship_trends(relationship)
    record_event(
        actor=request.user,
        action=Action.VIEW,
        target=relationship,
        whanau_id=relationship.whanau_id,
        summary=f"Viewed the check-ins of relationship {relationship.pk}",
        request=request,
    )
    page = Paginator(trends.all, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "checkins/relationship.html",
        {
            "relationship": relationship,
            "whanau": relationship.whanau,
            "trends": trends,
            "page_obj": page,
            "can_write": _can_write(request.user, relationship),
            "relationship_url": relationship_url(relationship),
            "score_chart_id": f"checkin-scores-{relationship.pk}",
            "profile_chart_id": f"checkin-profile-{relationship.pk}",
        },
    )


@role_required(Role.PRACTITIONER, Role.FACILITATOR, Role.SUPERVISOR)
def attention_view(request: AuthedRequest) -> HttpResponse:
    """Relationships needing attention, most urgent first, a page at a time: a practitioner's
    own (the home page shows the first few); for a supervisor, their teams' relationships
    grouped by practitioner (one team with ?team=)."""
    user = request.user
    is_supervisor = user.role == Role.SUPERVISOR
    teams = list(user.teams.order_by("name")) if is_supervisor else []
    team = None
    if is_supervisor and request.GET.get("team"):
        team = next((t for t in teams if str(t.pk) == request.GET["team"]), None)
        if team is None:
            raise Http404
    page = selectors.attention_page(
        user=user, team=team, page=request.GET.get("page"), page_size=PAGE_SIZE
    )
    for item in page.object_list:
        item.url = relationship_url(item.relationship)
    record_event(
        actor=user,
        action=Action.LIST,
        summary="Listed relationships needing attention"
        + (f" in team {team.pk}" if team else " in their teams" if is_supervisor else ""),
        data={"relationships": [item.relationship.pk for item in page.object_list]},
        request=request,
    )
    return render(
        request,
        "checkins/attention.html",
        {
            "page_obj": page,
            "items": page.object_list,
            "total": page.paginator.count,
            "grouped": is_supervisor,
            "supervision": is_supervisor,
            "teams": teams,
            "team": team,
            "querystring_without_page": f"team={team.pk}&" if team else "",
        },
    )


def _start_people(relationship: Relationship) -> list[Any]:
    member = services.other_side(relationship)
    people = [member] if member is not None else []
    return people + services.collateral_candidates(relationship)


@login_required
def start_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Choose who answers and how: in session (hand-over) or by phone."""
    relationship = _writable_relationship(request, pk)
    people = _start_people(relationship)
    initial = {"rater": request.GET.get("rater")} if request.GET.get("rater") else {}
    form = forms.StartForm(request.POST or None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.handover_check(
                actor=request.user,
                relationship_id=relationship.pk,
                rater_id=data["rater"],
                form=data["form"],
            )
            if data["channel"] == Channel.PHONE:
                rater = next(p for p in people if p.pk == data["rater"])
                services.require_consent(rater)
                return redirect(
                    reverse("checkins:enter", args=[relationship.pk])
                    + f"?rater={data['rater']}&form={data['form']}&language={data['language']}"
                )
        except PracticeError as error:
            for field, messages_ in (error.errors or {NON_FIELD: [error.message]}).items():
                for message in messages_:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return _handover_begin(request, relationship, data)
    return render(
        request,
        "checkins/start.html",
        {
            "relationship": relationship,
            "whanau": relationship.whanau,
            "form": form,
            "has_people": bool(people),
            "relationship_url": relationship_url(relationship),
        },
    )


@login_required
def enter_view(request: AuthedRequest, pk: int, mirror: bool = False) -> HttpResponse:
    """The practitioner enters answers: from a phone call, or their own mirror."""
    relationship = _writable_relationship(request, pk)
    worker = services.worker_name(relationship)
    member = services.other_side(relationship)
    source = request.POST if request.method == "POST" else request.GET
    if mirror:
        form_kind: str = Form.MIRROR
        language, perspective = "en", Perspective.MIRROR
        rater_person = getattr(request.user, "person", None)
        rater_id = rater_person.pk if rater_person is not None else 0
    else:
        form_kind = source.get("form", Form.ADULT)
        if form_kind not in {Form.ADULT, Form.CHILD}:
            form_kind = Form.ADULT
        language = source.get("language", "en")
        language = language if language in Language.values else "en"
        try:
            rater_id = int(source.get("rater", ""))
        except ValueError:
            raise Http404 from None
        perspective = (
            Perspective.SELF
            if member is not None and rater_id == member.pk
            else Perspective.COLLATERAL
        )
    people = {p.pk: p for p in _start_people(relationship)}
    rater_name = people[rater_id].preferred_name if rater_id in people else ""
    error: PracticeError | None = None
    values: dict[str, Any] = {}
    comment = ""
    when_text = request.POST.get("answered_at", "")[:20]
    overall: Any = None
    if request.method == "POST":
        values, comment = forms.parse_answers(request.POST)
        overall = None if mirror else forms.parse_overall(request.POST)
        try:
            answered_at = None if mirror else forms.parse_moment(when_text)
            services.checkin_record(
                actor=request.user,
                relationship_id=relationship.pk,
                rater_id=rater_id,
                perspective=perspective,
                form=form_kind,
                channel=Channel.IN_SESSION if mirror else Channel.PHONE,
                items=values,
                comment=comment,
                language=language,
                answered_at=answered_at,
                request=request,
                overall=overall,
            )
        except PracticeError as caught:
            error = caught
        else:
            messages.success(
                request,
                _("Your mirror was saved.") if mirror else _("The phone check-in was saved."),
            )
            return redirect("checkins:relationship", relationship.pk)
    context = _form_context(
        form=form_kind,
        language=language,
        worker=worker,
        person=member.preferred_name if member else "",
        collateral=perspective == Perspective.COLLATERAL,
        values=values,
        comment=comment,
        error=error,
        overall=overall,
    )
    context.update(
        {
            "relationship": relationship,
            "whanau": relationship.whanau,
            "mirror": mirror,
            "rater_id": rater_id,
            "rater_name": rater_name,
            "form_value": form_kind,
            "language_value": language,
            "when_text": when_text,
            "when_max": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "when_errors": error.errors.get("answered_at", []) if error else [],
            "relationship_url": relationship_url(relationship),
        }
    )
    return render(request, "checkins/enter.html", context, status=422 if error else 200)


@login_required
def mirror_view(request: AuthedRequest, pk: int) -> HttpResponse:
    return enter_view(request, pk, mirror=True)


# --- The hand-over screen ------------------------------------------------------------------------


def _handover_begin(
    request: AuthedRequest, relationship: Relationship, data: dict[str, Any]
) -> HttpResponse:
    """Sign the practitioner out of this browser, keeping only what the form needs.

    Every other page now asks for a login, so the person holding the device sees only the
    form; the practitioner's password signs them back in (handover_leave_view).
    """
    user = request.user
    member = services.other_side(relationship)
    state = {
        "user": user.pk,
        "relationship": relationship.pk,
        "rater": data["rater"],
        "form": data["form"],
        "language": data["language"],
        "perspective": Perspective.SELF
        if member is not None and data["rater"] == member.pk
        else Perspective.COLLATERAL,
        "done": False,
    }
    record_event(
        actor=user,
        action=Action.UPDATE,
        target=relationship,
        whanau_id=relationship.whanau_id,
        summary=f"Handed the device over for a check-in on relationship {relationship.pk}",
        request=request,
    )
    handover_begin(request, HANDOVER, state)
    return redirect("checkins:handover")


def _handover_state(request: HttpRequest) -> dict[str, Any] | None:
    state = request.session.get(HANDOVER)
    return state if isinstance(state, dict) else None


@never_cache
def handover_view(request: HttpRequest) -> HttpResponse:
    state = _handover_state(request)
    if state is None:
        return redirect("home")
    if state.get("done"):
        return redirect("checkins:handover_done")
    user = User.objects.filter(pk=state["user"], is_active=True).first()
    relationship = (
        Relationship.objects.select_related("person_a__user", "person_b__user")
        .filter(pk=state["relationship"])
        .first()
    )
    if user is None or relationship is None:
        request.session.pop(HANDOVER, None)
        return redirect("home")
    worker = services.worker_name(relationship)
    language = request.GET.get("lang") or request.POST.get("lang") or state["language"]
    language = language if language in Language.values else "en"
    error: PracticeError | None = None
    values: dict[str, Any] = {}
    comment = ""
    overall: Any = None
    if request.method == "POST":
        values, comment = forms.parse_answers(request.POST)
        overall = forms.parse_overall(request.POST)
        try:
            services.checkin_record(
                actor=user,
                relationship_id=relationship.pk,
                rater_id=state["rater"],
                perspective=state["perspective"],
                form=state["form"],
                channel=Channel.IN_SESSION,
                items=values,
                comment=comment,
                language=language,
                request=request,
                overall=overall,
            )
        except PracticeError as caught:
            error = caught
        else:
            state["done"] = True
            state["language"] = language
            request.session[HANDOVER] = state
            return redirect("checkins:handover_done")
    context = _form_context(
        form=state["form"],
        language=language,
        worker=worker,
        collateral=state["perspective"] == Perspective.COLLATERAL,
        values=values,
        comment=comment,
        error=error,
        overall=overall,
    )
    context.update(
        {
            "action": reverse("checkins:handover"),
            "other_language": "en" if language == "mi" else "mi",
            "handover": True,
        }
    )
    return render(request, "checkins/answer.html", context, status=422 if error else 200)


@never_cache
def handover_done_view(request: HttpRequest) -> HttpResponse:
    state = _handover_state(request)
    if state is None:
        return redirect("home")
    relationship = (
        Relationship.objects.select_related("person_a__user", "person_b__user")
        .filter(pk=state["relationship"])
        .first()
    )
    language = state.get("language", "en")
    worker = services.worker_name(relationship) if relationship else ""
    return render(
        request,
        "checkins/thanks.html",
        {
            "lang": language,
            "title": instrument.text("thanks_title", language),
            "body": instrument.text("thanks_body", language, worker=worker)
            if worker
            else instrument.text("thanks_body_plain", language),
            "handover": True,
        },
    )


@never_cache
def handover_leave_view(request: HttpRequest) -> HttpResponse:
    """Only the practitioner's password ends the hand-over and signs them back in."""
    state = _handover_state(request)
    if state is None:
        return redirect("home")
    user = User.objects.filter(pk=state["user"], is_active=True).first()
    if user is None:
        request.session.pop(HANDOVER, None)
        return redirect("accounts:login")
    form = forms.PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if handover_sign_back_in(request, HANDOVER, user, form.cleaned_data["password"]):
            if state.get("done"):
                messages.success(request, _("The check-in was saved. Welcome back."))
            return redirect("checkins:relationship", state["relationship"])
        form.add_error(
            "password",
            _("That is not the password of the practitioner who handed over this device."),
        )
    return render(
        request,
        "checkins/handover_leave.html",
        {"form": form, "done": state.get("done", False)},
        status=422 if form.errors else 200,
    )


# --- One-time links ------------------------------------------------------------------------------


@login_required
def link_create_view(request: AuthedRequest, pk: int) -> HttpResponse:
    relationship = _writable_relationship(request, pk)
    people = _start_people(relationship)
    settings = services.settings_get()
    initial: dict[str, Any] = {"expires_in_days": settings.link_expiry_days}
    if request.GET.get("rater"):
        initial["rater"] = request.GET["rater"]
    form = forms.LinkForm(request.POST or None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = services.other_side(relationship)
        send_by = data["send_by"] or "copy"
        try:
            # Made and queued together: a refused send (no consent, no number) leaves no link.
            with transaction.atomic():
                link, raw = services.link_create(
                    actor=request.user,
                    relationship_id=relationship.pk,
                    rater_id=data["rater"],
                    form=data["form"],
                    language=data["language"],
                    perspective=Perspective.SELF
                    if member is not None and data["rater"] == member.pk
                    else Perspective.COLLATERAL,
                    expires_in_days=data["expires_in_days"],
                    request=request,
                    issue_token=send_by == "copy",
                )
                if send_by != "copy":
                    sending.link_send(
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
                return redirect("checkins:relationship", relationship.pk)
            url = request.build_absolute_uri(reverse("checkins:answer", args=[raw]))
            response = render(
                request,
                "checkins/link_made.html",
                {
                    "relationship": relationship,
                    "whanau": relationship.whanau,
                    "link": link,
                    "url": url,
                    "relationship_url": relationship_url(relationship),
                },
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "checkins/link_new.html",
        {
            "relationship": relationship,
            "whanau": relationship.whanau,
            "form": form,
            "has_people": bool(people),
            "relationship_url": relationship_url(relationship),
        },
        status=422 if form.errors else 200,
    )


def _sent_message(link: CheckInLink, channel: str) -> str:
    name = link.rater.preferred_name
    if channel == "text":
        return _(
            "The link is on its way to %(name)s by text message. Its delivery is shown under "
            "Open one-time links."
        ) % {"name": name}
    return _(
        "The link is on its way to %(name)s by email. Its delivery is shown under Open "
        "one-time links."
    ) % {"name": name}


@login_required
@require_POST
def link_send_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Send (again) an open link by text or email: a new token, made by the sending task."""
    link = CheckInLink.objects.filter(pk=pk).select_related("rater").first()
    if link is None:
        raise Http404
    relationship = _writable_relationship(request, link.relationship_id)
    form = forms.LinkSendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose text message or email."))
        return redirect("checkins:relationship", relationship.pk)
    channel = form.cleaned_data["channel"]
    try:
        sending.link_send(actor=request.user, link_id=link.pk, channel=channel, request=request)
    except PracticeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _sent_message(link, channel))
    return redirect("checkins:relationship", relationship.pk)


@login_required
@require_POST
def link_revoke_view(request: AuthedRequest, pk: int) -> HttpResponse:
    link = CheckInLink.objects.filter(pk=pk).first()
    if link is None:
        raise Http404
    relationship = _writable_relationship(request, link.relationship_id)
    try:
        services.link_revoke(actor=request.user, link_id=link.pk, request=request)
    except PracticeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The link was revoked; it no longer works."))
    return redirect("checkins:relationship", relationship.pk)


@login_required
@require_POST
def archive_view(request: AuthedRequest, pk: int) -> HttpResponse:
    checkin = CheckIn.objects.filter(pk=pk, archived_at__isnull=True).first()
    if checkin is None:
        raise Http404
    relationship = _writable_relationship(request, checkin.relationship_id)
    form = forms.ArchiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why this check-in is being archived."))
    else:
        services.checkin_archive(
            actor=request.user,
            checkin_id=checkin.pk,
            reason=form.cleaned_data["reason"],
            request=request,
        )
        messages.success(request, _("The check-in was archived."))
    return redirect("checkins:relationship", relationship.pk)


def _unavailable(request: HttpRequest, error: services.LinkUnavailable) -> HttpResponse:
    return render(
        request,
        "checkins/link_unavailable.html",
        {"lang": error.language, "title": error.heading, "body": error.message},
        status=error.status,
    )


def _slow_down(request: HttpRequest, language: str = "en") -> HttpResponse:
    response = render(
        request,
        "checkins/link_unavailable.html",
        {
            "lang": language,
            "title": instrument.text("slow_down_title", language),
            "body": instrument.text("slow_down_body", language),
        },
        status=429,
    )
    response["Retry-After"] = str(ratelimit.WINDOW_SECONDS)
    return response


@never_cache
def answer_view(request: HttpRequest, token: str) -> HttpResponse:
    """The public page behind a one-time link: the practitioner's preferred name and the
    questions, nothing else about the whānau."""
    allowed = (
        ratelimit.allow_public_post(request)
        if request.method == "POST"
        else ratelimit.allow_public_view(request)
    )
    if not allowed:
        return _slow_down(request)
    try:
        opened = services.link_open(token)
    except services.LinkUnavailable as unavailable:
        return _unavailable(request, unavailable)
    language = request.GET.get("lang") or request.POST.get("lang") or opened.language
    language = language if language in Language.values else opened.language
    error: PracticeError | None = None
    values: dict[str, Any] = {}
    comment = ""
    overall: Any = None
    if request.method == "POST":
        values, comment = forms.parse_answers(request.POST)
        overall = forms.parse_overall(request.POST)
        try:
            services.link_answer(
                raw_token=token, items=values, comment=comment, request=request, overall=overall
            )
        except services.LinkUnavailable as gone:
            return _unavailable(request, gone)
        except PracticeError as caught:
            error = caught
        else:
            # A link that carries more (the goals app's ratings on the same link) goes on there.
            for after in hooks.AFTER_LINK_ANSWER:
                following = after(token)
                if following:
                    return redirect(following + f"&lang={language}")
            return redirect(reverse("checkins:thanks") + f"?lang={language}")
    context = _form_context(
        form=opened.form,
        language=language,
        worker=opened.worker,
        collateral=opened.link.perspective == Perspective.COLLATERAL,
        values=values,
        comment=comment,
        error=error,
        overall=overall,
    )
    context.update(
        {
            "action": reverse("checkins:answer", args=[token]),
            "other_language": "en" if language == "mi" else "mi",
        }
    )
    response = render(request, "checkins/answer.html", context, status=422 if error else 200)
    # The token is in the address: the site-wide "same-origin" referrer policy keeps it from
    # other sites ("no-referrer" would make browsers send `Origin: null`, failing CSRF).
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def thanks_view(request: HttpRequest) -> HttpResponse:
    language = request.GET.get("lang", "en")
    language = language if language in Language.values else "en"
    return render(
        request,
        "checkins/thanks.html",
        {
            "lang": language,
            "title": instrument.text("thanks_title", language),
            "body": instrument.text("thanks_body_plain", language),
        },
    )


# --- Administrator: thresholds and the agency's estimates ----------------------------------------


@role_required(Role.ADMIN)
def settings_view(request: AuthedRequest) -> HttpResponse:
    # The agency's SD and alpha are re-estimated by the daily job (`hononga checkins estimate`),
    # never in a request: at national size it reads millions of check-ins.
    current = services.settings_get()
    form = forms.SettingsForm(
        request.POST or None, instance=current, initial={"version": current.version}
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.settings_update(
                actor=request.user, expected_version=version, changes=data, request=request
            )
        except services.ConflictError as error:
            conflict = error
            form.add_error(None, error.message)
        except PracticeError as error:
            for field, messages_ in (error.errors or {NON_FIELD: [error.message]}).items():
                for message in messages_:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(
                request,
                _(
                    "The thresholds were saved. They apply to check-ins recorded from now on; "
                    "earlier check-ins keep the thresholds they were flagged with."
                ),
            )
            return redirect("checkins:settings")
    current.refresh_from_db()
    in_force = services.flag_thresholds_in_force()
    return render(
        request,
        "checkins/settings.html",
        {
            "form": form,
            "settings": current,
            "thresholds": scoring.Thresholds.from_stored(in_force, current.overdue_days),
            "in_force": in_force,
            "earlier": services.earlier_flag_thresholds(in_force).count(),
            "conflict": conflict,
        },
        status=422 if form.errors else 200,
    )


@role_required(Role.ADMIN)
def reflag_view(request: AuthedRequest) -> HttpResponse:
    """Confirm, then read every earlier check-in's flags with the thresholds in force now."""
    in_force = services.flag_thresholds_in_force()
    error = None
    if request.method == "POST":
        try:
            expected = int(request.POST.get("thresholds", ""))
        except ValueError:
            expected = -1
        if request.POST.get("confirm") != "yes":
            error = _("Tick the box to confirm that earlier flags may change.")
        else:
            try:
                services.history_reflag(
                    actor=request.user, expected_thresholds=expected, request=request
                )
            except services.ConflictError as conflict:
                error = conflict.message
                in_force = services.flag_thresholds_in_force()
            else:
                messages.success(
                    request,
                    _(
                        "Every earlier check-in is now flagged with the thresholds in force. "
                        "This was recorded in the audit trail."
                    ),
                )
                return redirect("checkins:settings")
    earlier = services.earlier_flag_thresholds(in_force)
    return render(
        request,
        "checkins/reflag.html",
        {
            "in_force": in_force,
            "thresholds": scoring.Thresholds.from_stored(in_force),
            "earlier": list(earlier.order_by("-created_at", "-id")[:PAGE_SIZE]),
            "earlier_count": earlier.count(),
            "error": error,
        },
        status=422 if error else 200,
    )
