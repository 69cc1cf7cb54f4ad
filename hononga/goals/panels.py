"""Sections the goals app adds to shared pages (registered in apps.GoalsConfig.ready)."""

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from hononga.checkins.panels import practitioner_relationships_in_whanau
from hononga.goals import selectors, services, side_by_side
from hononga.whanau import access as whanau_access


def whanau_panel(request: HttpRequest, whanau: Any) -> str:
    """The whānau plan (goals by holder, with progress, flags and steps), then each practitioner
    relationship's score beside the person's outcomes on one time axis."""
    plan = selectors.whanau_plan(whanau)
    # The same relationships the check-ins panel lists, read once for the page.
    relationships = practitioner_relationships_in_whanau(request, whanau)[
        : side_by_side.MAX_RELATIONSHIPS
    ]
    return render_to_string(
        "goals/_plan.html",
        {
            "whanau": whanau,
            "plan": plan,
            "can_write": whanau_access.whanau_access(request, whanau).can_write,
            "usual": services.USUAL_ACTIVE_GOALS,
            "charts": side_by_side.side_by_side(relationships),
        },
        request=request,
    )


def relationship_panel(request: HttpRequest, relationship: Any) -> str:
    """The relationship page: its score beside the person's goals and "how are things"."""
    charts = side_by_side.side_by_side([relationship])
    if not charts:
        return ""
    return render_to_string(
        "goals/_relationship_panel.html",
        {"charts": charts, "relationship": relationship},
        request=request,
    )
