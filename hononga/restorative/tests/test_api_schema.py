"""Fuzz the restorative endpoints against their own OpenAPI schema (schemathesis, in-process):
every generated request gets a documented status (never a 5xx) and a body matching the schema."""

from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application

from hononga.accounts.models import User
from hononga.conftest import bearer, fuzzed, shape_accepted
from hononga.restorative.models import State
from hononga.restorative.tests.conftest import walk_to

RESTORATIVE = r"^/api/v1/(harms|processes|participants|agreement-items|follow-ups)(/|$)"

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).include(
    path_regex=RESTORATIVE
)


@pytest.fixture
def api_headers(facilitator: User, process: Any) -> dict[str, str]:
    walk_to(process, State.HELD)
    return {"Authorization": bearer(facilitator)["HTTP_AUTHORIZATION"]}


def test_the_schema_describes_the_restorative_resources() -> None:
    paths = schema.raw_schema["paths"]
    assert set(paths["/api/v1/harms"]) == {"get", "post"}
    assert set(paths["/api/v1/processes"]) == {"get", "post"}
    assert set(paths["/api/v1/processes/{process_id}/transitions"]) == {"post"}
    for name, path in paths.items():
        for operation in path.values():
            for status, response in operation["responses"].items():
                expected = "application/problem+json" if int(status) >= 400 else "application/json"
                if name.endswith("/export.pdf") and int(status) < 400:
                    expected = "application/pdf"  # a subject access export's file
                assert set(response.get("content", {})) == {expected}


@schema.parametrize()
@fuzzed(max_examples=15)
def test_restorative_api_conforms_to_its_schema(case: Any, api_headers: dict[str, str]) -> None:
    case.call_and_validate(
        headers=api_headers,
        additional_checks=[shape_accepted],
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )


# Credentials are an administrator's business: fuzz them with an administrator's token, so the
# generated writes reach validation and the services rather than stopping at 403.
credentials_schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", get_wsgi_application()
).include(path_regex=r"^/api/v1/facilitator-credentials(/|$)")


@pytest.fixture
def admin_headers(admin_user: User, credential: Any) -> dict[str, str]:
    return {"Authorization": bearer(admin_user)["HTTP_AUTHORIZATION"]}


def test_the_schema_describes_the_credential_endpoints() -> None:
    paths = credentials_schema.raw_schema["paths"]
    assert set(paths["/api/v1/facilitator-credentials"]) == {"get", "post"}
    assert set(paths["/api/v1/facilitator-credentials/{credential_id}"]) == {"patch"}
    assert set(paths["/api/v1/facilitator-credentials/{credential_id}/end"]) == {"post"}


@credentials_schema.parametrize()
@fuzzed(max_examples=15)
def test_credential_api_conforms_to_its_schema(case: Any, admin_headers: dict[str, str]) -> None:
    case.call_and_validate(
        headers=admin_headers,
        additional_checks=[shape_accepted],
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
