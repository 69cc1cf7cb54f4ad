from datetime import timedelta

import pytest
from django.utils import timezone

from hononga.advisories.models import Advisory, Override, Screening
from hononga.advisories.tests.conftest import well
from hononga.audit.models import AuditEvent
from hononga.conftest import bearer
from hononga.contacts.models import Contact
from hononga.factories import earlier_today

pytestmark = pytest.mark.django_db


def contact_body(whanau, person, **overrides):
    data = {
        "whanau_id": whanau.pk,
        "occurred_at": earlier_today().isoformat(),
        "mode": "home_visit",
        "participant_ids": [person.pk],
        "purpose": "Plan the week",
        "own_words": "Mere: ka pai.",
        "decisions_with": "yes",
        "support": 8,
        "control": 3,
    }
    data.update(overrides)
    return data


def post(client, user, url, data):
    return client.post(url, data, content_type="application/json", **bearer(user))


def test_contact_api_refuses_in_person_without_screening(
    client, practitioner, whanau, person, advisory
):
    response = post(client, practitioner, "/api/v1/contacts", contact_body(whanau, person))
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    fields = {e["field"] for e in response.json()["errors"]}
    assert "urgent_reason" in fields
    assert Contact.objects.count() == 0
    # Phone is fine.
    response = post(
        client, practitioner, "/api/v1/contacts", contact_body(whanau, person, mode="phone")
    )
    assert response.status_code == 201, response.json()


def test_screening_then_contact_links_and_cannot_be_reused(
    client, practitioner, whanau, person, advisory, answers
):
    response = post(
        client,
        practitioner,
        "/api/v1/screenings",
        {"whanau": whanau.pk, **well(exposure=True), "people_present": [person.pk]},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["recommended_mode"] == "remote"
    assert body["suggested_contact_mode"] == "phone"
    assert body["rule_table_version"] == 1 and body["rule_row"] == 2
    assert body["disease"] == "measles" and body["people_present"] == [person.pk]
    sid = body["id"]
    response = post(
        client,
        practitioner,
        "/api/v1/contacts",
        contact_body(whanau, person, mode="phone", screening=sid),
    )
    assert response.status_code == 201, response.json()
    screening = Screening.objects.get(pk=sid)
    assert screening.contact_id == response.json()["id"] and screening.actual_mode == "phone"
    response = post(
        client,
        practitioner,
        "/api/v1/contacts",
        contact_body(whanau, person, screening=sid),
    )
    assert response.status_code == 422
    assert Contact.objects.count() == 1


def test_override_with_reason_is_logged(client, practitioner, whanau, person, advisory):
    reason = "The child's immediate safety: police asked us to attend"
    response = post(
        client,
        practitioner,
        "/api/v1/contacts",
        contact_body(whanau, person, urgent_reason=reason),
    )
    assert response.status_code == 201, response.json()
    override = Override.objects.get()
    assert override.reason == reason and override.advisory == advisory
    assert AuditEvent.objects.filter(reason=reason, whanau_id=whanau.pk).exists()


def test_screening_api_missing_answers_and_access(
    client, practitioner, outsider, whanau, person, advisory, answers
):
    response = post(client, practitioner, "/api/v1/screenings", {"whanau": whanau.pk})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {
        "fever",
        "exposure",
        "planned_mode",
        "practitioner_immunisation",
        "people_present",
    } <= fields
    body = {"whanau": whanau.pk, **answers, "people_present": [person.pk]}
    response = post(client, outsider, "/api/v1/screenings", body)
    assert response.status_code == 404
    assert Screening.objects.count() == 0
    s = post(client, practitioner, "/api/v1/screenings", body).json()
    assert client.get(f"/api/v1/screenings/{s['id']}", **bearer(outsider)).status_code == 404
    assert client.get(f"/api/v1/screenings/{s['id']}", **bearer(practitioner)).status_code == 200
    listed = client.get("/api/v1/screenings", **bearer(outsider)).json()
    assert listed["count"] == 0 if "count" in listed else listed["items"] == []


def test_advisories_api_admin_only_writes(client, admin_user, practitioner, whanau):
    today = timezone.localdate()
    data = {
        "title": "Measles",
        "condition": "measles",
        "regions": [whanau.region_id],
        "starts": today.isoformat(),
        "guidance": "Screen.",
    }
    assert post(client, practitioner, "/api/v1/advisories", data).status_code == 403
    response = post(client, admin_user, "/api/v1/advisories", data)
    assert response.status_code == 201, response.json()
    adv = response.json()
    assert adv["active"] and adv["regions"] == [whanau.region_id]
    bad = post(client, admin_user, "/api/v1/advisories", {**data, "regions": [99999]})
    assert bad.status_code == 422
    overlap = post(client, admin_user, "/api/v1/advisories", data)
    assert overlap.status_code == 422
    assert "already covers" in overlap.json()["errors"][0]["message"]
    patch = client.patch(
        f"/api/v1/advisories/{adv['id']}",
        {"version": 1, "ends": (today - timedelta(days=2)).isoformat()},
        content_type="application/json",
        **bearer(admin_user),
    )
    assert patch.status_code == 422
    assert Advisory.objects.get().ends is None
    listed = client.get("/api/v1/advisories", **bearer(practitioner))
    assert listed.status_code == 200


def test_report_counts_adapted_and_against_recommendation(
    client, practitioner, whanau, person, advisory, answers
):
    from hononga.advisories import report
    from hononga.whanau.models import Whanau

    def screen_and_record(mode):
        sid = post(
            client,
            practitioner,
            "/api/v1/screenings",
            {"whanau": whanau.pk, **well(exposure=True), "people_present": [person.pk]},
        ).json()["id"]
        response = post(
            client,
            practitioner,
            "/api/v1/contacts",
            contact_body(whanau, person, mode=mode, screening=sid),
        )
        assert response.status_code == 201, response.json()

    screen_and_record("phone")  # adapted, as recommended
    screen_and_record("home_visit")  # in person although phone/video was recommended
    (row,) = report.build(Advisory.objects.all(), Whanau.objects.all(), None, None)
    assert row.screenings == 2 and row.adapted == 1 and row.against_recommendation == 1
    assert sorted(actual for _rec, actual, _n in row.by_mode) == ["Home visit", "Phone"]
    assert row.unknown_people == [person] and row.unknown_count == 1


def test_the_report_lists_only_advisories_in_force_in_the_period(whanau, advisory):
    from hononga.advisories import report
    from hononga.whanau.models import Whanau

    everyone = Whanau.objects.all()
    before = advisory.starts - timedelta(days=30), advisory.starts - timedelta(days=1)
    assert report.build(Advisory.objects.all(), everyone, *before) == []
    (row,) = report.build(Advisory.objects.all(), everyone, before[0], advisory.starts)
    assert row.advisory == advisory
    after = advisory.ends + timedelta(days=1), advisory.ends + timedelta(days=9)
    assert report.build(Advisory.objects.all(), everyone, *after) == []
    assert len(report.build(Advisory.objects.all(), everyone, None, None)) == 1
