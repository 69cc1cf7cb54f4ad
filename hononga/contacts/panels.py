"""Sections the contacts app adds to shared pages (registered in apps.ContactsConfig.ready)."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string

from hononga.accounts.models import Role
from hononga.contacts import selectors
from hononga.contacts.models import Contact
from hononga.whanau import access

PANEL_LIMIT = 10


def _render(
    request: HttpRequest,
    *,
    title: str,
    filters: selectors.ContactFilters,
    visible: QuerySet[Contact] | None = None,
    **extra: Any,
) -> str:
    contacts = selectors.contact_list(user=request.user, filters=filters, visible=visible)
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
    can_record = access.whanau_access(request, whanau).can_write
    return _render(
        request,
        title="whanau",
        filters=selectors.ContactFilters(whanau=whanau.pk),
        visible=selectors.contacts_in_whanau(request, whanau),
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
        list_query=f"relationship={relationship.pk}",
    )


HOME_WHANAU_LIMIT = 12


def home_panel(request: HttpRequest, user: Any) -> str:
    """Home: one step to the contact form for each of the user's whānau (supervisors: links)."""
    role = getattr(user, "role", None)
    if role not in access.CASE_WRITER_ROLES:
        return ""
    if role == Role.SUPERVISOR:  # they see the team's whānau: the supervision view is theirs
        return render_to_string("contacts/_home_panel.html", {"supervisor": True}, request=request)
    whanau = list(
        selectors.writable_whanau_for(user).filter(status="open")[: HOME_WHANAU_LIMIT + 1]
    )
    return render_to_string(
        "contacts/_home_panel.html",
        {"whanau_list": whanau[:HOME_WHANAU_LIMIT], "more": len(whanau) > HOME_WHANAU_LIMIT},
        request=request,
    )
