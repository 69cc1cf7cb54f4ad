"""Relationship and outcome side by side, the "time to talk" flag, and the overall "how are
things" answer asked with every check-in; one link carrying the check-in and the goals."""

from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hononga.accounts.models import User
from hononga.checkins import services as checkin_services
from hononga.checkins.models import CheckIn
from hononga.checkins.tests import factories as f
from hononga.core.errors import PracticeError
from hononga.goals import services, side_by_side
from hononga.goals.models import GoalRating
from hononga.goals.tests import factories as gf
from hononga.relationships.models import Relationship
from hononga.whanau.models import Person, Whanau


def _story(relationship: Relationship, member: Person, goal_values: list[int]) -> None:
    """A relationship that falls reliably (9 → 5) while the member's goal is flat."""
    now = timezone.now()
    f.checkin(relationship, member, answers=f.items(9), when=now - timedelta(days=60))
    f.checkin(relationship, member, answers=f.items(5), when=now - timedelta(days=2))
    goal = gf.goal(relationship.whanau, member)
    for n, value in enumerate(goal_values):
        gf.rate(goal, value, when=now - timedelta(days=50 - 20 * n))


def test_it_flags_time_to_talk_when_the_relationship_drops_while_goals_stall(
    whanau: Whanau, person: Person, relationship: Relationship
) -> None:
    _story(relationship, person, [4, 4, 5])
    [chart] = side_by_side.side_by_side([relationship])
    assert chart.time_to_talk
    kinds = [s.kind for s in chart.series]
    assert kinds == ["relationship", "goal"]


def test_no_flag_when_the_goals_move(
    whanau: Whanau, person: Person, relationship: Relationship
) -> None:
    _story(relationship, person, [2, 4, 6])
    [chart] = side_by_side.side_by_side([relationship])
    assert not chart.time_to_talk


def test_whanau_and_relationship_pages_show_them_side_by_side(
    practitioner_client: Client,
    whanau: Whanau,
    person: Person,
    relationship: Relationship,
    django_assert_max_num_queries: Any,
) -> None:
    _story(relationship, person, [4, 4, 5])
    body = practitioner_client.get(reverse("whanau:detail", args=[whanau.pk])).content.decode()
    assert "Relationship and outcomes over time" in body
    assert "Time to talk" in body
    page = practitioner_client.get(reverse("relationships:detail", args=[relationship.pk]))
    assert "Time to talk" in page.content.decode()
    url = reverse("whanau:detail", args=[whanau.pk])
    with django_assert_max_num_queries(90) as before:
        practitioner_client.get(url)
    for n in range(5):
        _story(relationship, person, [3, 4, n])
    with django_assert_max_num_queries(90) as after:
        practitioner_client.get(url)
    assert len(after.captured_queries) == len(before.captured_queries)


def test_how_are_things_is_asked_with_each_check_in_not_part_of_the_score(
    practitioner: User, person: Person, relationship: Relationship
) -> None:
    checkin = checkin_services.checkin_record(
        actor=practitioner,
        relationship_id=relationship.pk,
        rater_id=person.pk,
        perspective="self",
        form="adult",
        channel="in_session",
        items=f.items(9),
        overall=3,
    )
    assert checkin.overall == 3 and float(checkin.score) == 9.0  # type: ignore[arg-type]
    for bad in (11, -1, 2.5, "x", True):
        try:
            checkin_services.checkin_record(
                actor=practitioner,
                relationship_id=relationship.pk,
                rater_id=person.pk,
                perspective="self",
                form="adult",
                channel="in_session",
                items=f.items(9),
                overall=bad,
            )
        except PracticeError as error:
            assert "overall" in error.errors
        else:
            raise AssertionError(f"{bad!r} was accepted")
    assert CheckIn.objects.count() == 1


def test_the_check_in_pages_ask_how_are_things_in_both_languages(
    practitioner: User, consented: Person, relationship: Relationship
) -> None:
    _link, raw = checkin_services.link_create(
        actor=practitioner, relationship_id=relationship.pk, rater_id=consented.pk, language="mi"
    )
    public = Client()
    body = public.get(f"/c/{raw}/").content.decode()
    assert "Kei te pēhea ngā āhuatanga mōu me tō whānau?" in body
    answers = {key: "8" for key in f.ALL_EIGHT}
    assert public.post(f"/c/{raw}/", {**answers, "overall": "12"}).status_code == 422
    assert public.post(f"/c/{raw}/", {**answers, "overall": "6"}).status_code == 302
    assert CheckIn.objects.get().overall == 6


def test_one_link_asks_the_check_in_then_the_goals(
    practitioner: User, whanau: Whanau, consented: Person, relationship: Relationship
) -> None:
    goal = gf.goal(whanau, consented, "Kia pai te kura")
    _link, raw, path = services.link_create(
        actor=practitioner,
        whanau_id=whanau.pk,
        rater_id=consented.pk,
        checkin_relationship_id=relationship.pk,
    )
    public = Client()
    answers = {key: "8" for key in f.ALL_EIGHT}
    response = public.post(path, {**answers, "overall": "7"})
    assert response.status_code == 302
    assert response["Location"] == f"/g/{raw}/?after=checkin&lang=en"
    page = public.get(response["Location"]).content.decode()
    assert "“Kia pai te kura”" in page and "Two more minutes" in page
    assert public.post(response["Location"], {f"goal-{goal.pk}": "5"}).status_code == 302
    assert GoalRating.objects.get().value == 5
    assert CheckIn.objects.get().overall == 7


def test_the_api_takes_and_gives_how_are_things(
    practitioner: User, person: Person, relationship: Relationship
) -> None:
    import json

    from hononga.conftest import bearer

    body = {
        "relationship": relationship.pk,
        "rater": person.pk,
        "perspective": "self",
        "form": "adult",
        "channel": "in_session",
        **f.items(8),
        "overall": 4,
    }
    response = Client().post(
        "/api/v1/check-ins",
        json.dumps(body),
        content_type="application/json",
        **bearer(practitioner),
    )
    assert response.status_code == 201, response.content
    assert response.json()["overall"] == 4
