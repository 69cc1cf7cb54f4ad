"""Sections the contacts app adds to shared pages (registered in apps.ContactsConfig.ready)."""

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from hononga.contacts import selectors
from hononga.whanau import access

PANEL_LIMIT = 10


def _render(
    request: HttpRequest, *, title: str, filters: selectors.ContactFilters, **extra: Any
) -> str:
    contacts = selectors.contact_list(user=request.user, filters=filters)
    recent = list(contacts[: PANEL_LIMIT + 1])
    return render_to_string(
        "contacts/_panel.html",
        {
            "title": title,
            "contacts": recent[:PANEL_LIMIT],
            "more": len(recent) > PANEL_LIMIT,
            "filters": filters,
            **extra,
        },
        request=request,
    )


def whanau_panel(request: HttpRequest, whanau: Any) -> str:
    can_record = (
        getattr(request.user, "role", None) in access.CASE_WRITER_ROLES
        and whanau.archived_at is None
        and access.can_edit_whanau(request.user, whanau)
    )
    return _render(
        request,
        title="whanau",
        filters=selectors.ContactFilters(whanau=whanau.pk),
        record_whanau=whanau if can_record else None,
        list_query=f"whanau={whanau.pk}",
    )


def person_panel(request: HttpRequest, person: Any) -> str:
    return _render(
        request,
        title="person",
        filters=selectors.ContactFilters(person=person.pk),
        list_query=f"person={person.pk}",
    )


def relationship_panel(request: HttpRequest, relationship: Any) -> str:
    return _render(
        request,
        title="relationship",
        filters=selectors.ContactFilters(relationship=relationship.pk),
        list_query=f"whanau={relationship.whanau_id}",
    )
