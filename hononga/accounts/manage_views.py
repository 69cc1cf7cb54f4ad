"""Administrators' pages: users, teams and allocations. Nothing is ever deleted."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hononga.accounts import second_factor, services
from hononga.accounts.forms import (
    AllocationCreateForm,
    AllocationEndForm,
    AllocationFilterForm,
    SecurityPolicyForm,
    TeamForm,
    UserCreateForm,
    UserEditForm,
    UserSearchForm,
)
from hononga.accounts.models import Role, Team, User
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.decorators import role_required
from hononga.core.errors import ConflictError, PracticeError
from hononga.core.request import AuthedRequest
from hononga.core.text import fold
from hononga.whanau.models import Allocation
from hononga.whanau.services import allocation_create, allocation_update

PAGE_SIZE = 50
admin_only = role_required(Role.ADMIN)


def _query_without_page(request: AuthedRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    encoded = query.urlencode()
    return f"{encoded}&" if encoded else ""


def _add_errors(form: forms.Form, error: PracticeError) -> None:
    """Show a service's errors beside their fields, the rest at the top."""
    if not error.errors:
        form.add_error(None, error.message)
        return
    for field, field_messages in error.errors.items():
        target = field if field in form.fields else None
        for message in field_messages:
            form.add_error(target, message)


def _pk(value: Any) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk < 2**62:
        raise Http404
    return pk


@admin_only
def manage(request: AuthedRequest) -> HttpResponse:
    counts = User.objects.aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        inactive=Count("pk", filter=Q(is_active=False)),
    )
    return render(
        request,
        "accounts/manage.html",
        {
            "counts": counts,
            "team_count": Team.objects.count(),
            "allocation_count": Allocation.objects.current().count(),
        },
    )


# --- Users ---------------------------------------------------------------------------------------


def _matching_user_ids(query: str) -> list[int]:
    """Users whose username, names or email contain the query, ignoring macrons and case
    ("hemi" finds "Hēmi"). Staff lists are small, so the folding is done here, on the few
    columns needed, rather than with a stored search key."""
    needle = fold(query)
    rows = User.objects.values_list(
        "pk", "username", "first_name", "last_name", "preferred_name", "email"
    )
    return [pk for pk, *texts in rows.iterator() if needle in fold(" ".join(texts))]


@admin_only
def user_list(request: AuthedRequest) -> HttpResponse:
    form = UserSearchForm(request.GET or None)
    users = User.objects.prefetch_related("teams").order_by("username")
    status = 200
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["q"].strip():
            users = users.filter(pk__in=_matching_user_ids(data["q"]))
        if data["role"]:
            users = users.filter(role=data["role"])
        if data["team"]:
            users = users.filter(teams=data["team"])
        if data["active"]:
            users = users.filter(is_active=data["active"] == "yes")
    elif form.is_bound:
        users = users.none()
        status = 400
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/manage_users.html",
        {
            "form": form,
            "page_obj": page,
            "filtered": form.is_bound and any(v for k, v in request.GET.items() if k != "page"),
            "querystring_without_page": _query_without_page(request),
        },
        status=status,
    )


@admin_only
def user_create(request: AuthedRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.user_create(
                    actor=request.user,
                    username=data["username"],
                    password=data["password"],
                    role=data["role"],
                    teams=list(data["teams"]),
                    lead_regions=list(data["lead_regions"]),
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    preferred_name=data["preferred_name"],
                    email=data["email"],
                    request=request,
                )
            except PracticeError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s can now log in as %(username)s.")
                    % {"name": user.display_name, "username": user.username},
                )
                return redirect("accounts:manage:users")
        return render(request, "accounts/manage_user_form.html", {"form": form}, status=400)
    return render(request, "accounts/manage_user_form.html", {"form": form})


@admin_only
def user_edit(request: AuthedRequest, user_id: str) -> HttpResponse:
    user = get_object_or_404(User, pk=_pk(user_id))
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "preferred_name": user.preferred_name,
        "email": user.email,
        "role": user.role,
        "teams": list(user.teams.all()),
        "lead_regions": list(user.lead_regions.all()),
        "is_active": user.is_active,
    }
    form = UserEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.user_update(
                    actor=request.user,
                    user=user,
                    changes={
                        k: data[k]
                        for k in (
                            "first_name",
                            "last_name",
                            "preferred_name",
                            "email",
                            "role",
                            "is_active",
                        )
                    },
                    teams=list(data["teams"]),
                    lead_regions=list(data["lead_regions"]),
                    password=data["password"],
                    request=request,
                )
            except PracticeError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Saved the changes to %(u)s.") % {"u": user.username})
                return redirect("accounts:manage:users")
        status = 400
    return render(
        request,
        "accounts/manage_user_form.html",
        {
            "form": form,
            "edited": user,
            "edited_second_factor": second_factor.has_second_factor(user),
        },
        status=status,
    )


@admin_only
@require_POST
def user_second_factor_reset(request: AuthedRequest, user_id: str) -> HttpResponse:
    """Remove someone's second factor (a lost phone, no recovery codes left); audited."""
    user = get_object_or_404(User, pk=_pk(user_id))
    second_factor.reset(actor=request.user, user=user, request=request)
    messages.success(
        request,
        _("Removed the second factor of %(u)s: they set up a new one at their next login.")
        % {"u": user.username},
    )
    return redirect("accounts:manage:user_edit", user.pk)


@admin_only
def security_policy(request: AuthedRequest) -> HttpResponse:
    """The agency-wide second-factor requirement."""
    from django.conf import settings

    from hononga.accounts.models import SecurityPolicy

    policy = SecurityPolicy.current()
    form = SecurityPolicyForm(
        request.POST or None, initial={"second_factor_required": policy.second_factor_required}
    )
    if request.method == "POST" and form.is_valid():
        second_factor.policy_set(
            actor=request.user,
            required=form.cleaned_data["second_factor_required"],
            request=request,
        )
        messages.success(request, _("Saved the security settings."))
        return redirect("accounts:manage:security")
    return render(
        request,
        "accounts/manage_security.html",
        {
            "form": form,
            "policy": policy,
            "required_by_server": settings.SECOND_FACTOR_REQUIRED,
            "enrolled": User.objects.filter(is_active=True, totpdevice__confirmed=True)
            .distinct()
            .count(),
            "active": User.objects.filter(is_active=True).count(),
        },
    )


@admin_only
@require_POST
def user_deactivate(request: AuthedRequest, user_id: str) -> HttpResponse:
    user = get_object_or_404(User, pk=_pk(user_id))
    try:
        services.user_deactivate(actor=request.user, user=user, request=request)
    except PracticeError as error:
        messages.error(request, error.message)
        return redirect("accounts:manage:user_edit", user.pk)
    messages.success(
        request,
        _("%(u)s is deactivated: they cannot log in and their API tokens stop working.")
        % {"u": user.username},
    )
    return redirect("accounts:manage:users")


# --- Teams ---------------------------------------------------------------------------------------


@admin_only
def team_list(request: AuthedRequest) -> HttpResponse:
    teams = (
        Team.objects.select_related("region")
        .annotate(
            member_count=Count("members", filter=Q(members__is_active=True), distinct=True),
            whanau_count=Count("whanau", distinct=True),
        )
        .order_by("name")
    )
    page = Paginator(teams, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/manage_teams.html",
        {"page_obj": page, "querystring_without_page": ""},
    )


def _team_form_view(request: AuthedRequest, team: Team | None) -> HttpResponse:
    initial = {"name": team.name, "region": team.region} if team else {}
    form = TeamForm(request.POST or None, initial=initial)
    if request.method != "POST":
        return render(request, "accounts/manage_team_form.html", {"form": form, "team": team})
    if form.is_valid():
        data = form.cleaned_data
        try:
            if team is None:
                saved = services.team_create(
                    actor=request.user,
                    name=data["name"],
                    region=data["region"],
                    new_region=data["new_region"],
                    request=request,
                )
            else:
                saved = services.team_update(
                    actor=request.user,
                    team=team,
                    name=data["name"],
                    region=data["region"],
                    new_region=data["new_region"],
                    request=request,
                )
        except PracticeError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Saved team %(name)s.") % {"name": saved.name})
            return redirect("accounts:manage:teams")
    return render(
        request, "accounts/manage_team_form.html", {"form": form, "team": team}, status=400
    )


@admin_only
def team_create(request: AuthedRequest) -> HttpResponse:
    return _team_form_view(request, None)


@admin_only
def team_edit(request: AuthedRequest, team_id: str) -> HttpResponse:
    return _team_form_view(request, get_object_or_404(Team, pk=_pk(team_id)))


# --- Allocations ---------------------------------------------------------------------------------


@admin_only
def allocation_list(request: AuthedRequest) -> HttpResponse:
    form = AllocationFilterForm(request.GET or None)
    allocations = Allocation.objects.filter(archived_at__isnull=True).select_related(
        "whanau__team", "user"
    )
    status = 200
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["team"]:
            allocations = allocations.filter(whanau__team=data["team"])
        if data["user"]:
            allocations = allocations.filter(user=data["user"])
        if data["current"]:
            allocations = allocations.current()
    elif form.is_bound:
        allocations = allocations.none()
        status = 400
    allocations = allocations.order_by("whanau__team__name", "whanau__search_key", "-started", "id")
    page = Paginator(allocations, PAGE_SIZE).get_page(request.GET.get("page"))
    # Whānau names are case content: an administrator's look at them is on the record.
    record_event(
        actor=request.user,
        action=Action.LIST,
        summary=f"Listed allocations (page {page.number})",
        data={"filters": {k: v for k, v in request.GET.items() if k != "page" and v}},
        request=request,
    )
    return render(
        request,
        "accounts/manage_allocations.html",
        {
            "form": form,
            "page_obj": page,
            "today": timezone.localdate(),
            "filtered": form.is_bound and any(v for k, v in request.GET.items() if k != "page"),
            "querystring_without_page": _query_without_page(request),
        },
        status=status,
    )


@admin_only
def allocation_new(request: AuthedRequest) -> HttpResponse:
    form = AllocationCreateForm(request.POST or None, initial={"started": timezone.localdate()})
    if request.method != "POST":
        record_event(
            actor=request.user,
            action=Action.LIST,
            summary="Opened the allocation form (lists open whānau)",
            request=request,
        )
        return render(request, "accounts/manage_allocation_form.html", {"form": form})
    if form.is_valid():
        data = form.cleaned_data
        try:
            allocation = allocation_create(
                actor=request.user,
                whanau=data["whanau"],
                user=data["user"],
                started=data["started"],
                ended=data["ended"],
                request=request,
            )
        except PracticeError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Allocated %(user)s to %(whanau)s.")
                % {"user": allocation.user.display_name, "whanau": allocation.whanau.name},
            )
            return redirect("accounts:manage:allocations")
    return render(request, "accounts/manage_allocation_form.html", {"form": form}, status=400)


@admin_only
def allocation_end(request: AuthedRequest, allocation_id: str) -> HttpResponse:
    allocation = get_object_or_404(
        Allocation.objects.select_related("whanau__team", "user"),
        pk=_pk(allocation_id),
        archived_at__isnull=True,
    )
    form = AllocationEndForm(
        request.POST or None,
        initial={"version": allocation.version, "ended": timezone.localdate()},
    )
    context: dict[str, Any] = {"form": form, "allocation": allocation}
    if request.method != "POST":
        return render(request, "accounts/manage_allocation_end.html", context)
    if form.is_valid():
        try:
            allocation_update(
                actor=request.user,
                allocation_id=allocation.pk,
                expected_version=form.cleaned_data["version"],
                changes={"ended": form.cleaned_data["ended"]},
                request=request,
            )
        except ConflictError as error:
            form.add_error(None, error.message)
            allocation.refresh_from_db()
            context["conflict"] = error
            # Their next save goes against the version they have now seen.
            data = request.POST.copy()
            data["version"] = str(error.current_version)
            form.data = data
        except PracticeError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The allocation of %(user)s to %(whanau)s ends on %(day)s.")
                % {
                    "user": allocation.user.display_name,
                    "whanau": allocation.whanau.name,
                    "day": form.cleaned_data["ended"].strftime("%-d %b %Y"),
                },
            )
            return redirect("accounts:manage:allocations")
    return render(request, "accounts/manage_allocation_end.html", context, status=400)
