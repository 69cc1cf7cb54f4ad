from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hononga.accounts.models import User
from hononga.checkins.models import Perspective
from hononga.conftest import client_for
from hononga.contacts import selectors
from hononga.contacts.models import DecisionsWith, Quadrant
from hononga.contacts.tests.factories import (
    make_checkin,
    make_contact,
    relationship_between,
    staff_person,
)
from hononga.factories import UserFactory

NZ = ZoneInfo("Pacific/Auckland")
PERIOD = selectors.Period(start=date(2026, 1, 1), end=date(2026, 3, 31))


def at(month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=NZ)


@pytest.fixture
def dataset(practitioner, practitioner2, supervisor, whanau, person, child, stranger):
    """A small known dataset: five contacts in the period for Aroha, and things to leave out."""

    def contact(when, support, control, decisions, words, user=practitioner, **extra):
        return make_contact(
            whanau=whanau,
            practitioner=user,
            participants=[person],
            occurred_at=when,
            support=support,
            control=control,
            decisions_with=decisions,
            own_words=words,
            **extra,
        )

    contact(at(1, 10), 8, 8, DecisionsWith.YES, "Mere: we want to stay together.")  # WITH
    contact(at(1, 20), 3, 9, DecisionsWith.NO, "")  # TO
    contact(at(1, 25), 5, 5, DecisionsWith.NOT_APPLICABLE, "Ariki: school is ok.")  # NOT
    # 00:30 on 1 February in Aotearoa is still 31 January in UTC: it counts in February.
    touching = contact(at(2, 1, 0, 30), 6, 2, DecisionsWith.YES, "")  # FOR
    contact(at(2, 6), 9, 9, DecisionsWith.YES, "Mere: thank you for listening.")  # WITH
    # Left out: archived, outside the period, someone else's.
    contact(at(2, 7), 1, 1, DecisionsWith.NO, "", archived_at=timezone.now())
    contact(at(4, 2), 1, 1, DecisionsWith.NO, "")
    contact(at(1, 11), 1, 9, DecisionsWith.NO, "", user=practitioner2)
    # The supervisor (team North) also records one: counted for the team only.
    contact(at(3, 3), 7, 7, DecisionsWith.YES, "", user=supervisor)

    worker = staff_person(practitioner)
    aroha_mere = relationship_between(whanau, worker, person)
    mere_ariki = relationship_between(whanau, person, child)
    touching.relationships.set([mere_ariki])
    make_checkin(relationship=aroha_mere, rater=person, score="8.0", answered_at=at(1, 15))
    make_checkin(relationship=aroha_mere, rater=person, score="7.0", answered_at=at(1, 28))
    make_checkin(
        relationship=aroha_mere,
        rater=worker,
        score="9.0",
        answered_at=at(1, 16),
        perspective=Perspective.MIRROR,
    )
    make_checkin(relationship=aroha_mere, rater=person, score="9.5", answered_at=at(2, 10))
    make_checkin(relationship=mere_ariki, rater=child, score="6.0", answered_at=at(2, 20))
    # Left out: outside the period; archived; a relationship nobody here touched.
    make_checkin(relationship=aroha_mere, rater=person, score="1.0", answered_at=at(4, 1))
    archived = make_checkin(
        relationship=aroha_mere, rater=person, score="2.0", answered_at=at(3, 1)
    )
    archived.archived_at = timezone.now()
    archived.save()
    other_whanau = stranger.memberships.get().whanau
    other = relationship_between(other_whanau, stranger, staff_person(practitioner2))
    make_checkin(relationship=other, rater=stranger, score="3.0", answered_at=at(3, 2))


def test_it_gives_the_exact_figures_for_a_practitioner(dataset, practitioner):
    result = selectors.reflection(
        practitioners=User.objects.filter(pk=practitioner.pk), period=PERIOD
    )
    assert [row.month for row in result.months] == [
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
    ]
    january, february, march = result.months
    assert january.counts == {"with": 1, "to": 1, "for": 0, "not": 1}
    assert (january.total, january.decided_with, january.decisions_made, january.own_words) == (
        3,
        1,
        2,
        2,
    )
    assert (january.decided_with_percent, january.own_words_percent) == (50, 67)
    assert january.checkin_mean == Decimal("7.5") and january.checkin_count == 2
    assert february.counts == {"with": 1, "to": 0, "for": 1, "not": 0}
    assert (february.decided_with_percent, february.own_words_percent) == (100, 50)
    assert february.checkin_mean == Decimal("7.8") and february.checkin_count == 2  # 7.75
    assert march.total == 0 and march.decided_with_percent is None and march.checkin_mean is None
    totals = result.totals
    assert totals.counts == {"with": 2, "to": 1, "for": 1, "not": 1}
    assert [cell[2] for cell in totals.quadrant_cells] == [40, 20, 20, 20]
    assert (totals.decided_with, totals.decisions_made, totals.decided_with_percent) == (3, 4, 75)
    assert (totals.own_words, totals.own_words_percent) == (3, 60)
    assert totals.checkin_mean == Decimal("7.6") and totals.checkin_count == 4  # 30.5 / 4
    assert result.checkin_raters == 2


def test_it_gives_the_exact_figures_for_a_team(dataset, team_north):
    result = selectors.reflection(
        practitioners=selectors.team_practitioners(team_north), period=PERIOD
    )
    assert result.totals.counts == {"with": 3, "to": 1, "for": 1, "not": 1}
    assert result.months[2].counts[Quadrant.WITH] == 1
    assert (result.totals.decided_with, result.totals.decisions_made) == (4, 5)


def test_the_team_page_shows_the_figures_and_never_a_ranking(dataset, practitioner, team_north):
    response = client_for(practitioner).get(
        reverse("contacts:reflection:team", args=[team_north.pk]),
        {"start": "2026-01-01", "end": "2026-03-31"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "What these figures can and cannot tell you" in html
    assert "never use them to rank practitioners" in html
    main = html.split("<main", 1)[1].split("</main>")[0]
    assert "Aroha" not in main and "supervisor" not in main  # nobody singled out
    assert "80%" in main and "50%" in main  # 4 of 5 decided with them; 3 of 6 own words


def _render_team_page(client, team) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("contacts:reflection:team", args=[team.pk]))
    assert response.status_code == 200
    return len(queries)


def test_the_reflection_query_count_does_not_depend_on_the_number_of_contacts(
    practitioner, facilitator, team_north, whanau, person
):
    client = client_for(practitioner)
    make_contact(whanau=whanau, practitioner=practitioner, participants=[person])
    _render_team_page(client, team_north)  # the first request may refresh the sliding session
    few = _render_team_page(client, team_north)
    now = timezone.now()
    extra = UserFactory(teams=[team_north])
    for n in range(60):
        make_contact(
            whanau=whanau,
            practitioner=[practitioner, facilitator, extra][n % 3],
            participants=[person],
            occurred_at=now - timedelta(days=5 * n + 1),
            support=n % 11,
            control=(3 * n) % 11,
        )
    many = _render_team_page(client, team_north)
    assert few == many
    assert many <= 12


def test_the_period_is_limited_and_checked(practitioner):
    client = client_for(practitioner)
    url = reverse("contacts:reflection:practitioner", args=[practitioner.pk])
    response = client.get(url, {"start": "2020-01-01", "end": "2026-01-01"})
    assert response.status_code == 200
    assert "at most three years" in response.content.decode()
    response = client.get(url, {"start": "2026-05-01", "end": "2026-01-01"})
    assert "on or after the start date" in response.content.decode()
    response = client.get(url, {"start": "not a date"})
    assert response.status_code == 200
