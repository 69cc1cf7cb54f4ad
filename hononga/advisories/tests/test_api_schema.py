"""Fuzz the advisories, screenings and immunisation endpoints against their own OpenAPI schema
(schemathesis, in-process): never a 5xx, every answer as documented, and no request the schema
allows refused for its shape."""

from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application

from hononga.accounts.models import User
from hononga.conftest import bearer, fuzzed, shape_accepted
from hononga.whanau.models import Person, Whanau

ADVISORIES = r"^/api/v1/(advisories|screenings|rule-tables)(/|$)"

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).include(
    path_regex=ADVISORIES
)


@pytest.fixture
def api_headers(admin_user: User, whanau: Whanau, person: Person) -> dict[str, str]:
    # An administrator reaches the advisory writes; screenings answer 404/422 for the data.
    return {"Authorization": bearer(admin_user)["HTTP_AUTHORIZATION"]}


@schema.parametrize()
@fuzzed(max_examples=15)
def test_advisories_api_conforms_to_its_schema(case: Any, api_headers: dict[str, str]) -> None:
    case.call_and_validate(
        headers=api_headers,
        additional_checks=[shape_accepted],
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
