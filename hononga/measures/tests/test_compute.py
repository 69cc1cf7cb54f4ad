"""Each measure on the small dataset of conftest.py, with exact expected values."""

from typing import Any

import pytest

from hononga.accounts.models import Team, User
from hononga.measures import compute, periods
from hononga.measures.definitions import MEASURES

OCTOBER = periods.parse("2026-10", periods.date(2026, 11, 15))
NOVEMBER = periods.parse("2026-11", periods.date(2026, 11, 15))


def exact(scope: compute.Scope, period: periods.Period) -> dict[str, Any]:
    result = compute.table(scope, period, confidential=False)
    assert result.total is not None
    return {name: figure.value for name, figure in result.total.figures.items()}


@pytest.mark.usefixtures("dataset")
def test_it_computes_every_measure_for_a_team_in_a_past_month(team_north: Team) -> None:
    figures = exact(compute.Scope("team", team_north.pk), OCTOBER)
    assert figures == {
        "whanau_open": None,  # about today: only for the current period
        "whanau_worked_with": 1,
        "links_sent": 3,
        "links_answered": 1,
        "response_rate": 33.3,
        "checkins_own": 2,
        "score_mean": 7.5,
        "checkins_low": 1,
        "low_rate": 50.0,
        "contacts": 3,
        "contacts_with": 1,
        "contacts_to": 1,
        "contacts_for": 0,
        "contacts_not": 1,
        "with_rate": 33.3,
        "decisions_made": 2,
        "decisions_with": 1,
        "decisions_with_rate": 50.0,
        "processes_referred": 1,
        "processes_held": 1,
        "processes_closed": 0,
        "processes_stage_referred": None,
        "processes_stage_preparing": None,
        "processes_stage_ready": None,
        "processes_stage_held": None,
        "processes_stage_monitoring": None,
        **{
            f"processes_days_{stage}_{which}": None
            for stage in ("referred", "preparing", "ready", "held", "monitoring")
            for which in ("median", "longest")
        },
        "processes_waiting": None,
        "items_due": 2,
        "items_done_on_time": 1,
        "items_on_time_rate": 50.0,
        "items_overdue": None,
        "harmed_in_held": 1,
        "harmed_followed_up": 1,
        "followed_up_rate": 100.0,
        "fgc_reviews_due": 0,
        "fgc_reviews_overdue": None,
        "in_person_advisory": 1,
        "in_person_screened": 0,
        "screened_rate": 0.0,
    }
    assert set(figures) == {m.name for m in MEASURES}


@pytest.mark.usefixtures("dataset")
def test_it_gives_the_figures_about_today_in_the_current_period(team_north: Team) -> None:
    figures = exact(compute.Scope("team", team_north.pk), NOVEMBER)
    assert figures["whanau_open"] == 1
    assert figures["processes_stage_monitoring"] == 2
    assert figures["processes_stage_referred"] == 0
    assert figures["processes_waiting"] == 0
    # How long they have waited at their stage: 34 and 87 days in monitoring.
    assert figures["processes_days_monitoring_median"] == 60.5
    assert figures["processes_days_monitoring_longest"] == 87
    for stage in ("referred", "preparing", "ready", "held"):
        assert figures[f"processes_days_{stage}_median"] is None  # none there: nothing to say
        assert figures[f"processes_days_{stage}_longest"] is None
    assert figures["items_overdue"] == 1  # "Fix the fence", due 28 October, still open
    assert figures["fgc_reviews_due"] == 1  # 1 November
    assert figures["fgc_reviews_overdue"] == 1
    assert figures["contacts"] == 0
    assert figures["response_rate"] is None  # nothing sent: no rate


@pytest.mark.usefixtures("dataset")
def test_a_team_sees_only_its_own_whanau(team_south: Team) -> None:
    figures = exact(compute.Scope("team", team_south.pk), OCTOBER)
    assert figures["contacts"] == 1
    assert figures["checkins_own"] == 0
    assert figures["processes_referred"] == 0


@pytest.mark.usefixtures("dataset")
def test_the_agency_adds_up_its_regions(team_north: Team, team_south: Team) -> None:
    result = compute.table(
        compute.Scope("agency"),
        OCTOBER,
        groups=[(team_north.region_id, "North"), (team_south.region_id, "South")],
        group="region",
        confidential=False,
    )
    assert result.total is not None
    assert [row.figures["contacts"].value for row in result.rows] == [3, 1]
    assert result.total.figures["contacts"].value == 4
    assert result.total.figures["whanau_worked_with"].value == 2


@pytest.mark.usefixtures("dataset")
def test_it_breaks_a_team_down_by_practitioner(team_north: Team, practitioner: User) -> None:
    result = compute.table(
        compute.Scope("team", team_north.pk),
        OCTOBER,
        groups=[(practitioner.pk, "Aroha")],
        group="practitioner",
        confidential=False,
    )
    row = result.rows[0].figures
    assert row["contacts"].value == 3
    assert row["links_sent"].value == 3
    assert row["checkins_own"].value == 2  # Mere's check-ins about her relationship with Aroha
    assert row["score_mean"].value == 7.5
    assert "processes_referred" not in row  # the team's, not a practitioner's


def test_a_new_month_is_counted_on_the_next_run(
    dataset: dict[str, Any], team_north: Team, practitioner: User, person: Any, whanau: Any
) -> None:
    from hononga.contacts.tests.factories import make_contact
    from hononga.measures.tests.conftest import at

    before = exact(compute.Scope("team", team_north.pk), NOVEMBER)["contacts"]
    make_contact(
        whanau=whanau, practitioner=practitioner, participants=[person], occurred_at=at(2026, 11, 2)
    )
    assert exact(compute.Scope("team", team_north.pk), NOVEMBER)["contacts"] == before + 1
