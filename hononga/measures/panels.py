"""The home page's link to figures, for practice leads (their whole work here) and supervisors."""

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from hononga.measures import access


def home_panel(request: HttpRequest, user: Any) -> str:
    if access.is_practice_lead(user):
        return render_to_string(
            "measures/_home_panel.html",
            {"lead": True, "regions": list(access.regions_for(user))},
            request=request,
        )
    if access.is_supervisor(user):
        return render_to_string(
            "measures/_home_panel.html",
            {"lead": False, "teams": list(access.teams_for(user))},
            request=request,
        )
    return ""
