"""Pages for whānau and people. Thin: parse input, call a service or selector, render.

Outsiders get 404 (whether or not the record exists). People who can see a record but may not
change it (an administrator or anyone reading through break glass, a practitioner on
allocations) get 403 on the change pages.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hononga.accounts.models import Role, Team, User
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.errors import ConflictError, PracticeError
from hononga.core.models import Region
from hononga.core.request import AuthedRequest
from hononga.whanau import access, selectors, services
from hononga.whanau.forms import (
    ID_MAX,
    PERSON_FORM_FIELDS,
    AllocationEndForm,
    AllocationForm,
    ArchiveForm,
    BreakGlassForm,
    MembershipAddForm,
    MembershipForm,
    PeopleFilterForm,
    PersonCreateForm,
    PersonForm,
    WhanauFilterForm,
    WhanauForm,
)
from hononga.whanau.models import Allocation, Membership, Person, Whanau

PAGE_SIZE = 25


# --- Helpers ---------------------------------------------------------------------------------


def _int_or_none(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= ID_MAX else None


def _apply_errors(form: Any, error: PracticeError) -> None:
    """Put a service's errors beside the form's fields (or above the form)."""
    placed = False
    for name, field_messages in error.errors.items():
        target = name if name in form.fields and not form.fields[name].widget.is_hidden else None
        for message in field_messages:
            form.add_error(target, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def _querystring_without_page(request: AuthedRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    encoded = query.urlencode()
    return f"{encoded}&" if encoded else ""


def _editable_whanau_or_403(request: AuthedRequest, pk: Any) -> Whanau:
    """The whānau if the user may change it; 404 for outsiders, 403 for read-only viewers."""
    whanau = access.get_whanau_for_user(request.user, pk)
    if not access.can_edit_whanau(request.user, whanau):
        raise PermissionDenied
    if whanau.archived_at is not None:
        raise PermissionDenied
    return whanau


def _conflict_rows(
    form: Any, conflict: ConflictError, fields: list[str], current: dict[str, Any]
) -> list[dict[str, Any]]:
    """Field by field: what this user sent, and what is saved now (shown as the form shows it)."""
    rows = []
    for name in fields:
        field = form.fields[name]
        yours = form.data.get(name, "")
        theirs = current.get(name, "")
        rows.append(
            {
                "label": field.label,
                "yours": _display(field, yours),
                "theirs": _display(field, theirs),
                "differs": str(yours or "") != str(theirs if theirs is not None else ""),
            }
        )
    return rows


def _display(field: Any, value: Any) -> str:
    if value is None or value == "":
        return "—"
    choices = getattr(field, "choices", None)
    if choices is not None:
        for key, label in choices:
            if str(getattr(key, "value", key)) == str(value):
                return str(label)
    return str(value)


def _view_event(request: AuthedRequest, target: Any, whanau_id: int, summary: str) -> None:
    record_event(
        actor=request.user,
        action=Action.VIEW,
        target=target,
        whanau_id=whanau_id,
        summary=summary,
        request=request,
    )


# --- Whānau ------------------------------------------------------------------------------------


@login_required
def whanau_list_view(request: AuthedRequest) -> HttpResponse:
    user = request.user
    access.refuse_practice_lead(user)
    visible = access.whanau_for_user(user)
    teams = Team.objects.filter(pk__in=visible.values("team_id")).order_by("name")
    regions = Region.objects.filter(pk__in=visible.values("region_id")).order_by("name")
    form = WhanauFilterForm(request.GET or None, teams=teams, regions=regions)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "query": data["q"] or "",
            "status": data["status"] or "",
            "team_id": data["team"].pk if data["team"] else None,
            "region_id": data["region"].pk if data["region"] else None,
            "mine": bool(data["mine"]),
        }
    whanau = selectors.whanau_list(user=user, **filters)
    page = Paginator(whanau, PAGE_SIZE).get_page(request.GET.get("page"))
    record_event(
        actor=user,
        action=Action.LIST,
        summary="Listed whānau",
        data={"filters": {k: str(v) for k, v in filters.items() if v}},
        request=request,
    )
    return render(
        request,
        "whanau/list.html",
        {
            "form": form,
            "page_obj": page,
            "filtered": any(filters.values()),
            "querystring_without_page": _querystring_without_page(request),
            "can_create": user.role in access.CASE_WRITER_ROLES and user.teams.exists(),
        },
    )


@login_required
def whanau_create_view(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if user.role not in access.CASE_WRITER_ROLES:
        raise PermissionDenied
    teams = user.teams.order_by("name")
    form = WhanauForm(request.POST or None, teams=teams, initial={"team": teams.first()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            whanau = services.whanau_create(
                actor=user,
                name=data["name"],
                team=data["team"],
                summary=data["summary"],
                status=data["status"],
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Whānau added."))
            return redirect("whanau:detail", pk=whanau.pk)
    return render(request, "whanau/whanau_form.html", {"form": form, "whanau": None})


@login_required
def whanau_detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    # Who may do what here is decided once, with the whānau itself; the panels below ask the
    # same decision (access.whanau_access) rather than each querying it again.
    whanau, rights = access.get_whanau_for_request(request, pk)
    _view_event(request, whanau, whanau.pk, f"Viewed whānau {whanau.name}")
    return render(
        request,
        "whanau/detail.html",
        {
            "whanau": whanau,
            "members": selectors.whanau_members(whanau),
            "allocations": selectors.whanau_allocations(whanau),
            "today": timezone.localdate(),
            "can_edit": rights.can_write,
            "can_allocate": whanau.archived_at is None and rights.can_manage_allocations,
            "glass": selectors.active_break_glass(user=user, whanau=whanau)
            if rights.needs_break_glass
            else None,
            "break_glass": selectors.break_glass_grants(whanau) if rights.supervises else None,
            "history": selectors.whanau_history(whanau),
        },
    )


@login_required
def whanau_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    whanau = _editable_whanau_or_403(request, pk)
    teams = request.user.teams.order_by("name")
    conflict: ConflictError | None = None
    version = whanau.version
    if request.method == "POST":
        form = WhanauForm(request.POST, teams=teams)
        version = _int_or_none(request.POST.get("version")) or whanau.version
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.whanau_update(
                    actor=request.user,
                    whanau_id=whanau.pk,
                    expected_version=version,
                    changes={k: data[k] for k in ("name", "team", "status", "summary")},
                    request=request,
                )
            except ConflictError as error:
                conflict = error
                form.add_error(None, error.message)
            except PracticeError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Whānau changed."))
                return redirect("whanau:detail", pk=whanau.pk)
    else:
        _view_event(request, whanau, whanau.pk, f"Opened whānau {whanau.name} to change it")
        form = WhanauForm(
            teams=teams,
            initial={
                "name": whanau.name,
                "team": whanau.team_id,
                "status": whanau.status,
                "summary": whanau.summary,
            },
        )
    return render(
        request,
        "whanau/whanau_form.html",
        {
            "form": form,
            "whanau": whanau,
            "version": version,
            "conflict": conflict,
            "conflict_rows": _conflict_rows(
                form, conflict, ["name", "team", "status", "summary"], conflict.current
            )
            if conflict
            else [],
        },
    )


@login_required
def whanau_archive_view(request: AuthedRequest, pk: int) -> HttpResponse:
    whanau = _editable_whanau_or_403(request, pk)
    form = ArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.whanau_archive(
                actor=request.user,
                whanau_id=whanau.pk,
                expected_version=_int_or_none(request.POST.get("version")) or whanau.version,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Whānau archived."))
            return redirect("whanau:detail", pk=whanau.pk)
    return render(
        request,
        "whanau/archive.html",
        {
            "form": form,
            "whanau": whanau,
            "title": _("Archive %(name)s") % {"name": whanau.name},
            "version": whanau.version,
            "back": reverse("whanau:detail", args=[whanau.pk]),
            "explain": _(
                "The whānau will be closed and leave the lists. Nothing is erased: its record "
                "and history stay, and the team's supervisors can still see it."
            ),
        },
    )


# --- Memberships ------------------------------------------------------------------------------


@login_required
def membership_add_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add someone already known (in another whānau the user sees) to this whānau."""
    whanau = _editable_whanau_or_403(request, pk)
    people = (
        access.people_for_user(request.user)
        .filter(archived_at__isnull=True)
        .exclude(memberships__whanau=whanau, memberships__archived_at__isnull=True)
        .order_by("search_key", "pk")
    )
    initial = {"person": _int_or_none(request.GET.get("person"))}
    form = MembershipAddForm(request.POST or None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_create(
                actor=request.user,
                whanau=whanau,
                person=data["person"],
                role=data["role"],
                started=data["started"],
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(person)s added to %(whanau)s.")
                % {"person": data["person"].full_name, "whanau": whanau.name},
            )
            return redirect("whanau:detail", pk=whanau.pk)
    return render(request, "whanau/membership_add.html", {"form": form, "whanau": whanau})


def _membership_or_404(request: AuthedRequest, pk: Any) -> Membership:
    pk = _int_or_none(pk) or 0
    membership = (
        Membership.objects.select_related("whanau", "person")
        .filter(
            pk=pk,
            archived_at__isnull=True,
            whanau__in=access.whanau_for_user(request.user).values("pk"),
        )
        .first()
    )
    if membership is None:
        raise Http404
    if not access.can_edit_whanau(request.user, membership.whanau):
        raise PermissionDenied
    return membership


@login_required
def membership_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    membership = _membership_or_404(request, pk)
    conflict: ConflictError | None = None
    version = membership.version
    if request.method == "POST":
        form = MembershipForm(request.POST)
        version = _int_or_none(request.POST.get("version")) or membership.version
        if form.is_valid():
            try:
                services.membership_update(
                    actor=request.user,
                    membership_id=membership.pk,
                    expected_version=version,
                    changes={k: form.cleaned_data[k] for k in ("role", "started", "ended")},
                    request=request,
                )
            except ConflictError as error:
                conflict = error
                form.add_error(None, error.message)
            except PracticeError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Membership changed."))
                return redirect("whanau:detail", pk=membership.whanau_id)
    else:
        form = MembershipForm(instance=membership)
    return render(
        request,
        "whanau/membership_form.html",
        {
            "form": form,
            "membership": membership,
            "whanau": membership.whanau,
            "version": version,
            "conflict": conflict,
            "conflict_rows": _conflict_rows(
                form, conflict, ["role", "started", "ended"], conflict.current
            )
            if conflict
            else [],
        },
    )


@login_required
def membership_archive_view(request: AuthedRequest, pk: int) -> HttpResponse:
    membership = _membership_or_404(request, pk)
    form = ArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_archive(
                actor=request.user,
                membership_id=membership.pk,
                expected_version=_int_or_none(request.POST.get("version")) or membership.version,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Membership removed."))
            return redirect("whanau:detail", pk=membership.whanau_id)
    return render(
        request,
        "whanau/archive.html",
        {
            "form": form,
            "whanau": membership.whanau,
            "title": _("Remove %(person)s from %(whanau)s")
            % {"person": membership.person.full_name, "whanau": membership.whanau.name},
            "version": membership.version,
            "back": reverse("whanau:detail", args=[membership.whanau_id]),
            "explain": _(
                "The person stays on record, and in any other whānau they belong to. "
                "The membership stays in the whānau's history."
            ),
        },
    )


# --- Allocations ------------------------------------------------------------------------------


def _allocating_whanau(request: AuthedRequest, pk: Any) -> Whanau:
    whanau = access.get_whanau_for_user(request.user, pk)
    if not access.can_manage_allocations(request.user, whanau) or whanau.archived_at:
        raise PermissionDenied
    return whanau


@login_required
def allocation_create_view(request: AuthedRequest, pk: int) -> HttpResponse:
    whanau = _allocating_whanau(request, pk)
    staff: QuerySet[User] = (
        User.objects.filter(is_active=True, teams=whanau.team)
        .exclude(role=Role.ADMIN)
        .order_by("preferred_name", "username")
        .distinct()
    )
    form = AllocationForm(
        request.POST or None, staff=staff, initial={"started": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.allocation_create(
                actor=request.user,
                whanau=whanau,
                user=data["user"],
                started=data["started"],
                ended=data["ended"],
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s allocated.") % {"name": data["user"].display_name}
            )
            return redirect("whanau:detail", pk=whanau.pk)
    return render(request, "whanau/allocation_form.html", {"form": form, "whanau": whanau})


@login_required
def allocation_end_view(request: AuthedRequest, pk: int) -> HttpResponse:
    allocation = (
        Allocation.objects.select_related("whanau", "user")
        .filter(pk=_int_or_none(pk) or 0, archived_at__isnull=True)
        .first()
    )
    if (
        allocation is None
        or not access.whanau_for_user(request.user).filter(pk=allocation.whanau_id).exists()
    ):
        raise Http404
    whanau = _allocating_whanau(request, allocation.whanau_id)
    form = AllocationEndForm(request.POST or None, initial={"ended": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.allocation_update(
                actor=request.user,
                allocation_id=allocation.pk,
                expected_version=_int_or_none(request.POST.get("version")) or allocation.version,
                changes={"ended": form.cleaned_data["ended"]},
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Allocation ended."))
            return redirect("whanau:detail", pk=whanau.pk)
    return render(
        request,
        "whanau/allocation_end.html",
        {"form": form, "whanau": whanau, "allocation": allocation},
    )


# --- People ------------------------------------------------------------------------------------


@login_required
def people_list_view(request: AuthedRequest) -> HttpResponse:
    access.refuse_practice_lead(request.user)
    form = PeopleFilterForm(request.GET or None)
    query, kind = "", ""
    if form.is_bound and form.is_valid():
        query, kind = form.cleaned_data["q"] or "", form.cleaned_data["kind"] or ""
    people = selectors.people_list_with_whanau(user=request.user, query=query, kind=kind)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    record_event(
        actor=request.user,
        action=Action.LIST,
        summary="Listed people",
        data={"filters": {k: v for k, v in {"q": query, "kind": kind}.items() if v}},
        request=request,
    )
    return render(
        request,
        "whanau/people.html",
        {
            "form": form,
            "page_obj": page,
            "filtered": bool(query or kind),
            "querystring_without_page": _querystring_without_page(request),
            "can_create": access.whanau_editable_by(request.user)
            .filter(archived_at__isnull=True)
            .exists(),
        },
    )


@login_required
def person_create_view(request: AuthedRequest) -> HttpResponse:
    """New person, in a whānau the user can change; likely duplicates are shown first."""
    user = request.user
    if user.role not in access.CASE_WRITER_ROLES:
        raise PermissionDenied
    writable = access.whanau_editable_by(user).filter(archived_at__isnull=True)
    if not writable.exists():
        raise PermissionDenied
    initial = {"whanau": _int_or_none(request.GET.get("whanau"))}
    form = PersonCreateForm(
        request.POST or None, whanau=writable.order_by("search_key"), initial=initial
    )
    duplicates: list[Person] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicates = selectors.likely_duplicates(
            user=user,
            preferred_name=data["preferred_name"],
            other_names=data["other_names"],
            date_of_birth=data["date_of_birth"],
            phone=data["phone"],
        )
        if duplicates and not data["confirm_new"]:
            form.add_error(
                "confirm_new",
                _(
                    "This may be someone already on record. Open or add one of them, or "
                    "confirm that none of them is this person."
                ),
            )
        else:
            try:
                person = services.person_create(
                    actor=user,
                    whanau=data["whanau"],
                    fields=form.service_fields(),
                    membership_role=data["membership_role"],
                    request=request,
                )
            except PracticeError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("%(name)s added.") % {"name": person.full_name})
                return redirect("whanau:person", pk=person.pk)
    chosen = form["whanau"].value()
    return render(
        request,
        "whanau/person_create.html",
        {
            "form": form,
            "duplicates": duplicates,
            "chosen_whanau": _int_or_none(chosen),
            "person_fields": [form[name] for name in PERSON_FORM_FIELDS],
        },
    )


@login_required
def person_detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    person = access.get_person_for_user(request.user, pk)
    memberships = list(selectors.visible_memberships(user=request.user, person=person))
    for membership in memberships:
        _view_event(request, person, membership.whanau_id, f"Viewed {person.full_name}")
    return render(
        request,
        "whanau/person.html",
        {
            "person": person,
            "memberships": memberships,
            "can_edit": person.archived_at is None and access.can_edit_person(request.user, person),
            "history": selectors.person_history(person),
        },
    )


def _editable_person_or_403(request: AuthedRequest, pk: Any) -> Person:
    person = access.get_person_for_user(request.user, pk)
    if person.archived_at is not None or not access.can_edit_person(request.user, person):
        raise PermissionDenied
    return person


@login_required
def person_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    person = _editable_person_or_403(request, pk)
    conflict: ConflictError | None = None
    version = person.version
    if request.method == "POST":
        form = PersonForm(request.POST)
        version = _int_or_none(request.POST.get("version")) or person.version
        if form.is_valid():
            try:
                services.person_update(
                    actor=request.user,
                    person_id=person.pk,
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
                messages.success(request, _("Changes saved."))
                return redirect("whanau:person", pk=person.pk)
    else:
        for whanau_id in selectors.visible_memberships(
            user=request.user, person=person
        ).values_list("whanau_id", flat=True):
            _view_event(request, person, whanau_id, f"Opened {person.full_name} to change")
        form = PersonForm(instance=person)
    return render(
        request,
        "whanau/person_form.html",
        {
            "form": form,
            "person": person,
            "version": version,
            "conflict": conflict,
            "conflict_rows": _conflict_rows(form, conflict, PERSON_FORM_FIELDS, conflict.current)
            if conflict
            else [],
        },
    )


@login_required
def person_archive_view(request: AuthedRequest, pk: int) -> HttpResponse:
    person = _editable_person_or_403(request, pk)
    form = ArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_archive(
                actor=request.user,
                person_id=person.pk,
                expected_version=_int_or_none(request.POST.get("version")) or person.version,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s archived.") % {"name": person.full_name})
            return redirect("whanau:person", pk=person.pk)
    return render(
        request,
        "whanau/archive.html",
        {
            "form": form,
            "person": person,
            "title": _("Archive %(name)s") % {"name": person.full_name},
            "version": person.version,
            "back": reverse("whanau:person", args=[person.pk]),
            "explain": _(
                "The person leaves the lists. Nothing is erased: their record and history stay."
            ),
        },
    )


# --- Break glass ----------------------------------------------------------------------------


@login_required
def break_glass_view(request: AuthedRequest) -> HttpResponse:
    """Reach a whānau one is not allocated to: a reason, logged, shown to its supervisors.

    Anyone signed in may ask. A number that does not exist gets a "not found" message; a whānau
    the user can already see is simply opened.
    """
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        whanau_id = form.cleaned_data["whanau"]
        seen = access.whanau_for_user(request.user).filter(pk=whanau_id).first()
        if seen is not None and not access.needs_break_glass(request.user, seen):
            messages.info(request, _("You already work with this whānau: no need to break glass."))
            return redirect("whanau:detail", pk=whanau_id)
        try:
            grant = services.break_glass(
                actor=request.user,
                whanau_id=whanau_id,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except PracticeError as error:
            _apply_errors(form, error)
        else:
            messages.warning(
                request,
                _(
                    "You can see this whānau until %(time)s. Your reason is shown to its "
                    "supervisors."
                )
                % {"time": timezone.localtime(grant.expires_at).strftime("%H:%M")},
            )
            return redirect("whanau:detail", pk=whanau_id)
    return render(request, "whanau/break_glass.html", {"form": form})
