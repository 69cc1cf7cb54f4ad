"""GET /api/v1/check-ins across several relationships and whānau: newest first (ties by id),
every page in order with nothing repeated or missed, and only what the user may see.

The list finds a page per relationship and merges them (on PostgreSQL a LATERAL join over the
visible relationships; `selectors.CheckInList`), so these tests hold the merge to the order and
the count a single ORDER BY would give."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hononga.checkins.models import CheckIn
from hononga.checkins.tests import factories as f
from hononga.conftest import bearer
from hononga.factories import AllocationFactory, WhanauFactory


@pytest.fixture
def agency(practitioner, practitioner2, team_north, team_south, whanau, person):
    """Check-ins in five relationships: two whānau allocated to the practitioner, one of their
    team's whānau allocated to nobody, one allocated to a practitioner of another team. Times
    interleave across relationships, and some are equal (the id decides)."""
    now = timezone.now().replace(microsecond=0)
    second = WhanauFactory(name="Rātā whānau", team=team_north)
    AllocationFactory(whanau=second, user=practitioner)
    unallocated = WhanauFactory(name="Tōtara whānau", team=team_north)
    elsewhere = WhanauFactory(name="Kahikatea whānau", team=team_south)
    AllocationFactory(whanau=elsewhere, user=practitioner2)
    worker = f.staff_person(practitioner)
    relationships = []
    for home in (whanau, whanau, second, unallocated, elsewhere):
        member = person if home is whanau and not relationships else f.member(home, "Tama")
        relationships.append(f.relationship_between(home, worker, member))
    made = []
    for step in range(24):
        relationship = relationships[step % 5]
        rater = relationship.person_b if relationship.person_a == worker else relationship.person_a
        # Every third check-in shares its time with the one before it.
        hours = step - (step % 3 == 2)
        made.append(
            f.checkin(
                relationship,
                rater,
                when=now - timedelta(hours=hours),
                perspective="self" if step % 4 else "collateral",
                refresh=False,
            )
        )
    archived = made[0]
    CheckIn.objects.filter(pk=archived.pk).update(archived_at=now)
    return {"relationships": relationships, "archived": archived}


def newest_first(checkins):
    return [c.pk for c in sorted(checkins, key=lambda c: (c.answered_at, c.pk), reverse=True)]


def every_page(client, user, page_size, **filters):
    seen, page = [], 1
    while True:
        body = client.get(
            "/api/v1/check-ins", {"page": page, "page_size": page_size, **filters}, **bearer(user)
        ).json()
        if not body["items"]:
            return seen, body
        seen += [item["id"] for item in body["items"]]
        page += 1


def expected(relationships, archived, **filters):
    checkins = CheckIn.objects.filter(relationship__in=relationships, **filters).exclude(
        pk=archived.pk
    )
    return newest_first(checkins)


@pytest.mark.parametrize("page_size", [1, 3, 5, 50])
def test_every_page_in_order_across_relationships(client, practitioner, agency, page_size):
    mine = agency["relationships"][:3]
    want = expected(mine, agency["archived"])
    seen, last = every_page(client, practitioner, page_size)
    assert seen == want
    assert last["count"] == len(want) == 14
    assert last["pages"] == -(-len(want) // page_size)


def test_a_filter_keeps_the_order_and_the_count(client, practitioner, agency):
    want = expected(agency["relationships"][:3], agency["archived"], perspective="collateral")
    seen, last = every_page(client, practitioner, 2, perspective="collateral")
    assert seen == want and last["count"] == len(want) > 2


def test_a_whanau_filter_pages_only_that_whanau(client, practitioner, agency, whanau):
    want = expected(agency["relationships"][:2], agency["archived"])
    seen, last = every_page(client, practitioner, 4, whanau=whanau.pk)
    assert seen == want and last["count"] == len(want)


def test_a_supervisor_pages_their_teams_whanau_allocated_or_not(client, supervisor, agency):
    want = expected(agency["relationships"][:4], agency["archived"])
    seen, last = every_page(client, supervisor, 4)
    assert seen == want and last["count"] == len(want)


def test_another_teams_practitioner_sees_only_their_own(client, practitioner2, agency):
    want = expected(agency["relationships"][4:], agency["archived"])
    seen, last = every_page(client, practitioner2, 2)
    assert seen == want and last["count"] == len(want)
    another_whanau = agency["relationships"][0].whanau_id
    body = client.get(
        "/api/v1/check-ins", {"whanau": another_whanau}, **bearer(practitioner2)
    ).json()
    assert body["count"] == 0 and body["items"] == []


def test_a_page_past_the_end_is_empty(client, practitioner, agency):
    body = client.get("/api/v1/check-ins", {"page": 99}, **bearer(practitioner)).json()
    assert body["items"] == [] and body["count"] == 14


def test_the_queries_do_not_grow_with_the_relationships(
    client, practitioner, agency, whanau, django_assert_max_num_queries
):
    headers = bearer(practitioner)
    client.get("/api/v1/check-ins", **headers)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/check-ins", **headers)
    worker = f.staff_person(practitioner)
    for _ in range(10):
        relationship = f.relationship_between(whanau, worker, f.member(whanau, "Rangi"))
        f.checkin(relationship, relationship.person_b, refresh=False)
    with django_assert_max_num_queries(len(few)):
        body = client.get("/api/v1/check-ins", **headers).json()
    assert body["count"] == 24
