"""Sections this app adds to shared pages (registered in apps.RelationshipsConfig.ready)."""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string

from hononga.relationships import access, selectors, services
from hononga.relationships.forms import ConsentForm
from hononga.whanau import access as whanau_access

PANEL_LIMIT = 10


def person_panel(request: HttpRequest, person: Any) -> str:
    """Consent (current state per purpose, history, a form) and the person's relationships."""
    relationships = list(
        access.relationships_for_user(request.user)
        .filter(Q(person_a=person) | Q(person_b=person), archived_at__isnull=True)
        .select_related("person_a", "person_b", "whanau")
        .order_by("ended", "id")[: PANEL_LIMIT + 1]
    )
    return render_to_string(
        "relationships/_person_panel.html",
        {
            "person": person,
            "summary": selectors.consent_summary(person),
            "history": list(selectors.consent_history(person)[:PANEL_LIMIT]),
            "form": ConsentForm() if services.can_record_consent(request.user, person) else None,
            "relationships": relationships[:PANEL_LIMIT],
            "more_relationships": len(relationships) > PANEL_LIMIT,
        },
        request=request,
    )


def whanau_panel(request: HttpRequest, whanau: Any) -> str:
    active = whanau.relationships.filter(ended__isnull=True, archived_at__isnull=True).count()
    return render_to_string(
        "relationships/_whanau_panel.html",
        {
            "whanau": whanau,
            "active": active,
            "can_write": whanau_access.whanau_access(request, whanau).can_write,
        },
        request=request,
    )
