"""The team page (supervisors), the agency and region pages (practice leads), definitions, CSV."""

import csv
import io
from typing import Any

import pytest
from django.test import Client

from hononga.accounts.models import Team, User
from hononga.audit.models import Action, AuditEvent
from hononga.conftest import client_for
from hononga.measures.definitions import MEASURES


@pytest.mark.usefixtures("rolled_up")
def test_a_supervisor_sees_their_team_by_practitioner(
    supervisor_client: Client, team_north: Team, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(55):  # a fixed number: 3 periods × 8 sources, attention
        response = supervisor_client.get(
            f"/figures/teams/{team_north.pk}/?kind=month&period=2026-10"
        )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Aroha" in body  # practitioners by name: the supervisor may open their records
    assert "this is not a ranking" in body
    assert "/contacts/?date_from=2026-10-01&amp;date_to=2026-10-31&amp;practitioner=" in body
    assert "33.3%" in body  # response rate: 1 of 3 links answered
    assert "What these figures can and cannot tell" in body
    assert AuditEvent.objects.filter(
        action=Action.LIST, summary__startswith="Team figures"
    ).exists()


@pytest.mark.usefixtures("rolled_up")
def test_the_team_page_lists_relationships_needing_attention_with_the_reason(
    supervisor_client: Client, team_north: Team
) -> None:
    body = supervisor_client.get(f"/figures/teams/{team_north.pk}/").content.decode()
    assert "Relationships needing attention, with the reason" in body
    assert "Mere" in body  # her latest check-in is low


def test_a_supervisor_with_one_team_goes_straight_to_it(
    supervisor_client: Client, team_north: Team
) -> None:
    response = supervisor_client.get("/figures/teams/")
    assert response.status_code == 302
    assert response["Location"] == f"/figures/teams/{team_north.pk}/"


@pytest.mark.usefixtures("rolled_up")
def test_other_teams_and_other_roles_get_404(
    supervisor: User,
    supervisor_south: User,
    team_north: Team,
    practitioner: User,
    practice_lead: User,
) -> None:
    for user in (supervisor_south, practitioner, practice_lead):
        assert client_for(user).get(f"/figures/teams/{team_north.pk}/").status_code == 404
    for path in ("abc", "0", "99999999999999"):
        assert client_for(supervisor).get(f"/figures/teams/{path}/").status_code == 404
    for user in (supervisor, practitioner):
        assert client_for(user).get("/figures/").status_code == 404


@pytest.mark.usefixtures("rolled_up")
def test_a_bad_period_is_a_form_error_not_a_500(
    supervisor_client: Client, team_north: Team
) -> None:
    for query in ("kind=week", "period=2026-42", "period=1999-01", "period=" + "9" * 50):
        response = supervisor_client.get(f"/figures/teams/{team_north.pk}/?{query}")
        assert response.status_code == 400, query
        assert "There is a problem" in response.content.decode()


@pytest.mark.usefixtures("rolled_up")
def test_changing_the_length_shows_that_lengths_latest_period(
    supervisor_client: Client, team_north: Team
) -> None:
    response = supervisor_client.get(f"/figures/teams/{team_north.pk}/?kind=quarter&period=2026-10")
    assert response.status_code == 200
    assert "Quarter 3 2026" in response.content.decode()


@pytest.mark.usefixtures("rolled_up")
def test_a_practice_lead_sees_the_agency_rounded_and_suppressed(
    practice_lead: User, django_assert_max_num_queries: Any
) -> None:
    client = client_for(practice_lead)
    with django_assert_max_num_queries(40):
        response = client.get("/figures/?kind=month&period=2026-10")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Figures: the agency" in body
    assert "Te Tai Tokerau" in body and "Waitaha" in body  # regions, by name
    assert ">S</abbr>" in body  # every count here is under 6
    assert "33.3%" not in body  # 3 links: too few for a rate
    assert 'data-chart="chart-checkins"' in body


@pytest.mark.usefixtures("rolled_up")
def test_a_regional_lead_sees_their_region_only(
    regional_lead: User, team_north: Team, team_south: Team
) -> None:
    client = client_for(regional_lead)
    assert client.get(f"/figures/regions/{team_south.region_id}/").status_code == 200
    assert client.get(f"/figures/regions/{team_north.region_id}/").status_code == 404
    assert client.get("/figures/regions/nope/").status_code == 404


@pytest.mark.usefixtures("rolled_up")
def test_the_csv_is_audited_and_formula_safe(practice_lead: User, team_north: Team) -> None:
    team_north.region.name = "=HYPERLINK(1)"
    team_north.region.save()
    response = client_for(practice_lead).get("/figures/?kind=month&period=2026-10&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "period",
        "population",
        "group",
        "measure",
        "value",
        "note",
        "definition",
        "as_of",
    ]
    # Worked out by the job (frozen at 15 November 2026, 10:00 in Auckland).
    assert {row[7] for row in rows[1:]} == {"2026-11-14T21:00:00+00:00"}
    assert all(not cell.startswith("=") for row in rows for cell in row)
    assert {row[3] for row in rows[1:]} == {m.name for m in MEASURES}
    assert {row[0] for row in rows[1:]} == {"2026-10", "2026-09"}
    assert AuditEvent.objects.filter(action=Action.EXPORT, actor_id=practice_lead.pk).exists()


def test_the_definitions_page_has_every_measure(supervisor_client: Client) -> None:
    body = supervisor_client.get("/figures/definitions/").content.decode()
    for measure in MEASURES:
        assert f'id="{measure.name}"' in body


def test_the_home_page_of_a_practice_lead_has_figures_and_no_caseload(practice_lead: User) -> None:
    body = client_for(practice_lead).get("/").content.decode()
    assert "/figures/" in body
    assert "Add a whānau" not in body
