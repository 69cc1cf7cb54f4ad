"""Sections this app adds to shared pages (registered in apps.RestorativeConfig.ready)."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from hononga.accounts.models import Role
from hononga.restorative import access, selectors
from hononga.restorative.models import RestorativeProcess
from hononga.whanau import access as whanau_access

PANEL_LIMIT = 10


def _harms_panel(
    request: HttpRequest,
    *,
    slot: str,
    harms: Any,
    visible_processes: QuerySet[RestorativeProcess] | None = None,
    **extra: Any,
) -> str:
    """The harms and each one's processes. `visible_processes` stands for
    `access.processes_for_user(user)` when the caller has already narrowed it."""
    rows = list(harms[: PANEL_LIMIT + 1])
    processes: list[RestorativeProcess] = []
    if rows:
        if visible_processes is None:
            visible_processes = access.processes_for_user(request.user)
        processes = list(
            visible_processes.filter(harm__in=[h.pk for h in rows[:PANEL_LIMIT]])
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
        harms=selectors.harm_list(
            user=request.user,
            whanau_id=whanau.pk,
            visible=access.harms_in_whanau(request, whanau),
        ),
        visible_processes=access.processes_in_whanau(request, whanau),
        record_whanau=whanau if whanau_access.whanau_access(request, whanau).can_write else None,
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
    """The processes a facilitator is running, due and overdue agreement items, and family
    group conference plans due for review."""
    if getattr(user, "role", None) not in (Role.PRACTITIONER, Role.FACILITATOR):
        return ""
    today = timezone.localdate()
    visible = whanau_access.visible_whanau_id_list(request)  # read once for the home page
    items = list(selectors.items_due(user=user, today=today, visible=visible)[: PANEL_LIMIT + 1])
    reviews = list(
        selectors.plans_due_for_review(user=user, today=today, visible=visible)[:PANEL_LIMIT]
    )
    facilitating: list[Any] = []
    if user.role == Role.FACILITATOR:
        facilitating = list(selectors.facilitating(user=user)[: PANEL_LIMIT + 1])
    if not items and not reviews and user.role != Role.FACILITATOR:
        return ""
    return render_to_string(
        "restorative/_home_panel.html",
        {
            "items": items[:PANEL_LIMIT],
            "more": len(items) > PANEL_LIMIT,
            "reviews": reviews,
            "facilitating": facilitating[:PANEL_LIMIT],
            "more_facilitating": len(facilitating) > PANEL_LIMIT,
            "is_facilitator": user.role == Role.FACILITATOR,
            "today": today,
        },
        request=request,
    )


def manage_panel(request: HttpRequest, user: Any) -> str:
    if getattr(user, "role", None) != Role.ADMIN:
        return ""
    return render_to_string("restorative/_manage_panel.html", {}, request=request)


def _capped(queryset: Any) -> tuple[list[Any], int]:
    """The first PANEL_LIMIT rows and the total, counting only when there are more."""
    rows = list(queryset[: PANEL_LIMIT + 1])
    total = queryset.count() if len(rows) > PANEL_LIMIT else len(rows)
    return rows[:PANEL_LIMIT], total


def supervision_panel(request: HttpRequest, practitioner: Any) -> str:
    """A supervisor with one practitioner: open harms, unfinished processes and open agreement
    items in the practitioner's whānau, limited to the whānau the supervisor may see (the page
    itself checks who is supervised). A fixed number of queries however many there are."""
    if getattr(request.user, "role", None) != Role.SUPERVISOR:
        return ""
    viewer = request.user
    harms, harm_total = _capped(
        selectors.supervision_open_harms(viewer=viewer, practitioner=practitioner)
    )
    by_harm: dict[int, list[Any]] = {}
    if harms:
        for process in selectors.unfinished_processes_of_harms([h.pk for h in harms]):
            by_harm.setdefault(process.harm_id, []).append(process)
    processes, process_total = _capped(
        selectors.supervision_open_processes(viewer=viewer, practitioner=practitioner)
    )
    items, item_total = (
        _capped(selectors.supervision_open_items(viewer=viewer, practitioner=practitioner))
        if processes
        else ([], 0)  # items belong to unfinished processes: none without one
    )
    return render_to_string(
        "restorative/_supervision_panel.html",
        {
            "practitioner": practitioner,
            "harms": [(h, by_harm.get(h.pk, [])) for h in harms],
            "harm_total": harm_total,
            "processes": processes,
            "process_total": process_total,
            "items": items,
            "item_total": item_total,
            "today": timezone.localdate(),
        },
        request=request,
    )
