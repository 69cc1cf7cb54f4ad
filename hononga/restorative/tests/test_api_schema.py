"""Fuzz the restorative endpoints against their own OpenAPI schema (schemathesis, in-process):
every generated request gets a documented status (never a 5xx) and a body matching the schema."""

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
from hononga.restorative.models import State
from hononga.restorative.tests.conftest import walk_to

RESTORATIVE = r"^/api/v1/(harms|processes|participants|agreement-items|follow-ups)(/|$)"

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).include(
    path_regex=RESTORATIVE
)


@pytest.fixture
def api_headers(facilitator: User, process: Any) -> Iterator[dict[str, str]]:
    walk_to(process, State.HELD)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    token = bearer(facilitator)["HTTP_AUTHORIZATION"]
    try:
        yield {"Authorization": token}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_schema_describes_the_restorative_resources() -> None:
    paths = schema.raw_schema["paths"]
    assert set(paths["/api/v1/harms"]) == {"get", "post"}
    assert set(paths["/api/v1/processes"]) == {"get", "post"}
    assert set(paths["/api/v1/processes/{process_id}/transitions"]) == {"post"}
    for path in paths.values():
        for operation in path.values():
            for status, response in operation["responses"].items():
                expected = "application/problem+json" if int(status) >= 400 else "application/json"
                assert set(response.get("content", {})) == {expected}


@schema.parametrize()
@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_restorative_api_conforms_to_its_schema(case: Any, api_headers: dict[str, str]) -> None:
    case.call_and_validate(
        headers=api_headers, excluded_checks=[schemathesis.checks.positive_data_acceptance]
    )


# Credentials are an administrator's business: fuzz them with an administrator's token, so the
# generated writes reach validation and the services rather than stopping at 403.
credentials_schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", get_wsgi_application()
).include(path_regex=r"^/api/v1/facilitator-credentials(/|$)")


@pytest.fixture
def admin_headers(admin_user: User, credential: Any) -> Iterator[dict[str, str]]:
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {"Authorization": bearer(admin_user)["HTTP_AUTHORIZATION"]}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_schema_describes_the_credential_endpoints() -> None:
    paths = credentials_schema.raw_schema["paths"]
    assert set(paths["/api/v1/facilitator-credentials"]) == {"get", "post"}
    assert set(paths["/api/v1/facilitator-credentials/{credential_id}"]) == {"patch"}
    assert set(paths["/api/v1/facilitator-credentials/{credential_id}/end"]) == {"post"}


@credentials_schema.parametrize()
@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_credential_api_conforms_to_its_schema(case: Any, admin_headers: dict[str, str]) -> None:
    case.call_and_validate(
        headers=admin_headers, excluded_checks=[schemathesis.checks.positive_data_acceptance]
    )
