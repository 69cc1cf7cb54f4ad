"""/api/v1/check-ins, /api/v1/check-in-links and the public link endpoint."""

import json

import pytest

from hononga.checkins import ratelimit, services
from hononga.checkins.models import CheckIn, CheckInLink
from hononga.checkins.tests import factories as f
from hononga.conftest import bearer


def body(**overrides):
    data = {
        "relationship": None,
        "rater": None,
        "perspective": "self",
        "form": "adult",
        "channel": "in_session",
        **f.items(9),
        "comment": "",
    }
    data.update(overrides)
    return data


def post(client, url, data, headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


def test_it_creates_a_check_in_and_returns_score_and_flags(
    client, practitioner, relationship, person
):
    headers = bearer(practitioner)
    response = post(
        client,
        "/api/v1/check-ins",
        body(relationship=relationship.pk, rater=person.pk, **f.items(5)),
        headers,
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["score"] == 5.0 and data["flags"] == ["low"]
    assert data["channel"] == "in_session" and data["whanau"] == relationship.whanau_id


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"safety": 11}, "safety"),
        ({"trust": -1}, "trust"),
        ({"respect": 5.5}, "respect"),
        ({"empathy": "7"}, "empathy"),
        ({"heard": True}, "heard"),
        ({"comment": "x" * 5001}, "comment"),
        ({"perspective": "boss"}, "perspective"),
    ],
)
def test_bad_answers_get_a_problem_with_the_field(
    client, practitioner, relationship, person, change, field
):
    response = post(
        client,
        "/api/v1/check-ins",
        body(relationship=relationship.pk, rater=person.pk, **change),
        bearer(practitioner),
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert field in {e["field"] for e in response.json()["errors"]}
    assert CheckIn.objects.count() == 0


def test_fewer_than_six_answers_is_a_problem(client, practitioner, relationship, person):
    response = post(
        client,
        "/api/v1/check-ins",
        body(relationship=relationship.pk, rater=person.pk, **f.items(None, safety=3, trust=4)),
        bearer(practitioner),
    )
    assert response.status_code == 422
    assert "at least 6" in response.json()["detail"]
    assert CheckIn.objects.count() == 0


def test_a_rater_outside_the_relationship_is_a_problem(client, practitioner, relationship, whanau):
    from hononga.factories import PersonFactory

    stranger = PersonFactory()
    response = post(
        client,
        "/api/v1/check-ins",
        body(relationship=relationship.pk, rater=stranger.pk),
        bearer(practitioner),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "rater"


def test_outsiders_get_404_and_readers_403(client, outsider, admin_user, relationship, person):
    from datetime import timedelta

    from django.utils import timezone

    from hononga.whanau.models import BreakGlassGrant

    data = body(relationship=relationship.pk, rater=person.pk)
    assert post(client, "/api/v1/check-ins", data, bearer(outsider)).status_code == 404
    BreakGlassGrant.objects.create(
        user=admin_user,
        whanau=relationship.whanau,
        reason="Review",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    assert post(client, "/api/v1/check-ins", data, bearer(admin_user)).status_code == 403
    assert CheckIn.objects.count() == 0
    f.checkin(relationship, person)
    listing = client.get("/api/v1/check-ins", **bearer(outsider))
    assert listing.status_code == 200 and listing.json()["count"] == 0


def test_the_list_filters_and_paginates(client, practitioner, relationship, person, whanau):
    from datetime import timedelta

    from django.utils import timezone

    aunty = f.member(whanau, "Ngaio")
    for days in (100, 50, 10):
        f.checkin(relationship, person, when=timezone.now() - timedelta(days=days))
    f.checkin(relationship, aunty, perspective="collateral")
    headers = bearer(practitioner)
    everything = client.get("/api/v1/check-ins", **headers).json()
    assert everything["count"] == 4 and "flags" in everything["items"][0]
    by_rater = client.get(f"/api/v1/check-ins?rater={aunty.pk}", **headers).json()
    assert by_rater["count"] == 1
    since = (timezone.localdate() - timedelta(days=60)).isoformat()
    assert client.get(f"/api/v1/check-ins?since={since}", **headers).json()["count"] == 3
    by_whanau = client.get(f"/api/v1/check-ins?whanau={whanau.pk}&page_size=2", **headers).json()
    assert by_whanau["count"] == 4 and len(by_whanau["items"]) == 2 and by_whanau["pages"] == 2
    by_rel = client.get(f"/api/v1/check-ins?relationship={relationship.pk}", **headers).json()
    assert by_rel["count"] == 4
    until = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert client.get(f"/api/v1/check-ins?until={until}", **headers).json()["count"] == 2
    window = client.get(f"/api/v1/check-ins?since={since}&until={until}", **headers).json()
    assert window["count"] == 1
    others = client.get("/api/v1/check-ins?perspective=collateral", **headers).json()
    assert others["count"] == 1 and others["items"][0]["rater"] == aunty.pk
    assert client.get("/api/v1/check-ins?channel=phone", **headers).json()["count"] == 0
    assert client.get("/api/v1/check-ins?channel=in_session", **headers).json()["count"] == 4


def test_the_list_query_count_does_not_grow(client, practitioner, relationship, person):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = bearer(practitioner)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/check-ins?page_size=50", **headers).status_code == 200
        return len(queries)

    f.checkin(relationship, person)
    count()  # the settings row is made on first use
    few = count()
    for _ in range(30):
        f.checkin(relationship, person, refresh=False)
    assert count() == few <= 14


def test_links_are_made_listed_and_revoked(client, practitioner, relationship, consented):
    headers = bearer(practitioner)
    made = post(
        client,
        "/api/v1/check-in-links",
        {"relationship": relationship.pk, "rater": consented.pk, "language": "mi"},
        headers,
    )
    assert made.status_code == 201, made.content
    data = made.json()
    assert data["state"] == "open" and data["url"].endswith(f"/c/{data['token']}/")
    assert CheckInLink.objects.get().token_hash == services.hash_token(data["token"])
    listed = client.get("/api/v1/check-in-links", **headers).json()
    assert listed["count"] == 1 and "token" not in listed["items"][0]
    revoked = client.post(f"/api/v1/check-in-links/{data['id']}/revoke", **headers)
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"


def test_a_link_without_consent_is_a_problem(client, practitioner, relationship, person):
    response = post(
        client,
        "/api/v1/check-in-links",
        {"relationship": relationship.pk, "rater": person.pk},
        bearer(practitioner),
    )
    assert response.status_code == 422 and "consent" in response.json()["detail"]
    assert CheckInLink.objects.count() == 0


def test_outsiders_cannot_make_or_revoke_links(
    client, outsider, practitioner, relationship, consented
):
    link, _raw = services.link_create(
        actor=practitioner, relationship_id=relationship.pk, rater_id=consented.pk
    )
    headers = bearer(outsider)
    made = post(
        client,
        "/api/v1/check-in-links",
        {"relationship": relationship.pk, "rater": consented.pk},
        headers,
    )
    assert made.status_code == 404
    assert client.post(f"/api/v1/check-in-links/{link.pk}/revoke", **headers).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None and CheckInLink.objects.count() == 1


def test_the_public_endpoint_answers_without_a_login(client, practitioner, relationship, consented):
    _link, raw = services.link_create(
        actor=practitioner, relationship_id=relationship.pk, rater_id=consented.pk
    )
    response = post(client, "/api/v1/check-in-links/answer", {"token": raw, **f.items(4)}, {})
    assert response.status_code == 201, response.content
    assert set(response.json()) == {"received", "answered_at"}  # nothing about the whānau
    again = post(client, "/api/v1/check-in-links/answer", {"token": raw, **f.items(4)}, {})
    assert again.status_code == 410
    forged = post(client, "/api/v1/check-in-links/answer", {"token": "Z" * 43, **f.items(4)}, {})
    assert forged.status_code == 404 and "Aroha" not in forged.content.decode()
    assert CheckIn.objects.count() == 1


def test_the_public_endpoint_is_rate_limited(client, db):
    statuses = [
        post(
            client, "/api/v1/check-in-links/answer", {"token": "Q" * 43, **f.items(4)}, {}
        ).status_code
        for _ in range(ratelimit.PUBLIC_POSTS_PER_WINDOW + 1)
    ]
    assert statuses[-1] == 429 and set(statuses[:-1]) == {404}


def test_unknown_filters_and_bad_dates_are_problems(client, practitioner, relationship):
    headers = bearer(practitioner)
    typo = client.get("/api/v1/check-ins?relationshp=1", **headers)
    assert typo.status_code == 422 and typo.json()["errors"][0]["field"] == "relationshp"
    assert client.get("/api/v1/check-ins?since=2026-02-30", **headers).status_code == 422
    assert client.get("/api/v1/check-ins?since=0.5", **headers).status_code == 422
    assert client.get("/api/v1/check-ins?until=2026-13-01", **headers).status_code == 422
    backwards = client.get("/api/v1/check-ins?since=2026-02-01&until=2026-01-01", **headers)
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "until"
    odd = client.get("/api/v1/check-ins?perspective=boss", **headers)
    assert odd.status_code == 422 and "application/problem+json" in odd["Content-Type"]


def test_answered_at_must_be_a_date_time_within_the_last_year(
    client, practitioner, relationship, person
):
    headers = bearer(practitioner)
    for moment in (0, "2001-01-01T10:00:00+13:00"):
        response = post(
            client,
            "/api/v1/check-ins",
            body(relationship=relationship.pk, rater=person.pk, answered_at=moment),
            headers,
        )
        assert response.status_code == 422
        assert "answered_at" in {e["field"] for e in response.json()["errors"]}
    assert CheckIn.objects.count() == 0
