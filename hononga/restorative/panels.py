"""Sections this app adds to shared pages (registered in apps.RestorativeConfig.ready)."""

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from hononga.accounts.models import Role
from hononga.restorative import access, selectors

PANEL_LIMIT = 10


def _harms_panel(request: HttpRequest, *, slot: str, harms: Any, **extra: Any) -> str:
    rows = list(harms[: PANEL_LIMIT + 1])
    processes = list(
        access.processes_for_user(request.user)
        .filter(harm__in=[h.pk for h in rows[:PANEL_LIMIT]])
        .select_related("facilitator")
        .order_by("-id")
    )
    by_harm: dict[int, list[Any]] = {}
    for process in processes:
        by_harm.setdefault(process.harm_id, []).append(process)
    return render_to_string(
        "restorative/_panel.html",
        {
            "slot": slot,
            "harms": [(h, by_harm.get(h.pk, [])) for h in rows[:PANEL_LIMIT]],
            "more": len(rows) > PANEL_LIMIT,
            **extra,
        },
        request=request,
    )


def whanau_panel(request: HttpRequest, whanau: Any) -> str:
    return _harms_panel(
        request,
        slot="whanau",
        harms=selectors.harm_list(user=request.user, whanau_id=whanau.pk),
        record_whanau=whanau if access.can_record_harm(request.user, whanau) else None,
    )


def person_panel(request: HttpRequest, person: Any) -> str:
    return _harms_panel(
        request, slot="person", harms=selectors.harm_list(user=request.user, person_id=person.pk)
    )


def relationship_panel(request: HttpRequest, relationship: Any) -> str:
    return _harms_panel(
        request,
        slot="relationship",
        harms=selectors.harm_list(user=request.user, relationship_id=relationship.pk),
    )


def home_panel(request: HttpRequest, user: Any) -> str:
    """Due and overdue agreement items, and family group conference plans due for review."""
    if getattr(user, "role", None) not in (Role.PRACTITIONER, Role.FACILITATOR):
        return ""
    today = timezone.localdate()
    items = list(selectors.items_due(user=user, today=today)[: PANEL_LIMIT + 1])
    reviews = list(selectors.plans_due_for_review(user=user, today=today)[:PANEL_LIMIT])
    if not items and not reviews and user.role != Role.FACILITATOR:
        return ""
    return render_to_string(
        "restorative/_home_panel.html",
        {
            "items": items[:PANEL_LIMIT],
            "more": len(items) > PANEL_LIMIT,
            "reviews": reviews,
            "today": today,
        },
        request=request,
    )


def manage_panel(request: HttpRequest, user: Any) -> str:
    if getattr(user, "role", None) != Role.ADMIN:
        return ""
    return render_to_string("restorative/_manage_panel.html", {}, request=request)
