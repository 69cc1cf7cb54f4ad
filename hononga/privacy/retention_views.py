"""Privacy officer: the retention schedule, legal holds and disposal runs."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.request import AuthedRequest
from hononga.privacy.models import DisposalRun, LegalHold, RetentionRule
from hononga.privacy.officer_views import officer_required
from hononga.whanau.models import Person, Whanau

RUNS_SHOWN = 10
HOLDS_SHOWN = 100


@officer_required
def retention_view(request: AuthedRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        reason = request.POST.get("reason", "").strip()[:2000]
        try:
            subject_id = int(request.POST.get("subject_id", ""))
        except ValueError:
            subject_id = 0
        subject = (
            Person.objects.filter(pk=subject_id).first()
            if kind == "person"
            else Whanau.objects.filter(pk=subject_id).first()
            if kind == "whanau"
            else None
        )
        if subject is None:
            error = _("Enter the number of a person or whānau on record.")
        elif not reason:
            error = _("Say why the records must be kept.")
        else:
            hold = LegalHold.objects.create(
                person=subject if kind == "person" else None,  # type: ignore[misc]
                whanau=subject if kind == "whanau" else None,
                reason=reason,
                placed_by=request.user,
            )
            record_event(
                actor=request.user,
                action=Action.UPDATE,
                target=hold,
                whanau_id=subject.pk if kind == "whanau" else None,
                summary=f"Privacy officer placed a legal hold on a {kind}",
                reason=reason,
                data={"privacy_officer": True, kind: subject.pk},
                request=request,
            )
            messages.success(request, _("Legal hold placed: nothing under it is disposed of."))
            return redirect("privacy:retention")
    record_event(
        actor=request.user,
        action=Action.VIEW,
        summary="Privacy officer: viewed the retention schedule",
        data={"privacy_officer": True},
        request=request,
    )
    return render(
        request,
        "privacy/retention.html",
        {
            "rules": RetentionRule.objects.order_by("target"),
            "holds": LegalHold.objects.filter(lifted_at__isnull=True).select_related(
                "person", "whanau", "placed_by"
            )[:HOLDS_SHOWN],
            "runs": DisposalRun.objects.order_by("-started_at")[:RUNS_SHOWN],
            "error": error,
        },
        status=422 if error else 200,
    )


@officer_required
@require_POST
def hold_lift_view(request: AuthedRequest, pk: int) -> HttpResponse:
    hold = LegalHold.objects.filter(pk=pk, lifted_at__isnull=True).first()
    if hold is None:
        raise Http404
    LegalHold.objects.filter(pk=hold.pk).update(lifted_at=timezone.now(), lifted_by=request.user)
    record_event(
        actor=request.user,
        action=Action.UPDATE,
        target=hold,
        whanau_id=hold.whanau_id,
        summary="Privacy officer lifted a legal hold",
        data={"privacy_officer": True},
        request=request,
    )
    messages.success(request, _("Legal hold lifted."))
    return redirect("privacy:retention")
