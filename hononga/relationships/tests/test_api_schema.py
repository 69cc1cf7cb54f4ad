"""Fuzz the relationship and consent endpoints against their own OpenAPI schema (in-process).

Every generated request must get a documented status (never a 5xx) and a body matching the
schema; errors are `application/problem+json`.
"""

from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application

from hononga.accounts.models import User
from hononga.conftest import bearer, fuzzed, shape_accepted
from hononga.relationships import services
from hononga.whanau.models import Person, Whanau

PATHS = r"^/api/v1/(relationships|consents|whanau/\{whanau_id\}/map)(/|$)"

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).include(
    path_regex=PATHS
)


@pytest.fixture
def api_headers(
    practitioner: User, whanau: Whanau, person: Person, child: Person
) -> dict[str, str]:
    services.relationship_create(
        actor=practitioner,
        whanau_id=whanau.pk,
        person_a=person.pk,
        person_b=child.pk,
        fields={"kind": "whanau"},
    )
    return {"Authorization": bearer(practitioner)["HTTP_AUTHORIZATION"]}


def test_the_schema_describes_every_operation() -> None:
    paths = schema.raw_schema["paths"]
    assert set(paths["/api/v1/relationships"]) == {"get", "post"}
    assert set(paths["/api/v1/relationships/{relationship_id}"]) == {"get", "patch"}
    assert set(paths["/api/v1/relationships/{relationship_id}/end"]) == {"post"}
    assert set(paths["/api/v1/consents"]) == {"get", "post"}
    assert set(paths["/api/v1/whanau/{whanau_id}/map"]) == {"get"}
    for name, operations in paths.items():
        for operation in operations.values():
            for status, response in operation["responses"].items():
                expected = "application/problem+json" if int(status) >= 400 else "application/json"
                if name.endswith("/export.pdf") and int(status) < 400:
                    expected = "application/pdf"  # a subject access export's file
                assert set(response.get("content", {})) == {expected}


@schema.parametrize()
@fuzzed(max_examples=20)
def test_api_conforms_to_its_schema(case: Any, api_headers: dict[str, str]) -> None:
    case.call_and_validate(
        headers=api_headers,
        additional_checks=[shape_accepted],
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
