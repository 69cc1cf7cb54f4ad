from typing import Any

import pytest
from django.test import Client

from hononga.accounts.models import Team, User
from hononga.conftest import bearer
from hononga.measures.definitions import MEASURES


def get(user: User, query: str) -> Any:
    return Client().get(f"/api/v1/measures?{query}", **bearer(user))


@pytest.mark.usefixtures("rolled_up")
def test_a_supervisor_gets_their_team_exactly(supervisor: User, team_north: Team) -> None:
    response = get(supervisor, f"level=team&id={team_north.pk}&period=2026-10")
    assert response.status_code == 200
    data = response.json()
    assert data["confidentiality"] == "none"
    assert data["period"] == {
        "key": "2026-10",
        "kind": "month",
        "start": "2026-10-01",
        "end": "2026-10-31",
        "complete": True,
    }
    figures = {f["name"]: f for f in data["figures"]}
    assert set(figures) == {m.name for m in MEASURES}
    assert figures["response_rate"]["value"] == 33.3
    assert figures["response_rate"]["definition"]
    assert figures["whanau_open"]["note"] == "current_only"


@pytest.mark.usefixtures("rolled_up")
def test_a_practice_lead_gets_suppressed_figures(practice_lead: User, team_north: Team) -> None:
    for query in (
        "level=agency&period=2026-10",
        f"level=team&id={team_north.pk}&period=2026-10",
        f"level=region&id={team_north.region_id}&period=month",
    ):
        data = get(practice_lead, query).json()
        assert data["confidentiality"] == "rr3"
        figures = {f["name"]: f for f in data["figures"]}
        assert figures["contacts"]["value"] is None
        assert figures["contacts"]["note"] == "suppressed"


@pytest.mark.usefixtures("rolled_up")
def test_only_named_measures(supervisor: User, team_north: Team) -> None:
    data = get(
        supervisor, f"level=team&id={team_north.pk}&measure=contacts&measure=links_sent"
    ).json()
    assert [f["name"] for f in data["figures"]] == ["links_sent", "contacts"]


@pytest.mark.usefixtures("rolled_up")
@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("level=team&id={other}", 404, None),  # not their team
        ("level=region&id={region}", 404, None),  # supervisors have no region figures
        ("level=agency", 404, None),
        ("level=team", 422, "id"),
        ("level=team&id=abc", 422, "id"),
        ("level=planet&id=1", 422, "level"),
        ("level=team&id={team}&period=2026-13", 422, "period"),
        ("level=team&id={team}&period=2019", 422, "period"),
        ("level=team&id={team}&period=2030-01", 422, "period"),
        ("level=team&id={team}&period=2026-10-01", 422, "period"),
        ("level=team&id={team}&measure=happiness", 422, "measure"),
    ],
)
def test_bad_input(
    supervisor: User, team_north: Team, team_south: Team, query: str, status: int, field: str | None
) -> None:
    response = get(
        supervisor,
        query.format(other=team_south.pk, team=team_north.pk, region=team_north.region_id),
    )
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    if field:
        assert field in [e["field"] for e in response.json()["errors"]]


def test_the_schema_declares_it() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/measures"]["get"]
    assert {"200", "404", "422"} <= set(operation["responses"])
    names = {p["name"] for p in operation["parameters"]}
    assert {"level", "id", "period", "measure"} <= names
