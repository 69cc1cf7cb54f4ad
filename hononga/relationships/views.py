"""Pages for relationships: the ecomap (with HTMX editing), the list, the form, the relationship
page with its history, and recording consent.

Thin: parse input, call a service or selector, render. Outsiders get 404 everywhere; people who
can see a whānau but not change it (supervisors of other teams never see it; administrators only
by break glass) get 403 on the forms.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.errors import ConflictError, PracticeError
from hononga.core.request import AuthedRequest
from hononga.relationships import access, drawing, selectors, services
from hononga.relationships.forms import (
    ConsentForm,
    EndForm,
    RelationshipEditForm,
    RelationshipForm,
)
from hononga.relationships.models import Relationship
from hononga.whanau import access as whanau_access
from hononga.whanau.models import Whanau

PAGE_SIZE = 50


def _is_htmx(request: AuthedRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _int_or_none(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _apply_errors(form: Any, error: PracticeError) -> None:
    """Put a service's errors beside the form's fields (or above the form)."""
    placed = False
    for field, messages_ in error.errors.items():
        target = field if field in form.fields else None
        for message in messages_:
            form.add_error(target, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def _writable_whanau(request: AuthedRequest, whanau_pk: int) -> Whanau:
    whanau = whanau_access.get_whanau_for_user(request.user, whanau_pk)
    if not services.can_write(request.user, whanau):
        raise PermissionDenied(_("You can see this whānau's map but not change it."))
    return whanau


def _writable_relationship(request: AuthedRequest, pk: int) -> Relationship:
    relationship = access.get_relationship_for_user(request.user, pk)
    if relationship.archived_at is not None or not services.can_write(
        request.user, relationship.whanau
    ):
        raise PermissionDenied(_("You can see this relationship but not change it."))
    return relationship


# --- The ecomap -----------------------------------------------------------------------------------


def _map_options(request: AuthedRequest) -> tuple[int | None, bool]:
    source = request.POST if request.method == "POST" else request.GET
    return _int_or_none(source.get("centre")), source.get("ended") == "1"


def _map_context(
    request: AuthedRequest, whanau: Whanau, centre_id: int | None, include_ended: bool
) -> dict[str, Any]:
    ecomap = selectors.whanau_map(whanau=whanau, centre_id=centre_id, include_ended=include_ended)
    drawn = drawing.draw(ecomap)
    return {
        "whanau": whanau,
        "ecomap": ecomap,
        "drawing": drawn,
        "description": drawing.describe(drawn),
        "centre_id": ecomap.centre_id,
        "include_ended": include_ended,
        "can_write": services.can_write(request.user, whanau),
    }


def _editor_context(
    request: AuthedRequest,
    whanau: Whanau,
    *,
    form: Any = None,
    relationship: Relationship | None = None,
    conflict: ConflictError | None = None,
) -> dict[str, Any]:
    if form is None:
        form = RelationshipForm(
            candidates=selectors.relationship_candidates(whanau=whanau, actor=request.user)
        )
    centre_id, include_ended = _map_options(request)
    return {
        "form": form,
        "whanau": whanau,
        "relationship": relationship,
        "conflict": conflict,
        "centre_id": centre_id,
        "include_ended": include_ended,
    }


@login_required
def map_view(request: AuthedRequest, whanau_pk: int) -> HttpResponse:
    whanau = whanau_access.get_whanau_for_user(request.user, whanau_pk)
    centre_id, include_ended = _map_options(request)
    context = _map_context(request, whanau, centre_id, include_ended)
    record_event(
        actor=request.user,
        action=Action.VIEW,
        target=whanau,
        whanau_id=whanau.pk,
        summary=f"Viewed the relationship map of {whanau.name}",
        request=request,
    )
    if context["can_write"]:
        context.update(
            {
                "editor": _editor_context(request, whanau),
            }
        )
    return render(request, "relationships/map.html", context)


def _map_answer(request: AuthedRequest, whanau: Whanau, note: str) -> HttpResponse:
    """After a change from the map: a fresh editor, and the map redrawn (out of band)."""
    centre_id, include_ended = _map_options(request)
    context = {
        "editor": _editor_context(request, whanau),
        **_map_context(request, whanau, centre_id, include_ended),
        "oob": True,
        "note": note,
    }
    return render(request, "relationships/_map_answer.html", context)


# --- Relationships: list, create, page, edit, end -------------------------------------------------


@login_required
def list_view(request: AuthedRequest, whanau_pk: int) -> HttpResponse:
    whanau = whanau_access.get_whanau_for_user(request.user, whanau_pk)
    include_ended = request.GET.get("ended") == "1"
    relationships = selectors.relationship_list(
        user=request.user, whanau_id=whanau.pk, include_ended=include_ended
    ).order_by("ended", "person_a__search_key", "person_b__search_key", "id")
    page = Paginator(relationships, PAGE_SIZE).get_page(request.GET.get("page"))
    record_event(
        actor=request.user,
        action=Action.LIST,
        whanau_id=whanau.pk,
        summary=f"Listed the relationships of {whanau.name}",
        request=request,
    )
    return render(
        request,
        "relationships/list.html",
        {
            "whanau": whanau,
            "page_obj": page,
            "include_ended": include_ended,
            "can_write": services.can_write(request.user, whanau),
        },
    )


@login_required
def create_view(request: AuthedRequest, whanau_pk: int) -> HttpResponse:
    whanau = _writable_whanau(request, whanau_pk)
    candidates = selectors.relationship_candidates(whanau=whanau, actor=request.user)
    htmx = _is_htmx(request)
    if request.method == "POST":
        form = RelationshipForm(request.POST, candidates=candidates)
        if form.is_valid():
            try:
                relationship = services.relationship_create(
                    actor=request.user,
                    whanau_id=whanau.pk,
                    person_a=form.cleaned_data["person_a"],
                    person_b=form.cleaned_data["person_b"],
                    fields=form.service_fields(),
                    request=request,
                )
            except PracticeError as error:
                _apply_errors(form, error)
            else:
                note = _("Relationship added: %(who)s.") % {
                    "who": f"{relationship.person_a.preferred_name} — "
                    f"{relationship.person_b.preferred_name}"
                }
                if htmx:
                    return _map_answer(request, whanau, note)
                messages.success(request, note)
                return redirect(_back(request, reverse("relationships:map", args=[whanau.pk])))
    else:
        initial = {}
        for name in ("person_a", "person_b"):
            if request.GET.get(name):
                initial[name] = request.GET[name][:30]
        form = RelationshipForm(initial=initial, candidates=candidates)
    if htmx:
        return render(
            request,
            "relationships/_editor.html",
            {"editor": _editor_context(request, whanau, form=form)},
        )
    return render(request, "relationships/form.html", {"form": form, "whanau": whanau})


def _back(request: AuthedRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
def detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    relationship = access.get_relationship_for_user(request.user, pk)
    record_event(
        actor=request.user,
        action=Action.VIEW,
        target=relationship,
        whanau_id=relationship.whanau_id,
        summary=f"Viewed the relationship of {relationship.person_a.full_name} and "
        f"{relationship.person_b.full_name}",
        request=request,
    )
    return render(
        request,
        "relationships/detail.html",
        {
            "relationship": relationship,
            "whanau": relationship.whanau,
            "history": history_rows(relationship),
            "checkin": selectors.latest_checkin(relationship),
            "support_sentence": selectors.support_sentence(relationship),
            "can_write": relationship.archived_at is None
            and services.can_write(request.user, relationship.whanau),
        },
    )


HISTORY_FIELDS = ("kind", "strength", "stress", "support", "started", "ended", "notes")


def history_rows(relationship: Relationship, limit: int = 50) -> list[dict[str, Any]]:
    """Each saved version, newest first: who, when, and what changed from the version before."""
    versions = list(
        relationship.history.select_related("history_user").order_by("-history_date", "-pk")[
            : limit + 1
        ]
    )
    rows = []
    for index, version in enumerate(versions[:limit]):
        before = versions[index + 1] if index + 1 < len(versions) else None
        changes = []
        if before is not None:
            for name in HISTORY_FIELDS:
                old, new = getattr(before, name), getattr(version, name)
                if old != new:
                    field = Relationship._meta.get_field(name)
                    changes.append(
                        {
                            "label": getattr(field, "verbose_name", name),
                            "old": _display(field, old),
                            "new": _display(field, new),
                        }
                    )
        rows.append(
            {
                "version": version.version,
                "when": version.history_date,
                "who": version.history_user.display_name if version.history_user else "",
                "created": version.history_type == "+",
                "reason": version.history_change_reason or "",
                "changes": changes,
            }
        )
    return rows


def _display(field: Any, value: Any) -> str:
    if value in (None, ""):
        return "—"
    choices = dict(field.choices or [])
    return str(choices.get(value, value))


@login_required
def edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    relationship = _writable_relationship(request, pk)
    whanau = relationship.whanau
    htmx = _is_htmx(request)
    conflict: ConflictError | None = None
    version = relationship.version
    if request.method == "POST":
        form = RelationshipEditForm(request.POST)
        version = _int_or_none(request.POST.get("version")) or relationship.version
        if form.is_valid():
            try:
                services.relationship_update(
                    actor=request.user,
                    relationship_id=relationship.pk,
                    expected_version=version,
                    changes=form.service_fields(),
                    request=request,
                )
            except ConflictError as error:
                conflict = error
                form.add_error(None, error.message)
            except PracticeError as error:
                _apply_errors(form, error)
            else:
                note = _("Relationship changed.")
                if htmx:
                    return _map_answer(request, whanau, note)
                messages.success(request, note)
                return redirect(
                    _back(request, reverse("relationships:detail", args=[relationship.pk]))
                )
    else:
        form = RelationshipEditForm(initial=RelationshipEditForm.initial_for(relationship))
    if htmx:
        editor = _editor_context(
            request, whanau, form=form, relationship=relationship, conflict=conflict
        )
        editor["version"] = conflict.current_version if conflict else version
        return render(request, "relationships/_editor.html", {"editor": editor})
    return render(
        request,
        "relationships/form.html",
        {
            "form": form,
            "whanau": whanau,
            "relationship": relationship,
            "conflict": conflict,
            "version": conflict.current_version if conflict else version,
        },
    )


@login_required
def end_view(request: AuthedRequest, pk: int) -> HttpResponse:
    relationship = _writable_relationship(request, pk)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.relationship_end(
                actor=request.user,
                relationship_id=relationship.pk,
                expected_version=_int_or_none(request.POST.get("version")) or relationship.version,
                ended=form.cleaned_data["ended"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Relationship ended. It stays in the history."))
            return redirect("relationships:detail", pk=relationship.pk)
    return render(
        request,
        "relationships/end.html",
        {"form": form, "relationship": relationship, "whanau": relationship.whanau},
    )


# --- Consent --------------------------------------------------------------------------------------


@login_required
def consent_view(request: AuthedRequest, person_pk: int) -> HttpResponse:
    person = whanau_access.get_person_for_user(request.user, person_pk)
    if not services.can_record_consent(request.user, person):
        raise PermissionDenied(_("You can see this person but not record their consent."))
    form = ConsentForm(request.POST or None, initial={"purpose": request.GET.get("purpose", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(
                actor=request.user,
                person_id=person.pk,
                purpose=form.cleaned_data["purpose"],
                status=form.cleaned_data["status"],
                day=form.cleaned_data["date"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect(f"{reverse('whanau:person', args=[person.pk])}#consent")
    return render(
        request,
        "relationships/consent.html",
        {
            "form": form,
            "person": person,
            "summary": selectors.consent_summary(person),
            "history": selectors.consent_history(person)[:50],
        },
    )
