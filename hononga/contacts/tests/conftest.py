from typing import Any

import pytest

from hononga.contacts import hooks
from hononga.factories import MembershipFactory, PersonFactory
from hononga.whanau.models import Person, Whanau


@pytest.fixture
def child(whanau: Whanau) -> Person:
    """Ariki, Mere's son, also in the Kōwhai whānau."""
    child = PersonFactory(preferred_name="Ariki", other_names="Kōwhai")
    MembershipFactory(person=child, whanau=whanau, role="son")
    return child


@pytest.fixture
def stranger(db: Any) -> Person:
    """Someone in another whānau altogether."""
    other = PersonFactory(preferred_name="Tama", other_names="Rimu")
    MembershipFactory(person=other)
    return other


@pytest.fixture
def recorded_hooks() -> Any:
    """Registers a before- and an after-save hook that record their calls."""
    calls: list[tuple[str, dict[str, Any]]] = []

    def before(**kwargs: Any) -> None:
        calls.append(("before", kwargs))

    def after(**kwargs: Any) -> None:
        calls.append(("after", kwargs))

    hooks.BEFORE_SAVE.append(before)
    hooks.AFTER_SAVE.append(after)
    yield calls
    hooks.BEFORE_SAVE.remove(before)
    hooks.AFTER_SAVE.remove(after)
