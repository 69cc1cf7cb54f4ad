"""Links to whānau and people that appear only when the user can open them.

A page may name a whānau or a person that the viewer cannot open (a facilitator sees the
whānau of a harm they facilitate, not the whānau itself; a contact names someone who has since
left the whānau). A link there would lead to "not found", so the name is shown as plain text:

    {% load whanau_links %}
    {% whanau_link whanau %}          the whānau's name, linked if the user may open it
    {% person_link person %}          the person's full name, linked likewise
    {% whanau_link whanau text %}     other link text (for example "Back to …")

What the user may open is decided by hononga.whanau.access, once per request.
"""

from typing import Any

from django import template
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from hononga.whanau import access

register = template.Library()


def _request(context: Any) -> HttpRequest | None:
    return context.get("request")


def visible_whanau_ids(request: HttpRequest | None) -> set[int]:
    """The whānau the user may open (one query per request, only when a page asks)."""
    if request is None:
        return set()
    cached: set[int] | None = getattr(request, "_openable_whanau_ids", None)
    if cached is None:
        cached = set(access.whanau_for_user(request.user).values_list("pk", flat=True))
        request._openable_whanau_ids = cached  # type: ignore[attr-defined]
    return cached


def can_open_person(request: HttpRequest | None, person_id: int) -> bool:
    if request is None:
        return False
    cache: dict[int, bool] = getattr(request, "_openable_people", None) or {}
    if person_id not in cache:
        cache[person_id] = access.people_for_user(request.user).filter(pk=person_id).exists()
        request._openable_people = cache  # type: ignore[attr-defined]
    return cache[person_id]


@register.simple_tag(takes_context=True)
def whanau_link(context: Any, whanau: Any, text: Any = None) -> str:
    label = whanau.name if text is None else text
    if whanau.pk in visible_whanau_ids(_request(context)):
        return format_html('<a href="{}">{}</a>', reverse("whanau:detail", args=[whanau.pk]), label)
    return format_html("{}", label)


@register.simple_tag(takes_context=True)
def person_link(context: Any, person: Any, text: Any = None) -> str:
    label = person.full_name if text is None else text
    if can_open_person(_request(context), person.pk):
        return format_html('<a href="{}">{}</a>', reverse("whanau:person", args=[person.pk]), label)
    return format_html("{}", label)
