"""Fuzz the privacy endpoints against their own OpenAPI schema (schemathesis, in-process)."""

import re
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import Permission
from django.core.wsgi import get_wsgi_application
from django.utils import timezone

from hononga.accounts.models import Role
from hononga.conftest import bearer, fuzzed
from hononga.factories import UserFactory
from hononga.privacy.models import Correction

PRIVACY = (
    r"^/api/v1/(corrections|exports|retention"
    r"|people/\{person_id\}/export|whanau/\{whanau_id\}/export)"
)

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).include(
    path_regex=PRIVACY
)


@pytest.fixture
def api_headers(whanau, person, supervisor, settings, tmp_path) -> dict[str, str]:
    settings.SHARED_STORAGE_DIR = tmp_path
    officer = UserFactory(
        username="ngaire", role=Role.SUPERVISOR, teams=list(supervisor.teams.all())
    )
    officer.user_permissions.add(Permission.objects.get(codename="privacy_officer"))
    Correction.objects.create(
        person=person,
        whanau=whanau,
        record_type="person",
        record_id=person.pk,
        what_is_wrong="x",
        due_on=timezone.localdate(),
    )
    return {"Authorization": bearer(officer)["HTTP_AUTHORIZATION"]}


def test_the_fuzzed_schema_covers_the_privacy_paths() -> None:
    paths = {path for path in schema.raw_schema["paths"] if re.match(PRIVACY, path)}
    assert {
        "/api/v1/people/{person_id}/export",
        "/api/v1/whanau/{whanau_id}/export",
        "/api/v1/exports",
        "/api/v1/exports/{export_id}",
        "/api/v1/exports/{export_id}/export.json",
        "/api/v1/exports/{export_id}/export.pdf",
        "/api/v1/corrections",
        "/api/v1/corrections/{correction_id}",
        "/api/v1/corrections/{correction_id}/decision",
        "/api/v1/retention/rules",
    } <= paths


@schema.parametrize()
@fuzzed(max_examples=15)
def test_privacy_api_conforms_to_its_schema(case: Any, api_headers: dict[str, str]) -> None:
    case.call_and_validate(
        headers=api_headers, excluded_checks=[schemathesis.checks.positive_data_acceptance]
    )
