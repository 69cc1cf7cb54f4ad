"""The whānau plan on the whānau page, the goal pages, rating in session and the public link."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hononga.accounts.models import User
from hononga.conftest import client_for
from hononga.factories import PersonFactory
from hononga.goals import services
from hononga.goals.models import Goal, GoalRating, GoalStatus
from hononga.goals.tests import factories as gf
from hononga.relationships.models import Relationship
from hononga.whanau.models import Person, Whanau


def _plan(whanau: Whanau, people: int, goals_each: int, ratings_each: int) -> None:
    for n in range(people):
        holder = PersonFactory(preferred_name=f"P{n}")
        holder.memberships.create(whanau=whanau)
        for g in range(goals_each):
            goal = gf.goal(whanau, holder, f"Goal {n}-{g}")
            for r in range(ratings_each):
                gf.rate(goal, r % 11)
            services.step_add(
                actor=whanau.allocations.first().user,  # type: ignore[union-attr]
                goal_id=goal.pk,
                what="A step",
                who="Them",
            )


def test_the_whanau_page_shows_the_plan_with_flags_and_charts(
    practitioner_client: Client, whanau: Whanau, person: Person
) -> None:
    goal = gf.goal(whanau, person, "Get my licence so I can drive the kids to kura")
    gf.rate(goal, 3)
    gf.rate(goal, 7)
    gf.goal(whanau, None, "Kai together on Sundays")
    response = practitioner_client.get(reverse("whanau:detail", args=[whanau.pk]))
    body = response.content.decode()
    assert "Whānau plan" in body
    assert "“Get my licence so I can drive the kids to kura”" in body
    assert "Mere&#x27;s goals" in body or "Mere's goals" in body
    assert "The whānau&#x27;s goals, together" in body or "The whānau's goals, together" in body
    assert "Reliable rise" in body
    assert 'class="goal-chart"' in body


def test_the_plan_keeps_a_bounded_number_of_queries(
    practitioner_client: Client, whanau: Whanau, django_assert_max_num_queries: Any
) -> None:
    _plan(whanau, people=2, goals_each=2, ratings_each=2)
    url = reverse("whanau:detail", args=[whanau.pk])
    practitioner_client.get(url)
    with django_assert_max_num_queries(80) as small:
        practitioner_client.get(url)
    _plan(whanau, people=4, goals_each=3, ratings_each=5)
    with django_assert_max_num_queries(80) as large:
        practitioner_client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_outsiders_get_404_everywhere(
    outsider_client: Client, whanau: Whanau, person: Person
) -> None:
    goal = gf.goal(whanau, person)
    for url in (
        reverse("goals:detail", args=[goal.pk]),
        reverse("goals:edit", args=[goal.pk]),
        reverse("goals:new", args=[whanau.pk]),
        reverse("goals:rate", args=[whanau.pk]) + f"?holder={person.pk}",
        reverse("goals:link_new", args=[whanau.pk]),
    ):
        assert outsider_client.get(url).status_code == 404, url
    assert (
        outsider_client.post(reverse("goals:new", args=[whanau.pk]), {"wording": "x"}).status_code
        == 404
    )
    assert Goal.objects.count() == 1


def test_a_break_glass_reader_sees_the_plan_but_cannot_write(
    admin_user: User, whanau: Whanau, person: Person
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from hononga.whanau.models import BreakGlassGrant

    BreakGlassGrant.objects.create(
        user=admin_user,
        whanau=whanau,
        reason="Audit",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    goal = gf.goal(whanau, person)
    client = client_for(admin_user)
    assert client.get(reverse("goals:detail", args=[goal.pk])).status_code == 200
    assert client.get(reverse("goals:edit", args=[goal.pk])).status_code == 404
    body = client.get(reverse("whanau:detail", args=[whanau.pk])).content.decode()
    assert "Set a goal" not in body


def test_setting_a_goal_through_the_page(
    practitioner_client: Client, whanau: Whanau, person: Person
) -> None:
    url = reverse("goals:new", args=[whanau.pk])
    assert practitioner_client.get(url).status_code == 200
    response = practitioner_client.post(
        url, {"holder": str(person.pk), "wording": "Be home for tea", "why": "", "target_date": ""}
    )
    assert response.status_code == 302
    goal = Goal.objects.get()
    assert goal.holder == person and goal.wording == "Be home for tea"


def test_bad_input_on_the_page_is_a_form_error_nothing_saved(
    practitioner_client: Client, whanau: Whanau, person: Person
) -> None:
    url = reverse("goals:new", args=[whanau.pk])
    response = practitioner_client.post(
        url, {"holder": str(person.pk), "wording": "x", "target_date": "2001-01-01"}
    )
    assert response.status_code == 422
    assert "before the goal was set" in response.content.decode()
    response = practitioner_client.post(url, {"holder": "999999", "wording": "x"})
    assert response.status_code == 422
    assert not Goal.objects.exists()


def test_more_than_three_active_goals_is_allowed_with_a_gentle_note(
    practitioner_client: Client, whanau: Whanau, person: Person
) -> None:
    for n in range(3):
        gf.goal(whanau, person, f"Goal {n}")
    response = practitioner_client.post(
        reverse("goals:new", args=[whanau.pk]),
        {"holder": str(person.pk), "wording": "A fourth"},
        follow=True,
    )
    assert "up to about three is usual" in response.content.decode()
    assert Goal.objects.filter(status=GoalStatus.ACTIVE).count() == 4


def test_rating_in_session(practitioner_client: Client, whanau: Whanau, person: Person) -> None:
    goal = gf.goal(whanau, person)
    url = reverse("goals:rate", args=[whanau.pk])
    page = practitioner_client.get(url + f"?holder={person.pk}")
    assert "How close are you to this goal?" in page.content.decode()
    bad = practitioner_client.post(url, {"holder": str(person.pk), f"goal-{goal.pk}": "12"})
    assert bad.status_code == 422
    assert "Choose a whole number from 0 to 10." in bad.content.decode()
    ok = practitioner_client.post(url, {"holder": str(person.pk), f"goal-{goal.pk}": "6"})
    assert ok.status_code == 302
    assert GoalRating.objects.get().value == 6


def test_the_public_link_page_rates_goals_once_in_te_reo(
    practitioner: User, whanau: Whanau, consented: Person, relationship: Relationship
) -> None:
    goal = gf.goal(whanau, consented, "Kia pai te noho")
    _link, _raw, path = services.link_create(
        actor=practitioner, whanau_id=whanau.pk, rater_id=consented.pk, language="mi", form="child"
    )
    public = Client()
    page = public.get(path)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Kei hea koe mō tēnei whāinga?" in body
    assert "“Kia pai te noho”" in body
    assert "Kōwhai" not in body  # nothing else about the whānau
    assert 'class="face"' in body
    bad = public.post(path, {f"goal-{goal.pk}": "ten"})
    assert bad.status_code == 422
    assert public.post(path, {f"goal-{goal.pk}": "8"}).status_code == 302
    again = public.post(path, {f"goal-{goal.pk}": "9"})
    assert again.status_code == 410
    assert list(GoalRating.objects.values_list("value", flat=True)) == [8]


@pytest.mark.parametrize("token", ["short", "x" * 40])
def test_unknown_links_are_404(client: Client, db: Any, token: str) -> None:
    assert client.get(f"/g/{token}/").status_code == 404


def test_goal_detail_change_and_close_pages(
    practitioner_client: Client, whanau: Whanau, person: Person
) -> None:
    goal = gf.goal(whanau, person, "Old words")
    gf.rate(goal, 2)
    assert practitioner_client.get(reverse("goals:detail", args=[goal.pk])).status_code == 200
    response = practitioner_client.post(
        reverse("goals:change", args=[goal.pk]), {"wording": "New words", "version": "1"}
    )
    assert response.status_code == 302
    new = Goal.objects.get(status=GoalStatus.ACTIVE)
    detail = practitioner_client.get(reverse("goals:detail", args=[new.pk])).content.decode()
    assert "Old words" in detail  # earlier wording in the history
    stale = practitioner_client.post(
        reverse("goals:close", args=[new.pk]), {"status": "met", "version": "9"}
    )
    assert stale.status_code == 409
    done = practitioner_client.post(
        reverse("goals:close", args=[new.pk]), {"status": "met", "version": "1"}
    )
    assert done.status_code == 302
    new.refresh_from_db()
    assert new.status == GoalStatus.MET


def test_empty_wording_gets_a_clear_message_in_the_users_language(
    practitioner_client: Client, whanau: Whanau, person: Person
) -> None:
    url = reverse("goals:new", args=[whanau.pk])
    for wording in ("", "   "):
        response = practitioner_client.post(url, {"holder": str(person.pk), "wording": wording})
        assert response.status_code == 422
        html = response.content.decode()
        assert "Write the goal as the person said it." in html
        assert "This field is required" not in html
    practitioner_client.post("/i18n/setlang/", {"language": "mi", "next": "/"})
    response = practitioner_client.post(url, {"holder": str(person.pk), "wording": ""})
    assert "Tuhia te whāinga kia rite ki tāna i kōrero ai." in response.content.decode()
    goal = gf.goal(whanau, person, wording="Old words")
    response = practitioner_client.post(
        reverse("goals:change", args=[goal.pk]), {"wording": " ", "version": "1"}
    )
    assert response.status_code == 422
    assert "Tuhia te whāinga kia rite ki tāna i kōrero ai." in response.content.decode()
    assert not Goal.objects.exclude(pk=goal.pk).exists()
