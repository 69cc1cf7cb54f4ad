"""Mail through a real SMTP server (aiosmtpd, in this process): what arrives, and failures."""

import email
import email.policy
import socket
from datetime import timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.utils import timezone

from hononga.messaging.models import Channel, MessageStatus
from hononga.messaging.services import message_send
from hononga.messaging.tasks import MAX_ATTEMPTS
from hononga.tasks.runner import Worker

pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Recorder:
    """Keeps what it accepts; can refuse a recipient or ask the sender to try later."""

    def __init__(self) -> None:
        self.received: list[email.message.EmailMessage] = []
        self.refuse_recipient = ""
        self.try_later = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_recipient:
            return self.refuse_recipient
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.try_later:
            self.try_later -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        self.received.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings):
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "Hononga <hononga@agency.example.org>"
    yield recorder
    controller.stop()


def queue_test_mail(person):
    return message_send(
        channel=Channel.EMAIL, person=person, purpose="test", template="test",
        context={"sender": "Aroha"}, idempotency_key=f"test:{person.pk}",
    )  # fmt: skip


def test_the_server_receives_text_and_html_in_the_recipients_language(smtp, reachable_person):
    reachable_person.languages = "te reo Māori"
    reachable_person.save()
    message = queue_test_mail(reachable_person)
    Worker().run_pending()
    (received,) = smtp.received
    assert received["To"] == "mere@example.org"
    assert received["From"] == "Hononga <hononga@agency.example.org>"
    assert received["Subject"] == "He karere whakamātautau nā Hononga"
    assert received["Message-ID"].strip() == f"<{message.delivery_key}@agency.example.org>"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "Aroha" in text and "Aroha" in html and "Ngā mihi" in text
    message.refresh_from_db()
    assert (message.status, message.transport, message.attempts) == (MessageStatus.SENT, "smtp", 1)
    assert message.provider_id == received["Message-ID"].strip()


def test_a_recipient_refused_for_good_fails_at_once_with_the_reason(smtp, reachable_person):
    smtp.refuse_recipient = "550 5.1.1 No such mailbox"
    message = queue_test_mail(reachable_person)
    Worker().run_pending()
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.attempts == 1
    assert "550" in message.last_error and "No such mailbox" in message.last_error
    assert smtp.received == []


def test_a_busy_server_is_tried_again_after_a_while(smtp, reachable_person):
    smtp.try_later = 1
    with time_machine.travel(timezone.now(), tick=False) as clock:
        message = queue_test_mail(reachable_person)
        Worker().run_pending()
        message.refresh_from_db()
        assert message.status == MessageStatus.QUEUED and message.attempts == 1
        assert "451" in message.last_error
        clock.shift(timedelta(seconds=20))
        assert Worker().run_pending() == 0  # not before its backoff (30 s or more)
        clock.shift(timedelta(seconds=20))
        assert Worker().run_pending() == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 2
    assert len(smtp.received) == 1


def test_an_unreachable_server_is_retried_with_backoff_then_the_message_fails(
    settings, reachable_person
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    with time_machine.travel(timezone.now(), tick=False) as clock:
        message = queue_test_mail(reachable_person)
        for _attempt in range(MAX_ATTEMPTS):
            assert Worker().run_pending() == 1
            clock.shift(timedelta(hours=1))
        assert Worker().run_pending() == 0
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.attempts == MAX_ATTEMPTS
    assert "Could not reach the mail server" in message.last_error
    assert message.failed_at is not None
