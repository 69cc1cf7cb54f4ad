from typing import Any

import pytest

from hononga.accounts.models import User
from hononga.factories import MembershipFactory, PersonFactory
from hononga.relationships import services
from hononga.relationships.models import Relationship
from hononga.whanau.models import Person, PersonKind, Whanau


@pytest.fixture
def child(whanau: Whanau) -> Person:
    """Ariki, Mere's son, in the Kōwhai whānau."""
    child = PersonFactory(preferred_name="Ariki", other_names="Kōwhai", kind=PersonKind.TAMARIKI)
    MembershipFactory(person=child, whanau=whanau, role="son")
    return child


@pytest.fixture
def stranger(db: Any) -> Person:
    """Someone in another whānau altogether."""
    other = PersonFactory(preferred_name="Tama", other_names="Rimu")
    MembershipFactory(person=other)
    return other


@pytest.fixture
def worker_person(practitioner: User) -> Person:
    return PersonFactory(
        preferred_name="Aroha",
        other_names="Kōtuku",
        kind=PersonKind.PRACTITIONER,
        user=practitioner,
    )


@pytest.fixture
def relationship(practitioner: User, whanau: Whanau, person: Person, child: Person) -> Relationship:
    return services.relationship_create(
        actor=practitioner,
        whanau_id=whanau.pk,
        person_a=person.pk,
        person_b=child.pk,
        fields={"kind": "whanau", "strength": "strong", "support": "a_to_b"},
    )
