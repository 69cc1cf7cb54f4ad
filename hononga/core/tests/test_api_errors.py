"""The API's error contract: problem+json for every failure, never an HTML page or a 500 leak."""

import json
import logging

import pytest
from django.test import Client

from hononga.conftest import bearer
from hononga.whanau import api as whanau_api
from hononga.whanau.models import Whanau

PROBLEM = "application/problem+json"


@pytest.fixture
def headers(practitioner):
    return bearer(practitioner)


def post(headers, path, data, content_type="application/json"):
    return Client().post("/api/v1" + path, data, content_type=content_type, **headers)


def test_an_unexpected_error_is_a_logged_generic_500_problem(headers, whanau, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("secret internals: table xyz")

    monkeypatch.setattr(whanau_api.selectors, "whanau_list", broken)
    with caplog.at_level(logging.ERROR, logger="hononga.api"):
        response = Client().get("/api/v1/whanau", **headers)
    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == 500
    assert body["title"] == "Something went wrong on our side"
    assert "secret" not in response.content.decode()
    assert any("secret internals" in r.getMessage() or r.exc_info for r in caplog.records)


def test_an_unexpected_error_during_a_write_leaves_nothing_half_written(
    headers, team_north, monkeypatch
):
    from hononga.audit import services as audit_services

    def broken(**kwargs):
        raise RuntimeError("audit store down")

    # The service writes the whānau, then its audit event, in one transaction.
    monkeypatch.setattr("hononga.whanau.services.record_event", broken)
    assert audit_services.record_event is not broken
    response = post(headers, "/whanau", json.dumps({"name": "Tūī", "team_id": team_north.pk}))
    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM
    assert not Whanau.objects.exists()


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("{not json", "application/json"),
        ("name=Tūī&team_id=1", "application/x-www-form-urlencoded"),
        (b"\xff\xfe\x00garbage", "application/json"),
    ],
)
def test_a_body_that_is_not_json_is_400_problem(headers, data, content_type):
    response = post(headers, "/whanau", data, content_type)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["title"] == "The body is not valid JSON"
    assert not Whanau.objects.exists()


def test_an_oversized_body_is_413_problem(headers, team_north, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"name": "Tūī", "team_id": team_north.pk, "summary": "x" * 20_000})
    response = post(headers, "/whanau", body)
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert not Whanau.objects.exists()


def test_a_lone_surrogate_is_a_field_error_not_a_database_error(headers, team_north):
    body = '{"name": "T\\ud800", "team_id": TEAM}'.replace("TEAM", str(team_north.pk))
    response = post(headers, "/whanau", body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["name"]
    assert not Whanau.objects.exists()


def test_a_nul_in_a_query_is_a_field_error(headers, whanau):
    response = Client().get("/api/v1/whanau", {"q": "kō\x00whai"}, **headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "q"


def test_an_overlong_query_is_a_field_error(headers, whanau):
    response = Client().get("/api/v1/whanau", {"q": "a" * 201}, **headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "q"


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/v1/whanau/1/nope", "/api/v1/"])
def test_an_unknown_api_path_is_a_404_problem_not_an_html_page(db, path):
    response = Client().post(path)
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_wrong_method_is_405(headers, whanau):
    response = Client().delete(f"/api/v1/whanau/{whanau.pk}", **headers)
    assert response.status_code == 405


def test_field_errors_name_nested_fields_by_their_path(headers):
    response = post(headers, "/whanau", json.dumps({"name": {"first": "x"}, "team_id": []}))
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"name", "team_id"}
