from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from hononga.accounts.models import Role
from hononga.core.request import AuthedRequest
from hononga.whanau import access as whanau_access
from hononga.whanau import selectors as whanau_selectors
from hononga.whanau.models import BreakGlassGrant

HOME_LIST_SIZE = 20


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    # Administrators and practice leads hold no caseload (practice leads see figures only).
    has_caseload = user.role not in {Role.ADMIN, Role.PRACTICE_LEAD}
    context: dict[str, object] = {"today": timezone.localdate(), "has_caseload": has_caseload}
    if has_caseload:
        # The whānau the user may see, read once: the home panels filter by the same list.
        visible = whanau_access.visible_whanau_id_list(request)
        my_whanau = whanau_selectors.whanau_list(user=user, status="open", visible=visible)
        context["my_whanau"] = my_whanau[:HOME_LIST_SIZE]
        context["my_whanau_count"] = my_whanau.count()
    if user.role == Role.SUPERVISOR:
        # Break-glass access to this supervisor's teams' whānau, newest first.
        context["break_glass"] = (
            BreakGlassGrant.objects.filter(whanau__team__in=user.teams.values("pk"))
            .select_related("user", "whanau")
            .order_by("-granted_at")[:20]
        )
    return render(request, "core/home.html", context)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the page must render even when the database or session failed.
    return HttpResponse(render_to_string("core/500.html"), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (expired page, logged out in another tab): the friendly 403 page.

    Wire it with CSRF_FAILURE_VIEW = "hononga.core.views.csrf_failure".
    """
    return render(request, "core/403.html", status=403)
