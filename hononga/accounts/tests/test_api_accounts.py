"""API: /api/v1/me, /api/v1/teams, the user's own tokens, and bearer authentication."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hononga.accounts.models import ApiToken
from hononga.accounts.services import token_create
from hononga.audit.models import Action, AuditEvent
from hononga.factories import TeamFactory, UserFactory

PROBLEM = "application/problem+json"


def headers(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def token(practitioner):
    return token_create(user=practitioner, name="script")


def test_me(practitioner, token):
    response = Client().get("/api/v1/me", **headers(token[1]))
    assert response.status_code == 200
    assert response.json() == {
        "id": practitioner.pk,
        "username": "practitioner",
        "display_name": "Aroha",
        "preferred_name": "Aroha",
        "role": "practitioner",
        "teams": [
            {
                "id": practitioner.teams.get().pk,
                "name": "Team North",
                "region": {"id": practitioner.teams.get().region_id, "name": "Te Tai Tokerau"},
            }
        ],
    }


def test_the_token_touches_last_used(token):
    _token, raw = token
    Client().get("/api/v1/me", **headers(raw))
    assert ApiToken.objects.get(pk=_token.pk).last_used_at is not None


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer", "Bearer ", "Bearer hon_wrong", "Token abc", "Bearer " + "x" * 500, "Basic Zm9v"],
)
def test_bad_credentials_get_401_problem(db, authorization):
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=authorization)
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response.json()["title"] == "Not authenticated"


def test_revoked_expired_and_inactive_tokens_are_refused(practitioner, token):
    tok, raw = token
    tok.expires_at = timezone.now() - timedelta(seconds=1)
    tok.save()
    assert Client().get("/api/v1/me", **headers(raw)).status_code == 401
    _tok2, raw2 = token_create(user=practitioner, name="second")
    practitioner.is_active = False
    practitioner.save()
    assert Client().get("/api/v1/me", **headers(raw2)).status_code == 401


def test_a_session_login_alone_does_not_open_the_api(practitioner_client):
    assert practitioner_client.get("/api/v1/me").status_code == 401


def test_teams_paginated_and_mine(practitioner, token, team_south):
    for n in range(3):
        TeamFactory(name=f"Rōpū {n}")
    client = Client()
    body = client.get("/api/v1/teams", {"page_size": 2}, **headers(token[1])).json()
    assert (body["count"], body["pages"], len(body["items"])) == (5, 3, 2)
    mine = client.get("/api/v1/teams", {"mine": "true"}, **headers(token[1])).json()
    assert [t["name"] for t in mine["items"]] == ["Team North"]
    bad = client.get("/api/v1/teams", {"page": "x"}, **headers(token[1]))
    assert bad.status_code == 422
    assert bad["Content-Type"] == PROBLEM


def test_teams_query_count_is_bounded(token, django_assert_max_num_queries):
    for n in range(30):
        TeamFactory(name=f"Rōpū {n}")
    with django_assert_max_num_queries(5):
        response = Client().get("/api/v1/teams", {"page_size": 100}, **headers(token[1]))
    assert response.json()["count"] == 31


def test_teams_cannot_be_written(token):
    response = Client().post(
        "/api/v1/teams", {"name": "x"}, content_type="application/json", **headers(token[1])
    )
    assert response.status_code == 405


def test_list_and_revoke_own_tokens(practitioner, token):
    tok, raw = token
    other_user_token, _ = token_create(user=UserFactory(), name="theirs")
    client = Client()
    listed = client.get("/api/v1/tokens", **headers(raw)).json()
    assert [t["id"] for t in listed["items"]] == [tok.pk]
    assert "token_hash" not in listed["items"][0]
    # Someone else's token: 404, and it still works.
    response = client.post(f"/api/v1/tokens/{other_user_token.pk}/revoke", **headers(raw))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=other_user_token.pk).revoked_at is None
    # Revoking the token in use: it stops working at once.
    response = client.post(f"/api/v1/tokens/{tok.pk}/revoke", **headers(raw))
    assert response.status_code == 200
    assert response.json()["is_usable"] is False
    assert AuditEvent.objects.filter(action=Action.TOKEN, summary__startswith="Revoked").exists()
    assert client.get("/api/v1/me", **headers(raw)).status_code == 401


def test_only_a_hash_of_the_token_is_stored(token):
    tok, raw = token
    stored = ApiToken.objects.filter(pk=tok.pk).values().get()
    assert raw not in {str(v) for v in stored.values()}
    assert len(stored["token_hash"]) == 64
