"""Who may see and change relationships and consent.

A relationship is visible when its whānau is visible (hononga.whanau.access) and changeable when
its whānau is changeable. Consent follows the person. Outsiders get 404, never a hint.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from hononga.relationships.models import Relationship
from hononga.whanau import access as whanau_access


def relationships_for_user(user: Any) -> QuerySet[Relationship]:
    return Relationship.objects.filter(whanau__in=whanau_access.whanau_for_user(user).values("pk"))


def relationships_in_whanau(request: HttpRequest, whanau: Any) -> QuerySet[Relationship]:
    """The relationships of one whānau that the request's user may see: all of them when they
    may see the whānau (decided once for the request), none otherwise. The same rows as
    `relationships_for_user(user).filter(whanau_id=whanau.pk)`, without its access subquery."""
    if not whanau_access.whanau_access(request, whanau).can_see:
        return Relationship.objects.none()
    return Relationship.objects.filter(whanau_id=whanau.pk)


def get_relationship_for_user(user: Any, pk: Any) -> Relationship:
    try:
        return (
            relationships_for_user(user)
            .select_related("whanau", "person_a", "person_b")
            .get(pk=int(pk))
        )
    except (Relationship.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404 from None


def can_edit_relationship(user: Any, relationship: Relationship) -> bool:
    return whanau_access.can_edit_whanau(user, relationship.whanau)
