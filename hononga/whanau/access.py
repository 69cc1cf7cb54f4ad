"""Record-level access to whānau and everything about them.

A practitioner or facilitator sees the whānau currently allocated to them; a supervisor sees
their teams' whānau; an administrator sees case content only through a break-glass grant.
Outsiders get 404 whether or not the record exists, so nothing leaks about what exists.
"""

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
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


def can_manage_allocations(user: Any, whanau: Whanau) -> bool:
    """Administrators allocate work anywhere; supervisors within their teams."""
    if not _is_staff_user(user):
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.SUPERVISOR and user.teams.filter(pk=whanau.team_id).exists()
