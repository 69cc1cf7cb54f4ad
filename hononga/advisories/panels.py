"""Panels: the advisory banner, the whānau page's "Plan a contact", home, contact form, manage."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from hononga.accounts.models import Role
from hononga.whanau import access
from hononga.whanau.models import Whanau

from . import selectors
from .models import Override


def _active_on_page(request: HttpRequest, whanau: Any) -> Any:
    """The advisory active for the whānau, read once for a request: the banner and the whānau
    page's panel both show it."""
    known = request.__dict__.setdefault("_hononga_active_advisory", {})
    key = getattr(whanau, "pk", None)
    if key not in known:
        known[key] = selectors.active_for_whanau(whanau)
    return known[key]


def banner(request: HttpRequest, whanau: Any) -> str:
    advisory = _active_on_page(request, whanau)
    if advisory is None:
        return ""
    can_plan = access.whanau_access(request, whanau).can_edit
    return render_to_string(
        "advisories/_banner.html",
        {"advisory": advisory, "whanau": whanau, "can_plan": can_plan},
        request=request,
    )


def whanau_panel(request: HttpRequest, whanau: Any) -> str:
    advisory = _active_on_page(request, whanau)
    if advisory is None:
        return ""
    can_plan = access.whanau_access(request, whanau).can_edit
    return render_to_string(
        "advisories/_whanau_panel.html",
        {"advisory": advisory, "whanau": whanau, "can_plan": can_plan},
        request=request,
    )


def _posted_day(request: HttpRequest) -> date | None:
    """The day of the contact being saved (the gate checks that day, not today)."""
    raw = str(request.POST.get("occurred_at", ""))[:16]
    try:
        return datetime.strptime(raw, "%Y-%m-%dT%H:%M").date()
    except ValueError:
        return None


def contact_form_panel(request: HttpRequest, whanau: Any) -> str:
    """The gate on the contact form, and its one "urgent reason" input.

    The contacts app parses the value (ContactForm.urgent_reason) and hands it to the gate; the
    input lives here, shown only while an advisory is active, with the id the contact form's error
    summary links to.
    """
    posted = _posted_day(request)
    advisory = (selectors.active_for_whanau(whanau, posted) if posted else None) or (
        selectors.active_for_whanau(whanau)
    )
    if advisory is None:
        return ""
    screening_id = request.POST.get("screening") or request.GET.get("screening", "")
    reason = request.POST.get("urgent_reason", request.GET.get("urgent_reason", ""))
    return render_to_string(
        "advisories/_contact_form_panel.html",
        {
            "advisory": advisory,
            "whanau": whanau,
            "screening_id": screening_id if str(screening_id).isdigit() else "",
            "urgent_reason": str(reason)[:2000],
        },
        request=request,
    )


def home_panel(request: HttpRequest, user: Any) -> str:
    advisories = list(selectors.active_advisories().prefetch_related("regions"))
    if not advisories:
        return ""
    region_ids = {r.pk for a in advisories for r in a.regions.all()}
    is_admin = getattr(user, "role", None) == Role.ADMIN
    # The whānau the user may see, read once for the home page (its other panels use them too).
    visible = [] if is_admin else access.visible_whanau_id_list(request)
    affected = Whanau.objects.filter(
        pk__in=visible, region_id__in=region_ids, archived_at__isnull=True
    )
    affected_count = 0 if is_admin else affected.count()
    overrides: list[Override] = []
    if getattr(user, "role", None) == Role.SUPERVISOR:
        overrides = list(
            Override.objects.filter(whanau__in=visible)
            .select_related("whanau", "practitioner", "advisory")
            .order_by("-created_at")[:10]
        )
    if not affected_count and not overrides and not is_admin:
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
            "is_admin": is_admin,
        },
        request=request,
    )


SUPERVISION_LIMIT = 20


def supervision_panel(request: HttpRequest, practitioner: Any) -> str:
    """A supervisor with one practitioner: their in-person contacts without a screening."""
    if getattr(request.user, "role", None) != Role.SUPERVISOR:
        return ""
    overrides = list(
        Override.objects.filter(
            practitioner=practitioner, whanau__in=access.whanau_for_user(request.user)
        )
        .select_related("whanau", "advisory", "contact")
        .order_by("-created_at", "-pk")[: SUPERVISION_LIMIT + 1]
    )
    if not overrides:
        return ""
    return render_to_string(
        "advisories/_supervision_panel.html",
        {
            "overrides": overrides[:SUPERVISION_LIMIT],
            "more": len(overrides) > SUPERVISION_LIMIT,
            "practitioner": practitioner,
        },
        request=request,
    )


def manage_panel(request: HttpRequest, user: Any) -> str:
    if getattr(user, "role", None) != Role.ADMIN:
        return ""
    return render_to_string("advisories/_manage_panel.html", {}, request=request)


def person_panel(request: HttpRequest, person: Any) -> str:
    """The person page: their immunisation status for each disease that records one, how it is
    known, and whether it counts as evidence in a screening today."""
    from . import diseases, immunisation

    rows = []
    for key in diseases.RECORDED:
        disease = diseases.DISEASES[key]
        weighed = immunisation.evidence_for(disease, [person])[0]
        rows.append({"key": key, "disease": disease, "weighed": weighed})
    return render_to_string(
        "advisories/_person_panel.html",
        {
            "person": person,
            "rows": rows,
            "can_edit": access.can_edit_person(request.user, person),
            "consent_ok": immunisation.consent_ok(person),
        },
        request=request,
    )
