from typing import Any

import pytest
from django.core.cache import cache

from hononga.accounts.models import User
from hononga.checkins.tests import factories as f
from hononga.relationships.models import Relationship
from hononga.whanau.models import Person, Whanau


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def worker(practitioner: User) -> Person:
    return f.staff_person(practitioner)


@pytest.fixture
def relationship(whanau: Whanau, person: Person, worker: Person) -> Relationship:
    return f.relationship_between(whanau, person, worker)


@pytest.fixture
def consented(person: Person, practitioner: User) -> Person:
    f.give_consent(person, practitioner)
    return person
