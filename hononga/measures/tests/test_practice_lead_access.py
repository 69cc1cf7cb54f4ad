"""A practice lead sees figures, never case content: every page and every API operation that
reads case records answers 403/404 (or an empty list) to them, and no name appears anywhere."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from hononga.accounts.models import User
from hononga.conftest import bearer, client_for
from hononga.contacts.models import Contact
from hononga.restorative.models import AgreementItem, FollowUp, Participant

NAMES = ("Mere", "Ariki", "Kōwhai", "Rimu")
# Pages a practice lead may open: nothing in them comes from a whānau's records.
OPEN_TO_LEADS = {
    "",
    "figures/",
    "figures/definitions/",
    "accounts/profile/",
    "accounts/password/",
    "accounts/login/",
    "accounts/me/",
    "accounts/me/second-factor/",  # their own second factor
    "accounts/password/done/",
    "figures/regions/<str:pk>/",  # a lead with no region ticked leads them all
    # Forms and pages that hold no case content:
    "break-glass/",  # asks for a reason, as for an administrator
    "check-ins/thanks/",
    "goals/thanks/",
    "goals/learning/",  # agency figures only, no names (goals; never a ranking)
    "whanau-space/",  # the whānau space's public sign-in form (privacy)
    "contacts/quadrant/",  # the quadrant of two numbers
    # The user's own notifications (neutral sentences) and week (only what they facilitate or
    # are allocated to: for a practice lead, nothing).
    "notifications/",
    "notifications/settings/",
    "my-week/",
}


# API reads that are agency reference data or the lead's own, not case content.
NOT_CASE_CONTENT = {
    "/api/v1/me",
    "/api/v1/advisories",
    "/api/v1/advisories/rule-tables",
    "/api/v1/advisories/{advisory_id}",
    "/api/v1/teams",
    "/api/v1/tokens",
    "/api/v1/notifications",
    "/api/v1/notifications/unread-count",
    "/api/v1/diary",
    "/api/v1/outcomes/association",
    "/api/v1/retention/rules",
}


def _patterns(resolver: URLResolver, prefix: str = "") -> list[str]:
    found: list[str] = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found.extend(_patterns(entry, route))
        elif isinstance(entry, URLPattern):
            found.append(route)
    return found


def _ids(dataset: dict[str, Any], **more: Any) -> set[int]:
    ids = {
        dataset["relationship"].pk,
        dataset["process"].pk,
        dataset["fgc"].pk,
        dataset["rimu"].pk,
        dataset["process"].harm_id,
        *Contact.objects.values_list("pk", flat=True),
        *Participant.objects.values_list("pk", flat=True),
        *AgreementItem.objects.values_list("pk", flat=True),
        *FollowUp.objects.values_list("pk", flat=True),
    }
    ids |= {v.pk for v in more.values()}
    return ids


def _fill(route: str, value: int) -> str | None:
    route = route.lstrip("^").rstrip("$")
    if "(?P" in route or "django-admin" in route or route.startswith("api/v1/"):
        return None  # admin (staff only, tested elsewhere); the API below
    return "/" + re.sub(r"<(?:\w+:)?\w+>", str(value), route)


def test_every_case_page_refuses_a_practice_lead(
    dataset: dict[str, Any], practice_lead: User, whanau: Any, person: Any
) -> None:
    client = client_for(practice_lead)
    ids = _ids(dataset, whanau=whanau, person=person)
    opened: set[str] = set()
    for route in _patterns(get_resolver()):
        for value in sorted(ids) if "<" in route else [0]:
            url = _fill(route, value)
            if url is None:
                continue
            response = client.get(url)
            body = response.content.decode(errors="replace")
            for name in NAMES:
                assert name not in body, f"{url} shows {name}"
            if response.status_code == 200:
                opened.add(route.lstrip("^").rstrip("$"))
    unexpected = {route for route in opened if route not in OPEN_TO_LEADS and "static" not in route}
    # Anything else that opens must be harmless (i18n, the health check, the outbox for admins…)
    assert not unexpected, sorted(unexpected)


def test_every_api_read_refuses_a_practice_lead(
    dataset: dict[str, Any], practice_lead: User, whanau: Any, person: Any
) -> None:
    client = Client()
    headers = bearer(practice_lead)
    schema = client.get("/api/v1/openapi.json").json()
    ids = _ids(dataset, whanau=whanau, person=person)
    for path, operations in schema["paths"].items():
        if "get" not in operations or path.startswith("/api/v1/measures"):
            continue
        for value in sorted(ids) if "{" in path else [0]:
            url = re.sub(r"\{\w+\}", str(value), path)
            response = client.get(url, **headers)
            body = response.content.decode()
            for name in NAMES:
                assert name not in body, f"{url} shows {name}"
            if path in NOT_CASE_CONTENT:
                continue
            # Every list and record of case content: 404 (not an empty list), as problem+json.
            assert response.status_code == 404, url
            assert response["Content-Type"].startswith("application/problem+json"), url


@pytest.mark.usefixtures("rolled_up")
def test_a_practice_lead_sees_no_names_on_figures_csv_or_api(practice_lead: User) -> None:
    client = client_for(practice_lead)
    for url in (
        "/figures/?kind=month&period=2026-10",
        "/figures/?kind=month&period=2026-10&format=csv",
        "/figures/definitions/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for name in (*NAMES, "Aroha", "Sione"):
            assert name not in body, f"{url} shows {name}"
    response = Client().get("/api/v1/measures?level=agency&period=2026-10", **bearer(practice_lead))
    assert response.status_code == 200
    for name in (*NAMES, "Aroha", "Sione"):
        assert name not in response.content.decode()


@pytest.mark.parametrize("url", ["/whanau/", "/people/", "/processes/", "/contacts/"])
def test_case_list_pages_are_404_to_a_practice_lead(
    dataset: dict[str, Any], practice_lead: User, url: str
) -> None:
    response = client_for(practice_lead).get(url)
    assert response.status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/whanau",
        "/api/v1/people",
        "/api/v1/memberships",
        "/api/v1/allocations",
        "/api/v1/relationships",
        "/api/v1/consents",
        "/api/v1/check-ins",
        "/api/v1/check-in-links",
        "/api/v1/contacts",
        "/api/v1/harms",
        "/api/v1/processes",
        "/api/v1/screenings",
        "/api/v1/goals",
        "/api/v1/corrections",
        "/api/v1/exports",
        "/api/v1/facilitator-credentials",
    ],
)
def test_case_lists_in_the_api_are_404_to_a_practice_lead(
    dataset: dict[str, Any], practice_lead: User, path: str
) -> None:
    response = Client().get(path, **bearer(practice_lead))
    assert response.status_code == 404, response.content
    assert response.json()["status"] == 404


def test_writes_in_the_api_are_404_to_a_practice_lead(
    dataset: dict[str, Any], practice_lead: User
) -> None:
    response = Client().post(
        "/api/v1/whanau",
        data={"name": "X"},
        content_type="application/json",
        **bearer(practice_lead),
    )
    assert response.status_code == 404


def test_the_nav_offers_a_practice_lead_no_case_lists(practice_lead: User) -> None:
    body = client_for(practice_lead).get("/figures/definitions/").content.decode()
    assert 'href="/whanau/"' not in body
    assert 'href="/people/"' not in body


def test_other_roles_still_see_their_lists(dataset: dict[str, Any], practitioner: User) -> None:
    aroha = practitioner
    client = client_for(aroha)
    for url in ("/whanau/", "/people/", "/processes/"):
        assert client.get(url).status_code == 200, url
    assert Client().get("/api/v1/whanau", **bearer(aroha)).json()["count"] >= 1
