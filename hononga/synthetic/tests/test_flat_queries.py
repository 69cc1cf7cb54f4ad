"""Every daily page and API list makes the same number of queries on a small agency as on one
with twice the whānau per practitioner and four times the rows (issue 12: query counts
independent of data size). Checked on generated data, for each role."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hononga.accounts.models import User
from hononga.accounts.services import token_create
from hononga.contacts.models import Contact
from hononga.goals import learning
from hononga.goals.models import Goal
from hononga.measures import rollup
from hononga.synthetic.generator import Size, generate
from hononga.synthetic.pages import daily_pages
from hononga.whanau import access
from hononga.whanau.models import Whanau


def _query_counts() -> dict[str, int]:
    counts = {}
    clients: dict[str, Client] = {}
    for page in daily_pages():
        user = User.objects.get(username=page.username)
        if page.api:
            _token, raw = token_create(user=user, name="flat")
            client, headers = Client(), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        else:
            if page.username not in clients:
                clients[page.username] = Client()
                clients[page.username].force_login(user)
            client, headers = clients[page.username], {}
        client.get(page.url, **headers)  # warm: first-visit work (session, thresholds)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.url, **headers)
        assert response.status_code == 200, (page.name, response.status_code)
        counts[page.name] = len(queries)
    return counts


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_data():
    generate(Size("smaller", 30), seed=3)
    learning.rebuild()  # the daily job behind the learning page
    rollup.run()  # the scheduled job behind the figures pages
    small = _query_counts()
    contacts_small = Contact.objects.count()
    goals_small = Goal.objects.count()
    # The whānau page with goals shows a plan with rated goals.
    assert "whānau page with goals" in small and "learning page (agency)" in small
    assert {"team figures", "agency figures", "region figures", "API measures (team)"} <= set(small)
    generate(Size("bigger", 160), seed=3, replace=True)
    learning.rebuild()
    rollup.run()
    assert Goal.objects.count() > 3 * goals_small
    assert Contact.objects.count() > 3 * contacts_small
    big = _query_counts()
    assert set(small) == set(big) and len(small) >= 15
    grown = {name: (small[name], big[name]) for name in small if big[name] > small[name]}
    assert grown == {}  # (a panel with nothing to show may skip a query: fewer is fine)


@pytest.mark.django_db
def test_the_access_filter_is_a_union_of_the_users_own_rows():
    """The planner estimates a UNION ALL of index lookups well; an OR of EXISTS over every
    whānau it did not (issue 12)."""
    generate(Size("tiny", 30), seed=5)
    practitioner = User.objects.get(username="syn-practitioner-0001")
    sql = str(access.whanau_for_user(practitioner).query).upper()
    assert "UNION ALL" in sql and "EXISTS" not in sql
    mine = set(
        Whanau.objects.filter(
            allocations__user=practitioner, allocations__ended__isnull=True
        ).values_list("pk", flat=True)
    )
    assert mine and mine == set(access.whanau_for_user(practitioner).values_list("pk", flat=True))
