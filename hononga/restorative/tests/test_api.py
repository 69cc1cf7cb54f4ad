"""/api/v1/harms and /api/v1/processes: works, 404 for outsiders, 403 for read-only, 422 field
errors, 409 for refused transitions (listing the unmet conditions) and stale versions."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from hononga.conftest import bearer
from hononga.restorative.models import Harm, ParticipantRole, State
from hononga.restorative.tests.conftest import walk_to

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def call(client: Client, method: str, path: str, user: Any, data: Any = None) -> Any:
    return getattr(client, method)(
        f"/api/v1{path}", data, content_type="application/json", **bearer(user)
    )


def test_it_records_and_lists_harm(
    client: Client, practitioner: Any, whanau: Any, person: Any, child: Any
) -> None:
    response = call(
        client,
        "post",
        "/harms",
        practitioner,
        {
            "whanau_id": whanau.pk,
            "what": "Ariki broke Mere's window.",
            "occurred_on": str(timezone.localdate() - timedelta(days=1)),
            "severity": "moderate",
            "harmed_ids": [person.pk],
            "responsible_ids": [child.pk],
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["harmed"] == [person.pk]
    listed = call(client, "get", f"/harms?whanau={whanau.pk}", practitioner)
    assert listed.json()["count"] == 1


def test_bad_harm_input_is_422_field_by_field(
    client: Client, practitioner: Any, whanau: Any, stranger: Any
) -> None:
    response = call(
        client,
        "post",
        "/harms",
        practitioner,
        {
            "whanau_id": whanau.pk,
            "what": "x",
            "occurred_on": str(timezone.localdate()),
            "severity": "minor",
            "harmed_ids": [stranger.pk],
        },
    )
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert {e["field"] for e in response.json()["errors"]} == {"harmed"}
    assert not Harm.objects.exists()
    response = call(client, "post", "/harms", practitioner, {"whanau_id": "x"})
    assert response.status_code == 422


def test_outsiders_get_404(client: Client, outsider: Any, process: Any, harm: Any) -> None:
    for path in (
        f"/harms/{harm.pk}",
        f"/processes/{process.pk}",
        f"/processes/{process.pk}/participants",
        f"/processes/{process.pk}/agreement-items",
    ):
        response = call(client, "get", path, outsider)
        assert response.status_code == 404, path
        assert response["Content-Type"] == PROBLEM
    response = call(
        client,
        "post",
        f"/processes/{process.pk}/transitions",
        outsider,
        {"version": 1, "to": "preparing"},
    )
    assert response.status_code == 404
    assert call(client, "get", "/processes", outsider).json()["count"] == 0


def test_read_only_users_get_403(client: Client, practitioner: Any, process: Any) -> None:
    response = call(
        client,
        "post",
        f"/processes/{process.pk}/transitions",
        practitioner,
        {"version": 1, "to": "preparing"},
    )
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM


def test_the_facilitator_walks_a_process_by_api(
    client: Client, process: Any, facilitator: Any
) -> None:
    detail = call(client, "get", f"/processes/{process.pk}", facilitator).json()
    assert detail["state"] == "referred"
    assert detail["next_steps"][0] == {"to": "preparing", "unmet_conditions": []}
    moved = call(
        client,
        "post",
        f"/processes/{process.pk}/transitions",
        facilitator,
        {"version": 1, "to": "preparing"},
    )
    assert moved.status_code == 200 and moved.json()["state"] == "preparing"
    participants = call(client, "get", f"/processes/{process.pk}/participants", facilitator).json()
    today = str(timezone.localdate())
    for p in participants["items"]:
        response = call(
            client,
            "put",
            f"/participants/{p['id']}",
            facilitator,
            {
                "version": p["version"],
                "consented_on": today,
                "prepared_on": today,
                "wants_te_reo": True,
            },
        )
        assert response.status_code == 200, response.content
        assert response.json()["consent_recorded_by_id"] == facilitator.pk
    safety = call(
        client,
        "post",
        f"/processes/{process.pk}/safety-assessments",
        facilitator,
        {
            "risk_of_further_harm": "low",
            "power_imbalance": "low",
            "readiness": "Ready",
            "accepts_responsibility": "yes",
            "outcome": "proceed",
        },
    )
    assert safety.status_code == 201
    ready = call(
        client,
        "post",
        f"/processes/{process.pk}/transitions",
        facilitator,
        {"version": 2, "to": "ready"},
    )
    assert ready.status_code == 200, ready.content
    responsible = next(p for p in participants["items"] if p["role"] == "responsible")
    answers = call(
        client,
        "post",
        f"/processes/{process.pk}/responses",
        facilitator,
        {
            "answers": [
                {
                    "participant_id": responsible["id"],
                    "question": "happened",
                    "answer": "I took it.",
                }
            ]
        },
    )
    assert answers.status_code == 200 and len(answers.json()) == 1


def test_a_refused_transition_is_409_listing_unmet_conditions(
    client: Client, process: Any, facilitator: Any
) -> None:
    walk_to(process, State.PREPARING)
    response = call(
        client,
        "post",
        f"/processes/{process.pk}/transitions",
        facilitator,
        {"version": 2, "to": "ready"},
    )
    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    messages = [e["message"] for e in response.json()["errors"]]
    assert "Record a safety assessment." in messages
    assert "Record Mere Kōwhai's consent to take part." in messages


def test_a_stale_version_is_409_with_the_saved_record(
    client: Client, process: Any, facilitator: Any
) -> None:
    walk_to(process, State.PREPARING)
    response = call(
        client,
        "post",
        f"/processes/{process.pk}/transitions",
        facilitator,
        {"version": 1, "to": "not_proceeding", "reason": "x"},
    )
    assert response.status_code == 409
    body = response.json()
    assert body["current_version"] == 2 and body["your_version"] == 1


def test_an_item_without_owner_or_date_is_422(
    client: Client, process: Any, facilitator: Any
) -> None:
    walk_to(process, State.READY)
    response = call(
        client,
        "post",
        f"/processes/{process.pk}/agreement-items",
        facilitator,
        {"what": "Say sorry"},
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"owner", "due"}


def test_two_facilitators_one_item_no_overwrite(
    client: Client, process: Any, facilitator: Any
) -> None:
    walk_to(process, State.MONITORING)
    item = call(client, "get", f"/processes/{process.pk}/agreement-items", facilitator).json()[
        "items"
    ][0]
    first = call(
        client,
        "patch",
        f"/agreement-items/{item['id']}",
        facilitator,
        {"version": 1, "status": "done"},
    )
    assert first.status_code == 200 and first.json()["resolved_at"]
    second = call(
        client,
        "patch",
        f"/agreement-items/{item['id']}",
        facilitator,
        {"version": 1, "what": "Other"},
    )
    assert second.status_code == 409


def test_follow_ups_and_closure_by_api(client: Client, process: Any, facilitator: Any) -> None:
    walk_to(process, State.MONITORING)
    item = process.agreement_items.get()
    call(
        client,
        "patch",
        f"/agreement-items/{item.pk}",
        facilitator,
        {"version": 1, "status": "done"},
    )
    harmed = process.participants.get(role=ParticipantRole.HARMED)
    scheduled = call(
        client,
        "post",
        f"/processes/{process.pk}/follow-ups",
        facilitator,
        {"participant_id": harmed.pk, "scheduled_for": str(timezone.localdate())},
    )
    assert scheduled.status_code == 201
    bad = call(
        client, "post", f"/follow-ups/{scheduled.json()['id']}/record", facilitator, {"rating": 12}
    )
    assert bad.status_code == 422
    good = call(
        client,
        "post",
        f"/follow-ups/{scheduled.json()['id']}/record",
        facilitator,
        {"rating": 9, "own_words": "Kua ea."},
    )
    assert good.status_code == 200
    process.refresh_from_db()
    closed = call(
        client,
        "post",
        f"/processes/{process.pk}/transitions",
        facilitator,
        {"version": process.version, "to": "closed", "outcome_summary": "Repaired; trust regrown."},
    )
    assert closed.status_code == 200, closed.content
    assert closed.json()["state"] == "closed"


def test_unknown_query_parameters_are_refused(client: Client, facilitator: Any) -> None:
    assert call(client, "get", "/processes?stat=held", facilitator).status_code == 422


def test_a_harm_is_corrected_by_api_with_conflict_detection(
    client: Client, practitioner: Any, harm: Any, aunt: Any, facilitator: Any, process: Any
) -> None:
    response = call(
        client, "patch", f"/harms/{harm.pk}", practitioner, {"version": 2, "harmed_ids": [aunt.pk]}
    )
    assert response.status_code == 200, response.content
    assert response.json()["harmed"] == [aunt.pk]
    stale = call(client, "patch", f"/harms/{harm.pk}", practitioner, {"version": 2, "what": "x"})
    assert stale.status_code == 409
    assert (
        call(client, "patch", f"/harms/{harm.pk}", facilitator, {"version": 3}).status_code == 403
    )
