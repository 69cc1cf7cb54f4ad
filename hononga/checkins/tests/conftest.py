from typing import Any

import pytest
from django.core.cache import cache

from hononga.accounts.models import User
from hononga.checkins.tests import factories as f
from hononga.relationships.models import Relationship
from hononga.whanau.models import Person, Whanau


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> Any:
    # The rate limit counts in the cache; every test starts with a clean count.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def worker(practitioner: User) -> Person:
    """The practitioner's own Person record (Aroha)."""
    return f.staff_person(practitioner)


@pytest.fixture
def relationship(whanau: Whanau, person: Person, worker: Person) -> Relationship:
    """Aroha (the practitioner) and Mere (a whānau member), with Mere's consent for contact."""
    return f.relationship_between(whanau, person, worker)


@pytest.fixture
def consented(person: Person, practitioner: User) -> Person:
    f.give_consent(person, practitioner)
    return person
