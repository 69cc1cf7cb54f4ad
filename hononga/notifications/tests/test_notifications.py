"""Staff notifications: the bell, the list, reading, email by preference, and the events."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hononga.accounts.models import Role
from hononga.checkins import services as checkin_services
from hononga.checkins.tests import factories as f
from hononga.factories import UserFactory
from hononga.notifications import events, selectors, services
from hononga.notifications.models import (
    EmailDelivery,
    Kind,
    Notification,
    NotificationPreference,
)
from hononga.restorative.models import AgreementItem, State
from hononga.restorative.tests.conftest import (
    add_item,
    give_credential,
    record_harm,
    refer,
    walk_to,
)
from hononga.tasks.runner import Worker
from hononga.whanau import services as whanau_services

pytestmark = pytest.mark.django_db

ALL_EIGHT = {key: 9 for key in f.ALL_EIGHT}


@pytest.fixture(autouse=True)
def no_schedule(settings):
    settings.TASKS_SCHEDULE = "hononga.tasks.tests.sample_schedule.NONE"


def tell(user, n=1, kind=Kind.FOLLOW_UP_DUE):
    made = []
    for i in range(n):
        made += services.notify(users=[user], kind=kind, url="/", event_key=f"test:{kind}:{i}")
    return made


def test_one_event_notifies_each_user_once(practitioner, supervisor):
    for _ in range(2):
        services.notify(
            users=[practitioner, supervisor, practitioner],
            kind=Kind.FOLLOW_UP_DUE,
            url="/processes/1/",
            event_key="follow-up-due:1",
        )
    assert Notification.objects.count() == 2


def test_the_bell_shows_the_unread_count_in_one_query(
    practitioner, practitioner_client, django_assert_max_num_queries
):
    tell(practitioner, 3)
    html = practitioner_client.get(reverse("notifications:list")).content.decode()
    assert 'class="bell__count">3<' in html
    with django_assert_max_num_queries(1):
        assert selectors.unread_count(practitioner) == 3


def test_the_bell_caps_its_count(practitioner):
    tell(practitioner, selectors.COUNT_CAP + 5)
    assert selectors.unread_count(practitioner) == selectors.COUNT_CAP + 1


def test_the_list_is_paginated_with_bounded_queries(
    practitioner, practitioner_client, django_assert_max_num_queries
):
    tell(practitioner, 30)
    with django_assert_max_num_queries(12):
        response = practitioner_client.get(reverse("notifications:list"))
    assert response.content.decode().count('class="notification ') == 25
    second = practitioner_client.get(reverse("notifications:list") + "?page=2")
    assert second.content.decode().count('class="notification ') == 5


def test_an_empty_list_says_what_will_come(practitioner_client):
    html = practitioner_client.get(reverse("notifications:list")).content.decode()
    assert "No notifications yet" in html


def test_mark_read_without_javascript_and_with_htmx(practitioner, practitioner_client):
    first, second = tell(practitioner, 2)
    response = practitioner_client.post(
        reverse("notifications:read", args=[first.pk]), {"next": "/notifications/?show=unread"}
    )
    assert response.status_code == 302 and response["Location"] == "/notifications/?show=unread"
    first.refresh_from_db()
    assert first.read_at is not None
    swapped = practitioner_client.post(
        reverse("notifications:read", args=[second.pk]), HTTP_HX_REQUEST="true"
    )
    html = swapped.content.decode()
    assert f'id="notification-{second.pk}"' in html and 'hx-swap-oob="true"' in html
    assert "bell__count" not in html  # nothing unread now
    # An outside address in `next` is not followed.
    (third,) = tell(practitioner, kind=Kind.ADVISORY)
    away = practitioner_client.post(
        reverse("notifications:read", args=[third.pk]), {"next": "https://evil.example/"}
    )
    assert away["Location"] == reverse("notifications:list")


def test_nobody_reads_anothers_notifications(practitioner, outsider_client):
    (mine,) = tell(practitioner)
    assert outsider_client.post(reverse("notifications:read", args=[mine.pk])).status_code == 404
    assert outsider_client.get(reverse("notifications:open", args=[mine.pk])).status_code == 404
    mine.refresh_from_db()
    assert mine.read_at is None


def test_mark_all_read_and_open(practitioner, practitioner_client):
    made = tell(practitioner, 3)
    opened = practitioner_client.get(reverse("notifications:open", args=[made[0].pk]))
    assert opened.status_code == 302 and opened["Location"] == "/"
    practitioner_client.post(reverse("notifications:read_all"))
    assert selectors.unread_count(practitioner) == 0
    assert practitioner_client.get(reverse("notifications:read_all")).status_code == 405


def test_email_at_once_is_queued_with_no_case_detail(practitioner, mailoutbox):
    practitioner.email = "aroha@example.org"
    practitioner.save()
    NotificationPreference.objects.create(
        user=practitioner, kind=Kind.BREAK_GLASS, email=EmailDelivery.IMMEDIATELY
    )
    services.notify(users=[practitioner], kind=Kind.BREAK_GLASS, url="/whanau/7/", event_key="bg:1")
    assert mailoutbox == []  # never inside the request
    Worker().run_pending()
    (mail,) = mailoutbox
    assert "Someone broke glass to see a whānau of your team." in mail.body
    assert "/whanau/7/" in mail.body and "Kōwhai" not in mail.body


def test_the_daily_digest_sends_one_email_once_and_respects_off(
    practitioner, supervisor, mailoutbox
):
    practitioner.email = "aroha@example.org"
    practitioner.save()
    supervisor.email = "sup@example.org"
    supervisor.save()
    NotificationPreference.objects.create(
        user=supervisor, kind=Kind.FOLLOW_UP_DUE, email=EmailDelivery.OFF
    )
    tell(practitioner, 3)
    tell(supervisor, 2)
    assert services.digest_send() == 1
    assert services.digest_send() == 0  # twice the same day: nothing more
    Worker().run_pending()
    (mail,) = mailoutbox
    assert mail.to == ["aroha@example.org"] and "A follow-up is due." in mail.body


def test_preferences_page(practitioner, practitioner_client):
    url = reverse("notifications:settings")
    page = practitioner_client.get(url).content.decode()
    assert "Notifications by email" in page and "no email address" in page
    data = {kind.value: EmailDelivery.DIGEST for kind in Kind}
    data[Kind.CHECKIN_ANSWERED] = EmailDelivery.OFF
    assert practitioner_client.post(url, data).status_code == 302
    assert (
        NotificationPreference.objects.get(user=practitioner, kind=Kind.CHECKIN_ANSWERED).email
        == EmailDelivery.OFF
    )
    bad = practitioner_client.post(url, {**data, Kind.ADVISORY: "hourly"})
    assert bad.status_code == 422


def test_the_pages_need_a_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and "login" in response["Location"]


# --- Events


def test_an_answered_link_and_a_flag_notify_the_practitioner(practitioner, whanau, person):
    worker = f.staff_person(practitioner)
    relationship = f.relationship_between(whanau, person, worker)
    f.give_consent(person, practitioner)
    _link, raw = checkin_services.link_create(
        actor=practitioner, relationship_id=relationship.pk, rater_id=person.pk
    )
    checkin_services.link_answer(raw_token=raw, items={**ALL_EIGHT, "safety": 3})
    kinds = set(Notification.objects.filter(user=practitioner).values_list("kind", flat=True))
    assert kinds == {Kind.CHECKIN_ANSWERED, Kind.RELATIONSHIP_FLAGGED}


def test_break_glass_notifies_the_teams_supervisors(whanau, supervisor, supervisor_south):
    outsider = UserFactory(username="other", role=Role.PRACTITIONER)
    whanau_services.break_glass(
        actor=outsider, whanau_id=whanau.pk, reason="Urgent call from the police tonight."
    )
    assert Notification.objects.filter(user=supervisor, kind=Kind.BREAK_GLASS).exists()
    assert not Notification.objects.filter(user=supervisor_south).exists()


def test_a_referral_waits_on_the_facilitator_and_reminders_run_once(
    practitioner, facilitator, whanau, person
):
    from hononga.factories import MembershipFactory, PersonFactory
    from hononga.restorative.tests.conftest import child as _child  # noqa: F401

    child = PersonFactory(preferred_name="Ariki")
    MembershipFactory(person=child, whanau=whanau)
    give_credential(facilitator)
    harm = record_harm(practitioner, whanau, person, child)
    process = refer(practitioner, harm, facilitator)
    waiting = Notification.objects.get(user=facilitator)
    assert waiting.kind == Kind.PROCESS_WAITING and waiting.url == f"/processes/{process.pk}/"
    walk_to(process, State.HELD)
    item = add_item(process)
    AgreementItem.objects.filter(pk=item.pk).update(due=timezone.localdate() - timedelta(days=1))
    assert events.reminders_send()["items"] == 1
    assert events.reminders_send()["items"] == 0
    overdue = Notification.objects.get(user=facilitator, kind=Kind.AGREEMENT_ITEM_DUE)
    assert overdue.text == "An agreement item is overdue."


def test_notification_pages_are_in_te_reo(practitioner, practitioner_client):
    tell(practitioner)
    practitioner_client.cookies["django_language"] = "mi"
    html = practitioner_client.get(reverse("notifications:list")).content.decode()
    assert "Ngā pānui" in html
