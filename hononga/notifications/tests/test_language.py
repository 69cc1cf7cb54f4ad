"""Staff emails come in the recipient's language: the one they chose with the switcher."""

import pytest
from django.test import Client
from django.urls import reverse

from hononga.accounts.models import User
from hononga.conftest import client_for
from hononga.messaging.models import Message
from hononga.notifications import services
from hononga.notifications.models import EmailDelivery, Kind, NotificationPreference
from hononga.tasks.runner import Worker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_schedule(settings):
    settings.TASKS_SCHEDULE = "hononga.tasks.tests.sample_schedule.NONE"


def test_the_switcher_keeps_a_signed_in_users_choice(practitioner: User) -> None:
    client = client_for(practitioner)
    response = client.post(reverse("set_language"), {"language": "mi", "next": "/"})
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.language == "mi"
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    practitioner.refresh_from_db()
    assert practitioner.language == "mi"  # not a language of Hononga: unchanged
    # Signed out, the switcher still works (a cookie), and no one's choice changes.
    assert Client().post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.language == "mi"


def test_a_notification_email_comes_in_te_reo_for_a_user_who_chose_it(
    practitioner: User, supervisor: User, mailoutbox: list
) -> None:
    practitioner.email = "aroha@example.org"
    practitioner.language = "mi"
    practitioner.save()
    supervisor.email = "hemi@example.org"
    supervisor.save()
    for user in (practitioner, supervisor):
        NotificationPreference.objects.create(
            user=user, kind=Kind.BREAK_GLASS, email=EmailDelivery.IMMEDIATELY
        )
    services.notify(
        users=[practitioner, supervisor], kind=Kind.BREAK_GLASS, url="/whanau/7/", event_key="bg:1"
    )
    Worker().run_pending()
    mails = {mail.to[0]: mail for mail in mailoutbox}
    te_reo = mails["aroha@example.org"]
    assert te_reo.subject == "Hononga: he mea hei tirohanga māu"
    assert "I wāwāhi karaehe tētahi kia kite i tētahi whānau o tō rōpū." in te_reo.body
    assert "Huakina a Hononga kia kite ai:" in te_reo.body
    assert "Someone broke glass" not in te_reo.body
    english = mails["hemi@example.org"]
    assert "Someone broke glass to see a whānau of your team." in english.body
    assert Message.objects.get(to="aroha@example.org").language == "mi"


def test_the_daily_digest_comes_in_the_users_language(practitioner: User, mailoutbox: list) -> None:
    practitioner.email = "aroha@example.org"
    practitioner.language = "mi"
    practitioner.save()
    services.notify(users=[practitioner], kind=Kind.FOLLOW_UP_DUE, url="/", event_key="f:1")
    assert services.digest_send() == 1
    Worker().run_pending()
    (mail,) = mailoutbox
    assert "Kua tae te wā mō tētahi whai muri." in mail.body
    assert "Kōwhiria ngā pānui ka tae mā te īmēra" in mail.body


def test_the_outbox_test_message_comes_in_the_senders_language(
    admin_user: User, mailoutbox: list
) -> None:
    admin_user.language = "mi"
    admin_user.save()
    client = client_for(admin_user)
    client.post(reverse("messaging:outbox_test"), {"channel": "email", "to": "x@example.org"})
    message = Message.objects.get(purpose="test")
    assert message.language == "mi" and message.subject == "He karere whakamātautau nā Hononga"
