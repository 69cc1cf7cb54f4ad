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

from . import immunisation, report, rules, selectors, services
from .forms import AdvisoryForm, OutcomeForm, PeriodForm, ScreeningForm
from .models import Advisory, RuleTable

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
    page = Paginator(
        Advisory.objects.prefetch_related("regions").select_related("rule_table"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
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
    return render(
        request,
        "advisories/detail.html",
        {
            "advisory": advisory,
            "rows": rules.describe(advisory.rule_table.rows),
            "today": selectors.today(),
        },
    )


@role_required(Role.ADMIN)
def advisory_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    advisory = _get_advisory(pk)
    initial = {
        "title": advisory.title,
        "condition": advisory.condition,
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
    tables = [
        {"table": t, "rows": rules.describe(t.rows)} for t in RuleTable.objects.order_by("-version")
    ]
    if not tables:
        table = selectors.current_rule_table()
        tables = [{"table": table, "rows": rules.describe(table.rows)}]
    return render(request, "advisories/rules.html", {"tables": tables})


@login_required
def screen(request: AuthedRequest, whanau_pk: int) -> HttpResponse:
    whanau = access.get_whanau_for_user(request.user, whanau_pk)
    if not access.can_edit_whanau(request.user, whanau):
        raise Http404
    advisory = selectors.active_for_whanau(whanau)
    people = immunisation.people_of(request.user, whanau)
    initial = {"planned_mode": request.GET.get("mode") or "home_visit"}
    form = ScreeningForm(request.POST or None, initial=initial)
    status_errors: dict[int, str] = {}
    if request.method == "POST" and advisory is not None:
        status_errors = immunisation.apply_from_post(request, whanau, people)
        if form.is_valid() and not status_errors:
            try:
                screening = services.screening_create(
                    actor=request.user,
                    whanau_id=whanau.pk,
                    answers=form.cleaned_data,
                    person_ids=[int(p) for p in request.POST.getlist("present") if p.isdigit()],
                    request=request,
                )
            except PracticeError as error:
                _apply_errors(form, error)
            else:
                return redirect("advisories:screening", screening.pk)
        people = immunisation.people_of(request.user, whanau)
    present = {int(p) for p in request.POST.getlist("present") if p.isdigit()}
    return render(
        request,
        "advisories/screen.html",
        {
            "whanau": whanau,
            "advisory": advisory,
            "form": form,
            "people": [
                {
                    **row,
                    "error": status_errors.get(row["person"].pk, ""),
                    "present": row["person"].pk in present,
                }
                for row in people
            ],
            "statuses": immunisation.STATUS_CHOICES,
        },
    )


@login_required
def screening_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    screening = (
        services.screenings_for_user(request.user)
        .select_related("whanau", "advisory", "rule_table", "practitioner", "contact")
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
                    len(row.unknown_people),
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
