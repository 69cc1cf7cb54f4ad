"""Fuzz the contacts endpoints against their own OpenAPI schema (schemathesis, in-process).

Every generated request must get a documented status (never a 5xx) and a body matching the
schema; errors are `application/problem+json`.
"""

from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application

from hononga.accounts.models import User
from hononga.conftest import bearer, fuzzed, shape_accepted
from hononga.contacts.tests.factories import make_contact
from hononga.whanau.models import Person, Whanau

CONTACTS = r"^/api/v1/contacts(/|$)"

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).include(
    path_regex=CONTACTS
)


@pytest.fixture
def api_headers(practitioner: User, whanau: Whanau, person: Person) -> dict[str, str]:
    make_contact(whanau=whanau, practitioner=practitioner, participants=[person])
    return {"Authorization": bearer(practitioner)["HTTP_AUTHORIZATION"]}


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
@fuzzed(max_examples=25)
def test_contacts_api_conforms_to_its_schema(case: Any, api_headers: dict[str, str]) -> None:
    case.call_and_validate(
        headers=api_headers,
        additional_checks=[shape_accepted],
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
