"""Who sees which figures.

- A supervisor: their own teams, exactly, broken down by practitioner (they may open every record
  behind the figures anyway).
- A practice lead: the regions they lead (all of them when none is ticked), the teams in those
  regions, and the agency — aggregates only, under confidentiality, never names or records.
- Anyone else, or a team or region not theirs: 404, whether or not it exists.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from hononga.accounts.models import Role, Team
from hononga.core.models import Region


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_practice_lead(user: Any) -> bool:
    return _active(user) and user.role == Role.PRACTICE_LEAD


def is_supervisor(user: Any) -> bool:
    return _active(user) and user.role == Role.SUPERVISOR


def regions_for(user: Any) -> QuerySet[Region]:
    if not is_practice_lead(user):
        return Region.objects.none()
    led = user.lead_regions.all()
    return Region.objects.filter(pk__in=led.values("pk")) if led.exists() else Region.objects.all()


def teams_for(user: Any) -> QuerySet[Team]:
    """Teams whose figures the user may see."""
    if is_supervisor(user):
        return user.teams.select_related("region").order_by("name", "pk")
    if is_practice_lead(user):
        return (
            Team.objects.filter(region__in=regions_for(user).values("pk"))
            .select_related("region")
            .order_by("name", "pk")
        )
    return Team.objects.none()


def _pk(value: Any) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError, OverflowError):
        raise Http404 from None
    if not 0 < pk < 2**31:
        raise Http404
    return pk


def get_team(user: Any, pk: Any) -> Team:
    try:
        return teams_for(user).get(pk=_pk(pk))
    except Team.DoesNotExist:
        raise Http404 from None


def get_region(user: Any, pk: Any) -> Region:
    try:
        return regions_for(user).get(pk=_pk(pk))
    except Region.DoesNotExist:
        raise Http404 from None


def confidential_for(user: Any) -> bool:
    """Practice leads see rounded, suppressed figures; supervisors their own teams' exactly."""
    return not is_supervisor(user)
