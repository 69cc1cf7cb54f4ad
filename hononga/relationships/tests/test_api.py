"""API: /api/v1/relationships, /api/v1/consents and /api/v1/whanau/{id}/map."""

import pytest

from hononga.relationships.models import Consent, Relationship
from hononga.whanau import services as whanau_services
from hononga.whanau.tests.test_api_whanau import Api, fields

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


@pytest.fixture
def api(practitioner):
    return Api(practitioner)


@pytest.fixture
def outsider_api(outsider):
    return Api(outsider)


@pytest.fixture
def reader_api(admin_user, whanau):
    whanau_services.break_glass(
        actor=admin_user, whanau_id=whanau.pk, reason="Reviewing a complaint about the file"
    )
    return Api(admin_user)


def body(whanau, a, b, **extra):
    return {
        "whanau_id": whanau.pk,
        "person_a_id": a.pk,
        "person_b_id": b.pk,
        "kind": "whanau",
        **extra,
    }


def test_create_get_list_update_end(api, whanau, person, child):
    response = api.post(
        "/relationships", body(whanau, child, person, support="a_to_b", strength="strong")
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["person_a"]["id"] == person.pk and data["support"] == "b_to_a"
    pk = data["id"]
    assert api.get(f"/relationships/{pk}").json()["version"] == 1
    assert api.get("/relationships", whanau=whanau.pk).json()["count"] == 1
    assert api.get("/relationships", person=child.pk).json()["count"] == 1
    response = api.patch(f"/relationships/{pk}", {"version": 1, "stress": "high"})
    assert response.status_code == 200 and response.json()["stress"] == "high"
    response = api.post(f"/relationships/{pk}/end", {"version": 2, "reason": "Moved away"})
    assert response.status_code == 200 and response.json()["ended"] is not None
    assert api.get("/relationships", whanau=whanau.pk).json()["count"] == 0
    assert api.get("/relationships", whanau=whanau.pk, include_ended="true").json()["count"] == 1


def test_rules_are_422_field_errors(api, whanau, person, child, stranger, relationship):
    response = api.post("/relationships", body(whanau, person, person))
    assert response.status_code == 422 and "person_b_id" in fields(response)
    response = api.post("/relationships", body(whanau, child, person))
    assert response.status_code == 422 and "kind" in fields(response)
    response = api.post("/relationships", body(whanau, person, stranger))
    assert response.status_code == 422 and "person_b_id" in fields(response)
    response = api.post(
        "/relationships", body(whanau, person, child, kind="community", started="2026-05-01")
    )
    pk = response.json()["id"]
    response = api.patch(f"/relationships/{pk}", {"version": 1, "ended": "2026-04-01"})
    assert response.status_code == 422 and "ended" in fields(response)
    assert Relationship.objects.count() == 2


def test_bad_input_is_problem_json(api, whanau, person, child):
    for bad in (
        "not json",
        {"whanau_id": "1", "person_a_id": person.pk, "person_b_id": child.pk, "kind": "whanau"},
        {**body(whanau, person, child), "kind": "cousin"},
        {**body(whanau, person, child), "started": 1234567},
        {**body(whanau, person, child), "extra": 1},
        {**body(whanau, person, child), "notes": "a\x00b"},
        {**body(whanau, person, child), "person_a_id": 2**70},
        {**body(whanau, person, child), "whanau_id": 999999},
    ):
        response = api.post("/relationships", bad)
        assert response.status_code in {400, 422}, (bad, response.content)
        assert response["Content-Type"] == PROBLEM
    assert api.get("/relationships", whanau="x").status_code == 422
    assert api.get("/relationships", wahnau=1).status_code == 422
    assert api.get("/relationships/0").status_code == 422
    assert not Relationship.objects.exists()


def test_stale_version_is_409_with_current(api, relationship):
    api.patch(f"/relationships/{relationship.pk}", {"version": 1, "stress": "some"})
    response = api.patch(f"/relationships/{relationship.pk}", {"version": 1, "stress": "high"})
    assert response.status_code == 409 and response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["current_version"] == 2 and problem["your_version"] == 1
    assert problem["current"]["stress"] == "some"
    response = api.post(f"/relationships/{relationship.pk}/end", {"version": 1})
    assert response.status_code == 409


def test_outsider_gets_404(outsider_api, whanau, person, child, relationship):
    assert outsider_api.get(f"/relationships/{relationship.pk}").status_code == 404
    assert outsider_api.get("/relationships", whanau=whanau.pk).json()["count"] == 0
    assert (
        outsider_api.patch(
            f"/relationships/{relationship.pk}", {"version": 1, "stress": "high"}
        ).status_code
        == 404
    )
    assert (
        outsider_api.post(f"/relationships/{relationship.pk}/end", {"version": 1}).status_code
        == 404
    )
    assert outsider_api.get(f"/whanau/{whanau.pk}/map").status_code == 404
    response = outsider_api.post("/relationships", body(whanau, person, child, kind="peer"))
    assert response.status_code == 422 and "whanau_id" in fields(response)
    response = outsider_api.post(
        "/consents", {"person_id": person.pk, "purpose": "sharing", "status": "given"}
    )
    assert response.status_code == 422 and "person_id" in fields(response)
    assert outsider_api.get("/consents", person=person.pk).json()["count"] == 0


def test_read_only_role_gets_403(reader_api, whanau, person, child, relationship):
    assert reader_api.get(f"/relationships/{relationship.pk}").status_code == 200
    assert reader_api.get(f"/whanau/{whanau.pk}/map").status_code == 200
    assert (
        reader_api.post("/relationships", body(whanau, person, child, kind="peer")).status_code
        == 403
    )
    assert (
        reader_api.patch(
            f"/relationships/{relationship.pk}", {"version": 1, "stress": "high"}
        ).status_code
        == 403
    )
    assert (
        reader_api.post(f"/relationships/{relationship.pk}/end", {"version": 1}).status_code == 403
    )
    assert (
        reader_api.post(
            "/consents", {"person_id": person.pk, "purpose": "sharing", "status": "given"}
        ).status_code
        == 403
    )
    assert Relationship.objects.count() == 1 and not Consent.objects.exists()


def test_consents_list_and_create(api, person):
    response = api.post(
        "/consents",
        {
            "person_id": person.pk,
            "purpose": "immunisation",
            "status": "given",
            "note": "At the hui",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["recorded_by"]["display_name"] == "Aroha"
    api.post(
        "/consents", {"person_id": person.pk, "purpose": "immunisation", "status": "withdrawn"}
    )
    listed = api.get("/consents", person=person.pk).json()
    assert listed["count"] == 2 and listed["items"][0]["status"] == "withdrawn"
    response = api.post("/consents", {"person_id": person.pk, "purpose": "x", "status": "given"})
    assert response.status_code == 422 and "purpose" in fields(response)
    response = api.post(
        "/consents",
        {"person_id": person.pk, "purpose": "sharing", "status": "given", "date": "2999-01-01"},
    )
    assert response.status_code == 422 and "date" in fields(response)


def test_map_endpoint(api, whanau, person, child, relationship):
    response = api.get(f"/whanau/{whanau.pk}/map", centre=child.pk)
    assert response.status_code == 200
    data = response.json()
    assert data["centre_id"] == child.pk
    assert {n["id"] for n in data["nodes"]} == {person.pk, child.pk}
    assert data["edges"][0]["id"] == relationship.pk
    assert data["edges"][0]["strength"] == "strong"
    assert api.get(f"/whanau/{whanau.pk}/map", centre="x").status_code == 422


def test_list_query_count_is_bounded(
    api, practitioner, whanau, worker_person, django_assert_max_num_queries
):
    from hononga.relationships.tests.test_map_data import thirty_people

    thirty_people(practitioner, whanau, worker_person)
    with django_assert_max_num_queries(14):
        response = api.get("/relationships", whanau=whanau.pk, page_size=100)
    assert response.json()["count"] > 30
    with django_assert_max_num_queries(20):
        assert api.get(f"/whanau/{whanau.pk}/map").status_code == 200
