"""Record-level access to whānau and everything about them.

A practitioner or facilitator sees the whānau currently allocated to them; a supervisor sees
their teams' whānau; an administrator sees case content only through a break-glass grant.
Outsiders get 404 whether or not the record exists, so nothing leaks about what exists.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from hononga.accounts.models import Role, User
from hononga.whanau.models import Allocation, BreakGlassGrant, Membership, Person, Whanau

CASE_WRITER_ROLES = {Role.PRACTITIONER, Role.FACILITATOR, Role.SUPERVISOR}


def _is_staff_user(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _allocated_ids(user: User) -> QuerySet[Any]:
    return Allocation.objects.current().filter(user=user).values("whanau_id").order_by()


def _break_glass_ids(user: User) -> QuerySet[Any]:
    return (
        BreakGlassGrant.objects.filter(user=user, expires_at__gt=timezone.now())
        .values("whanau_id")
        .order_by()
    )


def _team_ids(user: User) -> QuerySet[Any]:
    return Whanau.objects.filter(team__in=user.teams.values("pk")).values("pk").order_by()


def visible_whanau_ids(user: Any) -> QuerySet[Any]:
    """The ids of every whānau the user may see, as one subquery: a UNION ALL of the user's
    own current allocations, break-glass grants and (for a supervisor) their teams' whānau.

    Written as a union, not as `EXISTS(...) OR EXISTS(...)` on the whānau table: with the OR
    PostgreSQL could not estimate how few whānau pass (it guessed most of 50,000 when 25 did)
    and then scanned every contact to count one practitioner's; each branch of the union is an
    index lookup whose row count it estimates well, and `IN` over it plans as a small
    semi-join."""
    if not _is_staff_user(user):
        return Whanau.objects.none().values("pk")
    parts = [_allocated_ids(user), _break_glass_ids(user)]
    if user.role == Role.SUPERVISOR:
        parts.append(_team_ids(user))
    return parts[0].union(*parts[1:], all=True)


def refuse_practice_lead(user: Any) -> None:
    """A practice lead sees figures, never case content: every list of case records is 404 to
    them (not an empty list, which would say the page is theirs to use). Records themselves are
    404 through the filters above unless they broke glass."""
    if _is_staff_user(user) and user.role == Role.PRACTICE_LEAD:
        raise Http404


def whanau_for_user(user: Any) -> QuerySet[Whanau]:
    """Every whānau the user may see, archived ones included (lists filter those out)."""
    if not _is_staff_user(user):
        return Whanau.objects.none()
    return Whanau.objects.filter(pk__in=visible_whanau_ids(user))


_VISIBLE_IDS_ATTRIBUTE = "_hononga_visible_whanau_ids"


def visible_whanau_id_list(request: HttpRequest) -> list[int]:
    """The ids of every whānau the request's user may see (those of `whanau_for_user`), read in
    one query the first time a request asks and remembered for the rest of it: a page whose
    panels each filter by them (the home page) passes the list down instead of each panel
    building and resolving the union subquery again."""
    user = request.user
    known: tuple[Any, list[int]] | None = request.__dict__.get(_VISIBLE_IDS_ATTRIBUTE)
    if known is not None and known[0] == getattr(user, "pk", None):
        return known[1]
    ids = sorted(whanau_for_user(user).values_list("pk", flat=True))
    request.__dict__[_VISIBLE_IDS_ATTRIBUTE] = (getattr(user, "pk", None), ids)
    return ids


def whanau_editable_by(user: Any) -> QuerySet[Whanau]:
    """Whānau the user may change: allocated staff and the team's supervisors; never by glass."""
    if not _is_staff_user(user) or user.role not in CASE_WRITER_ROLES:
        return Whanau.objects.none()
    ids = _allocated_ids(user)
    if user.role == Role.SUPERVISOR:
        ids = ids.union(_team_ids(user), all=True)
    return Whanau.objects.filter(pk__in=ids)


def get_whanau_for_user(user: Any, pk: Any) -> Whanau:
    try:
        return whanau_for_user(user).select_related("team", "region").get(pk=int(pk))
    except (Whanau.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404 from None


def can_edit_whanau(user: Any, whanau: Whanau) -> bool:
    return whanau_editable_by(user).filter(pk=whanau.pk).exists()


def needs_break_glass(user: Any, whanau: Whanau) -> bool:
    """True when the user sees this whānau only through a break-glass grant."""
    if user.role == Role.SUPERVISOR and user.teams.filter(pk=whanau.team_id).exists():
        return False
    return not Allocation.objects.current().filter(user=user, whanau=whanau).exists()


def people_for_user(user: Any) -> QuerySet[Person]:
    """People with a live membership of a whānau the user may see."""
    if not _is_staff_user(user):
        return Person.objects.none()
    visible = whanau_for_user(user)
    return Person.objects.filter(
        Exists(
            Membership.objects.filter(
                person=OuterRef("pk"), archived_at__isnull=True, whanau__in=visible.values("pk")
            )
        )
    )


def get_person_for_user(user: Any, pk: Any) -> Person:
    try:
        return people_for_user(user).get(pk=int(pk))
    except (Person.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404 from None


def can_edit_person(user: Any, person: Person) -> bool:
    return Membership.objects.filter(
        person=person, archived_at__isnull=True, whanau__in=whanau_editable_by(user).values("pk")
    ).exists()


@dataclass(frozen=True)
class WhanauAccess:
    """One user's access to one whānau, decided once for a request from three facts read in one
    query: the user is allocated to it today, holds a live break-glass grant for it, and belongs
    to its team. The rules are the ones above (`whanau_for_user`, `can_edit_whanau`,
    `needs_break_glass`, `can_manage_allocations`) applied to those facts; the whānau page and
    each of its panels ask this instead of each building the union of allocations, grants and
    teams again (tests check the two agree, case by case)."""

    user: Any
    whanau: Whanau
    allocated: bool = False
    glass: bool = False
    in_team: bool = False

    @property
    def supervises(self) -> bool:
        """A supervisor of the whānau's team."""
        return getattr(self.user, "role", None) == Role.SUPERVISOR and self.in_team

    @property
    def can_see(self) -> bool:
        return _is_staff_user(self.user) and (self.allocated or self.glass or self.supervises)

    @property
    def can_edit(self) -> bool:
        """As `can_edit_whanau`: allocated staff and the team's supervisors; never by glass."""
        return (
            _is_staff_user(self.user)
            and self.user.role in CASE_WRITER_ROLES
            and (self.allocated or self.supervises)
        )

    @property
    def can_write(self) -> bool:
        """May record and change things in it now: may edit, and it is not archived."""
        return self.can_edit and self.whanau.archived_at is None

    @property
    def needs_break_glass(self) -> bool:
        return not self.supervises and not self.allocated

    @property
    def can_manage_allocations(self) -> bool:
        return _is_staff_user(self.user) and (self.user.role == Role.ADMIN or self.supervises)


_REQUEST_ATTRIBUTE = "_hononga_whanau_access"


def _with_facts(whanau: QuerySet[Whanau], user: Any) -> QuerySet[Whanau]:
    """Each whānau row with the three facts about the user, as EXISTS subqueries (index
    lookups on allocations, grants and team memberships)."""
    return whanau.annotate(
        access_allocated=Exists(
            Allocation.objects.current().filter(user=user, whanau=OuterRef("pk"))
        ),
        access_glass=Exists(
            BreakGlassGrant.objects.filter(
                user=user, whanau=OuterRef("pk"), expires_at__gt=timezone.now()
            )
        ),
        access_in_team=Exists(
            User.teams.through.objects.filter(user_id=user.pk, team_id=OuterRef("team_id"))
        ),
    )


def _remember(request: HttpRequest, decided: WhanauAccess) -> WhanauAccess:
    known = request.__dict__.setdefault(_REQUEST_ATTRIBUTE, {})
    known[(getattr(decided.user, "pk", None), decided.whanau.pk)] = decided
    return decided


def whanau_access(request: HttpRequest, whanau: Whanau) -> WhanauAccess:
    """The request's user's access to this whānau: decided in one query the first time a request
    asks, remembered for the rest of it (a page's panels all ask about the same whānau)."""
    user = request.user
    known = request.__dict__.get(_REQUEST_ATTRIBUTE, {})
    decided: WhanauAccess | None = known.get((getattr(user, "pk", None), whanau.pk))
    if decided is not None:
        return decided
    if not _is_staff_user(user):
        return _remember(request, WhanauAccess(user=user, whanau=whanau))
    row = _with_facts(Whanau.objects.filter(pk=whanau.pk).only("pk", "team_id"), user).first()
    return _remember(
        request,
        WhanauAccess(
            user=user,
            whanau=whanau,
            allocated=bool(getattr(row, "access_allocated", False)),
            glass=bool(getattr(row, "access_glass", False)),
            in_team=bool(getattr(row, "access_in_team", False)),
        ),
    )


def get_whanau_for_request(request: HttpRequest, pk: Any) -> tuple[Whanau, WhanauAccess]:
    """The whānau the request's user may see, with their access to it, in one query; 404 for
    anything else (missing or not theirs alike), as `get_whanau_for_user`."""
    user = request.user
    if not _is_staff_user(user):
        raise Http404
    try:
        whanau = _with_facts(Whanau.objects.select_related("team", "region"), user).get(pk=int(pk))
    except (Whanau.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404 from None
    decided = WhanauAccess(
        user=user,
        whanau=whanau,
        allocated=whanau.access_allocated,  # type: ignore[attr-defined]
        glass=whanau.access_glass,  # type: ignore[attr-defined]
        in_team=whanau.access_in_team,  # type: ignore[attr-defined]
    )
    if not decided.can_see:
        raise Http404
    return whanau, _remember(request, decided)


def can_manage_allocations(user: Any, whanau: Whanau) -> bool:
    """Administrators allocate work anywhere; supervisors within their teams."""
    if not _is_staff_user(user):
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.SUPERVISOR and user.teams.filter(pk=whanau.team_id).exists()
