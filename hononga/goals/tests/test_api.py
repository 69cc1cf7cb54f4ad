"""/api/v1/goals: list with filters, create, PATCH with version, ratings and steps."""

import json
from typing import Any

from django.test import Client

from hononga.accounts.models import User
from hononga.conftest import bearer
from hononga.goals.models import Goal, GoalRating, GoalStatus
from hononga.goals.tests import factories as gf
from hononga.whanau.models import Person, Whanau


def _call(method: str, url: str, user: User, body: Any = None) -> Any:
    client = Client()
    kwargs: dict[str, Any] = bearer(user)
    if body is not None:
        kwargs["data"] = json.dumps(body)
        kwargs["content_type"] = "application/json"
    return getattr(client, method)(url, **kwargs)


def test_it_creates_lists_and_filters_goals(
    practitioner: User, whanau: Whanau, person: Person
) -> None:
    created = _call(
        "post",
        "/api/v1/goals",
        practitioner,
        {"whanau": whanau.pk, "holder": person.pk, "wording": "Get my licence"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["wording"] == "Get my licence" and body["version"] == 1
    gf.goal(whanau, None, "Together")
    listed = _call("get", f"/api/v1/goals?whanau={whanau.pk}&person={person.pk}", practitioner)
    assert listed.status_code == 200
    assert [g["wording"] for g in listed.json()["items"]] == ["Get my licence"]
    assert _call("get", "/api/v1/goals?status=met", practitioner).json()["count"] == 0
    assert _call("get", "/api/v1/goals?stauts=met", practitioner).status_code == 422


def test_bad_input_is_a_problem_and_nothing_is_saved(
    practitioner: User, whanau: Whanau, person: Person
) -> None:
    for body in (
        {"whanau": whanau.pk, "wording": "   "},
        {"whanau": whanau.pk, "wording": "x", "target_date": "2001-01-01"},
        {"whanau": whanau.pk, "wording": "x", "holder": 999999},
        {"whanau": whanau.pk, "wording": "x", "colour": "red"},
    ):
        response = _call("post", "/api/v1/goals", practitioner, body)
        assert response.status_code == 422, body
        assert response["Content-Type"] == "application/problem+json"
    assert not Goal.objects.exists()


def test_patch_needs_the_current_version(
    practitioner: User, whanau: Whanau, person: Person
) -> None:
    goal = gf.goal(whanau, person)
    ok = _call("patch", f"/api/v1/goals/{goal.pk}", practitioner, {"version": 1, "why": "Kids"})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = _call("patch", f"/api/v1/goals/{goal.pk}", practitioner, {"version": 1, "why": "No"})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2 and stale.json()["your_version"] == 1
    rewrite = _call(
        "patch", f"/api/v1/goals/{goal.pk}", practitioner, {"version": 2, "wording": "New"}
    )
    assert rewrite.status_code == 422
    met = _call("patch", f"/api/v1/goals/{goal.pk}", practitioner, {"version": 2, "status": "met"})
    assert met.status_code == 200 and met.json()["status"] == GoalStatus.MET
    goal.refresh_from_db()
    assert goal.why == "Kids" and goal.wording == "Get my licence"


def test_ratings_and_steps(practitioner: User, whanau: Whanau, person: Person) -> None:
    goal = gf.goal(whanau, person)
    url = f"/api/v1/goals/{goal.pk}/ratings"
    assert _call("post", url, practitioner, {"value": 4, "rated_by": person.pk}).status_code == 201
    assert _call("post", url, practitioner, {"value": 8, "rated_by": person.pk}).status_code == 201
    for bad in ({"value": 11, "rated_by": person.pk}, {"value": 2.5}, {"value": "7"}):
        assert _call("post", url, practitioner, bad).status_code == 422, bad
    items = _call("get", url, practitioner).json()["items"]
    assert [(r["value"], r["is_baseline"]) for r in items] == [(4, True), (8, False)]
    detail = _call("get", f"/api/v1/goals/{goal.pk}", practitioner).json()
    assert detail["flags"] == ["reliable_rise"]
    step = _call(
        "post", f"/api/v1/goals/{goal.pk}/steps", practitioner, {"what": "Book", "who": "Mere"}
    )
    assert step.status_code == 201
    done = _call(
        "patch",
        f"/api/v1/goals/{goal.pk}/steps/{step.json()['id']}",
        practitioner,
        {"version": 1, "done": True},
    )
    assert done.status_code == 200 and done.json()["done_on"] is not None
    assert _call("get", f"/api/v1/goals/{goal.pk}/steps", practitioner).json()["count"] == 1
    assert GoalRating.objects.count() == 2


def test_outsiders_get_404_and_readers_403(
    outsider: User, admin_user: User, whanau: Whanau, person: Person
) -> None:
    goal = gf.goal(whanau, person)
    assert _call("get", f"/api/v1/goals/{goal.pk}", outsider).status_code == 404
    assert (
        _call("post", f"/api/v1/goals/{goal.pk}/ratings", outsider, {"value": 5}).status_code == 404
    )
    assert _call("get", "/api/v1/goals", outsider).json()["count"] == 0
    assert (
        _call("post", "/api/v1/goals", outsider, {"whanau": whanau.pk, "wording": "x"}).status_code
        == 404
    )


def test_empty_wording_is_a_clear_problem_in_the_callers_language(
    practitioner: User, whanau: Whanau
) -> None:
    client = Client()
    for language, words in (
        ("en", "Write the goal as the person said it."),
        ("mi", "Tuhia te whāinga kia rite ki tāna i kōrero ai."),
    ):
        response = client.post(
            "/api/v1/goals",
            data=json.dumps({"whanau": whanau.pk, "wording": "  "}),
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE=language,
            **bearer(practitioner),
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [{"field": "wording", "message": words}]
    assert not Goal.objects.exists()
