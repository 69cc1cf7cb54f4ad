"""Fuzz GET /api/v1/measures against its own OpenAPI schema (schemathesis, in-process): every
generated request, valid or not, gets a documented status (never a 5xx) and a body that matches
the schema (problem+json for errors)."""

from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application

from hononga.accounts.models import Team, User
from hononga.conftest import bearer, fuzzed

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).include(
    path_regex=r"^/api/v1/measures$"
)


@pytest.fixture
def api_headers(practice_lead: User, supervisor: User, team_north: Team) -> dict[str, str]:
    return {"Authorization": bearer(practice_lead)["HTTP_AUTHORIZATION"]}


@schema.parametrize()
@fuzzed(max_examples=40)
def test_measures_api_conforms_to_its_schema(case: Any, api_headers: dict[str, str]) -> None:
    case.call_and_validate(
        headers=api_headers, excluded_checks=[schemathesis.checks.positive_data_acceptance]
    )
