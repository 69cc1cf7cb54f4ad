"""Shared fixtures: a user for each role, an outsider, and a whānau allocated to the practitioner.

- practitioner: allocated to `whanau` (team North)
- practitioner2: team South, not allocated (an outsider to `whanau`)
- facilitator: team North, not allocated
- supervisor: supervises team North, so sees `whanau`
- supervisor_south: supervises team South (an outsider to `whanau`)
- admin: manages accounts; sees case content only by breaking glass
"""

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, override_settings
from hypothesis import HealthCheck, Phase, settings

from hononga.accounts.models import ApiToken, Role, Team, User
from hononga.accounts.services import token_create
from hononga.factories import (
    AllocationFactory,
    MembershipFactory,
    PersonFactory,
    RegionFactory,
    TeamFactory,
    UserFactory,
    WhanauFactory,
)
from hononga.whanau.models import Person, Whanau


@pytest.fixture(autouse=True)
def _audit_checkpoints(tmp_path: Any) -> Iterator[None]:
    """Each test's audit checkpoints in its own directory (they live outside the database)."""
    with override_settings(AUDIT_CHECKPOINT_DIR=tmp_path / "audit-checkpoints"):
        yield


@pytest.fixture
def team_north(db: Any) -> Team:
    return TeamFactory(name="Team North", region=RegionFactory(name="Te Tai Tokerau"))


@pytest.fixture
def team_south(db: Any) -> Team:
    return TeamFactory(name="Team South", region=RegionFactory(name="Waitaha"))


@pytest.fixture
def practitioner(team_north: Team) -> User:
    return UserFactory(username="practitioner", preferred_name="Aroha", teams=[team_north])


@pytest.fixture
def practitioner2(team_south: Team) -> User:
    return UserFactory(username="practitioner2", preferred_name="Sione", teams=[team_south])


@pytest.fixture
def outsider(practitioner2: User) -> User:
    return practitioner2


@pytest.fixture
def facilitator(team_north: Team) -> User:
    return UserFactory(username="facilitator", role=Role.FACILITATOR, teams=[team_north])


@pytest.fixture
def supervisor(team_north: Team) -> User:
    return UserFactory(username="supervisor", role=Role.SUPERVISOR, teams=[team_north])


@pytest.fixture
def supervisor_south(team_south: Team) -> User:
    return UserFactory(username="supervisor_south", role=Role.SUPERVISOR, teams=[team_south])


@pytest.fixture
def admin_user(db: Any) -> User:
    return UserFactory(username="admin", role=Role.ADMIN)


@pytest.fixture
def whanau(team_north: Team, practitioner: User) -> Whanau:
    whanau = WhanauFactory(name="Kōwhai whānau", team=team_north)
    AllocationFactory(whanau=whanau, user=practitioner)
    return whanau


@pytest.fixture
def person(whanau: Whanau) -> Person:
    person = PersonFactory(preferred_name="Mere", other_names="Kōwhai")
    MembershipFactory(person=person, whanau=whanau, role="mother")
    return person


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def practitioner_client(practitioner: User) -> Client:
    return client_for(practitioner)


@pytest.fixture
def outsider_client(outsider: User) -> Client:
    return client_for(outsider)


@pytest.fixture
def supervisor_client(supervisor: User) -> Client:
    return client_for(supervisor)


@pytest.fixture
def admin_client_(admin_user: User) -> Client:
    return client_for(admin_user)


def bearer(user: User) -> dict[str, str]:
    """Headers for an API call as this user."""
    _token, raw = token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def wsgi_keeps_connection() -> Iterator[None]:
    """In-process WSGI requests (schemathesis) would close the test's database connection after
    each one; Django's test client avoids that the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


Test = TypeVar("Test", bound=Callable[..., Any])


def fuzzed(max_examples: int) -> Callable[[Test], Test]:
    """For a schemathesis test (under `@schema.parametrize()`): a repeatable run of
    `max_examples` per operation, in the test database, keeping its connection."""

    def decorate(test: Test) -> Test:
        test = settings(
            max_examples=max_examples,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )(test)
        test = pytest.mark.django_db(test)
        return pytest.mark.usefixtures("wsgi_keeps_connection")(test)

    return decorate


# The titles of our answers that refuse a request for its shape (pydantic validation, unreadable
# JSON): anything else (a 422 naming a rule only the data can check, a 404 for an id you cannot
# see) is the data, not the shape.
SHAPE_REFUSALS = {"The request has invalid fields", "The body is not valid JSON"}

# Field rules that depend on the day the request is made, which JSON Schema cannot state: a
# refusal naming only these is about the data, not the shape.
DATA_RULES = ("A date of birth cannot be in the future.",)


def _only_data_rules(errors: Any) -> bool:
    return (
        isinstance(errors, list)
        and bool(errors)
        and all(
            isinstance(error, dict) and str(error.get("message", "")).endswith(DATA_RULES)
            for error in errors
        )
    )


def shape_accepted(ctx: Any, response: Any, case: Any) -> bool | None:
    """A schemathesis check (`additional_checks=[shape_accepted]`): a request generated to match
    the schema is never refused for its shape — so the schema states every constraint the
    server enforces, and a client generated from it sends only what the server accepts."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    if response.status_code not in {400, 422}:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict) and body.get("title") in SHAPE_REFUSALS:
        if _only_data_rules(body.get("errors")):
            return None
        raise AssertionError(
            "The schema allows this request but the server refused its shape: "
            f"{body.get('errors') or body.get('detail')}"
        )
    return None


__all__ = ["ApiToken", "bearer", "client_for", "fuzzed", "shape_accepted"]
