"""Reads for contacts: visible contacts, filtered lists, form defaults, reflection figures.

Reflection figures are aggregated in the database (GROUP BY month and quadrant), so the cost of
a report does not grow with the number of rows the page would otherwise load, and the number of
queries is the same for ten contacts or twenty thousand.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import HttpRequest
from django.utils import timezone

from hononga.accounts.models import Role, Team, User
from hononga.checkins.models import CheckIn, Perspective
from hononga.contacts.models import (
    QUADRANT_ORDER,
    Contact,
    DecisionsWith,
    Mode,
    Quadrant,
)
from hononga.relationships.models import Relationship
from hononga.whanau import access
from hononga.whanau.models import Person, Whanau

REFLECTION_MAX_DAYS = 3 * 366
STAFF_ROLES = {Role.PRACTITIONER, Role.FACILITATOR, Role.SUPERVISOR}


def contacts_for_user(user: Any) -> QuerySet[Contact]:
    """Contacts of every whānau the user may see (archived contacts included)."""
    return Contact.objects.filter(whanau__in=access.whanau_for_user(user).values("pk"))


def contacts_in_whanau(request: HttpRequest, whanau: Whanau) -> QuerySet[Contact]:
    """One whānau's contacts that the request's user may see: all of them when they may see the
    whānau (decided once for the request), none otherwise. The same rows as
    `contacts_for_user(user).filter(whanau_id=whanau.pk)`, without its access subquery."""
    if not access.whanau_access(request, whanau).can_see:
        return Contact.objects.none()
    return Contact.objects.filter(whanau_id=whanau.pk)


def get_contact_for_user(user: Any, pk: Any) -> Contact:
    from django.http import Http404

    try:
        return (
            contacts_for_user(user)
            .select_related("whanau", "practitioner")
            .prefetch_related(
                Prefetch("participants", queryset=Person.objects.order_by("search_key", "id")),
                "relationships__person_a",
                "relationships__person_b",
            )
            .get(pk=int(pk))
        )
    except (Contact.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404 from None


@dataclass
class ContactFilters:
    whanau: int | None = None
    person: int | None = None
    practitioner: int | None = None
    relationship: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    mode: str = ""
    quadrant: str = ""
    include_archived: bool = False


def _local_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def contact_list(
    *, user: Any, filters: ContactFilters, visible: QuerySet[Contact] | None = None
) -> QuerySet[Contact]:
    """The contacts the user may see that match the filters. `visible` stands for
    `contacts_for_user(user)` when the caller has already narrowed it (`contacts_in_whanau`)."""
    contacts = contacts_for_user(user) if visible is None else visible
    if not filters.include_archived:
        contacts = contacts.filter(archived_at__isnull=True)
    if filters.whanau:
        contacts = contacts.filter(whanau_id=filters.whanau)
    if filters.person:
        contacts = contacts.filter(participants=filters.person)
    if filters.relationship:
        contacts = contacts.filter(relationships=filters.relationship)
    if filters.practitioner:
        contacts = contacts.filter(practitioner_id=filters.practitioner)
    if filters.date_from:
        contacts = contacts.filter(occurred_at__gte=_local_start(filters.date_from))
    if filters.date_to:
        contacts = contacts.filter(occurred_at__lt=_local_start(filters.date_to + timedelta(1)))
    if filters.mode in Mode.values:
        contacts = contacts.filter(mode=filters.mode)
    if filters.quadrant in Quadrant.values:
        contacts = contacts.filter(quadrant=filters.quadrant)
    return contacts.select_related("whanau", "practitioner").prefetch_related(
        Prefetch("participants", queryset=Person.objects.order_by("search_key", "id"))
    )


def practitioners_visible_to(user: Any) -> QuerySet[User]:
    """Staff who recorded contacts the user can see, for the list's practitioner filter."""
    return User.objects.filter(pk__in=contacts_for_user(user).values("practitioner_id")).order_by(
        "preferred_name", "username"
    )


# --- Form defaults -------------------------------------------------------------------------------


def last_mode(user: User) -> str:
    """The mode of the user's most recent contact, so a routine contact needs no change."""
    mode = (
        Contact.objects.filter(practitioner=user, archived_at__isnull=True)
        .order_by("-occurred_at", "-id")
        .values_list("mode", flat=True)
        .first()
    )
    return mode or Mode.HOME_VISIT


def whanau_members(whanau: Whanau) -> QuerySet[Person]:
    return Person.objects.filter(
        memberships__whanau=whanau, memberships__archived_at__isnull=True
    ).order_by("search_key", "id")


def writable_whanau_for(user: Any) -> QuerySet[Whanau]:
    return access.whanau_editable_by(user).filter(archived_at__isnull=True).order_by("search_key")


# --- Reflection ----------------------------------------------------------------


@dataclass
class Period:
    start: date
    end: date  # inclusive

    @property
    def start_at(self) -> datetime:
        return _local_start(self.start)

    @property
    def end_before(self) -> datetime:
        return _local_start(self.end + timedelta(days=1))


def default_period(today: date | None = None) -> Period:
    """The last twelve months, whole months, up to today."""
    today = today or timezone.localdate()
    year, month = today.year, today.month - 11
    while month < 1:
        month += 12
        year -= 1
    return Period(start=date(year, month, 1), end=today)


def _months(period: Period) -> list[date]:
    months = []
    current = date(period.start.year, period.start.month, 1)
    while current <= period.end:
        months.append(current)
        current = date(current.year + (current.month // 12), current.month % 12 + 1, 1)
    return months


def _percent(part: int, whole: int) -> int | None:
    if not whole:
        return None
    value = Decimal(100 * part) / Decimal(whole)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class MonthRow:
    month: date
    counts: dict[str, int] = field(default_factory=lambda: {q.value: 0 for q in QUADRANT_ORDER})
    total: int = 0
    decided_with: int = 0
    decisions_made: int = 0  # contacts where decisions were made ("yes" or "no")
    own_words: int = 0
    checkin_mean: Decimal | None = None
    checkin_count: int = 0

    @property
    def decided_with_percent(self) -> int | None:
        return _percent(self.decided_with, self.decisions_made)

    @property
    def own_words_percent(self) -> int | None:
        return _percent(self.own_words, self.total)

    def quadrant_percent(self, key: str) -> int | None:
        return _percent(self.counts[key], self.total)

    @property
    def quadrant_cells(self) -> list[tuple[str, int, int | None]]:
        return [
            (q.value, self.counts[q.value], self.quadrant_percent(q.value)) for q in QUADRANT_ORDER
        ]


@dataclass
class Reflection:
    period: Period
    months: list[MonthRow]
    totals: MonthRow
    checkin_raters: int = 0

    @property
    def has_contacts(self) -> bool:
        return self.totals.total > 0


def reflection(*, practitioners: QuerySet[User], period: Period) -> Reflection:
    """Quadrant mix by month, the two shares, and the whānau's own check-in scores.

    `practitioners` is a queryset (used as a subquery, never loaded). Three queries, whatever the
    number of contacts: contacts grouped by month and quadrant; check-ins grouped by month; the
    period's check-in totals.
    """
    tz = ZoneInfo(settings.TIME_ZONE)
    contacts = Contact.objects.filter(
        practitioner__in=practitioners.values("pk"),
        archived_at__isnull=True,
        occurred_at__gte=period.start_at,
        occurred_at__lt=period.end_before,
    )
    grouped = (
        contacts.annotate(month=TruncMonth("occurred_at", tzinfo=tz))
        .values("month", "quadrant")
        .annotate(
            n=Count("id"),
            decided_with=Count("id", filter=Q(decisions_with=DecisionsWith.YES)),
            decisions_made=Count("id", filter=~Q(decisions_with=DecisionsWith.NOT_APPLICABLE)),
            own_words=Count("id", filter=~Q(own_words="")),
        )
        .order_by()
    )
    rows = {month: MonthRow(month=month) for month in _months(period)}
    totals = MonthRow(month=period.start)
    for item in grouped:
        month = item["month"]
        month = month.date() if isinstance(month, datetime) else month
        row = rows.setdefault(month, MonthRow(month=month))
        for target in (row, totals):
            target.counts[item["quadrant"]] += item["n"]
            target.total += item["n"]
            target.decided_with += item["decided_with"]
            target.decisions_made += item["decisions_made"]
            target.own_words += item["own_words"]

    # The same relationships: each practitioner's own relationships with whānau members, and
    # any relationship their contacts in the period were about. Only the person's own answers
    # ("self"), not the practitioner's mirror.
    # One subquery, a UNION ALL of three index lookups, instead of an OR across joins: with the
    # OR, PostgreSQL read every check-in of the period (737,000 at national size) to keep 403.
    staff = practitioners.values("pk")
    relationship_ids = (
        Relationship.objects.filter(person_a__user__in=staff)
        .values("pk")
        .order_by()
        .union(
            Relationship.objects.filter(person_b__user__in=staff).values("pk").order_by(),
            Contact.relationships.through.objects.filter(contact__in=contacts.values("pk"))
            .values("relationship_id")
            .order_by(),
            all=True,
        )
    )
    checkins = CheckIn.objects.filter(
        relationship_id__in=relationship_ids,
        archived_at__isnull=True,
        perspective=Perspective.SELF,
        score__isnull=False,
        answered_at__gte=period.start_at,
        answered_at__lt=period.end_before,
    )
    by_month = (
        checkins.annotate(month=TruncMonth("answered_at", tzinfo=tz))
        .values("month")
        .annotate(total=Sum("score"), n=Count("id"))
        .order_by()
    )
    total, count = Decimal(0), 0
    for item in by_month:
        month = item["month"]
        month = month.date() if isinstance(month, datetime) else month
        row = rows.setdefault(month, MonthRow(month=month))
        row.checkin_mean = _one_decimal(Decimal(item["total"]) / item["n"])
        row.checkin_count = item["n"]
        total += Decimal(item["total"])
        count += item["n"]
    # The period's means and counts add up from the months; only the distinct raters need
    # the rows again (the same small index lookups).
    totals.checkin_mean = _one_decimal(total / count) if count else None
    totals.checkin_count = count
    raters = checkins.aggregate(raters=Count("rater", distinct=True))["raters"] if count else 0
    return Reflection(
        period=period,
        months=[rows[m] for m in sorted(rows)],
        totals=totals,
        checkin_raters=raters or 0,
    )


def _one_decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- Who may reflect on whom ---------------------------------------------------------------------


def can_see_practitioner_reflection(user: Any, practitioner: User) -> bool:
    """Your own; or, for a supervisor, a practitioner in one of their teams."""
    if not getattr(user, "is_authenticated", False) or user.role not in STAFF_ROLES:
        return False
    if practitioner.pk == user.pk:
        return True
    return is_supervisor_of(user, practitioner)


def is_supervisor_of(user: Any, practitioner: User) -> bool:
    return (
        getattr(user, "role", None) == Role.SUPERVISOR
        and practitioner.pk != user.pk
        and practitioner.is_active
        and practitioner.role in {Role.PRACTITIONER, Role.FACILITATOR}
        and practitioner.teams.filter(pk__in=user.teams.values("pk")).exists()
    )


def supervised_practitioners(user: Any) -> QuerySet[User]:
    if getattr(user, "role", None) != Role.SUPERVISOR:
        return User.objects.none()
    return (
        User.objects.filter(
            is_active=True,
            role__in=[Role.PRACTITIONER, Role.FACILITATOR],
            teams__in=user.teams.values("pk"),
        )
        .distinct()
        .order_by("preferred_name", "username")
    )


def teams_for(user: Any) -> QuerySet[Team]:
    """Teams whose reflection the user may see: their own teams (staff, not administrators)."""
    if not getattr(user, "is_authenticated", False) or user.role not in STAFF_ROLES:
        return Team.objects.none()
    return user.teams.order_by("name")


def team_practitioners(team: Team) -> QuerySet[User]:
    """Everyone who records contacts in the team (supervisors' own contacts included)."""
    return User.objects.filter(teams=team, role__in=list(STAFF_ROLES))


def practitioner_recent_contacts(
    *, viewer: Any, practitioner: User, limit: int = 15
) -> QuerySet[Contact]:
    return contact_list(user=viewer, filters=ContactFilters(practitioner=practitioner.pk))[:limit]
