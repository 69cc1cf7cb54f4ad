"""Fuzz the contacts endpoints against their own OpenAPI schema (schemathesis, in-process).

Every generated request must get a documented status (never a 5xx) and a body matching the
schema; errors are `application/problem+json`.
"""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings

from hononga.accounts.models import User
from hononga.conftest import bearer
from hononga.contacts.tests.factories import make_contact
from hononga.whanau.models import Person, Whanau

CONTACTS = r"^/api/v1/contacts(/|$)"

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).include(
    path_regex=CONTACTS
)


@pytest.fixture
def api_headers(practitioner: User, whanau: Whanau, person: Person) -> Iterator[dict[str, str]]:
    make_contact(whanau=whanau, practitioner=practitioner, participants=[person])
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    token = bearer(practitioner)["HTTP_AUTHORIZATION"]
    try:
        yield {"Authorization": token}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_schema_describes_every_contacts_operation() -> None:
    paths = schema.raw_schema["paths"]
    assert set(paths["/api/v1/contacts"]) == {"get", "post"}
    assert set(paths["/api/v1/contacts/{contact_id}"]) == {"get", "patch"}
    assert set(paths["/api/v1/contacts/{contact_id}/archive"]) == {"post"}
    out = schema.raw_schema["components"]["schemas"]["ContactOut"]["properties"]
    assert {"quadrant", "quadrant_prompt", "version"} <= set(out)
    for operations in (paths["/api/v1/contacts/{contact_id}"], paths["/api/v1/contacts"]):
        for operation in operations.values():
            for status, response in operation["responses"].items():
                expected = "application/problem+json" if int(status) >= 400 else "application/json"
                assert set(response.get("content", {})) == {expected}


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_contacts_api_conforms_to_its_schema(case: Any, api_headers: dict[str, str]) -> None:
    case.call_and_validate(
        headers=api_headers, excluded_checks=[schemathesis.checks.positive_data_acceptance]
    )
