"""Fuzz the check-in endpoints against their own OpenAPI schema (schemathesis, in-process):
every request, valid or not, gets a documented status (never a 5xx) and a matching body."""

import re
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application

from hononga.accounts.models import User
from hononga.checkins.tests import factories as f
from hononga.conftest import bearer, fuzzed, shape_accepted
from hononga.relationships.models import Relationship

CHECKINS = r"^/api/v1/(check-ins|check-in-links)(/|$)"

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).include(
    path_regex=CHECKINS
)


@pytest.fixture
def api_headers(practitioner: User, relationship: Relationship, consented: Any) -> dict[str, str]:
    f.checkin(relationship, consented)
    return {"Authorization": bearer(practitioner)["HTTP_AUTHORIZATION"]}


def test_every_check_in_operation_is_in_the_schema_with_problem_errors() -> None:
    paths = {path for path in schema.raw_schema["paths"] if re.match(CHECKINS, path)}
    assert {
        "/api/v1/check-ins",
        "/api/v1/check-ins/{checkin_id}",
        "/api/v1/check-in-links",
        "/api/v1/check-in-links/{link_id}/revoke",
        "/api/v1/check-in-links/{link_id}/send",
        "/api/v1/check-in-links/{link_id}/sends",
        "/api/v1/check-in-links/answer",
    } <= paths
    for path in paths:
        for method, operation in schema.raw_schema["paths"][path].items():
            for status, response in operation["responses"].items():
                content = set(response.get("content", {}))
                expected = (
                    {"application/problem+json"} if int(status) >= 400 else {"application/json"}
                )
                assert content == expected, (method, path, status)
            if method == "get" and not path.endswith("}"):
                names = {p["name"] for p in operation.get("parameters", [])}
                assert {"page", "page_size"} <= names, path


@schema.parametrize()
@fuzzed(max_examples=15)
def test_check_in_api_conforms_to_its_schema(case: Any, api_headers: dict[str, str]) -> None:
    cache.clear()  # the public endpoint's rate limit would otherwise answer 429 to the rest
    case.call_and_validate(
        headers=api_headers,
        additional_checks=[shape_accepted],
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
