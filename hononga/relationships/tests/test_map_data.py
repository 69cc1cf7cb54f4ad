"""The map as data: the same people and lines as the page, readable with 30 people."""

import contextlib

import pytest

from hononga.factories import MembershipFactory, PersonFactory
from hononga.relationships import drawing, selectors, services
from hononga.relationships.hooks import CheckInSummary
from hononga.whanau.models import PersonKind

pytestmark = pytest.mark.django_db


def thirty_people(practitioner, whanau, worker_person):
    """29 whānau members in a web of relationships, and the practitioner with each of them."""
    people = []
    for n in range(29):
        person = PersonFactory(
            preferred_name=f"Tangata-roa{n:02d}", other_names="Kōwhai", kind=PersonKind.RANGATAHI
        )
        MembershipFactory(person=person, whanau=whanau, role="mokopuna")
        people.append(person)
    for i, person in enumerate(people):
        other = people[(i * 7 + 3) % 29]
        if other.pk != person.pk:
            with contextlib.suppress(services.PracticeError):  # the same pair twice
                services.relationship_create(
                    actor=practitioner,
                    whanau_id=whanau.pk,
                    person_a=person.pk,
                    person_b=other.pk,
                    fields={"kind": "whanau", "stress": ["none", "some", "high"][i % 3]},
                )
        services.relationship_create(
            actor=practitioner,
            whanau_id=whanau.pk,
            person_a=worker_person.pk,
            person_b=person.pk,
            fields={"kind": "professional"},
        )
    return people


def test_thirty_people_no_label_overlaps(practitioner, whanau, worker_person):
    thirty_people(practitioner, whanau, worker_person)
    ecomap = selectors.whanau_map(whanau=whanau)
    layout = ecomap.layout
    assert len(layout.people) == 30
    boxes = [(pid, box) for pid, placed in layout.people.items() for box in (placed.label,)]
    circles = [(pid, placed.circle) for pid, placed in layout.people.items()]
    for i, (pid, box) in enumerate(boxes):
        for other_pid, other in boxes[i + 1 :]:
            assert not box.overlaps(other), (pid, other_pid)
        for other_pid, circle in circles:
            if other_pid != pid:
                assert not box.overlaps(circle), (pid, other_pid)
    # Everything is inside the drawing.
    for placed in layout.people.values():
        for box in (placed.label, placed.circle):
            assert box.left >= 0 and box.right <= layout.width
            assert box.top >= 0 and box.bottom <= layout.height


def test_practitioners_are_set_apart(practitioner, whanau, worker_person, person, relationship):
    services.relationship_create(
        actor=practitioner,
        whanau_id=whanau.pk,
        person_a=worker_person.pk,
        person_b=person.pk,
        fields={"kind": "professional"},
    )
    layout = selectors.whanau_map(whanau=whanau).layout
    worker = layout.people[worker_person.pk]
    assert worker.ring == -1
    assert all(worker.y > p.y for pid, p in layout.people.items() if pid != worker_person.pk)


def test_map_data_has_the_page_fields_and_checkins(
    practitioner, whanau, worker_person, person, relationship
):
    from hononga.relationships import hooks

    tie = services.relationship_create(
        actor=practitioner,
        whanau_id=whanau.pk,
        person_a=worker_person.pk,
        person_b=person.pk,
        fields={"kind": "professional", "support": "a_to_b"},
    )

    def provider(ids):
        return {tie.pk: CheckInSummary(score=7.4, flags=("low",))} if tie.pk in ids else {}

    hooks.LATEST_CHECKINS_PROVIDER.insert(0, provider)
    try:
        data = drawing.as_data(drawing.draw(selectors.whanau_map(whanau=whanau)))
    finally:
        hooks.LATEST_CHECKINS_PROVIDER.remove(provider)
    edges = {e["id"]: e for e in data["edges"]}
    assert edges[tie.pk]["checkin_score"] == 7.4 and edges[tie.pk]["checkin_flags"] == ["low"]
    assert edges[tie.pk]["is_practitioner"] and not edges[relationship.pk]["is_practitioner"]
    assert edges[relationship.pk]["supporters"] == [relationship.person_a_id]
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes[worker_person.pk]["is_practitioner"] and not nodes[worker_person.pk]["is_member"]
    assert data["centre_id"] == person.pk
