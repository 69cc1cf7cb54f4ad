"""Fuzz the diary endpoint against their own OpenAPI schema (schemathesis, in-process)."""

from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application

from hononga.accounts.models import User
from hononga.conftest import bearer, fuzzed

DIARY = r"^/api/v1/diary(/|$)"

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).include(
    path_regex=DIARY
)


@pytest.fixture
def api_headers(practitioner: User) -> dict[str, str]:
    return {"Authorization": bearer(practitioner)["HTTP_AUTHORIZATION"]}


@schema.parametrize()
@fuzzed(max_examples=15)
def test_diary_api_conforms_to_its_schema(case: Any, api_headers: dict[str, str]) -> None:
    case.call_and_validate(
        headers=api_headers,
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
