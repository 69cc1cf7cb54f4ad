"""Sections the check-ins app adds to shared pages (registered in apps.CheckinsConfig.ready)."""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string

from hononga.accounts.models import Role
from hononga.checkins import selectors
from hononga.relationships import access as relationship_access
from hononga.relationships.models import Relationship
from hononga.whanau import access as whanau_access
from hononga.whanau.models import PersonKind

HOME_LIMIT = 15
LIST_LIMIT = 20


def home_panel(request: HttpRequest, user: Any) -> str:
    """ "Relationships needing attention" on a practitioner's (or facilitator's) home page."""
    if getattr(user, "role", None) not in {Role.PRACTITIONER, Role.FACILITATOR}:
        return ""
    from hononga.checkins.views import relationship_url

    items, total = selectors.relationships_needing_attention(user=user, limit=HOME_LIMIT)
    for item in items:
        item.url = relationship_url(item.relationship)
    has_relationships = bool(items) or selectors.practitioner_relationships(user).exists()
    return render_to_string(
        "checkins/_home_panel.html",
        {"items": items, "total": total, "has_relationships": has_relationships},
        request=request,
    )


def supervision_panel(request: HttpRequest, practitioner: Any) -> str:
    """A supervisor with one practitioner: that practitioner's relationships needing attention,
    limited to the whānau the supervisor may see (the page itself checks who is supervised)."""
    if getattr(request.user, "role", None) != Role.SUPERVISOR:
        return ""
    from hononga.checkins.views import relationship_url

    items, total = selectors.relationships_needing_attention(
        user=request.user, practitioner=practitioner, limit=HOME_LIMIT
    )
    for item in items:
        item.url = relationship_url(item.relationship)
    return render_to_string(
        "checkins/_home_panel.html",
        {
            "items": items,
            "total": total,
            "has_relationships": True,
            "supervision": True,
            "practitioner": practitioner,
        },
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


def _practitioner_side_q() -> Q:
    return (
        Q(person_a__user__isnull=False)
        | Q(person_a__kind=PersonKind.PRACTITIONER)
        | Q(person_b__user__isnull=False)
        | Q(person_b__kind=PersonKind.PRACTITIONER)
    )


def _current_practitioner_relationships(relationships: Any) -> list[Relationship]:
    """The first LIST_LIMIT + 1 current practitioner relationships, by id, with both people (and
    their logins) and the whānau."""
    return list(
        relationships.filter(_practitioner_side_q(), archived_at__isnull=True, ended__isnull=True)
        .select_related("person_a__user", "person_b__user", "whanau")
        .order_by("id")[: LIST_LIMIT + 1]
    )


def practitioner_relationships_in_whanau(request: HttpRequest, whanau: Any) -> list[Relationship]:
    """The whānau's current practitioner relationships that the user may see (the first
    LIST_LIMIT + 1), read once for a request: this panel lists them and the goals panel charts
    the first few."""
    known = request.__dict__.setdefault("_hononga_practitioner_relationships", {})
    if whanau.pk not in known:
        known[whanau.pk] = _current_practitioner_relationships(
            relationship_access.relationships_in_whanau(request, whanau)
        )
    rows: list[Relationship] = known[whanau.pk]
    return rows


def _list_panel(request: HttpRequest, rows: list[Relationship], *, title_id: str) -> str:
    """Practitioner relationships with their latest own check-in: a fixed number of queries."""
    from hononga.checkins.services import other_side, practitioner_side

    if not rows:
        return ""
    shown = rows[:LIST_LIMIT]
    latest = selectors.latest_checkins_for_relationships([r.pk for r in shown])
    items = []
    for relationship in shown:
        # Decided once per whānau for the request (the whānau page has decided it already).
        can_write = whanau_access.whanau_access(request, relationship.whanau).can_write
        summary = latest.get(relationship.pk)
        items.append(
            {
                "relationship": relationship,
                "member": other_side(relationship),
                "worker": practitioner_side(relationship),
                "score": summary.score if summary is not None else None,
                "flags": summary.flags if summary is not None else (),
                "can_write": can_write,
            }
        )
    return render_to_string(
        "checkins/_list_panel.html",
        {"items": items, "more": len(rows) > LIST_LIMIT, "title_id": title_id},
        request=request,
    )


def whanau_panel(request: HttpRequest, whanau: Any) -> str:
    """The whānau page: each practitioner relationship's latest check-in, with links."""
    rows = practitioner_relationships_in_whanau(request, whanau)
    return _list_panel(request, rows, title_id=f"checkins-whanau-{whanau.pk}")


def person_panel(request: HttpRequest, person: Any) -> str:
    """A person's page: their relationships with practitioners and the latest check-in of each."""
    relationships = relationship_access.relationships_for_user(request.user).filter(
        Q(person_a_id=person.pk) | Q(person_b_id=person.pk)
    )
    rows = _current_practitioner_relationships(relationships)
    return _list_panel(request, rows, title_id=f"checkins-person-{person.pk}")
