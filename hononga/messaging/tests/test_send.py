import pytest
from django.db import transaction
from django_tasks import TaskResultStatus

from hononga.core.errors import PracticeError
from hononga.messaging.models import Channel, Message, MessageStatus
from hononga.messaging.services import language_for_person, message_send
from hononga.messaging.tests import builders
from hononga.messaging.tests.conftest import give_consent
from hononga.relationships.models import ConsentPurpose, ConsentStatus
from hononga.tasks.models import QueuedTask
from hononga.tasks.runner import Worker

pytestmark = pytest.mark.django_db


def send_test_mail(**overrides):
    options = {
        "channel": Channel.EMAIL,
        "to": "kaimahi@example.org",
        "purpose": "test",
        "template": "test",
        "context": {"sender": "Aroha"},
        "idempotency_key": "test:1",
    }
    options.update(overrides)
    return message_send(**options)


def test_mail_is_queued_and_sent_by_the_worker_never_in_the_request(mailoutbox):
    message = send_test_mail()
    assert mailoutbox == []
    assert message.status == MessageStatus.QUEUED
    assert message.subject == "Hononga test message"
    assert "sent by Aroha" in message.body_text and "sent by Aroha" in message.body_html
    (task,) = QueuedTask.objects.all()
    assert task.arguments == {"args": [message.pk], "kwargs": {}}
    assert Worker().run_pending() == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.transport == "locmem" and message.attempts == 1 and message.sent_at
    (mail,) = mailoutbox
    assert mail.to == ["kaimahi@example.org"] and mail.subject == "Hononga test message"
    assert mail.extra_headers["X-Hononga-Message"] == str(message.delivery_key)
    assert mail.alternatives[0][1] == "text/html"


def test_the_outbox_backend_keeps_other_django_mail_as_messages(settings):
    from django.core.mail import send_mail

    settings.EMAIL_BACKEND = "hononga.messaging.transports.OutboxEmailBackend"
    send_mail("Password reset", "Follow the link.", None, ["kaimahi@example.org"])
    (kept,) = Message.objects.all()
    assert (kept.status, kept.purpose, kept.subject) == (
        MessageStatus.SENT,
        "django",
        "Password reset",
    )
    # Hononga's own messages are already in the outbox: not kept twice.
    send_test_mail()
    Worker().run_pending()
    assert Message.objects.count() == 2
    assert Message.objects.get(purpose="test").transport == "outbox"


def test_nothing_is_queued_when_the_callers_transaction_rolls_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        send_test_mail()
        raise RuntimeError("the practitioner's change failed")
    assert not Message.objects.exists() and not QueuedTask.objects.exists()


def test_the_same_key_queues_one_message():
    first = send_test_mail()
    again = send_test_mail(to="someone-else@example.org")
    assert again.pk == first.pk
    assert Message.objects.count() == 1 and QueuedTask.objects.count() == 1


def test_a_person_needs_consent_for_the_channel(person, practitioner):
    person.phone, person.email = "021 123 4567", "mere@example.org"
    person.save()
    with pytest.raises(PracticeError) as refused:
        message_send(
            channel=Channel.TEXT, person=person, purpose="test", template="test",
            context={"sender": "Aroha"}, idempotency_key="t1",
        )  # fmt: skip
    assert refused.value.errors == {
        "channel": ["Mere has not consented to be contacted by text message."]
    }
    # Consent to email does not cover text messages.
    give_consent(person, ConsentPurpose.CONTACT_EMAIL, practitioner)
    with pytest.raises(PracticeError):
        message_send(
            channel=Channel.TEXT, person=person, purpose="test", template="test",
            context={"sender": "Aroha"}, idempotency_key="t2",
        )  # fmt: skip
    give_consent(person, ConsentPurpose.CONTACT_TEXT, practitioner)
    message = message_send(
        channel=Channel.TEXT, person=person, purpose="test", template="test",
        context={"sender": "Aroha"}, idempotency_key="t3",
    )  # fmt: skip
    assert message.to == "+64211234567"
    assert message.body_text.startswith("Kia ora, this is a test text message")
    # Withdrawn later: refused again.
    give_consent(person, ConsentPurpose.CONTACT_TEXT, practitioner, ConsentStatus.WITHDRAWN)
    with pytest.raises(PracticeError):
        message_send(
            channel=Channel.TEXT, person=person, purpose="test", template="test",
            context={"sender": "Aroha"}, idempotency_key="t4",
        )  # fmt: skip
    assert Message.objects.count() == 1


def test_a_person_without_a_number_or_with_a_landline_gets_a_clear_message(person, practitioner):
    give_consent(person, ConsentPurpose.CONTACT_TEXT, practitioner)
    options = {
        "channel": Channel.TEXT, "person": person, "purpose": "test", "template": "test",
        "context": {"sender": "Aroha"}, "idempotency_key": "t1",
    }  # fmt: skip
    with pytest.raises(PracticeError) as refused:
        message_send(**options)
    assert refused.value.errors["to"] == [
        "Mere has no mobile number recorded; add one to their details first."
    ]
    person.phone = "09 379 0000"
    person.save()
    with pytest.raises(PracticeError) as refused:
        message_send(**options)
    assert "landline" in refused.value.errors["to"][0]
    assert not Message.objects.exists()


def test_a_bad_address_gets_a_clear_message():
    with pytest.raises(PracticeError) as refused:
        send_test_mail(to="aroha@")
    assert refused.value.errors == {"to": ["Enter an email address like name@example.org."]}


def test_the_recipients_language_chooses_the_words(reachable_person):
    reachable_person.languages = "te reo Māori, English"
    assert language_for_person(reachable_person) == "mi"
    reachable_person.languages = "English, te reo Māori"
    assert language_for_person(reachable_person) == "en"
    reachable_person.languages = "Samoan"
    assert language_for_person(reachable_person) == "en"
    reachable_person.languages = "Te Reo"
    reachable_person.save()
    message = message_send(
        channel=Channel.EMAIL, person=reachable_person, purpose="test", template="test",
        context={"sender": "Aroha"}, idempotency_key="reo",
    )  # fmt: skip
    assert message.language == "mi"
    assert message.subject == "He karere whakamātautau nā Hononga"
    assert "Aroha" in message.body_text and "This is a test" not in message.body_text


def test_a_built_message_is_written_at_send_time_with_its_secret_masked_in_production(
    reachable_person, settings
):
    settings.MESSAGES_SHOW_SECRETS = False
    message = message_send(
        channel=Channel.EMAIL, person=reachable_person, purpose="checkin_link",
        builder="hononga.messaging.tests.builders.build_code_message",
        builder_kwargs={"greeting": "Kia ora Mere"}, idempotency_key="link:1",
    )  # fmt: skip
    assert message.body_text == "" and builders.ISSUED == []
    Worker().run_pending()
    message.refresh_from_db()
    (code,) = builders.ISSUED
    assert message.status == MessageStatus.SENT
    assert message.body_text == "Kia ora Mere, open [hidden] to answer."
    assert code not in message.body_html and "[hidden]" in message.body_html
    assert message.secrets_masked
    # Nowhere else either: not in the task's arguments or result.
    task = QueuedTask.objects.get()
    assert code not in str(task.arguments) + str(task.return_value) + task.last_error


def test_the_development_outbox_keeps_the_link_in_full(reachable_person, settings):
    settings.MESSAGES_SHOW_SECRETS = True
    message = message_send(
        channel=Channel.TEXT, person=reachable_person, purpose="checkin_link",
        builder="hononga.messaging.tests.builders.build_code_message",
        builder_kwargs={"greeting": "Kia ora"}, idempotency_key="link:2",
    )  # fmt: skip
    Worker().run_pending()
    message.refresh_from_db()
    (code,) = builders.ISSUED
    assert code in message.body_text and not message.secrets_masked
    assert message.body_html == ""  # a text message has no HTML


def test_text_messages_are_refused_where_no_gateway_is_set_up(settings):
    settings.TEXT_BACKEND = ""
    with pytest.raises(PracticeError) as refused:
        send_test_mail(channel=Channel.TEXT, to="021 123 4567")
    assert "not set up" in refused.value.message


def test_a_message_already_sent_is_not_sent_again_when_its_task_reruns():
    message = send_test_mail()
    Worker().run_pending()
    task = QueuedTask.objects.get()
    # At least once: the task may run again (e.g. its worker died after sending).
    QueuedTask.objects.filter(pk=task.pk).update(status=TaskResultStatus.READY)
    Worker().run_pending()
    task.refresh_from_db()
    assert task.return_value == "already sent"
    message.refresh_from_db()
    assert message.attempts == 1


def test_a_message_not_sent_in_time_fails_with_the_reason_instead(mailoutbox):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now(), tick=False) as clock:
        message = send_test_mail(send_within=timedelta(minutes=10))
        clock.shift(timedelta(minutes=11))  # the worker was down
        Worker().run_pending()
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.last_error.startswith("Not sent: it had to go by")
    assert mailoutbox == []
