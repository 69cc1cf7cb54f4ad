"""Panels: the advisory banner, the whānau page's "Plan a contact", home, contact form, manage."""

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from hononga.accounts.models import Role
from hononga.whanau import access

from . import selectors
from .models import Override


def banner(request: HttpRequest, whanau: Any) -> str:
    advisory = selectors.active_for_whanau(whanau)
    if advisory is None:
        return ""
    can_plan = access.can_edit_whanau(request.user, whanau)
    return render_to_string(
        "advisories/_banner.html",
        {"advisory": advisory, "whanau": whanau, "can_plan": can_plan},
        request=request,
    )


def whanau_panel(request: HttpRequest, whanau: Any) -> str:
    advisory = selectors.active_for_whanau(whanau)
    if advisory is None:
        return ""
    can_plan = access.can_edit_whanau(request.user, whanau)
    return render_to_string(
        "advisories/_whanau_panel.html",
        {"advisory": advisory, "whanau": whanau, "can_plan": can_plan},
        request=request,
    )


def contact_form_panel(request: HttpRequest, whanau: Any) -> str:
    advisory = selectors.active_for_whanau(whanau)
    if advisory is None:
        return ""
    return render_to_string(
        "advisories/_contact_form_panel.html",
        {
            "advisory": advisory,
            "whanau": whanau,
            "screening_id": request.GET.get("screening", ""),
        },
        request=request,
    )


def home_panel(request: HttpRequest, user: Any) -> str:
    advisories = list(selectors.active_advisories().prefetch_related("regions"))
    if not advisories:
        return ""
    region_ids = {r.pk for a in advisories for r in a.regions.all()}
    affected = access.whanau_for_user(user).filter(
        region_id__in=region_ids, archived_at__isnull=True
    )
    affected_count = 0 if getattr(user, "role", None) == Role.ADMIN else affected.count()
    overrides: list[Override] = []
    if getattr(user, "role", None) == Role.SUPERVISOR:
        overrides = list(
            Override.objects.filter(whanau__in=access.whanau_for_user(user))
            .select_related("whanau", "practitioner", "advisory")
            .order_by("-created_at")[:10]
        )
    if not affected_count and not overrides and getattr(user, "role", None) != Role.ADMIN:
        return ""
    relevant = (
        [a for a in advisories if affected.filter(region__in=a.regions.all()).exists()]
        if affected_count
        else advisories
    )
    return render_to_string(
        "advisories/_home_panel.html",
        {
            "advisories": relevant,
            "affected_count": affected_count,
            "overrides": overrides,
            "is_admin": getattr(user, "role", None) == Role.ADMIN,
        },
        request=request,
    )


def manage_panel(request: HttpRequest, user: Any) -> str:
    if getattr(user, "role", None) != Role.ADMIN:
        return ""
    return render_to_string("advisories/_manage_panel.html", {}, request=request)
