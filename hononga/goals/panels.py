"""Sections the goals app adds to shared pages (registered in apps.GoalsConfig.ready)."""

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from hononga.goals import selectors, services


def whanau_panel(request: HttpRequest, whanau: Any) -> str:
    """The whānau plan: goals by holder, with progress, flags and steps."""
    plan = selectors.whanau_plan(whanau)
    return render_to_string(
        "goals/_plan.html",
        {
            "whanau": whanau,
            "plan": plan,
            "can_write": services.can_write(request.user, whanau),
            "usual": services.USUAL_ACTIVE_GOALS,
        },
        request=request,
    )


def relationship_panel(request: HttpRequest, relationship: Any) -> str:
    return ""
