"""Reads for whānau and people. Every selector starts from what the user may see."""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hononga.core.text import fold
from hononga.whanau import access
from hononga.whanau.models import Allocation, BreakGlassGrant, Membership, Person, Whanau


def whanau_list(
    *,
    user: Any,
    query: str = "",
    status: str = "",
    team_id: int | None = None,
    include_archived: bool = False,
    region_id: int | None = None,
    mine: bool = False,
    visible: list[int] | None = None,
) -> QuerySet[Whanau]:
    """The whānau the user may see that match; `visible` stands for their ids when the caller
    has read them already (`access.visible_whanau_id_list`)."""
    seen = (
        access.whanau_for_user(user) if visible is None else Whanau.objects.filter(pk__in=visible)
    )
    whanau = seen.select_related("team", "region")
    if region_id:
        whanau = whanau.filter(region_id=region_id)
    if mine:
        whanau = whanau.filter(
            Exists(Allocation.objects.current().filter(user=user, whanau=OuterRef("pk")))
        )
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


# --- Pages: members, allocations, break glass, history -------------------------------------


def visible_memberships(*, user: Any, person: Person) -> QuerySet[Membership]:
    """A person's live memberships of whānau the user may see (never the others' names)."""
    return (
        Membership.objects.filter(
            person=person,
            archived_at__isnull=True,
            whanau__in=access.whanau_for_user(user).values("pk"),
        )
        .select_related("whanau")
        .order_by("whanau__search_key", "pk")
    )


def people_list_with_whanau(
    *, user: Any, query: str = "", kind: str = "", include_archived: bool = False
) -> QuerySet[Person]:
    """people_list, each person carrying `visible_memberships` (whānau the user may see)."""
    visible = access.whanau_for_user(user).values("pk")
    return people_list(
        user=user, query=query, kind=kind, include_archived=include_archived
    ).prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(archived_at__isnull=True, whanau__in=visible)
            .select_related("whanau")
            .order_by("whanau__search_key"),
            to_attr="visible_memberships",
        )
    )


def whanau_members(whanau: Whanau) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(whanau=whanau, archived_at__isnull=True)
        .select_related("person")
        .order_by("person__search_key", "pk")
    )


def whanau_allocations(whanau: Whanau) -> QuerySet[Allocation]:
    return (
        Allocation.objects.filter(whanau=whanau, archived_at__isnull=True)
        .select_related("user")
        .order_by("-started", "pk")
    )


def break_glass_grants(whanau: Whanau, limit: int = 50) -> list[BreakGlassGrant]:
    return list(
        BreakGlassGrant.objects.filter(whanau=whanau)
        .select_related("user")
        .order_by("-granted_at")[:limit]
    )


def active_break_glass(*, user: Any, whanau: Whanau) -> BreakGlassGrant | None:
    return (
        BreakGlassGrant.objects.filter(user=user, whanau=whanau, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryRow:
    when: datetime
    who: str
    what: str
    subject: str
    reason: str
    changes: list[Change] = field(default_factory=list)


HIDDEN_HISTORY_FIELDS = {"id", "version", "created_at", "updated_at", "archived_at", "search_key"}


def _shown(model_field: Any, value: Any, names: dict[tuple[Any, Any], str]) -> str:
    if value is None or value == "":
        return "—"
    if model_field.is_relation:
        return names.get((model_field.related_model, value), f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def history_rows(
    model: Any,
    records: Iterable[Any],
    *,
    subject: Callable[[Any], str] = lambda record: "",
) -> list[HistoryRow]:
    """Turn simple-history records into rows: who, when, what, and each field's old and new value.

    `records` may hold several objects' histories; each is compared with its own previous one.
    """
    # `model.history` makes a new manager class each time it is read (simple-history's
    # descriptor): read it once, not once per field.
    excluded = getattr(model.history.model, "_history_excluded_fields", [])
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.name not in HIDDEN_HISTORY_FIELDS and f.name not in excluded
    ]
    ordered = sorted(records, key=lambda r: (r.history_date, r.history_id))
    previous: dict[Any, Any] = {}
    pairs: list[tuple[Any, Any]] = []
    for record in ordered:
        pairs.append((record, previous.get(record.id)))
        previous[record.id] = record
    # Names of related records that changed (a team, a region), in one query per model.
    wanted: dict[Any, set[Any]] = {}
    for record, before in pairs:
        if before is None:
            continue
        for f in fields:
            if f.is_relation and getattr(record, f.attname) != getattr(before, f.attname):
                wanted.setdefault(f.related_model, set()).update(
                    {getattr(record, f.attname), getattr(before, f.attname)}
                )
    names: dict[tuple[Any, Any], str] = {}
    for related, ids in wanted.items():
        for pk, obj in related._default_manager.in_bulk([i for i in ids if i]).items():
            names[(related, pk)] = str(obj)
    rows: list[HistoryRow] = []
    for record, before in pairs:
        changes: list[Change] = []
        if record.history_type == "+":
            what = str(_("Created"))
        elif before is not None and before.archived_at is None and record.archived_at:
            what = str(_("Archived"))
        else:
            what = str(_("Changed"))
        if before is not None:
            for f in fields:
                old, new = getattr(before, f.attname), getattr(record, f.attname)
                if old != new:
                    changes.append(
                        Change(
                            label=str(f.verbose_name).capitalize(),
                            old=_shown(f, old, names),
                            new=_shown(f, new, names),
                        )
                    )
        user = record.history_user
        rows.append(
            HistoryRow(
                when=record.history_date,
                who=str(user) if user is not None else str(_("the system")),
                what=what,
                subject=subject(record),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    rows.reverse()
    return rows


def whanau_history(whanau: Whanau, limit: int = 60) -> list[HistoryRow]:
    """The whānau's own changes, and those of its memberships and allocations, newest first."""
    own = history_rows(
        Whanau, whanau.history.select_related("history_user").order_by("-history_date")[:limit]
    )
    members = history_rows(
        Membership,
        Membership.history.filter(whanau_id=whanau.pk)
        .select_related("history_user", "person")
        .order_by("-history_date")[:limit],
        subject=lambda r: str(_("Membership: %(name)s") % {"name": r.person.full_name}),
    )
    allocations = history_rows(
        Allocation,
        Allocation.history.filter(whanau_id=whanau.pk)
        .select_related("history_user", "user")
        .order_by("-history_date")[:limit],
        subject=lambda r: str(_("Allocation: %(name)s") % {"name": r.user.display_name}),
    )
    rows = own + members + allocations
    rows.sort(key=lambda row: row.when, reverse=True)
    return rows[:limit]


def person_history(person: Person, limit: int = 60) -> list[HistoryRow]:
    return history_rows(
        Person, person.history.select_related("history_user").order_by("-history_date")[:limit]
    )
