"""API: /api/v1/whanau — list, search, create, read, change (with versions), archive."""

import json
from typing import Any

import pytest
from django.test import Client

from hononga.accounts.models import User
from hononga.audit.models import Action, AuditEvent
from hononga.conftest import bearer
from hononga.factories import AllocationFactory, WhanauFactory
from hononga.whanau import services
from hononga.whanau.models import Allocation, Whanau

PROBLEM = "application/problem+json"


class Api:
    """A client for /api/v1 as one user, with a bearer token."""

    def __init__(self, user: User) -> None:
        self.client = Client()
        self.headers = bearer(user)

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get("/api/v1" + path, params, **self.headers)

    def post(self, path: str, body: Any) -> Any:
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return self.client.post(
            "/api/v1" + path, data, content_type="application/json", **self.headers
        )

    def patch(self, path: str, body: Any) -> Any:
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return self.client.patch(
            "/api/v1" + path, data, content_type="application/json", **self.headers
        )


def fields(response: Any) -> dict[str, str]:
    """The problem's field errors as {field: message}."""
    assert response["Content-Type"] == PROBLEM, response.content
    return {e["field"]: e["message"] for e in response.json().get("errors") or []}


@pytest.fixture
def api(practitioner: User) -> Api:
    return Api(practitioner)


# --- List and search ------------------------------------------------------------------------------


def test_list_shows_only_visible_whanau_and_audits_one_list_event(api, whanau, team_south):
    WhanauFactory(name="Hidden whānau", team=team_south)
    before = AuditEvent.objects.filter(action=Action.LIST).count()
    response = api.get("/whanau")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [w["name"] for w in body["items"]] == ["Kōwhai whānau"]
    assert body["items"][0]["team"] == {"id": whanau.team_id, "name": "Team North"}
    assert AuditEvent.objects.filter(action=Action.LIST).count() == before + 1


@pytest.mark.parametrize("q", ["kowhai", "KŌWHAI", "Kōwhai WHANAU", "whanau"])
def test_search_ignores_macrons_and_case(api, whanau, q):
    response = api.get("/whanau", q=q)
    assert [w["id"] for w in response.json()["items"]] == [whanau.pk]


def test_search_that_matches_nothing_is_an_empty_page(api, whanau):
    response = api.get("/whanau", q="pōhutukawa")
    assert response.status_code == 200
    assert response.json() == {"count": 0, "page": 1, "page_size": 50, "pages": 1, "items": []}


def test_filters_by_status_team_and_region(supervisor, whanau, team_north):
    other = WhanauFactory(name="Rātā whānau", team=team_north, status="closed")
    api = Api(supervisor)
    assert [w["id"] for w in api.get("/whanau", status="closed").json()["items"]] == [other.pk]
    assert api.get("/whanau", team=team_north.pk).json()["count"] == 2
    assert api.get("/whanau", region=team_north.region_id).json()["count"] == 2
    assert api.get("/whanau", region=999).json()["count"] == 0


def test_bad_filters_are_field_errors(api, whanau):
    response = api.get("/whanau", status="sleeping", team="abc", stauts="open")
    assert response.status_code == 422
    assert set(fields(response)) >= {"status", "team"}
    response = api.get("/whanau", stauts="open")
    assert fields(response) == {"stauts": "Unknown query parameter"}


def test_pagination(supervisor, team_north):
    for n in range(7):
        WhanauFactory(name=f"Whānau {n:02}", team=team_north)
    api = Api(supervisor)
    page = api.get("/whanau", page=2, page_size=3).json()
    assert (page["count"], page["page"], page["pages"]) == (7, 2, 3)
    assert [w["name"] for w in page["items"]] == ["Whānau 03", "Whānau 04", "Whānau 05"]
    assert api.get("/whanau", page=9, page_size=3).json()["items"] == []
    assert api.get("/whanau", page_size=201).status_code == 422
    assert api.get("/whanau", page=0).status_code == 422


def test_archived_whanau_are_listed_only_on_request(api, whanau, practitioner):
    services.whanau_archive(actor=practitioner, whanau_id=whanau.pk, expected_version=1, reason="x")
    assert api.get("/whanau").json()["count"] == 0
    assert api.get("/whanau", include_archived="true").json()["count"] == 1


def test_list_query_count_is_bounded(supervisor, team_north, django_assert_max_num_queries):
    for n in range(30):
        WhanauFactory(name=f"Whānau {n}", team=team_north)
    api = Api(supervisor)
    with django_assert_max_num_queries(12):
        response = api.get("/whanau", page_size=30)
    assert len(response.json()["items"]) == 30


def test_without_a_token_the_answer_is_401_problem(whanau):
    response = Client().get("/api/v1/whanau")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"] == "Bearer"
    response = Client().get("/api/v1/whanau", HTTP_AUTHORIZATION="Bearer hon_not-a-token")
    assert response.status_code == 401


# --- Read -----------------------------------------------------------------------------------------


def test_get_one_whanau_audits_a_view(api, whanau):
    response = api.get(f"/whanau/{whanau.pk}")
    assert response.status_code == 200
    assert response.json()["name"] == "Kōwhai whānau"
    assert response.json()["version"] == 1
    event = AuditEvent.objects.get(action=Action.VIEW, whanau_id=whanau.pk)
    assert event.actor_username == "practitioner"


@pytest.mark.parametrize("who", ["outsider", "supervisor_south", "admin_user", "facilitator"])
def test_outsiders_get_404_and_no_view_event(request, whanau, who):
    api = Api(request.getfixturevalue(who))
    response = api.get(f"/whanau/{whanau.pk}")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    # The same answer as for a whānau that does not exist.
    assert response.json()["detail"] == api.get("/whanau/999999").json()["detail"]
    assert not AuditEvent.objects.filter(action=Action.VIEW).exists()


@pytest.mark.parametrize("bad", ["abc", "0", "-1", "99999999999999999999999"])
def test_bad_ids_are_4xx_not_500(api, bad):
    response = api.get(f"/whanau/{bad}")
    assert response.status_code in {404, 422}
    assert response["Content-Type"] == PROBLEM


# --- Create ---------------------------------------------------------------------------------------


def test_create_allocates_the_practitioner_and_audits(api, practitioner, team_north):
    response = api.post(
        "/whanau", {"name": "  Tūī whānau  ", "team_id": team_north.pk, "summary": "Kia ora"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Tūī whānau"
    assert body["region"]["id"] == team_north.region_id
    assert Allocation.objects.current().filter(whanau_id=body["id"], user=practitioner).exists()
    assert AuditEvent.objects.filter(action=Action.CREATE, whanau_id=body["id"]).exists()


def test_html_and_non_latin_text_is_stored_and_returned_unchanged(api, team_north):
    name = "<script>alert('x')</script> 田中 Ōtautahi 👪"
    summary = '<b>bold</b> & "quoted" — Ngā mihi\nline two'
    response = api.post("/whanau", {"name": name, "team_id": team_north.pk, "summary": summary})
    assert response.status_code == 201
    whanau = Whanau.objects.get(pk=response.json()["id"])
    assert (whanau.name, whanau.summary) == (name, summary)
    got = api.get(f"/whanau/{whanau.pk}").json()
    assert (got["name"], got["summary"]) == (name, summary)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"team_id": 1}, "name"),
        ({"name": "   ", "team_id": 1}, "name"),
        ({"name": "x" * 201, "team_id": 1}, "name"),
        ({"name": "Tūī", "team_id": "1"}, "team_id"),
        ({"name": "Tūī", "team_id": 1.5}, "team_id"),
        ({"name": "Tūī"}, "team_id"),
        ({"name": "Tūī", "team_id": 1, "summary": "x" * 5001}, "summary"),
        ({"name": "Tūī", "team_id": 1, "status": "asleep"}, "status"),
        ({"name": "Tūī", "team_id": 1, "colour": "red"}, "colour"),
        ({"name": ["Tūī"], "team_id": 1}, "name"),
        ({"name": "Tū\x00ī", "team_id": 1}, "name"),
        ({"name": "Tūī", "team_id": 2**64}, "team_id"),
        ({"name": "ﷺ" * 20, "team_id": 1}, "name"),
    ],
)
def test_bad_create_bodies_get_field_errors_and_write_nothing(api, team_north, body, field):
    if body.get("team_id") == 1:
        body["team_id"] = team_north.pk
    before = (Whanau.objects.count(), AuditEvent.objects.count())
    response = api.post("/whanau", body)
    assert response.status_code == 422, response.content
    assert field in fields(response)
    assert (Whanau.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize("raw", ["{not json", "", "[]", '"a string"', "null", "1"])
def test_bodies_that_are_not_a_json_object_get_a_problem(api, raw):
    response = api.post("/whanau", raw)
    assert response.status_code in {400, 422}
    assert response["Content-Type"] == PROBLEM
    assert not Whanau.objects.exists()


def test_another_teams_whanau_cannot_be_created(api, team_south):
    response = api.post("/whanau", {"name": "Tūī", "team_id": team_south.pk})
    assert response.status_code == 422
    assert "team_id" in fields(response)
    assert not Whanau.objects.exists()


def test_an_admin_cannot_create_a_whanau(admin_user, team_north):
    admin_user.teams.add(team_north)
    response = Api(admin_user).post("/whanau", {"name": "Tūī", "team_id": team_north.pk})
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert not Whanau.objects.exists()


# --- Change ---------------------------------------------------------------------------------------


def test_patch_changes_only_the_fields_sent(api, whanau):
    response = api.patch(f"/whanau/{whanau.pk}", {"version": 1, "summary": "Ngā mihi"})
    assert response.status_code == 200, response.content
    assert response.json()["summary"] == "Ngā mihi"
    assert response.json()["name"] == "Kōwhai whānau"
    assert response.json()["version"] == 2
    event = AuditEvent.objects.get(action=Action.UPDATE, whanau_id=whanau.pk)
    assert event.data["changes"]["summary"] == ["", "Ngā mihi"]


def test_stale_version_is_409_with_both_versions_and_nothing_written(api, whanau, supervisor):
    services.whanau_update(
        actor=supervisor, whanau_id=whanau.pk, expected_version=1, changes={"name": "Rimu"}
    )
    response = api.patch(f"/whanau/{whanau.pk}", {"version": 1, "name": "Tōtara"})
    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["your_version"] == 1
    assert body["current_version"] == 2
    assert body["current"]["name"] == "Rimu"
    assert body["current"]["version"] == 2
    assert body["changed_by"]
    whanau.refresh_from_db()
    assert (whanau.name, whanau.version) == ("Rimu", 2)


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Rimu"},
        {"version": "1", "name": "Rimu"},
        {"version": 1, "name": None},
        {"version": 1, "status": None},
        {"version": 1, "name": ""},
        {"version": 1, "id": 5},
        {"version": 1, "version_x": 5},
    ],
)
def test_bad_patches_are_422_and_change_nothing(api, whanau, body):
    response = api.patch(f"/whanau/{whanau.pk}", body)
    assert response.status_code == 422
    assert fields(response)
    whanau.refresh_from_db()
    assert (whanau.name, whanau.version) == ("Kōwhai whānau", 1)


def test_patch_to_a_team_you_are_not_in_is_refused(supervisor, whanau, team_south):
    response = Api(supervisor).patch(
        f"/whanau/{whanau.pk}", {"version": 1, "team_id": team_south.pk}
    )
    assert response.status_code == 422
    assert "team_id" in fields(response)
    whanau.refresh_from_db()
    assert whanau.team_id != team_south.pk


def test_outsider_patch_is_404(outsider, whanau):
    response = Api(outsider).patch(f"/whanau/{whanau.pk}", {"version": 1, "name": "Rimu"})
    assert response.status_code == 404
    whanau.refresh_from_db()
    assert whanau.name == "Kōwhai whānau"


def test_break_glass_readers_can_read_but_not_write(admin_user, whanau):
    services.break_glass(actor=admin_user, whanau_id=whanau.pk, reason="Urgent safety check today")
    api = Api(admin_user)
    assert api.get(f"/whanau/{whanau.pk}").status_code == 200
    response = api.patch(f"/whanau/{whanau.pk}", {"version": 1, "name": "Rimu"})
    assert response.status_code == 403
    assert "not change" in response.json()["detail"]
    response = api.post(f"/whanau/{whanau.pk}/archive", {"version": 1, "reason": "no"})
    assert response.status_code == 403
    whanau.refresh_from_db()
    assert (whanau.name, whanau.archived_at) == ("Kōwhai whānau", None)


# --- Archive --------------------------------------------------------------------------------------


def test_archive_needs_a_reason_and_the_version(api, whanau):
    assert api.post(f"/whanau/{whanau.pk}/archive", {"version": 1}).status_code == 422
    response = api.post(f"/whanau/{whanau.pk}/archive", {"version": 1, "reason": "  "})
    assert "reason" in fields(response)
    whanau.refresh_from_db()
    assert whanau.archived_at is None
    response = api.post(f"/whanau/{whanau.pk}/archive", {"version": 1, "reason": "Moved away"})
    assert response.status_code == 200
    assert response.json()["archived_at"] is not None
    assert response.json()["status"] == "closed"
    assert AuditEvent.objects.get(action=Action.ARCHIVE, whanau_id=whanau.pk).reason == "Moved away"


def test_archive_with_a_stale_version_is_409(api, whanau):
    response = api.post(f"/whanau/{whanau.pk}/archive", {"version": 7, "reason": "Moved"})
    assert response.status_code == 409
    assert response.json()["current_version"] == 1
    whanau.refresh_from_db()
    assert whanau.archived_at is None


def test_a_second_practitioner_allocated_can_write(practitioner2, whanau):
    AllocationFactory(whanau=whanau, user=practitioner2)
    response = Api(practitioner2).patch(
        f"/whanau/{whanau.pk}", {"version": 1, "summary": "Kia ora"}
    )
    assert response.status_code == 200
