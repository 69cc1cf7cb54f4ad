"""My week: conferences planned and goal ratings due, on the page, the API and the calendar feed
(initials only)."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hononga.conftest import bearer
from hononga.diary import selectors
from hononga.goals.tests import factories as gf
from hononga.restorative import services as restorative_services
from hononga.restorative.tests.conftest import give_credential, record_harm, refer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_schedule(settings):
    settings.TASKS_SCHEDULE = "hononga.tasks.tests.sample_schedule.NONE"
    settings.SITE_URL = "https://hononga.example.org"


@pytest.fixture
def planned(practitioner, facilitator, whanau, person, child):
    give_credential(facilitator)
    process = refer(practitioner, record_harm(practitioner, whanau, person, child), facilitator)
    return restorative_services.process_plan_conference(
        actor=facilitator,
        process_id=process.pk,
        expected_version=process.version,
        planned_on=timezone.localdate() + timedelta(days=2),
    )


@pytest.fixture
def child(whanau):
    from hononga.factories import MembershipFactory, PersonFactory

    child = PersonFactory(preferred_name="Ariki", other_names="Kōwhai")
    MembershipFactory(person=child, whanau=whanau)
    return child


def test_a_planned_conference_is_in_the_facilitators_week_and_feed(facilitator, planned):
    client = Client()
    client.force_login(facilitator)
    html = client.get(reverse("diary:week")).content.decode()
    assert "Formal conference: Kōwhai whānau" in html
    today = timezone.localdate()
    api = Client(**bearer(facilitator)).get(
        f"/api/v1/diary?from={today}&to={today + timedelta(days=6)}"
    )
    (item,) = [i for i in api.json()["items"] if i["kind"] == "conference"]
    assert item["day"] == str(today + timedelta(days=2))
    page = client.post(reverse("diary:feed_create")).content.decode()
    start = page.index("/my-week/feed/")
    body = Client().get(page[start : page.index('"', start)]).content.decode()
    assert "SUMMARY:Conference (K.W.)" in body and "Kōwhai" not in body


def test_a_held_conference_leaves_the_diary(facilitator, planned, practitioner):
    from hononga.restorative.models import State
    from hononga.restorative.tests.conftest import walk_to

    walk_to(planned, State.HELD)
    today = timezone.localdate()
    items = selectors.diary_items(facilitator, today, today + timedelta(days=6), today=today)
    assert not [i for i in items if i.kind == "conference"]
    # Someone else's conference is not in a practitioner's week.
    items = selectors.diary_items(practitioner, today, today + timedelta(days=6), today=today)
    assert not [i for i in items if i.kind == "conference"]


def test_a_goal_rating_falls_due_42_days_after_the_last_in_new_zealand_dates(
    practitioner, outsider, whanau, person
):
    goal = gf.goal(whanau, person, "Be home for tea")
    together = gf.goal(whanau, None, "Dinner on Sundays")
    with time_machine.travel(timezone.now() - timedelta(days=40)):
        gf.rate(goal, 4)
    # The whānau goal was set today and never rated: due in 42 days, not this week.
    today = timezone.localdate()
    items = selectors.diary_items(practitioner, today, today + timedelta(days=6), today=today)
    (due,) = [i for i in items if i.kind == "goal_rating_due"]
    goal.refresh_from_db()
    assert due.day == timezone.localtime(goal.latest_rated_at).date() + timedelta(days=42)
    assert due.title == "Goal rating due: Mere Kōwhai"
    assert due.private_title == "Goal rating due (M.K.)"
    assert due.url == reverse("goals:detail", args=[goal.pk])
    later = today + timedelta(days=42)
    items = selectors.diary_items(practitioner, later, later + timedelta(days=6), today=today)
    assert [i.title for i in items if i.kind == "goal_rating_due"] == [
        "Goal rating due: Kōwhai whānau together"
    ]
    assert together.pk
    # Overdue goals are shown today; outsiders' weeks have none.
    with time_machine.travel(timezone.now() + timedelta(days=60)):
        now = timezone.localdate()
        items = selectors.diary_items(practitioner, now, now + timedelta(days=6), today=now)
        overdue = [i for i in items if i.kind == "goal_rating_due"]
        assert len(overdue) == 2 and all(i.overdue and i.day == now for i in overdue)
        assert not [
            i
            for i in selectors.diary_items(outsider, now, now + timedelta(days=6), today=now)
            if i.kind == "goal_rating_due"
        ]


def test_the_week_page_query_count_does_not_grow_with_goals(
    practitioner, whanau, person, django_assert_max_num_queries
):
    client = Client()
    client.force_login(practitioner)
    gf.goal(whanau, person, "One")
    client.get(reverse("diary:week"))
    with django_assert_max_num_queries(26) as first:
        client.get(reverse("diary:week"))
    for n in range(15):
        gf.goal(whanau, person, f"Goal {n}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        html = client.get(reverse("diary:week")).content.decode()
    assert "Goal rating due" not in html or "Mere" in html


def test_the_week_page_says_it_shows_conferences_and_goal_ratings(practitioner):
    client = Client()
    client.force_login(practitioner)
    html = client.get(reverse("diary:week")).content.decode()
    assert "conferences planned" in html and "goal ratings due" in html
