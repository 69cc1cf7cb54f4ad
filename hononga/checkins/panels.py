"""Sections the check-ins app adds to shared pages (registered in apps.CheckinsConfig.ready)."""

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from hononga.accounts.models import Role
from hononga.checkins import selectors
from hononga.relationships.models import Relationship

HOME_LIMIT = 15


def home_panel(request: HttpRequest, user: Any) -> str:
    """ "Relationships needing attention" on a practitioner's (or facilitator's) home page."""
    if getattr(user, "role", None) not in {Role.PRACTITIONER, Role.FACILITATOR}:
        return ""
    from hononga.checkins.views import relationship_url

    items, total = selectors.relationships_needing_attention(user=user, limit=HOME_LIMIT)
    for item in items:
        item.url = relationship_url(item.relationship)  # type: ignore[attr-defined]
    has_relationships = bool(items) or selectors.practitioner_relationships(user).exists()
    return render_to_string(
        "checkins/_home_panel.html",
        {"items": items, "total": total, "has_relationships": has_relationships},
        request=request,
    )


def relationship_panel(request: HttpRequest, relationship: Relationship) -> str:
    from hononga.checkins.services import practitioner_side
    from hononga.checkins.views import _can_write

    if practitioner_side(relationship) is None:
        return ""  # check-ins are about relationships with a practitioner
    trends = selectors.relationship_trends(relationship)
    return render_to_string(
        "checkins/_relationship_panel.html",
        {
            "relationship": relationship,
            "trends": trends,
            "can_write": _can_write(request.user, relationship),
            "score_chart_id": f"checkin-scores-{relationship.pk}",
            "profile_chart_id": f"checkin-profile-{relationship.pk}",
        },
        request=request,
    )


def manage_panel(request: HttpRequest, user: Any) -> str:
    if getattr(user, "role", None) != Role.ADMIN:
        return ""
    return render_to_string("checkins/_manage_panel.html", {}, request=request)
