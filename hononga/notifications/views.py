"""The notifications page (a page at a time), reading one or all, and email preferences.

Mark-read forms are plain POSTs that redirect back, so they work without JavaScript; with HTMX
the page swaps in the changed row (and the bell's count) instead.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hononga.core.errors import NotFound
from hononga.core.request import AuthedRequest
from hononga.notifications import forms, selectors, services
from hononga.notifications.models import NotificationPreference

PAGE_SIZE = 25


def _is_htmx(request: AuthedRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _back(request: AuthedRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    return redirect(target or "notifications:list")


@login_required
def list_view(request: AuthedRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    rows = selectors.notification_list(request.user, unread_only=unread_only)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {
            "page_obj": page,
            "unread_only": unread_only,
            "unread": selectors.unread_count(request.user),
            "querystring_without_page": "show=unread&" if unread_only else "",
        },
    )


@login_required
def open_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read (the page itself checks access)."""
    try:
        notification = services.notification_mark_read(user=request.user, notification_id=pk)
    except NotFound:
        raise NotFound("Not found") from None
    return redirect(notification.url if notification.url.startswith("/") else "notifications:list")


@login_required
@require_POST
def read_view(request: AuthedRequest, pk: int) -> HttpResponse:
    notification = services.notification_mark_read(user=request.user, notification_id=pk)
    if _is_htmx(request):
        return render(
            request,
            "notifications/_read_swap.html",
            {"n": notification, "unread": selectors.unread_count(request.user)},
        )
    return _back(request)


@login_required
@require_POST
def read_all_view(request: AuthedRequest) -> HttpResponse:
    count = services.notification_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return _back(request)


@login_required
def settings_view(request: AuthedRequest) -> HttpResponse:
    current = dict(
        NotificationPreference.objects.filter(user=request.user).values_list("kind", "email")
    )
    form = forms.PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        services.preferences_update(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("Your notification choices are saved."))
        return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {"form": form, "has_email": bool(request.user.email)},
        status=422 if form.errors else 200,
    )
