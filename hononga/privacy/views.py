"""Staff pages: opening the whānau space, what a person sees there, and corrections."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hononga.accounts.models import Role
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.errors import PracticeError
from hononga.core.request import AuthedRequest
from hononga.privacy import selectors, services
from hononga.privacy.models import (
    Correction,
    CorrectionStatus,
    RecordType,
    SpaceAccess,
    Withholding,
)
from hononga.whanau.access import can_edit_person, get_person_for_user

CORRECTIONS_PER_PAGE = 25


@login_required
def space_open_view(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk)
    if not can_edit_person(request.user, person):
        raise Http404
    error: PracticeError | None = None
    reason = ""
    if request.method == "POST":
        reason = request.POST.get("reason", "")[:4000]
        checked = request.POST.get("checked") == "yes"
        try:
            if not checked:
                text = _("Confirm the safety check first.")
                raise PracticeError(text, errors={"checked": [text]})
            services.space_open(actor=request.user, person=person, reason=reason, request=request)
        except PracticeError as caught:
            error = caught
        else:
            messages.success(
                request,
                _("The whānau space is open for %(name)s.") % {"name": person.preferred_name},
            )
            return redirect("whanau:person", pk=person.pk)
    return render(
        request,
        "privacy/space_open.html",
        {
            "person": person,
            "error": error,
            "reason": reason,
            "problems": services.eligibility_problems(person),
            "channels": services.sign_in_channels(person),
        },
        status=422 if error else 200,
    )


@login_required
@require_POST
def space_close_view(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk)
    try:
        services.space_close(
            actor=request.user,
            person=person,
            reason=request.POST.get("reason", "")[:2000],
            request=request,
        )
    except PracticeError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The whānau space is closed for %(name)s.") % {"name": person.preferred_name}
        )
    return redirect("whanau:person", pk=person.pk)


@login_required
def space_preview_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """What the person sees in their space, with 'not for sharing' controls."""
    person = get_person_for_user(request.user, pk)
    editable = can_edit_person(request.user, person)
    content = selectors.space_content(person)
    withheld = list(
        Withholding.objects.filter(person=person, lifted_at__isnull=True).select_related(
            "marked_by"
        )[:100]
    )
    record_event(
        actor=request.user,
        action=Action.VIEW,
        target=person,
        whanau_id=services.primary_whanau_id(person),
        summary=f"Viewed what {person.preferred_name} sees in the whānau space",
        request=request,
    )
    return render(
        request,
        "privacy/space_preview.html",
        {"c": content, "person": person, "editable": editable, "withheld": withheld},
    )


@login_required
@require_POST
def withhold_view(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk)
    try:
        record_id = int(request.POST.get("record_id", ""))
    except ValueError:
        raise Http404 from None
    if not 1 <= record_id < 2**63:  # beyond any id: the database would refuse the number
        raise Http404
    try:
        services.withhold(
            actor=request.user,
            person=person,
            record_type=request.POST.get("record_type", ""),
            record_id=record_id,
            reason=request.POST.get("reason", "")[:4000],
            request=request,
        )
    except PracticeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Marked not for sharing."))
    return redirect("privacy:space_preview", pk=person.pk)


@login_required
@require_POST
def share_again_view(request: AuthedRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(Withholding, pk=pk, lifted_at__isnull=True)
    person = get_person_for_user(request.user, row.person_id)
    try:
        services.share_again(actor=request.user, withholding=row, request=request)
    except PracticeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Shared again."))
    return redirect("privacy:space_preview", pk=person.pk)


DECIDING_ROLES = {Role.PRACTITIONER, Role.FACILITATOR, Role.SUPERVISOR}


@login_required
def corrections_view(request: AuthedRequest) -> HttpResponse:
    # Case staff and privacy officers only; anyone else (practice leads, administrators) 404.
    if request.user.role not in DECIDING_ROLES and not selectors.is_privacy_officer(request.user):
        raise Http404
    status = request.GET.get("status", CorrectionStatus.OPEN)
    if status not in {*CorrectionStatus.values, "all"}:
        status = CorrectionStatus.OPEN
    rows = selectors.corrections_for_user(request.user).select_related("person", "whanau")
    if status != "all":
        rows = rows.filter(status=status)
    rows = rows.order_by("due_on", "id") if status == CorrectionStatus.OPEN else rows
    page = Paginator(rows, CORRECTIONS_PER_PAGE).get_page(request.GET.get("page"))
    record_event(
        actor=request.user,
        action=Action.LIST,
        summary="Listed correction requests",
        data={"status": status, "page": page.number},
        request=request,
    )
    return render(
        request,
        "privacy/corrections.html",
        {
            "page_obj": page,
            "status": status,
            "statuses": CorrectionStatus.choices,
            "querystring_without_page": f"status={status}&",
        },
    )


def record_url(correction: Correction) -> str:
    """Where staff see the record a correction is about."""
    if correction.record_type == RecordType.RELATIONSHIP:
        return reverse("relationships:detail", args=[correction.record_id])
    return reverse("whanau:person", args=[correction.person_id])


@login_required
def correction_view(request: AuthedRequest, pk: int) -> HttpResponse:
    correction = (
        selectors.corrections_for_user(request.user)
        .select_related("person", "whanau", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if correction is None:
        raise Http404
    can_decide = selectors.corrections_for_user(request.user, deciding=True).filter(pk=pk).exists()
    error: PracticeError | None = None
    values = {"outcome": "", "note": ""}
    if request.method == "POST":
        if not can_decide:
            raise Http404
        values = {
            "outcome": request.POST.get("outcome", ""),
            "note": request.POST.get("note", "")[:4000],
        }
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
        try:
            services.correction_decide(
                actor=request.user,
                correction_id=correction.pk,
                outcome=values["outcome"],
                note=values["note"],
                version=version,
                request=request,
            )
        except PracticeError as caught:
            error = caught
        else:
            messages.success(request, _("Decision recorded; the person has been told."))
            return redirect("privacy:correction", pk=correction.pk)
    else:
        record_event(
            actor=request.user,
            action=Action.VIEW,
            target=correction,
            whanau_id=correction.whanau_id,
            summary="Viewed a correction request",
            request=request,
        )
    history = list(
        Correction.objects.filter(
            Q(record_type=correction.record_type, record_id=correction.record_id)
        )
        .exclude(pk=correction.pk)
        .select_related("decided_by")[:20]
    )
    return render(
        request,
        "privacy/correction.html",
        {
            "correction": correction,
            "can_decide": can_decide and correction.is_open,
            "error": error,
            "values": values,
            "record_url": record_url(correction),
            "history": history,
            "outcomes": [
                (CorrectionStatus.CORRECTED, _("Corrected: I have changed the record")),
                (
                    CorrectionStatus.NOT_CORRECTED,
                    _("Not corrected: attach their words as a statement of correction"),
                ),
            ],
        },
        status=422 if error else 200,
    )


def access_for(person_id: int) -> SpaceAccess | None:
    return SpaceAccess.objects.filter(person_id=person_id).select_related("opened_by").first()
