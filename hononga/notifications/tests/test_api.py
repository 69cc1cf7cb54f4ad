"""/api/v1/notifications: list, unread count, mark read — your own only, problem+json errors."""

import re
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client

from hononga.conftest import bearer, fuzzed
from hononga.notifications import services
from hononga.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db

PATHS = r"^/api/v1/notifications(/|$)"
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).include(
    path_regex=PATHS
)


def tell(user, n=1):
    for i in range(n):
        services.notify(users=[user], kind=Kind.FOLLOW_UP_DUE, url="/", event_key=f"t:{i}")


def test_it_lists_and_marks_your_own(practitioner, outsider):
    tell(practitioner, 3)
    tell(outsider, 1)
    api = Client(**bearer(practitioner))
    listed = api.get("/api/v1/notifications?page_size=2").json()
    assert listed["count"] == 3 and len(listed["items"]) == 2
    assert listed["items"][0]["text"] == "A follow-up is due."
    first = listed["items"][0]["id"]
    read = api.post(f"/api/v1/notifications/{first}/read")
    assert read.status_code == 200 and read.json()["read_at"]
    assert api.get("/api/v1/notifications/unread-count").json() == {"unread": 2}
    assert api.get("/api/v1/notifications?unread=true").json()["count"] == 2
    assert api.post("/api/v1/notifications/read-all").json() == {"marked": 2}
    theirs = Notification.objects.get(user=outsider).pk
    hidden = api.post(f"/api/v1/notifications/{theirs}/read")
    assert hidden.status_code == 404 and hidden["Content-Type"] == "application/problem+json"
    assert Notification.objects.get(pk=theirs).read_at is None


def test_bad_input_is_a_problem(practitioner):
    api = Client(**bearer(practitioner))
    for url in ("/api/v1/notifications?unraed=true", "/api/v1/notifications?unread=maybe"):
        response = api.get(url)
        assert response.status_code == 422
        assert response["Content-Type"] == "application/problem+json"
    assert api.post("/api/v1/notifications/0/read").status_code == 422
    assert Client().get("/api/v1/notifications").status_code == 401


def test_every_notification_operation_is_in_the_schema() -> None:
    paths = {path for path in schema.raw_schema["paths"] if re.match(PATHS, path)}
    assert paths == {
        "/api/v1/notifications",
        "/api/v1/notifications/unread-count",
        "/api/v1/notifications/{notification_id}/read",
        "/api/v1/notifications/read-all",
    }


@pytest.fixture
def api_headers(practitioner) -> dict[str, str]:
    tell(practitioner, 2)
    return {"Authorization": bearer(practitioner)["HTTP_AUTHORIZATION"]}


@schema.parametrize()
@fuzzed(max_examples=15)
def test_notification_api_conforms_to_its_schema(case: Any, api_headers: dict[str, str]) -> None:
    case.call_and_validate(
        headers=api_headers, excluded_checks=[schemathesis.checks.positive_data_acceptance]
    )


def test_the_schemas_kinds_are_the_models_kinds() -> None:
    from typing import get_args

    from hononga.notifications.api import KindName

    assert set(get_args(KindName)) == set(Kind.values)
