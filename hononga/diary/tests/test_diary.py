"""My week, its calendar feed and /api/v1/diary."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hononga.audit.models import AuditEvent
from hononga.checkins.tests import factories as f
from hononga.conftest import bearer
from hononga.diary import selectors
from hononga.diary.models import DiaryFeed
from hononga.factories import MembershipFactory, PersonFactory
from hononga.restorative.models import AgreementItem, FollowUp, State
from hononga.restorative.tests.conftest import (
    add_item,
    give_credential,
    record_harm,
    refer,
    walk_to,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_schedule(settings):
    settings.TASKS_SCHEDULE = "hononga.tasks.tests.sample_schedule.NONE"
    settings.SITE_URL = "https://hononga.example.org"


@pytest.fixture
def held(practitioner, facilitator, whanau, person):
    """A conference held, facilitated by `facilitator`, with an agreement item due today."""
    child = PersonFactory(preferred_name="Ariki", other_names="Kōwhai")
    MembershipFactory(person=child, whanau=whanau)
    give_credential(facilitator)
    process = refer(practitioner, record_harm(practitioner, whanau, person, child), facilitator)
    walk_to(process, State.HELD)
    item = add_item(process)
    AgreementItem.objects.filter(pk=item.pk).update(due=timezone.localdate())
    return process


@pytest.fixture
def facilitator_client(facilitator):
    client = Client()
    client.force_login(facilitator)
    return client


def test_the_week_shows_what_is_due_by_day(
    facilitator, facilitator_client, held, django_assert_max_num_queries
):
    FollowUp.objects.create(
        process=held,
        participant=held.participants.get(role="harmed"),
        scheduled_for=timezone.localdate() - timedelta(days=30),
        recorded_by=facilitator,
    )
    with django_assert_max_num_queries(24):  # fixed: the same with 1 or 200 items
        response = facilitator_client.get(reverse("diary:week"))
    html = response.content.decode()
    assert "Agreement item due: Pay for the repair of the car (Ariki Kōwhai)" in html
    assert "Follow-up with Mere Kōwhai" in html and "Overdue" in html  # shown today
    assert AuditEvent.objects.filter(summary="Viewed their week", actor_id=facilitator.pk).exists()
    # Next week: nothing of it.
    later = facilitator_client.get(
        reverse("diary:week") + f"?week={timezone.localdate() + timedelta(days=7):%Y-%m-%d}"
    )
    assert "Nothing is due for you this week" in later.content.decode()
    assert facilitator_client.get(reverse("diary:week") + "?week=soon").status_code == 404


def test_a_check_in_comes_due_42_days_after_the_last(
    practitioner, practitioner_client, whanau, person
):
    worker = f.staff_person(practitioner)
    relationship = f.relationship_between(whanau, person, worker)
    f.give_consent(person, practitioner)
    answered = timezone.now() - timedelta(days=40)
    f.checkin(relationship, person, when=answered)
    today = timezone.localdate()
    items = selectors.diary_items(practitioner, today, today + timedelta(days=6), today=today)
    (due,) = [i for i in items if i.kind == "checkin_due"]
    assert due.day == timezone.localdate(answered) + timedelta(days=42)
    assert (
        due.title == "Check-in due with Mere Kōwhai" and due.private_title == "Check-in due (M.K.)"
    )


def test_others_items_are_not_in_my_week(practitioner_client, held):
    html = practitioner_client.get(reverse("diary:week")).content.decode()
    assert "Pay for the repair" not in html


def test_the_calendar_feed_shows_initials_only_and_can_be_turned_off(
    facilitator, facilitator_client, held
):
    page = facilitator_client.post(reverse("diary:feed_create"))
    assert page["Cache-Control"] == "no-store"
    html = page.content.decode()
    start = html.index("/my-week/feed/")
    url = html[start : html.index('"', start)]
    feed = Client().get(url)
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    body = feed.content.decode()
    assert "BEGIN:VCALENDAR" in body and "SUMMARY:Agreement item due (A.K.)" in body
    assert "Ariki" not in body and "Kōwhai" not in body and "Pay for" not in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert DiaryFeed.objects.get().token_hash not in html  # only the hash is kept
    facilitator_client.post(reverse("diary:feed_revoke"))
    gone = Client().get(url)
    assert gone.status_code == 404 and "turned off" in gone.content.decode()
    assert Client().get("/my-week/feed/nonsense.ics").status_code == 404


def test_a_new_feed_address_replaces_the_old(facilitator, facilitator_client):
    first = facilitator_client.post(reverse("diary:feed_create")).content.decode()
    facilitator_client.post(reverse("diary:feed_create"))
    start = first.index("/my-week/feed/")
    assert Client().get(first[start : first.index('"', start)]).status_code == 404
    assert DiaryFeed.objects.filter(revoked_at__isnull=True).count() == 1


def test_the_api_lists_my_diary_and_refuses_bad_ranges(facilitator, held):
    api = Client(**bearer(facilitator))
    today = timezone.localdate()
    response = api.get(f"/api/v1/diary?from={today}&to={today + timedelta(days=6)}")
    assert response.status_code == 200
    (item,) = response.json()["items"]
    assert item["kind"] == "agreement_item" and item["day"] == str(today)
    for query in (
        f"from={today}&to={today - timedelta(days=1)}",
        f"from={today}&to={today + timedelta(days=100)}",
        "from=tomorrow",
        "since=2026-01-01",
    ):
        bad = api.get(f"/api/v1/diary?{query}")
        assert bad.status_code == 422, query
        assert bad["Content-Type"] == "application/problem+json"
    assert Client().get("/api/v1/diary").status_code == 401


def test_the_page_needs_a_login(client):
    assert client.get(reverse("diary:week")).status_code == 302
