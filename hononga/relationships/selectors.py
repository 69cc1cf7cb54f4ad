"""Reads for relationships, the ecomap and consent, always starting from what the user sees."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from hononga.relationships import access, hooks
from hononga.relationships.hooks import CheckInSummary
from hononga.relationships.layout import Layout, MapPerson, compute_layout, line_reach
from hononga.relationships.models import (
    Consent,
    ConsentPurpose,
    ConsentStatus,
    Relationship,
    Support,
)
from hononga.whanau.models import Allocation, Membership, Person, PersonKind, Whanau

# More than any real whānau map; a map this big is unreadable anyway, so it is cut off (and says
# so) rather than loading without bound.
MAP_MAX_RELATIONSHIPS = 300
MAP_MAX_PEOPLE = 150


def relationship_list(
    *,
    user: Any,
    whanau_id: int | None = None,
    person_id: int | None = None,
    include_ended: bool = False,
    include_archived: bool = False,
) -> QuerySet[Relationship]:
    relationships = access.relationships_for_user(user).select_related(
        "person_a", "person_b", "whanau"
    )
    if whanau_id is not None:
        relationships = relationships.filter(whanau_id=whanau_id)
    if person_id is not None:
        relationships = relationships.filter(Q(person_a_id=person_id) | Q(person_b_id=person_id))
    if not include_ended:
        relationships = relationships.filter(ended__isnull=True)
    if not include_archived:
        relationships = relationships.filter(archived_at__isnull=True)
    return relationships.order_by("id")


def is_practitioner(person: Person) -> bool:
    return person.user_id is not None or person.kind == PersonKind.PRACTITIONER


# --- Check-in hook -------------------------------------------------------------------------------


def latest_checkins_for_relationships(
    relationship_ids: list[int],
) -> dict[int, CheckInSummary]:
    """The latest check-in score and flags of each practitioner relationship, by id.

    Filled in by the check-ins app through hooks.LATEST_CHECKINS_PROVIDER (empty without it);
    a bounded number of queries for the whole map.
    """
    return hooks.latest_checkins(relationship_ids)


def latest_checkin(relationship: Relationship) -> CheckInSummary | None:
    return latest_checkins_for_relationships([relationship.pk]).get(relationship.pk)


# --- The people who can be on a whānau's map ------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """Someone who can be one side of a new relationship on this map.

    `key` is "p<person id>", or "u<user id>" for allocated staff who have no Person record yet
    (it is made when the relationship is saved).
    """

    key: str
    name: str
    detail: str
    person_id: int | None = None
    user_id: int | None = None


def relationship_candidates(*, whanau: Whanau, actor: Any) -> list[Candidate]:
    """Live members of the whānau, then the staff allocated to it (and the actor, if staff)."""
    candidates: list[Candidate] = []
    memberships = (
        Membership.objects.filter(
            whanau=whanau, archived_at__isnull=True, person__archived_at__isnull=True
        )
        .select_related("person")
        .order_by("person__search_key", "person_id")[:MAP_MAX_PEOPLE]
    )
    seen: set[int] = set()
    for membership in memberships:
        person = membership.person
        seen.add(person.pk)
        candidates.append(
            Candidate(
                key=f"p{person.pk}",
                name=person.full_name,
                detail=membership.role or person.get_kind_display(),
                person_id=person.pk,
            )
        )
    staff = [
        allocation.user
        for allocation in Allocation.objects.current()
        .filter(whanau=whanau)
        .select_related("user__person")
        .order_by("user__username")
    ]
    if actor.pk not in {user.pk for user in staff}:
        staff.append(actor)
    for user in staff:
        staff_person: Person | None = getattr(user, "person", None)
        if staff_person is not None and staff_person.pk in seen:
            continue
        candidates.append(
            Candidate(
                key=f"p{staff_person.pk}" if staff_person is not None else f"u{user.pk}",
                name=staff_person.full_name if staff_person is not None else user.display_name,
                detail=str(PersonKind.PRACTITIONER.label),
                person_id=staff_person.pk if staff_person is not None else None,
                user_id=user.pk,
            )
        )
    return candidates


# --- The ecomap -----------------------------------------------------------------------------------


@dataclass
class MapNode:
    person: Person
    role: str
    is_practitioner: bool
    is_member: bool


@dataclass
class MapEdge:
    relationship: Relationship
    checkin: CheckInSummary | None = None

    @property
    def supporters(self) -> set[int]:
        return self.relationship.supporter_ids()


@dataclass
class EcoMap:
    whanau: Whanau
    nodes: dict[int, MapNode]
    edges: list[MapEdge]
    centre_id: int | None
    include_ended: bool
    truncated: bool = False
    layout: Layout | None = field(default=None, repr=False)

    @property
    def centre(self) -> MapNode | None:
        return self.nodes.get(self.centre_id) if self.centre_id is not None else None

    def ordered_nodes(self) -> list[MapNode]:
        return sorted(
            self.nodes.values(),
            key=lambda n: (n.is_practitioner, n.person.search_key, n.person.pk),
        )


def whanau_map(
    *,
    whanau: Whanau,
    centre_id: int | None = None,
    include_ended: bool = False,
    with_layout: bool = True,
) -> EcoMap:
    """The people and relationships of one whānau's map (access already checked on `whanau`).

    People: the whānau's live members and everyone in one of its relationships (for example the
    practitioner). Relationships: the whānau's unarchived ones; ended ones only when asked for.
    Three queries, whatever the size of the whānau.
    """
    relationships_qs = Relationship.objects.filter(whanau=whanau, archived_at__isnull=True)
    if not include_ended:
        relationships_qs = relationships_qs.filter(ended__isnull=True)
    relationships = list(
        relationships_qs.select_related("person_a", "person_b").order_by("ended", "id")[
            : MAP_MAX_RELATIONSHIPS + 1
        ]
    )
    truncated = len(relationships) > MAP_MAX_RELATIONSHIPS
    relationships = relationships[:MAP_MAX_RELATIONSHIPS]
    memberships = list(
        Membership.objects.filter(
            whanau=whanau, archived_at__isnull=True, person__archived_at__isnull=True
        )
        .select_related("person")
        .order_by("person__search_key", "person_id")[: MAP_MAX_PEOPLE + 1]
    )
    truncated = truncated or len(memberships) > MAP_MAX_PEOPLE
    nodes: dict[int, MapNode] = {}
    for membership in memberships[:MAP_MAX_PEOPLE]:
        person = membership.person
        nodes[person.pk] = MapNode(
            person=person,
            role=membership.role or str(person.get_kind_display()),
            is_practitioner=is_practitioner(person),
            is_member=True,
        )
    for relationship in relationships:
        for person in (relationship.person_a, relationship.person_b):
            if person.pk not in nodes:
                nodes[person.pk] = MapNode(
                    person=person,
                    role=str(person.get_kind_display()),
                    is_practitioner=is_practitioner(person),
                    is_member=False,
                )
    checkins = latest_checkins_for_relationships([r.pk for r in relationships])
    edges = [MapEdge(relationship=r, checkin=checkins.get(r.pk)) for r in relationships]
    ecomap = EcoMap(
        whanau=whanau,
        nodes=nodes,
        edges=edges,
        centre_id=centre_id if centre_id in nodes else None,
        include_ended=include_ended,
        truncated=truncated,
    )
    if with_layout or ecomap.centre_id is None:
        layout = compute_layout(
            [
                MapPerson(
                    id=node.person.pk,
                    name=node.person.preferred_name,
                    detail=node.role,
                    is_practitioner=node.is_practitioner,
                )
                for node in ecomap.ordered_nodes()
            ],
            [(e.relationship.person_a_id, e.relationship.person_b_id) for e in edges],
            centre_id=ecomap.centre_id,
            badges=[index for index, e in enumerate(edges) if e.checkin is not None],
            reaches=[line_reach(e.relationship.strength, e.relationship.stress) for e in edges],
        )
        ecomap.centre_id = layout.centre_id
        if with_layout:
            ecomap.layout = layout
    return ecomap


def support_sentence(relationship: Relationship) -> str:
    """Who supports whom, in words (the same facts as the arrows)."""
    a = relationship.person_a.preferred_name
    b = relationship.person_b.preferred_name
    support = Support(relationship.support)
    if support == Support.A_TO_B:
        return _("%(a)s supports %(b)s") % {"a": a, "b": b}
    if support == Support.B_TO_A:
        return _("%(b)s supports %(a)s") % {"a": a, "b": b}
    if support == Support.BOTH:
        return _("%(a)s and %(b)s support each other") % {"a": a, "b": b}
    return _("No support either way, or not known")


# --- Consent --------------------------------------------------------------------------------------


def consent_current(person: Person, purpose: str) -> bool:
    """True when the person's latest statement for this purpose gives consent."""
    latest = (
        Consent.objects.filter(person=person, purpose=purpose)
        .order_by("-date", "-id")
        .values_list("status", flat=True)
        .first()
    )
    return latest == ConsentStatus.GIVEN


@dataclass(frozen=True)
class ConsentState:
    purpose: str
    label: str
    latest: Consent | None

    @property
    def given(self) -> bool:
        return self.latest is not None and self.latest.status == ConsentStatus.GIVEN


def consent_summary(person: Person) -> list[ConsentState]:
    """The current state for every purpose (one query)."""
    latest: dict[str, Consent] = {}
    for consent in (
        Consent.objects.filter(person=person)
        .select_related("recorded_by")
        .order_by("purpose", "-date", "-id")
    ):
        latest.setdefault(consent.purpose, consent)
    return [
        ConsentState(purpose=value, label=str(label), latest=latest.get(value))
        for value, label in ConsentPurpose.choices
    ]


def consent_history(person: Person) -> QuerySet[Consent]:
    return (
        Consent.objects.filter(person=person).select_related("recorded_by").order_by("-date", "-id")
    )
