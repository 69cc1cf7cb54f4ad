"""Fuzz the API token endpoints against their own OpenAPI schema (schemathesis, in-process)."""

from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application

from hononga.accounts.models import User
from hononga.conftest import bearer, fuzzed, shape_accepted

TOKENS = r"^/api/v1/tokens(/|$)"

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).include(
    path_regex=TOKENS
)


@pytest.fixture
def api_headers(practitioner: User) -> dict[str, str]:
    return {"Authorization": bearer(practitioner)["HTTP_AUTHORIZATION"]}


@schema.parametrize()
@fuzzed(max_examples=15)
def test_token_api_conforms_to_its_schema(case: Any, api_headers: dict[str, str]) -> None:
    case.call_and_validate(
        headers=api_headers,
        additional_checks=[shape_accepted],
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
