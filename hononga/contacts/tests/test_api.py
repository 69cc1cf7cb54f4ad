from datetime import timedelta

import pytest
from django.utils import timezone

from hononga.audit.models import Action, AuditEvent
from hononga.conftest import bearer
from hononga.contacts.models import Contact
from hononga.contacts.tests.factories import make_contact
from hononga.factories import earlier_today

URL = "/api/v1/contacts"


def body(whanau, people, **overrides):
    data = {
        "whanau_id": whanau.pk,
        "occurred_at": earlier_today().isoformat(),
        "mode": "home_visit",
        "participant_ids": [p.pk for p in people],
        "purpose": "Plan the week",
        "own_words": "Mere: ka pai.",
        "decisions_with": "yes",
        "support": 8,
        "control": 3,
    }
    data.update(overrides)
    return data


def post(client, user, data):
    return client.post(URL, data, content_type="application/json", **bearer(user))


@pytest.fixture
def contact(practitioner, whanau, person):
    return make_contact(whanau=whanau, practitioner=practitioner, participants=[person])


def test_it_records_a_contact_and_answers_with_the_quadrant(client, practitioner, whanau, person):
    response = post(client, practitioner, body(whanau, [person]))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["quadrant"] == "for" and "do for themselves" in data["quadrant_prompt"]
    assert data["participants"] == [{"id": person.pk, "name": "Mere Kōwhai"}]
    assert data["version"] == 1 and data["practitioner_id"] == practitioner.pk


def test_a_quadrant_sent_in_the_body_is_refused_or_ignored(client, practitioner, whanau, person):
    response = post(client, practitioner, body(whanau, [person], quadrant="with"))
    assert response.status_code in {201, 422}
    if response.status_code == 201:
        assert response.json()["quadrant"] == "for"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"support": 11}, "support"),
        ({"control": -1}, "control"),
        ({"support": "7"}, "support"),
        ({"participant_ids": []}, "participant_ids"),
        ({"purpose": "  "}, "purpose"),
        ({"mode": "carrier pigeon"}, "mode"),
        ({"decisions_with": "maybe"}, "decisions_with"),
    ],
)
def test_bad_input_is_a_field_error(client, practitioner, whanau, person, overrides, field):
    response = post(client, practitioner, body(whanau, [person], **overrides))
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert field in {e["field"] for e in response.json()["errors"]}
    assert Contact.objects.count() == 0


def test_a_future_date_and_outside_people_are_refused(
    client, practitioner, whanau, person, stranger
):
    future = (timezone.now() + timedelta(days=2)).isoformat()
    response = post(client, practitioner, body(whanau, [person, stranger], occurred_at=future))
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"occurred_at", "participant_ids"}
    assert Contact.objects.count() == 0


def test_an_empty_body_is_refused(client, practitioner):
    response = client.post(URL, {}, content_type="application/json", **bearer(practitioner))
    assert response.status_code == 422
    assert Contact.objects.count() == 0


def test_outsiders_get_404_and_admins_403(client, outsider, admin_user, whanau, person, contact):
    assert post(client, outsider, body(whanau, [person])).status_code == 404
    assert post(client, admin_user, body(whanau, [person])).status_code == 403
    headers = bearer(outsider)
    assert client.get(f"{URL}/{contact.pk}", **headers).status_code == 404
    assert (
        client.patch(
            f"{URL}/{contact.pk}", {"version": 1}, content_type="application/json", **headers
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"{URL}/{contact.pk}/archive",
            {"version": 1, "reason": "x"},
            content_type="application/json",
            **headers,
        ).status_code
        == 404
    )
    assert client.get(URL, **headers).json()["count"] == 0
    assert Contact.objects.count() == 1


def test_it_lists_with_filters(client, practitioner, whanau, person, child, contact):
    make_contact(
        whanau=whanau, practitioner=practitioner, participants=[child], support=1, control=9
    )
    headers = bearer(practitioner)
    data = client.get(URL, **headers).json()
    assert data["count"] == 2 and {i["quadrant"] for i in data["items"]} == {"with", "to"}
    assert client.get(URL, {"quadrant": "to"}, **headers).json()["count"] == 1
    assert client.get(URL, {"person": person.pk}, **headers).json()["count"] == 1
    assert client.get(URL, {"whanau": whanau.pk, "mode": "phone"}, **headers).json()["count"] == 0
    today = timezone.localdate().isoformat()
    assert client.get(URL, {"date_from": today, "date_to": today}, **headers).json()["count"] == 2
    response = client.get(URL, {"date_from": today, "date_to": "2020-01-01"}, **headers)
    assert response.status_code == 422
    assert client.get(URL, {"quadrnt": "to"}, **headers).status_code == 422
    assert AuditEvent.objects.filter(action=Action.LIST, summary="Listed contacts (API)").exists()


def test_it_changes_with_the_version_and_refuses_stale_ones(client, practitioner, contact):
    headers = bearer(practitioner)
    url = f"{URL}/{contact.pk}"
    response = client.patch(
        url, {"version": 1, "support": 2, "control": 2}, content_type="application/json", **headers
    )
    assert response.status_code == 200 and response.json()["quadrant"] == "not"
    response = client.patch(
        url, {"version": 1, "support": 9}, content_type="application/json", **headers
    )
    assert response.status_code == 409
    problem = response.json()
    assert problem["current_version"] == 2 and problem["your_version"] == 1
    assert problem["current"]["support"] == 2


def test_someone_who_only_reads_cannot_change(client, supervisor, contact):
    headers = bearer(supervisor)
    assert client.get(f"{URL}/{contact.pk}", **headers).status_code == 200
    response = client.patch(
        f"{URL}/{contact.pk}",
        {"version": 1, "support": 1},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.support == 7


def test_it_archives(client, practitioner, contact):
    headers = bearer(practitioner)
    url = f"{URL}/{contact.pk}/archive"
    response = client.post(
        url, {"version": 1, "reason": ""}, content_type="application/json", **headers
    )
    assert response.status_code == 422
    response = client.post(
        url, {"version": 1, "reason": "Duplicate"}, content_type="application/json", **headers
    )
    assert response.status_code == 200 and response.json()["archived_at"]
    assert client.get(URL, **headers).json()["count"] == 0
    assert client.get(URL, {"include_archived": "true"}, **headers).json()["count"] == 1


def test_the_screening_and_urgent_reason_reach_the_hooks(
    client, practitioner, whanau, person, recorded_hooks
):
    response = post(
        client,
        practitioner,
        body(whanau, [person], screening=9, urgent_reason="Tamaiti unsafe; could not wait"),
    )
    assert response.status_code == 201
    before = recorded_hooks[0][1]
    assert before["screening_id"] == 9
    assert before["urgent_reason"] == "Tamaiti unsafe; could not wait"
    assert recorded_hooks[1][1]["contact"].pk == response.json()["id"]


def test_a_hook_refusal_is_a_field_error_and_nothing_is_saved(client, practitioner, whanau, person):
    from hononga.contacts import hooks
    from hononga.core.errors import PracticeError

    def gate(**kwargs):
        if kwargs["screening_id"] is None and kwargs["fields"]["mode"] == "home_visit":
            raise PracticeError("Screen first.", errors={"screening": ["Screen first."]})

    hooks.BEFORE_SAVE.append(gate)
    try:
        response = post(client, practitioner, body(whanau, [person]))
    finally:
        hooks.BEFORE_SAVE.remove(gate)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "screening", "message": "Screen first."}]
    assert Contact.objects.count() == 0
