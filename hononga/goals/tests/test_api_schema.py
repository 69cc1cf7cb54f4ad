"""Fuzz the goal endpoints against their own OpenAPI schema (schemathesis, in-process): every
request, valid or not, gets a documented status (never a 5xx) and a matching body."""

import re
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application

from hononga.accounts.models import User
from hononga.conftest import bearer, fuzzed
from hononga.goals.tests import factories as gf
from hononga.whanau.models import Person, Whanau

GOALS = r"^/api/v1/(goals|goal-links|outcomes)(/|$)"

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).include(
    path_regex=GOALS
)


def test_every_goal_operation_is_in_the_schema_with_problem_errors() -> None:
    paths = {path for path in schema.raw_schema["paths"] if re.match(GOALS, path)}
    assert {
        "/api/v1/goals",
        "/api/v1/goals/{goal_id}",
        "/api/v1/goals/{goal_id}/ratings",
        "/api/v1/goals/{goal_id}/steps",
        "/api/v1/goal-links",
        "/api/v1/goal-links/{link_id}/send",
        "/api/v1/goal-links/{link_id}/sends",
        "/api/v1/goal-links/{link_id}/revoke",
    } <= paths
    for path in paths:
        for method, operation in schema.raw_schema["paths"][path].items():
            for status, response in operation["responses"].items():
                content = set(response.get("content", {}))
                expected = (
                    {"application/problem+json"} if int(status) >= 400 else {"application/json"}
                )
                assert content == expected, (method, path, status)


@pytest.fixture
def api_headers(practitioner: User, whanau: Whanau, person: Person) -> dict[str, str]:
    gf.rate(gf.goal(whanau, person), 5)
    return {"Authorization": bearer(practitioner)["HTTP_AUTHORIZATION"]}


@schema.parametrize()
@fuzzed(max_examples=15)
def test_goal_api_conforms_to_its_schema(case: Any, api_headers: dict[str, str]) -> None:
    case.call_and_validate(
        headers=api_headers,
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
