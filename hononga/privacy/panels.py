"""Sections the privacy app adds to shared pages (registered in apps.PrivacyConfig.ready)."""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string

from hononga.privacy import selectors
from hononga.privacy.models import CorrectionStatus, RecordType, SignInCode, SpaceAccess
from hononga.whanau.access import can_edit_person, whanau_editable_by

HOME_LIMIT = 5
SIGN_INS_SHOWN = 5


def person_panel(request: HttpRequest, person: Any) -> str:
    """The whānau space: open or closed, who opened it and why, recent sign-ins; statements of
    correction the person attached to their records. Two queries for someone whose space was never
    opened, four otherwise."""
    access = (
        SpaceAccess.objects.filter(person=person).select_related("opened_by", "closed_by").first()
    )
    can_edit = can_edit_person(request.user, person)
    if access is None:
        # Never opened: no sign-ins and no requests (they come from the space). Why it cannot
        # be opened yet is said on the page that opens it.
        return render_to_string(
            "privacy/_person_panel.html",
            {"person": person, "access": None, "can_edit": can_edit},
            request=request,
        )
    sign_ins = list(
        SignInCode.objects.filter(person=person, used_at__isnull=False)
        .order_by("-used_at")
        .values_list("used_at", flat=True)[:SIGN_INS_SHOWN]
    )
    # Open requests, and every statement of correction the person attached to any of their
    # records (their details here; the others are also shown beside their record).
    corrections = list(
        person.corrections.filter(Q(status=CorrectionStatus.OPEN) | ~Q(statement="")).order_by(
            "decided_at", "id"
        )[:50]
    )
    statements = [c for c in corrections if c.statement]
    open_requests = sum(1 for c in corrections if c.status == CorrectionStatus.OPEN)
    return render_to_string(
        "privacy/_person_panel.html",
        {
            "person": person,
            "access": access,
            "sign_ins": sign_ins,
            "can_edit": can_edit,
            "statements": statements,
            "open_requests": open_requests,
        },
        request=request,
    )


def goal_statements(goal: Any) -> list[Any]:
    """Statements of correction attached to a goal (for its page)."""
    found = selectors.statements_for([(RecordType.GOAL, goal.pk)]).get(
        (RecordType.GOAL, goal.pk), []
    )
    return [s for s in found if s.statement]


def relationship_panel(request: HttpRequest, relationship: Any) -> str:
    statements = selectors.statements_for([(RecordType.RELATIONSHIP, relationship.pk)]).get(
        (RecordType.RELATIONSHIP, relationship.pk), []
    )
    statements = [s for s in statements if s.statement]
    if not statements:
        return ""
    return render_to_string("privacy/_statements.html", {"statements": statements}, request=request)


def home_panel(request: HttpRequest, user: Any) -> str:
    """Correction requests waiting for the user's decision, due soonest first."""
    rows = (
        selectors.corrections_for_user(user, deciding=True)
        .filter(status=CorrectionStatus.OPEN)
        .select_related("person")
        .order_by("due_on", "id")
    )
    items = list(rows[: HOME_LIMIT + 1])
    if not items:
        return ""
    total = rows.count() if len(items) > HOME_LIMIT else len(items)
    return render_to_string(
        "privacy/_home_panel.html",
        {"items": items[:HOME_LIMIT], "total": total},
        request=request,
    )


def whanau_panel(request: HttpRequest, whanau: Any) -> str:
    """Privacy officer exports of this whānau's records, shown to its supervisors (as break
    glass is)."""
    from django.db.models import Q

    from hononga.privacy.models import SubjectAccessRequest
    from hononga.whanau.access import whanau_access
    from hononga.whanau.models import Membership

    if not whanau_access(request, whanau).supervises:
        return ""
    exports = list(
        SubjectAccessRequest.objects.filter(
            Q(whanau=whanau)
            | Q(person__in=Membership.objects.filter(whanau=whanau).values("person"))
        )
        .select_related("person", "requested_by")
        .order_by("-created_at")[:10]
    )
    if not exports:
        return ""
    return render_to_string("privacy/_whanau_panel.html", {"exports": exports}, request=request)


def officer_home_panel(request: HttpRequest, user: Any) -> str:
    if not selectors.is_privacy_officer(user):
        return ""
    return render_to_string("privacy/_officer_panel.html", {}, request=request)


__all__ = ["home_panel", "person_panel", "relationship_panel", "whanau_editable_by"]
