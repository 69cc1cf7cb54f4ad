"""Pages for practice advisories: admin management, screening, the report."""

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hononga.accounts.models import Role, Team
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.decorators import role_required
from hononga.core.errors import ConflictError, PracticeError
from hononga.core.request import AuthedRequest
from hononga.core.text import spreadsheet_safe
from hononga.whanau import access

from . import diseases, immunisation, report, rules, selectors, services
from .forms import AdvisoryForm, ImmunisationForm, OutcomeForm, PeriodForm, screening_form_class
from .models import Advisory, Immunisation, RecordedDisease

PAGE_SIZE = 25


def _apply_errors(form: Any, error: PracticeError) -> None:
    for name, msgs in (error.errors or {"__all__": [error.message]}).items():
        for msg in msgs:
            form.add_error(name if name in form.fields else None, msg)


def _get_advisory(pk: int) -> Advisory:
    advisory = Advisory.objects.filter(pk=pk).prefetch_related("regions").first()
    if advisory is None:
        raise Http404
    return advisory


@role_required(Role.ADMIN)
def advisory_list(request: AuthedRequest) -> HttpResponse:
    page = Paginator(Advisory.objects.prefetch_related("regions"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = selectors.today()
    return render(request, "advisories/list.html", {"page_obj": page, "today": today})


@role_required(Role.ADMIN)
def advisory_create(request: AuthedRequest) -> HttpResponse:
    form = AdvisoryForm(request.POST or None, initial={"condition": "measles"})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "regions"}
        try:
            advisory = services.advisory_create(
                actor=request.user,
                data=data,
                region_ids=[r.pk for r in form.cleaned_data["regions"]],
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Advisory published."))
            return redirect("advisories:detail", advisory.pk)
    return render(request, "advisories/form.html", {"form": form, "advisory": None})


@role_required(Role.ADMIN)
def advisory_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    advisory = _get_advisory(pk)
    table = selectors.current_rule_table(advisory.condition)
    return render(
        request,
        "advisories/detail.html",
        {
            "advisory": advisory,
            "disease": advisory.disease,
            "table": table,
            "rows": rules.describe(table.rows),
            "today": selectors.today(),
        },
    )


@role_required(Role.ADMIN)
def advisory_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    advisory = _get_advisory(pk)
    initial = {
        "title": advisory.title,
        "condition": advisory.condition,
        "disease_name": advisory.disease_name,
        "regions": list(advisory.regions.all()),
        "starts": advisory.starts,
        "ends": advisory.ends,
        "guidance": advisory.guidance,
    }
    form = AdvisoryForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "regions"}
        try:
            services.advisory_update(
                actor=request.user,
                advisory_id=advisory.pk,
                expected_version=int(request.POST.get("version") or 0),
                changes=data,
                region_ids=[r.pk for r in form.cleaned_data["regions"]],
                request=request,
            )
        except ConflictError as error:
            conflict = error
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Advisory saved."))
            return redirect("advisories:detail", advisory.pk)
    return render(
        request,
        "advisories/form.html",
        {"form": form, "advisory": advisory, "conflict": conflict},
    )


@require_POST
@role_required(Role.ADMIN)
def advisory_end(request: AuthedRequest, pk: int) -> HttpResponse:
    advisory = _get_advisory(pk)
    try:
        services.advisory_end(
            actor=request.user,
            advisory_id=advisory.pk,
            expected_version=int(request.POST.get("version") or 0),
            request=request,
        )
    except (ConflictError, PracticeError) as error:
        messages.error(request, str(getattr(error, "message", error)))
    else:
        messages.success(request, _("Advisory ended."))
    return redirect("advisories:detail", advisory.pk)


@role_required(Role.ADMIN)
def rule_table(request: AuthedRequest) -> HttpResponse:
    """Every disease's screening: its questions, what counts as immunity, its rules, and the
    public-health guidance they rest on."""
    return render(request, "advisories/rules.html", {"tables": selectors.rule_tables()})


@login_required
def screen(request: AuthedRequest, whanau_pk: int) -> HttpResponse:
    whanau = access.get_whanau_for_user(request.user, whanau_pk)
    if not access.can_edit_whanau(request.user, whanau):
        raise Http404
    advisory = selectors.active_for_whanau(whanau)
    disease = advisory.disease if advisory else None
    context: dict[str, Any] = {"whanau": whanau, "advisory": advisory}
    if advisory is None or disease is None:
        return render(request, "advisories/screen.html", context)
    people = immunisation.people_of(request.user, whanau, disease)
    form_class = screening_form_class(disease)
    initial = {"planned_mode": request.GET.get("mode") or "home_visit"}
    form = form_class(request.POST or None, initial=initial)
    status_errors: dict[int, str] = {}
    present = {int(p) for p in request.POST.getlist("present") if p.isdigit()}
    if request.method == "POST":
        status_errors = immunisation.apply_from_post(request, disease, people)
        if form.is_valid() and not status_errors:
            try:
                screening = services.screening_create(
                    actor=request.user,
                    whanau_id=whanau.pk,
                    answers=form.service_answers(disease),  # type: ignore[attr-defined]
                    person_ids=sorted(present),
                    request=request,
                )
            except PracticeError as error:
                _apply_errors(form, error)
                if "people_present" in error.errors:
                    context["present_error"] = error.errors["people_present"][0]
            else:
                return redirect("advisories:screening", screening.pk)
        people = immunisation.people_of(request.user, whanau, disease)
    context.update(
        {
            "disease": disease,
            "form": form,
            "symptom_fields": form.symptom_fields(disease),  # type: ignore[attr-defined]
            "vulnerable_fields": form.vulnerable_fields(disease),  # type: ignore[attr-defined]
            "people": [
                {
                    "row": row,
                    "error": status_errors.get(row.person.pk, ""),
                    "present": row.person.pk in present,
                    "posted_status": request.POST.get(f"status-{row.person.pk}"),
                    "posted_evidence": request.POST.get(f"evidence-{row.person.pk}"),
                    "posted_source": request.POST.get(f"source-{row.person.pk}"),
                }
                for row in people
            ],
            "statuses": immunisation.STATUS_CHOICES,
            "evidence_choices": immunisation.EVIDENCE_CHOICES,
        }
    )
    return render(request, "advisories/screen.html", context)


@login_required
def screening_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    screening = (
        services.screenings_for_user(request.user)
        .select_related("whanau", "advisory", "rule_table", "practitioner", "contact")
        .prefetch_related("people_present")
        .filter(pk=pk)
        .first()
    )
    if screening is None:
        raise Http404
    record_event(
        actor=request.user,
        action=Action.VIEW,
        target=screening,
        whanau_id=screening.whanau_id,
        summary="Viewed a screening",
        request=request,
    )
    form = OutcomeForm(request.POST or None, initial={"outcome": screening.outcome})
    if request.method == "POST" and form.is_valid():
        services.screening_record_outcome(
            actor=request.user,
            screening_id=screening.pk,
            outcome=form.cleaned_data["outcome"],
            request=request,
        )
        messages.success(request, _("Outcome saved."))
        return redirect("advisories:screening", screening.pk)
    mode = rules.SUGGESTED_MODE[screening.recommended_mode] or screening.planned_mode
    record_url = ""
    if screening.contact_id is None and screening.recommended_mode != rules.POSTPONE:
        record_url = (
            reverse("contacts:create", args=[screening.whanau_id])
            + "?"
            + urlencode({"screening": screening.pk, "mode": mode})
        )
    rows = rules.describe(screening.rule_table.rows)
    return render(
        request,
        "advisories/screening.html",
        {
            "screening": screening,
            "whanau": screening.whanau,
            "row": rows[screening.rule_row] if screening.rule_row < len(rows) else None,
            "record_url": record_url,
            "record_phone_url": (
                reverse("contacts:create", args=[screening.whanau_id])
                + "?"
                + urlencode({"screening": screening.pk, "mode": "phone"})
            ),
            "form": form,
            "can_edit": screening.practitioner_id == request.user.pk,
            "questions": screening.question_answers(),
            "disease": diseases.for_condition(screening.disease),
        },
    )


def _report_scope(request: AuthedRequest) -> Any:
    if request.user.role == Role.ADMIN:
        return Team.objects.order_by("name")
    if request.user.role == Role.SUPERVISOR:
        return request.user.teams.order_by("name")
    raise Http404


@login_required
def report_view(request: AuthedRequest) -> HttpResponse:
    teams = _report_scope(request)
    form = PeriodForm(request.GET or None, teams=teams)
    data = form.cleaned_data if form.is_valid() else {}
    whanau = access.whanau_for_user(request.user)
    if request.user.role == Role.ADMIN:
        from hononga.whanau.models import Whanau

        whanau = Whanau.objects.all()
    whanau = whanau.filter(team__in=teams)
    if data.get("team"):
        whanau = whanau.filter(team=data["team"])
    rows = report.build(
        Advisory.objects.filter(archived_at__isnull=True),
        whanau,
        data.get("start"),
        data.get("end"),
    )
    show_names = request.user.role != Role.ADMIN
    if request.GET.get("format") == "csv":
        record_event(
            actor=request.user,
            action=Action.EXPORT,
            summary="Exported the practice advisory report",
            data={"team": getattr(data.get("team"), "pk", None)},
            request=request,
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="advisory-report.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [
                _("Advisory"),
                _("Recommended"),
                _("Actual mode"),
                _("Contacts"),
                _("Overrides"),
                _("In person against recommendation"),
                _("Unknown immunisation"),
            ]
        )
        for row in rows:
            writer.writerow(
                [
                    spreadsheet_safe(row.advisory.title),
                    "",
                    "",
                    row.adapted,
                    row.overrides,
                    row.against_recommendation,
                    row.unknown_count,
                ]
            )
            for rec, actual, n in row.by_mode:
                writer.writerow(
                    [
                        spreadsheet_safe(row.advisory.title),
                        spreadsheet_safe(rec),
                        spreadsheet_safe(actual),
                        n,
                        "",
                        "",
                        "",
                    ]
                )
        return response
    record_event(
        actor=request.user,
        action=Action.LIST,
        summary="Viewed the practice advisory report",
        request=request,
    )
    return render(
        request,
        "advisories/report.html",
        {"form": form, "rows": rows, "show_names": show_names, "query": request.GET.urlencode()},
    )


# --- Immunisation status per disease, from the person page ------------------------------------


@login_required
def immunisation_edit(request: AuthedRequest, person_pk: int, disease: str) -> HttpResponse:
    person = access.get_person_for_user(request.user, person_pk)
    if disease not in RecordedDisease.values or not access.can_edit_person(request.user, person):
        raise Http404
    record = Immunisation.objects.filter(person=person, disease=disease).first()
    initial = {
        "status": record.status if record else "unknown",
        "evidence": record.evidence if record else "",
        "source": record.source if record else "",
        "as_at": record.as_at if record else None,
        "version": record.version if record else None,
    }
    form = ImmunisationForm(request.POST or None, initial=initial)
    conflict = None
    if request.method != "POST":
        record_event(
            actor=request.user,
            action=Action.VIEW,
            target=person,
            summary=f"Opened the {disease} immunisation status of {person.full_name}",
            request=request,
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            immunisation.immunisation_record(
                actor=request.user,
                person_id=person.pk,
                disease=disease,
                status=data["status"],
                evidence=data["evidence"],
                source=data["source"],
                as_at=data["as_at"],
                expected_version=data["version"],
                request=request,
            )
        except ConflictError as error:
            conflict = error
            form.add_error(None, error.message)
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Immunisation status saved."))
            return redirect("whanau:person", person.pk)
    return render(
        request,
        "advisories/immunisation_form.html",
        {
            "form": form,
            "person": person,
            "disease": diseases.DISEASES[disease],
            "consent_ok": immunisation.consent_ok(person),
            "conflict": conflict,
            "version": conflict.current_version if conflict else initial["version"],
        },
    )
