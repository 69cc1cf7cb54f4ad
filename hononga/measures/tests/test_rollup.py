"""The scheduled rollup: stored figures equal live ones, a late correction or a new month shows
after the next run, the pages/CSV/API say "as of", and confidentiality is applied at read time
on the unrounded stored counts."""

from datetime import UTC, date
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hononga.accounts.models import Team, User
from hononga.conftest import bearer, client_for
from hononga.contacts.models import DecisionsWith, Mode
from hononga.contacts.tests.factories import make_contact
from hononga.core.schedule import job_named
from hononga.measures import compute, periods, rollup
from hononga.measures.models import MeasureRollup, RollupKind
from hononga.measures.tests.conftest import at
from hononga.whanau.models import Person, Whanau

TODAY = date(2026, 11, 15)
OCTOBER = periods.parse("2026-10", TODAY)
NOVEMBER = periods.parse("2026-11", TODAY)
SEPTEMBER = periods.parse("2026-09", TODAY)


def _values(table: compute.Table) -> list[dict[str, Any]]:
    rows = [*table.rows, table.total]
    return [{n: (f.value, f.note) for n, f in row.figures.items()} for row in rows if row]


@pytest.mark.usefixtures("rolled_up")
@pytest.mark.parametrize("confidential", [False, True])
@pytest.mark.parametrize(
    "period",
    [
        OCTOBER,
        NOVEMBER,
        SEPTEMBER,
        periods.parse("2026-Q4", TODAY),
        # The job adds a quarter's and a year's activity up from its months.
        periods.parse("2026-Q3", TODAY),
        periods.parse("2026", TODAY),
    ],
)
def test_stored_figures_equal_live_ones_for_every_page_shape(
    team_north: Team, team_south: Team, confidential: bool, period: periods.Period
) -> None:
    regions = [(team_north.region_id, "North"), (team_south.region_id, "South")]
    shapes: list[tuple[compute.Scope, Any, Any]] = [
        (compute.Scope("agency"), regions, "region"),
        (compute.Scope("region", team_north.region_id), [(team_north.pk, "N")], "team"),
        (compute.Scope("team", team_north.pk), None, None),
        (compute.Scope("agency"), None, None),
    ]
    if not confidential:
        practitioners = list(User.objects.filter(teams=team_north).values_list("pk", "username"))
        shapes.append((compute.Scope("team", team_north.pk), practitioners, "practitioner"))
    for scope, groups, group in shapes:
        live = compute.table(
            scope, period, groups=groups, group=group, confidential=confidential, today=TODAY
        )
        stored = compute.table(
            scope,
            period,
            groups=groups,
            group=group,
            confidential=confidential,
            today=TODAY,
            stored=True,
        )
        assert stored.as_of == timezone.now()
        assert _values(stored) == _values(live), (scope, group)


@pytest.mark.usefixtures("dataset")
def test_before_the_first_run_the_page_says_so_and_shows_no_figures(
    supervisor_client: Client, team_north: Team
) -> None:
    response = supervisor_client.get(f"/figures/teams/{team_north.pk}/?kind=month&period=2026-10")
    assert response.status_code == 200
    body = response.content.decode()
    assert "have not been worked out yet" in body
    assert 'title="Not worked out yet.">…</abbr>' in body
    api = (
        Client()
        .get(
            f"/api/v1/measures?level=team&id={team_north.pk}&period=2026-10",
            **bearer(User.objects.get(username="supervisor")),
        )
        .json()
    )
    assert api["as_of"] is None
    assert {f["note"] for f in api["figures"]} == {"not_computed"}
    assert {f["value"] for f in api["figures"]} == {None}


def _contacts(supervisor: User, team: Team, period: str) -> Any:
    response = Client().get(
        f"/api/v1/measures?level=team&id={team.pk}&period={period}&measure=contacts",
        **bearer(supervisor),
    )
    assert response.status_code == 200
    return response.json()


@pytest.mark.usefixtures("rolled_up")
def test_a_late_correction_to_a_past_month_shows_after_the_next_run(
    supervisor: User, team_north: Team, practitioner: User, whanau: Whanau, person: Person
) -> None:
    before = _contacts(supervisor, team_north, "2026-09")
    assert before["figures"][0]["value"] == 1
    assert before["as_of"] == "2026-11-14T21:00:00Z"
    # A contact from September recorded late, in November.
    make_contact(
        whanau=whanau,
        practitioner=practitioner,
        participants=[person],
        occurred_at=at(2026, 9, 3),
        mode=Mode.PHONE,
        decisions_with=DecisionsWith.NOT_APPLICABLE,
    )
    assert _contacts(supervisor, team_north, "2026-09")["figures"][0]["value"] == 1  # not yet
    with time_machine.travel(timezone.make_aware(periods_dt(2026, 11, 15, 11)), tick=False):
        call_command("measures", "rollup")
        after = _contacts(supervisor, team_north, "2026-09")
    assert after["figures"][0]["value"] == 2
    assert after["as_of"] == "2026-11-14T22:00:00Z"
    # The quarter and the year that hold September move too.
    assert _contacts(supervisor, team_north, "2026-Q3")["figures"][0]["value"] == 2


def periods_dt(year: int, month: int, day: int, hour: int) -> Any:
    from datetime import datetime

    return datetime(year, month, day, hour)


@pytest.mark.usefixtures("rolled_up")
def test_a_new_month_is_worked_out_on_the_next_run(supervisor: User, team_north: Team) -> None:
    assert not MeasureRollup.objects.filter(period="2026-12").exists()
    with time_machine.travel(timezone.make_aware(periods_dt(2026, 12, 1, 2)), tick=False):
        assert _contacts(supervisor, team_north, "2026-12")["as_of"] is None
        rollup.run()
        december = _contacts(supervisor, team_north, "2026-12")
        assert december["as_of"] == "2026-11-30T13:00:00Z"
        assert december["figures"][0]["value"] == 0
        # November is now complete, and still there.
        assert _contacts(supervisor, team_north, "2026-11")["figures"][0]["value"] == 0
        assert _contacts(supervisor, team_north, "2026-10")["figures"][0]["value"] == 3


@pytest.mark.usefixtures("rolled_up")
def test_the_rollup_keeps_unrounded_counts_and_rounds_when_read(
    practice_lead: User, team_north: Team
) -> None:
    # Stored: exact counts (3 contacts in October in team North's whānau).
    stored = MeasureRollup.objects.get(
        period="2026-10", kind=RollupKind.REGION_TEAM, second=team_north.pk
    )
    assert stored.counts["contacts"] == 3
    assert stored.counts["links_sent"] == 3
    # Read by a practice lead: under 6, so suppressed, on page and API alike.
    api = (
        Client()
        .get(
            "/api/v1/measures?level=agency&period=2026-10&measure=contacts", **bearer(practice_lead)
        )
        .json()
    )
    assert api["confidentiality"] == "rr3"
    assert api["figures"][0]["value"] is None and api["figures"][0]["note"] == "suppressed"


@pytest.mark.usefixtures("rolled_up")
def test_running_twice_changes_nothing_and_old_periods_leave() -> None:
    first = sorted(MeasureRollup.objects.values_list("period", "kind", "first", "second", "counts"))
    MeasureRollup.objects.create(
        period="2019-01", kind=RollupKind.PERIOD, computed_at=timezone.now()
    )
    rollup.run()
    again = sorted(MeasureRollup.objects.values_list("period", "kind", "first", "second", "counts"))
    assert again == first
    # Every period the API may ask for: those starting on or after 1 November 2021 — months
    # November 2021 to November 2026 (61), quarters 2022-Q1 to 2026-Q4 (20), years 2022-2026.
    assert MeasureRollup.objects.filter(kind=RollupKind.PERIOD).count() == 61 + 20 + 5


def test_the_rollup_is_a_scheduled_job() -> None:
    job = job_named("measures-rollup")
    assert (job.command, job.args) == ("measures", ("rollup",))
    assert job.every is not None


@pytest.mark.usefixtures("rolled_up")
def test_pages_say_as_of_when(
    supervisor_client: Client, team_north: Team, practice_lead: User
) -> None:
    team = supervisor_client.get(f"/figures/teams/{team_north.pk}/").content.decode()
    assert "Figures as of 15 November 2026, 10:00." in team
    agency = client_for(practice_lead).get("/figures/").content.decode()
    assert "Figures as of 15 November 2026, 10:00." in agency


@pytest.mark.usefixtures("rolled_up")
def test_the_pages_read_a_bounded_number_of_queries(
    supervisor_client: Client,
    team_north: Team,
    practice_lead: User,
    django_assert_max_num_queries: Any,
) -> None:
    supervisor_client.get(f"/figures/teams/{team_north.pk}/")  # the session settles
    lead = client_for(practice_lead)
    lead.get("/figures/")
    with django_assert_max_num_queries(30):
        assert supervisor_client.get(f"/figures/teams/{team_north.pk}/").status_code == 200
    with django_assert_max_num_queries(20):
        assert lead.get("/figures/?kind=quarter&period=2026-Q3").status_code == 200


@pytest.mark.usefixtures("rolled_up")
def test_a_page_reads_its_stored_figures_in_two_queries(
    supervisor_client: Client, team_north: Team, practice_lead: User
) -> None:
    """The team page's three tables (the period by practitioner, the period before, today) and
    the lead pages' two (the period, the period before) each read the rollup once: the
    periods' markers, then the rows."""
    lead = client_for(practice_lead)
    for client, url in [
        (supervisor_client, f"/figures/teams/{team_north.pk}/"),
        (lead, "/figures/?kind=quarter&period=2026-Q3"),
        (lead, f"/figures/regions/{team_north.region_id}/"),
    ]:
        client.get(url)  # the session settles
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        read = [q["sql"] for q in queries.captured_queries if "measures_measurerollup" in q["sql"]]
        assert len(read) == 2, (url, read)


@pytest.mark.usefixtures("dataset")
def test_activity_falls_in_the_month_of_its_day_in_new_zealand(
    supervisor: User, team_north: Team, practitioner: User, whanau: Whanau, person: Person
) -> None:
    """The job counts each month's activity in one pass: a contact at half past midnight on
    1 October in New Zealand (still 30 September in UTC) is October's, as when counted live."""
    contact = make_contact(
        whanau=whanau,
        practitioner=practitioner,
        participants=[person],
        occurred_at=at(2026, 10, 1, 0).replace(minute=30),
        mode=Mode.PHONE,
        decisions_with=DecisionsWith.NOT_APPLICABLE,
    )
    assert contact.occurred_at.astimezone(UTC).date() == date(2026, 9, 30)
    live = {
        key: compute.raw_counts(compute.Scope("team", team_north.pk), p, None)[None]["contacts"]
        for key, p in (("09", SEPTEMBER), ("10", OCTOBER))
    }
    rollup.run()
    stored = {key: _contacts(supervisor, team_north, f"2026-{key}") for key in ("09", "10")}
    assert {key: api["figures"][0]["value"] for key, api in stored.items()} == live
    assert live["10"] >= 1


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_take_turns_and_store_each_row_once(dataset: dict[str, Any]) -> None:
    # The hourly job and a run started by hand: the second waits for the first's period to
    # commit, then replaces it, instead of both inserting (every figure would count twice).
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer at a time; the lock is PostgreSQL's")
    import threading

    import psycopg
    from django.db import connections

    now = timezone.now()
    rollup.compute_period(OCTOBER, today=TODAY, now=now)
    stored = MeasureRollup.objects.filter(period=OCTOBER.key).count()
    settings_dict = connection.settings_dict
    other = psycopg.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        autocommit=False,
    )
    other.execute(
        "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [rollup.ROLLUP_LOCK, OCTOBER.key]
    )
    done = threading.Event()

    def second_run() -> None:
        try:
            rollup.compute_period(OCTOBER, today=TODAY, now=now)
        finally:
            connections.close_all()
            done.set()

    thread = threading.Thread(target=second_run)
    thread.start()
    assert not done.wait(1.0), "a second writer did not wait for the first"
    other.rollback()  # the first run's transaction ends
    assert done.wait(30)
    thread.join()
    other.close()
    assert MeasureRollup.objects.filter(period=OCTOBER.key).count() == stored
