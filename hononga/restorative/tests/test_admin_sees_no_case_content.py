"""Administrators see no case content without breaking glass, on the pages and endpoints of the
administration task: reassigning a process (page and API, its 409 too) and a facilitator's
unfinished processes. They get what the task needs — the process's kind, stage, number and
facilitator — and never the whānau's or the people's names.
"""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hononga.accounts.models import Role
from hononga.conftest import bearer, client_for
from hononga.factories import UserFactory
from hononga.restorative.tests.conftest import give_credential

WHANAU_NAME = "Kōwhai whānau"


@pytest.fixture
def other_facilitator(team_north: Any) -> Any:
    user = UserFactory(
        username="facilitator2", preferred_name="Wiremu", role=Role.FACILITATOR, teams=[team_north]
    )
    give_credential(user)
    return user


def _names(process: Any) -> list[str]:
    people = [p.person for p in process.participants.select_related("person")]
    names = [WHANAU_NAME, process.whanau.name]
    for person in people:
        names += [person.full_name, person.preferred_name]
    return [n for n in names if n]


def _api(user: Any, path: str, body: dict[str, Any]) -> Any:
    return Client().post(f"/api/v1{path}", body, content_type="application/json", **bearer(user))


def test_the_reassign_api_answers_an_administrator_with_the_process_without_names(
    admin_user: Any, process: Any, other_facilitator: Any
) -> None:
    names = _names(process)
    body = {"version": process.version, "facilitator_id": other_facilitator.pk, "reason": "Away."}
    done = _api(admin_user, f"/processes/{process.pk}/facilitator", body)
    assert done.status_code == 200, done.content
    answer = done.json()
    assert set(answer) == {"id", "version", "kind", "state", "facilitator_id", "facilitator"}
    assert answer["facilitator_id"] == other_facilitator.pk
    assert answer["version"] == process.version + 1
    text = done.content.decode()
    assert not [name for name in names if name in text]
    # The admin still cannot read the process itself.
    assert Client().get(f"/api/v1/processes/{process.pk}", **bearer(admin_user)).status_code == 404

    stale = _api(admin_user, f"/processes/{process.pk}/facilitator", body)
    assert stale.status_code == 409
    conflict = stale.json()
    assert set(conflict["current"]) == {"id", "version", "kind", "state", "facilitator_id"}
    assert conflict["current"]["version"] == process.version + 1
    assert not [name for name in names if name in stale.content.decode()]
    assert "harm" not in conflict["current"] and "whanau" not in conflict["current"]


def test_the_reassign_page_shows_an_administrator_no_whanau_name(
    admin_user: Any, process: Any, other_facilitator: Any
) -> None:
    names = _names(process)
    page = client_for(admin_user).get(reverse("restorative:reassign", args=[process.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert not [name for name in names if name in html]
    assert f"Process {process.pk}" in html
    assert "Details behind break glass" in html


def test_the_reassign_page_shows_the_supervisor_the_whanau(supervisor: Any, process: Any) -> None:
    page = client_for(supervisor).get(reverse("restorative:reassign", args=[process.pk]))
    assert WHANAU_NAME in page.content.decode()


def test_a_facilitators_processes_as_an_administrator_sees_them_show_no_whanau_name(
    admin_user: Any, facilitator: Any, process: Any, django_assert_max_num_queries: Any
) -> None:
    names = _names(process)
    client = client_for(admin_user)
    url = reverse("restorative:facilitator_processes", args=[facilitator.pk])
    with django_assert_max_num_queries(20):
        page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("restorative:reassign", args=[process.pk]) in html
    assert f"Process {process.pk}" in html
    assert not [name for name in names if name in html]


def test_a_credential_page_lists_the_processes_needing_it_without_whanau_names(
    admin_user: Any, process: Any, credential: Any
) -> None:
    names = _names(process)
    page = client_for(admin_user).get(reverse("restorative:credential", args=[credential.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("restorative:reassign", args=[process.pk]) in html
    assert f"process {process.pk}" in html
    assert not [name for name in names if name in html]
