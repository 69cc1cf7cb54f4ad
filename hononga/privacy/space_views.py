"""The whānau space: pages a whānau member sees after signing in with a one-time code.

No staff login is involved: the session holds the person's id (after a code), checked on every
request against their access, so a practitioner closing the space ends it at once. Every page
is audited as "viewed by the person". Pages use no JavaScript and one small stylesheet.
"""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hononga.checkins.ratelimit import allow, client_key
from hononga.core.errors import PracticeError
from hononga.privacy import selectors, services
from hononga.privacy.models import Correction, RecordType, SpaceAccess
from hononga.restorative import pdf as agreement_pdf
from hononga.restorative.selectors import process_detail
from hononga.whanau.models import Person

SESSION_PERSON = "space_person"
SESSION_SEEN = "space_seen"
SESSION_ATTEMPT = "space_attempt"
IDLE_LIMIT = timedelta(minutes=30)
# Per client address, on top of the per-person limit on wrong codes (services.MAX_WRONG_TRIES).
POSTS_PER_WINDOW = 30


def _allow_post(request: HttpRequest) -> bool:
    return allow("space", client_key(request), POSTS_PER_WINDOW)


def _signed_in_person(request: HttpRequest) -> Person | None:
    person_id = request.session.get(SESSION_PERSON)
    seen = request.session.get(SESSION_SEEN)
    if not person_id or not seen:
        return None
    if timezone.now().timestamp() - float(seen) > IDLE_LIMIT.total_seconds():
        return None
    access = (
        SpaceAccess.objects.select_related("person")
        .filter(person_id=person_id, is_open=True, person__archived_at__isnull=True)
        .first()
    )
    return access.person if access else None


def space_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        person = _signed_in_person(request)
        if person is None:
            request.session.pop(SESSION_PERSON, None)
            return redirect("privacy:space_sign_in")
        request.session[SESSION_SEEN] = timezone.now().timestamp()
        response = view(request, person, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def _slow_down(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/space_message.html",
        {
            "title": _("Please wait a moment"),
            "body": _(
                "There have been a lot of tries from here. Wait a few minutes and try again."
            ),
        },
        status=429,
    )


def sign_in_view(request: HttpRequest) -> HttpResponse:
    if _signed_in_person(request) is not None:
        return redirect("privacy:space_home")
    error = ""
    address = ""
    if request.method == "POST":
        if not _allow_post(request):
            return _slow_down(request)
        address = request.POST.get("address", "")[:254]
        if not address.strip():
            error = _("Enter your mobile number or email address.")
        else:
            attempt = services.sign_in_start(address=address, request=request)
            request.session[SESSION_ATTEMPT] = str(attempt)
            return redirect("privacy:space_code")
    response = render(
        request,
        "privacy/space_sign_in.html",
        {"error": error, "address": address},
        status=422 if error else 200,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def code_view(request: HttpRequest) -> HttpResponse:
    attempt = request.session.get(SESSION_ATTEMPT)
    if not attempt:
        return redirect("privacy:space_sign_in")
    error = ""
    if request.method == "POST":
        if not _allow_post(request):
            return _slow_down(request)
        code = request.POST.get("code", "")[:20]
        if not code.strip():
            error = _("Enter the 6-digit code we sent you.")
        else:
            try:
                person = services.sign_in_verify(attempt=attempt, code=code, request=request)
            except services.SignInRefused as refused:
                error = _refusal_text(refused)
            else:
                request.session.cycle_key()
                request.session.pop(SESSION_ATTEMPT, None)
                request.session[SESSION_PERSON] = person.pk
                request.session[SESSION_SEEN] = timezone.now().timestamp()
                return redirect("privacy:space_home")
    return render(
        request, "privacy/space_code.html", {"error": error}, status=422 if error else 200
    )


def _refusal_text(refused: services.SignInRefused) -> str:
    if refused.kind == "locked":
        minutes = max(1, int((refused.until - timezone.now()).total_seconds() // 60) + 1)
        return _(
            "Too many wrong codes. For your safety, wait %(minutes)s minutes, then ask for a "
            "new code."
        ) % {"minutes": minutes}
    if refused.kind == "expired":
        return _("That code has expired or was already used. Ask for a new code.")
    if refused.kind == "closed":
        return _("Your whānau space is not open. Talk to your worker.")
    return _(
        "That code is not right. Check the latest message from us and try again. Codes last "
        "10 minutes. If your number or email has changed, your worker needs to update it."
    )


@require_POST
def sign_out_view(request: HttpRequest) -> HttpResponse:
    request.session.flush()
    return redirect("privacy:space_sign_in")


@space_required
def home_view(request: HttpRequest, person: Person) -> HttpResponse:
    content = selectors.space_content(person)
    services.record_space_view(person=person, what="whānau space home", request=request)
    return render(request, "privacy/space_home.html", {"c": content, "person": person})


@space_required
def checkins_view(request: HttpRequest, person: Person) -> HttpResponse:
    withheld = selectors.withheld_ids(person)
    paginator = Paginator(selectors.visible_checkins(person, withheld), selectors.CHECKINS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    items = selectors.checkin_items(person, list(page.object_list))
    services.record_space_view(person=person, what="own check-in answers", request=request)
    return render(
        request,
        "privacy/space_checkins.html",
        {"items": items, "page_obj": page, "person": person},
    )


@space_required
def agreement_pdf_view(request: HttpRequest, person: Person, participant_id: int) -> HttpResponse:
    participant = selectors.visible_participations(person).filter(pk=participant_id).first()
    if participant is None:
        raise Http404
    detail = process_detail(participant.process_id)
    copy_for = next((p for p in detail.participants.all() if p.pk == participant.pk), None)
    content = agreement_pdf.agreement_pdf(detail, copy_for=copy_for)
    services.record_space_view(
        person=person, what="own copy of an agreement (PDF)", request=request, target=detail
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="agreement-{detail.pk}.pdf"'
    return response


@space_required
def correct_view(
    request: HttpRequest, person: Person, record_type: str, record_id: int
) -> HttpResponse:
    if record_type not in RecordType.values:
        raise Http404
    item = selectors.find_visible_item(person, record_type, record_id)
    if item is None:
        raise Http404
    error: PracticeError | None = None
    values = {"what_is_wrong": "", "should_say": ""}
    if request.method == "POST":
        values = {
            "what_is_wrong": request.POST.get("what_is_wrong", "")[:4000],
            "should_say": request.POST.get("should_say", "")[:4000],
        }
        try:
            correction = services.correction_ask(
                person=person,
                record_type=record_type,
                record_id=record_id,
                record_label=item.label,
                what_is_wrong=values["what_is_wrong"],
                should_say=values["should_say"],
                request=request,
            )
        except PracticeError as caught:
            error = caught
        else:
            return redirect(reverse("privacy:space_asked", args=[correction.pk]))
    else:
        services.record_space_view(person=person, what="correction form", request=request)
    return render(
        request,
        "privacy/space_correct.html",
        {
            "item": item,
            "record_type_label": RecordType(record_type).label,
            "error": error,
            "values": values,
            "person": person,
        },
        status=422 if error else 200,
    )


@space_required
def asked_view(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    correction = Correction.objects.filter(person=person, pk=pk).first()
    if correction is None:
        raise Http404
    services.record_space_view(
        person=person, what="a correction request", request=request, target=correction
    )
    return render(request, "privacy/space_asked.html", {"correction": correction, "person": person})
