"""Reads for whānau and people. Every selector starts from what the user may see."""

import re
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from hononga.core.text import fold
from hononga.whanau import access
from hononga.whanau.models import Person, Whanau


def whanau_list(
    *,
    user: Any,
    query: str = "",
    status: str = "",
    team_id: int | None = None,
    include_archived: bool = False,
) -> QuerySet[Whanau]:
    whanau = access.whanau_for_user(user).select_related("team", "region")
    if not include_archived:
        whanau = whanau.filter(archived_at__isnull=True)
    if query.strip():
        for word in fold(query).split():
            whanau = whanau.filter(search_key__contains=word)
    if status:
        whanau = whanau.filter(status=status)
    if team_id:
        whanau = whanau.filter(team_id=team_id)
    return whanau.order_by("search_key", "id")


def people_list(
    *, user: Any, query: str = "", kind: str = "", include_archived: bool = False
) -> QuerySet[Person]:
    people = access.people_for_user(user)
    if not include_archived:
        people = people.filter(archived_at__isnull=True)
    if query.strip():
        for word in fold(query).split():
            people = people.filter(search_key__contains=word)
    if kind:
        people = people.filter(kind=kind)
    return people.order_by("search_key", "id")


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)


def likely_duplicates(
    *,
    user: Any,
    preferred_name: str,
    other_names: str = "",
    date_of_birth: date | None = None,
    phone: str = "",
    limit: int = 10,
) -> list[Person]:
    """People the user can see who may be the person about to be created.

    A match is: the same full name; or the same preferred name (or family name) with the same
    date of birth; or the same phone number.
    """
    full = fold(f"{preferred_name} {other_names}")
    first = fold(preferred_name)
    conditions = Q()
    if full:
        conditions |= Q(search_key=full)
    if date_of_birth is not None:
        names = Q(search_key__startswith=first + " ") | Q(search_key=first) if first else Q()
        if other_names.strip():
            names |= Q(search_key__endswith=" " + fold(other_names))
        conditions |= Q(date_of_birth=date_of_birth) & names
    digits = _digits(phone)
    if len(digits) >= 6:
        conditions |= Q(phone__endswith=digits[-7:])
    if not conditions:
        return []
    people = access.people_for_user(user).filter(conditions, archived_at__isnull=True)
    return list(people.order_by("search_key", "id")[:limit])
