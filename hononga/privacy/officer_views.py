"""Privacy officer pages: subject access exports (every use audited)."""

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.errors import PracticeError
from hononga.core.request import AuthedRequest
from hononga.core.text import fold
from hononga.privacy import export, selectors, services
from hononga.privacy.models import ExportStatus, SubjectAccessRequest
from hononga.whanau.models import Person, Whanau

PER_PAGE = 25
SEARCH_LIMIT = 20


def officer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapped(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not selectors.is_privacy_officer(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@officer_required
def exports_view(request: AuthedRequest) -> HttpResponse:
    rows = SubjectAccessRequest.objects.select_related("person", "whanau", "requested_by")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.get("q", "").strip()[:100]
    people: list[Person] = []
    groups: list[Whanau] = []
    if query:
        key = fold(query)
        people = list(Person.objects.filter(search_key__startswith=key)[:SEARCH_LIMIT])
        groups = list(Whanau.objects.filter(search_key__startswith=key)[:SEARCH_LIMIT])
    record_event(
        actor=request.user,
        action=Action.LIST,
        summary="Privacy officer: listed subject access exports",
        data={"search": bool(query), "privacy_officer": True},
        request=request,
    )
    return render(
        request,
        "privacy/exports.html",
        {"page_obj": page, "query": query, "people": people, "groups": groups},
    )


@officer_required
def export_new_view(request: AuthedRequest) -> HttpResponse:
    kind = "person" if request.GET.get("person") else "whanau"
    raw = request.GET.get("person") or request.GET.get("whanau") or request.POST.get("subject_id")
    kind = request.POST.get("kind", kind)
    try:
        subject_id = int(raw or "")
    except ValueError:
        raise Http404 from None
    subject = (
        Person.objects.filter(pk=subject_id).first()
        if kind == "person"
        else Whanau.objects.filter(pk=subject_id).first()
    )
    if subject is None:
        raise Http404
    error: PracticeError | None = None
    values = {"reason": "", "received_on": timezone.localdate().isoformat()}
    if request.method == "POST":
        values = {
            "reason": request.POST.get("reason", "")[:4000],
            "received_on": request.POST.get("received_on", ""),
        }
        try:
            received = date.fromisoformat(values["received_on"])
        except ValueError:
            text = _("Enter the date the request was received, like 2026-03-02.")
            error = PracticeError(text, errors={"received_on": [text]})
        else:
            try:
                sar = services.export_request(
                    actor=request.user,
                    reason=values["reason"],
                    received_on=received,
                    person_id=subject.pk if kind == "person" else None,
                    whanau_id=subject.pk if kind == "whanau" else None,
                    request=request,
                )
            except PracticeError as caught:
                error = caught
            else:
                messages.success(request, _("The export is being built."))
                return redirect("privacy:export", pk=sar.pk)
    return render(
        request,
        "privacy/export_new.html",
        {"subject": subject, "kind": kind, "error": error, "values": values},
        status=422 if error else 200,
    )


@officer_required
def export_view(request: AuthedRequest, pk: int) -> HttpResponse:
    sar = (
        SubjectAccessRequest.objects.select_related("person", "whanau", "requested_by")
        .filter(pk=pk)
        .first()
    )
    if sar is None:
        raise Http404
    expired = sar.expires_at is not None and sar.expires_at <= timezone.now()
    record_event(
        actor=request.user,
        action=Action.VIEW,
        target=sar,
        summary="Privacy officer: viewed a subject access export",
        data={"privacy_officer": True},
        request=request,
    )
    return render(
        request,
        "privacy/export.html",
        {
            "sar": sar,
            "expired": expired or sar.status == ExportStatus.EXPIRED,
            "building": sar.status in {ExportStatus.QUEUED, ExportStatus.RUNNING},
        },
    )


@officer_required
def export_download_view(request: AuthedRequest, pk: int, fmt: str) -> Any:
    sar = SubjectAccessRequest.objects.select_related("person").filter(pk=pk).first()
    if sar is None or fmt not in {"json", "pdf"} or sar.status != ExportStatus.READY:
        raise Http404
    if sar.expires_at is None or sar.expires_at <= timezone.now():
        return render(request, "privacy/export_gone.html", {"sar": sar}, status=410)
    path = export.export_dir(sar) / f"export.{fmt}"
    if not path.exists():
        raise Http404
    services.export_downloaded(actor=request.user, sar=sar, fmt=fmt, request=request)
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"subject-access-{sar.pk}.{fmt}",
        content_type="application/json" if fmt == "json" else "application/pdf",
    )
    response["Cache-Control"] = "no-store"
    return response


@officer_required
@require_POST
def export_released_view(request: AuthedRequest, pk: int) -> HttpResponse:
    sar = SubjectAccessRequest.objects.filter(pk=pk).first()
    if sar is None:
        raise Http404
    try:
        services.export_released(actor=request.user, sar=sar, request=request)
    except PracticeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Recorded as released to the person."))
    return redirect("privacy:export", pk=sar.pk)
