"""Pages for contacts: recording, lists, the contact page, reflection and supervision.

Thin: parse input, call a service or selector, render. Outsiders get 404 everywhere.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hononga.accounts.models import Role, User
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.contacts import hooks, selectors, services
from hononga.contacts.forms import (
    DATETIME_FORMAT,
    ArchiveForm,
    ContactFilterForm,
    ContactForm,
    PeriodForm,
)
from hononga.contacts.models import (
    QUADRANT_DESCRIPTIONS,
    QUADRANT_ORDER,
    QUADRANT_PROMPTS,
    Mode,
    Quadrant,
    quadrant,
)
from hononga.core.drafts import clear_after_save, draft_key
from hononga.core.errors import ConflictError, PracticeError
from hononga.core.request import AuthedRequest
from hononga.relationships import access as relationship_access
from hononga.relationships.models import Relationship
from hononga.whanau import access

PAGE_SIZE = 25
# The same colours as static/css/contacts.css (.quadrant--with …), for the charts.
QUADRANT_COLOURS = {
    Quadrant.WITH: "#1f6f4a",
    Quadrant.TO: "#a3342b",
    Quadrant.FOR: "#8a5300",
    Quadrant.NOT: "#4f5955",
}


def _writer_or_404(request: AuthedRequest) -> None:
    if request.user.role not in access.CASE_WRITER_ROLES:
        raise Http404


def _apply_errors(form: Any, error: PracticeError) -> None:
    """Put a service's errors beside the form's fields (or above the form)."""
    placed = False
    for field, messages_ in error.errors.items():
        # A hidden field (screening) has nowhere to show a message: above the form. urgent_reason
        # is shown by the advisories panel (id_urgent_reason), which the error summary links to.
        visible = field in form.fields and not form.fields[field].widget.is_hidden
        target = field if visible else None
        for message in messages_:
            form.add_error(target, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def _int_or_none(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def quadrant_context(support: Any, control: Any) -> dict[str, Any]:
    try:
        found = quadrant(int(support), int(control))
    except (TypeError, ValueError):
        return {"quadrant": None}
    return {
        "quadrant": found.value,
        "quadrant_label": found.label,
        "quadrant_description": QUADRANT_DESCRIPTIONS[found],
        "quadrant_prompt": QUADRANT_PROMPTS[found],
    }


# --- Recording ----------------------------------------------------------------


@login_required
def choose_whanau_view(request: AuthedRequest) -> HttpResponse:
    """ "Record a contact": pick the whānau first (skipped when there is only one)."""
    _writer_or_404(request)
    whanau = list(selectors.writable_whanau_for(request.user))
    chosen = _int_or_none(request.GET.get("whanau"))
    if chosen is not None and any(w.pk == chosen for w in whanau):
        return redirect("contacts:create", whanau_pk=chosen)
    if len(whanau) == 1:
        return redirect("contacts:create", whanau_pk=whanau[0].pk)
    return render(request, "contacts/choose.html", {"whanau_list": whanau})


def _form_querysets(whanau: Any) -> dict[str, Any]:
    return {
        "members": selectors.whanau_members(whanau),
        "relationships": Relationship.objects.filter(
            whanau=whanau, archived_at__isnull=True, ended__isnull=True
        ).select_related("person_a", "person_b"),
    }


@login_required
def contact_create_view(request: AuthedRequest, whanau_pk: int) -> HttpResponse:
    _writer_or_404(request)
    whanau = access.get_whanau_for_user(request.user, whanau_pk)
    if not access.can_edit_whanau(request.user, whanau) or whanau.archived_at is not None:
        raise Http404
    querysets = _form_querysets(whanau)
    if request.method == "POST":
        form = ContactForm(request.POST, **querysets)
        if form.is_valid():
            try:
                contact = services.contact_create(
                    actor=request.user,
                    whanau_id=whanau.pk,
                    fields=form.service_fields(),
                    participant_ids=form.participant_ids(),
                    relationship_ids=form.relationship_ids(),
                    screening_id=form.cleaned_data.get("screening"),
                    urgent_reason=form.cleaned_data.get("urgent_reason") or "",
                    request=request,
                )
            except PracticeError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Contact recorded."))
                clear_after_save(request, draft_key(request.user, "contact", whanau.pk, "new"))
                return redirect("contacts:detail", pk=contact.pk)
    else:
        mode = request.GET.get("mode", "")
        screening_id = _int_or_none(request.GET.get("screening"))
        # Who took part starts empty; from a screening, exactly the people it listed (and the
        # form says so). Nothing is ticked silently from an earlier contact.
        screened = (
            hooks.screened_people(actor=request.user, whanau=whanau, screening_id=screening_id)
            if screening_id
            else None
        )
        form = ContactForm(
            initial={
                "occurred_at": timezone.localtime().strftime(DATETIME_FORMAT),
                "mode": mode if mode in Mode.values else selectors.last_mode(request.user),
                "participants": screened or [],
                "screening": screening_id,
            },
            **querysets,
        )

    posted_screening = _int_or_none((request.POST or request.GET).get("screening"))
    if posted_screening and hooks.screened_people(
        actor=request.user, whanau=whanau, screening_id=posted_screening
    ):
        form.fields["participants"].help_text = _(
            "Ticked to begin with: the people the screening listed. Under the advisory an "
            "in-person contact records only people the screening listed."
        )
    return render(
        request,
        "contacts/form.html",
        {
            "form": form,
            "whanau": whanau,
            "draft_key": draft_key(request.user, "contact", whanau.pk, "new"),
            "restore_draft": request.method != "POST",
            **quadrant_context(form["support"].value(), form["control"].value()),
        },
    )


@login_required
@require_GET
def quadrant_view(request: AuthedRequest) -> HttpResponse:
    """The live quadrant beside the two ratings (HTMX partial)."""
    return render(
        request,
        "contacts/_quadrant.html",
        quadrant_context(request.GET.get("support"), request.GET.get("control")),
    )


@login_required
def contact_detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    contact = selectors.get_contact_for_user(request.user, pk)
    record_event(
        actor=request.user,
        action=Action.VIEW,
        target=contact,
        whanau_id=contact.whanau_id,
        summary=f"Viewed a contact with {contact.whanau.name}",
        request=request,
    )
    history = contact.history.select_related("history_user").order_by("-history_date")[:20]
    return render(
        request,
        "contacts/detail.html",
        {
            "contact": contact,
            "whanau": contact.whanau,
            "history": history,
            "can_change": services.can_change_contact(request.user, contact),
            "can_archive": services.can_archive_contact(request.user, contact),
            "colour_class": f"quadrant--{contact.quadrant}",
        },
    )


@login_required
def contact_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    contact = selectors.get_contact_for_user(request.user, pk)
    if not services.can_change_contact(request.user, contact):
        raise Http404
    whanau = contact.whanau
    querysets = _form_querysets(whanau)
    conflict: ConflictError | None = None
    version = contact.version
    if request.method == "POST":
        form = ContactForm(request.POST, **querysets)
        version = _int_or_none(request.POST.get("version")) or contact.version
        if form.is_valid():
            try:
                services.contact_update(
                    actor=request.user,
                    contact_id=contact.pk,
                    expected_version=version,
                    changes=form.service_fields(),
                    participant_ids=form.participant_ids(),
                    relationship_ids=form.relationship_ids()
                    if "relationships" in form.fields
                    else None,
                    screening_id=form.cleaned_data.get("screening"),
                    urgent_reason=form.cleaned_data.get("urgent_reason") or "",
                    request=request,
                )
            except ConflictError as error:
                conflict = error
                form.add_error(None, error.message)
            except PracticeError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Contact changed."))
                clear_after_save(request, draft_key(request.user, "contact", whanau.pk, contact.pk))
                return redirect("contacts:detail", pk=contact.pk)
    else:
        form = ContactForm(initial=ContactForm.initial_for(contact), **querysets)
    return render(
        request,
        "contacts/form.html",
        {
            "form": form,
            "whanau": whanau,
            "contact": contact,
            "version": version,
            "conflict": conflict,
            "conflict_rows": _conflict_rows(form, conflict) if conflict else [],
            "draft_key": draft_key(request.user, "contact", whanau.pk, contact.pk),
            "restore_draft": request.method != "POST" and conflict is None,
            **quadrant_context(form["support"].value(), form["control"].value()),
        },
    )


def _conflict_rows(form: ContactForm, conflict: ConflictError) -> list[dict[str, Any]]:
    rows = []
    for name in (
        "occurred_at",
        "mode",
        "purpose",
        "note",
        "own_words",
        "decisions_with",
        "support",
        "control",
    ):
        rows.append(
            {
                "label": form.fields[name].label,
                "yours": form.data.get(name, ""),
                "theirs": conflict.current.get(name, ""),
            }
        )
    return rows


@login_required
def contact_archive_view(request: AuthedRequest, pk: int) -> HttpResponse:
    contact = selectors.get_contact_for_user(request.user, pk)
    if not services.can_archive_contact(request.user, contact):
        raise Http404
    form = ArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_archive(
                actor=request.user,
                contact_id=contact.pk,
                expected_version=_int_or_none(request.POST.get("version")) or contact.version,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Contact archived."))
            return redirect("contacts:detail", pk=contact.pk)
    return render(
        request,
        "contacts/archive.html",
        {"form": form, "contact": contact, "whanau": contact.whanau},
    )


# --- Lists ----------------------------------------------------------------


@login_required
def contact_list_view(request: AuthedRequest) -> HttpResponse:
    if (
        request.user.role not in selectors.STAFF_ROLES
        and not selectors.contacts_for_user(request.user).exists()
    ):
        raise Http404
    visible_whanau = access.whanau_for_user(request.user).filter(archived_at__isnull=True)
    chosen_whanau = _int_or_none(request.GET.get("whanau"))
    people = access.people_for_user(request.user).order_by("search_key", "id")
    if chosen_whanau:
        people = people.filter(
            memberships__whanau_id=chosen_whanau, memberships__archived_at__isnull=True
        )
    # The filters' choices need names only (up to 500 people for a supervisor): not whole rows.
    form = ContactFilterForm(
        request.GET or None,
        whanau=visible_whanau.order_by("search_key").only("pk", "name"),
        people=people.only("pk", "preferred_name", "other_names")[:500],
        practitioners=selectors.practitioners_visible_to(request.user).only(
            "pk", "preferred_name", "first_name", "last_name", "username"
        ),
    )
    filters = selectors.ContactFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.ContactFilters(
            whanau=data.get("whanau"),
            person=data.get("person"),
            practitioner=data.get("practitioner"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            mode=data.get("mode") or "",
            quadrant=data.get("quadrant") or "",
        )
    # From a relationship's page: not a form control (a whānau can have many relationships).
    filters.relationship = _int_or_none(request.GET.get("relationship"))
    relationship = (
        relationship_access.relationships_for_user(request.user)
        .select_related("person_a", "person_b")
        .filter(pk=filters.relationship)
        .first()
        if filters.relationship
        else None
    )
    contacts = selectors.contact_list(user=request.user, filters=filters)
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    record_event(
        actor=request.user,
        action=Action.LIST,
        whanau_id=filters.whanau,
        summary="Listed contacts",
        data={k: str(v) for k, v in vars(filters).items() if v},
        request=request,
    )
    query = request.GET.copy()
    query.pop("page", None)
    encoded = query.urlencode()
    return render(
        request,
        "contacts/list.html",
        {
            "form": form,
            "page_obj": page,
            "filtered": any(v for v in vars(filters).values()),
            "relationship": relationship,
            "querystring_without_page": f"{encoded}&" if encoded else "",
            "can_record": request.user.role in access.CASE_WRITER_ROLES,
        },
    )


# --- Reflection ----------------------------------------------------------------


def _chart_configs(result: selectors.Reflection, chart_id: str) -> dict[str, Any]:
    labels = [date_format(row.month, "M Y") for row in result.months]
    mix = {
        "type": "bar",
        "data": {
            "labels": labels,
            "datasets": [
                {
                    "label": str(q.label),
                    "data": [row.counts[q.value] for row in result.months],
                    "backgroundColor": QUADRANT_COLOURS[q],
                    "stack": "mix",
                }
                for q in QUADRANT_ORDER
            ],
        },
        "options": {
            "scales": {
                "x": {"stacked": True},
                "y": {
                    "stacked": True,
                    "beginAtZero": True,
                    "title": {"display": True, "text": _("Contacts")},
                    "ticks": {"precision": 0},
                },
            },
            "plugins": {"legend": {"position": "bottom"}},
        },
    }
    checkins = {
        "type": "line",
        "data": {
            "labels": labels,
            "datasets": [
                {
                    "label": _("Whānau check-in score (their own answers)"),
                    "data": [
                        float(row.checkin_mean) if row.checkin_mean is not None else None
                        for row in result.months
                    ],
                    "borderColor": "#1d4f7a",
                    "backgroundColor": "#1d4f7a",
                    "spanGaps": True,
                }
            ],
        },
        "options": {
            "scales": {
                "y": {"min": 0, "max": 10, "title": {"display": True, "text": _("Score (0–10)")}}
            },
            "plugins": {
                "legend": {"position": "bottom"},
                "hononga": {"lines": [{"y": 8, "label": _("low below 8.0")}]},
            },
        },
    }
    return {
        "mix_config": mix,
        "mix_chart_id": f"{chart_id}-mix",
        "checkin_config": checkins,
        "checkin_chart_id": f"{chart_id}-checkins",
    }


def _reflection_context(
    request: AuthedRequest, practitioners: Any, chart_id: str
) -> dict[str, Any]:
    default = selectors.default_period()
    period_form = PeriodForm(
        request.GET or None, initial={"start": default.start, "end": default.end}
    )
    period = period_form.period()
    result = selectors.reflection(practitioners=practitioners, period=period)
    return {
        "period_form": period_form,
        "reflection": result,
        "quadrants": [
            {"key": q.value, "label": q.label, "description": QUADRANT_DESCRIPTIONS[q]}
            for q in QUADRANT_ORDER
        ],
        **_chart_configs(result, chart_id),
    }


@login_required
def reflection_index_view(request: AuthedRequest) -> HttpResponse:
    if request.user.role not in selectors.STAFF_ROLES:
        raise Http404
    return redirect("contacts:reflection:practitioner", pk=request.user.pk)


@login_required
def practitioner_reflection_view(request: AuthedRequest, pk: int) -> HttpResponse:
    practitioner = get_object_or_404(User, pk=pk)
    if not selectors.can_see_practitioner_reflection(request.user, practitioner):
        raise Http404
    context = _reflection_context(
        request, User.objects.filter(pk=practitioner.pk), f"reflection-user-{practitioner.pk}"
    )
    return render(
        request,
        "contacts/reflection.html",
        {
            **context,
            "subject": practitioner.display_name,
            "is_own": practitioner.pk == request.user.pk,
            "practitioner": practitioner,
            "teams": selectors.teams_for(request.user),
        },
    )


@login_required
def team_reflection_view(request: AuthedRequest, pk: int) -> HttpResponse:
    team = selectors.teams_for(request.user).filter(pk=pk).first()
    if team is None:
        raise Http404
    context = _reflection_context(
        request, selectors.team_practitioners(team), f"reflection-team-{team.pk}"
    )
    return render(
        request,
        "contacts/reflection.html",
        {
            **context,
            "subject": team.name,
            "team": team,
            "teams": selectors.teams_for(request.user),
        },
    )


# --- Supervision ----------------------------------------------------------------


@login_required
def supervision_index_view(request: AuthedRequest) -> HttpResponse:
    if request.user.role != Role.SUPERVISOR:
        raise Http404
    return render(
        request,
        "contacts/supervision_index.html",
        {"practitioners": selectors.supervised_practitioners(request.user)},
    )


@login_required
def supervision_view(request: AuthedRequest, pk: int) -> HttpResponse:
    if request.user.role != Role.SUPERVISOR:
        raise Http404
    practitioner = get_object_or_404(User, pk=pk)
    if not selectors.is_supervisor_of(request.user, practitioner):
        raise Http404
    context = _reflection_context(
        request, User.objects.filter(pk=practitioner.pk), f"supervision-{practitioner.pk}"
    )
    recent = list(
        selectors.practitioner_recent_contacts(viewer=request.user, practitioner=practitioner)
    )
    record_event(
        actor=request.user,
        action=Action.LIST,
        summary=f"Supervision view of {practitioner.display_name}",
        data={"practitioner": practitioner.pk, "contacts": [c.pk for c in recent]},
        request=request,
    )
    return render(
        request,
        "contacts/supervision.html",
        {**context, "practitioner": practitioner, "recent": recent},
    )
