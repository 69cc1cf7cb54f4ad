"""Demo relationships: every demo whānau gets a map, with its practitioner on it.

Deterministic (no randomness: everything follows from each whānau's place in the list and its
members' order) and idempotent (a whānau that already has whānau relationships is left alone).
Made through the services, so each has its history and audit events like real ones.
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from hononga.accounts.models import User
from hononga.relationships import services
from hononga.relationships.models import Relationship, RelationshipKind
from hononga.whanau.models import Allocation, Membership, Person, PersonKind, Whanau

STRENGTHS = ["strong", "moderate", "tenuous"]


def load(stdout: Any) -> None:
    made = 0
    today = timezone.localdate()
    whanau_list = Whanau.objects.filter(
        name__endswith=" whānau", archived_at__isnull=True
    ).order_by("pk")
    for index, whanau in enumerate(whanau_list):
        if Relationship.objects.filter(whanau=whanau, kind=RelationshipKind.WHANAU).exists():
            continue
        allocations = list(
            Allocation.objects.current()
            .filter(whanau=whanau, user__username__startswith="demo-")
            .select_related("user")
            .order_by("pk")
        )
        if not allocations:
            continue
        made += _map_for(whanau, index, allocations, today)
    if made:
        stdout.write(f"Relationships: {made} demo relationships on the whānau maps.")


def _map_for(whanau: Whanau, index: int, allocations: list[Allocation], today: Any) -> int:
    worker: User = allocations[0].user
    members = [
        m.person
        for m in Membership.objects.filter(whanau=whanau, archived_at__isnull=True)
        .select_related("person")
        .order_by("pk")
    ]
    adults = [p for p in members if p.kind in {PersonKind.PARENT, PersonKind.OTHER_WHANAU}]
    children = [p for p in members if p.kind in {PersonKind.TAMARIKI, PersonKind.RANGATAHI}]
    made: list[Relationship] = []

    def add(a: Person, b: Person, kind: str, **fields: Any) -> Relationship | None:
        try:
            relationship = services.relationship_create(
                actor=worker,
                whanau_id=whanau.pk,
                person_a=a.pk,
                person_b=b.pk,
                fields={"kind": kind, **fields},
            )
        except services.PracticeError:
            return None  # e.g. the pair already has one of this kind
        made.append(relationship)
        return relationship

    since = today - timedelta(days=400 + 30 * index)
    parents = adults[:2]
    if len(parents) == 2:
        couple = add(
            parents[0],
            parents[1],
            RelationshipKind.WHANAU,
            strength=STRENGTHS[index % 3],
            stress="high" if index % 4 == 1 else "none",
            support="both",
            started=since,
        )
        if couple is not None and index == 0:
            # A little history: the stress eased after a hui.
            services.relationship_update(
                actor=worker,
                relationship_id=couple.pk,
                expected_version=couple.version,
                changes={"stress": "some", "notes": "Things eased after the whānau hui."},
            )
    for n, child in enumerate(children):
        if parents:
            add(parents[0], child, RelationshipKind.WHANAU, strength="strong", support="a_to_b")
        if len(parents) > 1:
            strained = (index + n) % 3 == 2
            add(
                parents[1],
                child,
                RelationshipKind.WHANAU,
                strength="tenuous" if strained else "moderate",
                stress="some" if strained else "none",
                support="a_to_b" if strained else "both",
            )
        if n > 0:
            add(children[n - 1], child, RelationshipKind.PEER, strength="moderate", support="both")
    for elder in adults[2:]:
        if children:
            add(elder, children[0], RelationshipKind.WHANAU, strength="strong", support="a_to_b")
        if parents:
            add(elder, parents[0], RelationshipKind.WHANAU, stress="some", support="both")
    # The practitioners' relationships with the people they work with most.
    for number, allocation in enumerate(allocations):
        staff = Person.objects.filter(user=allocation.user).first()
        if staff is None:
            continue
        for member in (parents + children)[: 3 if number == 0 else 1]:
            add(
                staff,
                member,
                RelationshipKind.PROFESSIONAL,
                strength="moderate",
                support="a_to_b",
                started=allocation.started,
            )
    if index == 0 and len(parents) == 2:
        # An ended relationship, to show `?ended=1` and the history.
        ended = add(parents[0], parents[1], RelationshipKind.COMMUNITY, started=since)
        if ended is not None:
            services.relationship_end(
                actor=worker,
                relationship_id=ended.pk,
                expected_version=ended.version,
                ended=today - timedelta(days=60),
                reason="They stopped volunteering at the kura together.",
            )
    return len(made)
