"""The task that sends one message, and what happens when it gives up."""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskContext, task
from django_tasks.base import TaskResult

from hononga.messaging.models import Channel, Message, MessageStatus
from hononga.messaging.rendering import Content, mask
from hononga.messaging.transports import (
    DeliveryError,
    send_email,
    status_callback_url,
    text_backend,
)
from hononga.tasks.backend import PermanentFailure

# 6 attempts over about half an hour (30 s, 1, 2, 4, 8 min between them, plus jitter).
MAX_ATTEMPTS = 6


def message_gave_up(result: TaskResult[Any], reason: str) -> None:
    """The last attempt failed: the message is failed, with the reason, for the outbox."""
    message_id = result.args[0]
    for prefix in ("DeliveryError: ", "PermanentFailure: "):
        reason = reason.removeprefix(prefix)
    Message.objects.filter(pk=message_id, status=MessageStatus.QUEUED).update(
        status=MessageStatus.FAILED, failed_at=timezone.now(), last_error=reason[:2000]
    )


def build(message: Message) -> Content:
    if not message.builder:
        return Content(subject=message.subject, text=message.body_text, html=message.body_html)
    builder = import_string(message.builder)
    content = builder(message, **message.builder_kwargs)
    if not isinstance(content, Content):
        raise PermanentFailure(f"{message.builder} did not return a Content")
    return content


@task(
    queue_name="messages",
    takes_context=True,
    max_attempts=MAX_ATTEMPTS,
    retry_base=30,
    retry_max=30 * 60,
    on_failure=message_gave_up,
)
def message_deliver(context: TaskContext, message_id: int) -> str:
    message = Message.objects.filter(pk=message_id).first()
    if message is None:
        raise PermanentFailure(f"Message {message_id} no longer exists.")
    if message.status != MessageStatus.QUEUED:
        return f"already {message.status}"  # a re-run after success (at least once)
    now = timezone.now()
    if message.send_before is not None and now > message.send_before:
        Message.objects.filter(pk=message.pk).update(attempts=context.attempt)
        raise PermanentFailure(
            "Not sent: it had to go by "
            f"{timezone.localtime(message.send_before):%Y-%m-%d %H:%M} and the time passed."
        )
    with transaction.atomic():
        # A builder may create a one-time token: it commits only with the copy that masks it.
        content = build(message)
        stored = content if settings.MESSAGES_SHOW_SECRETS else mask(content)
        Message.objects.filter(pk=message.pk).update(
            subject=stored.subject[:200],
            body_text=stored.text,
            body_html=stored.html if message.channel == Channel.EMAIL else "",
            secrets_masked=bool(content.secrets) and not settings.MESSAGES_SHOW_SECRETS,
            attempts=context.attempt,
            last_attempt_at=now,
        )
    try:
        if message.channel == Channel.EMAIL:
            transport, provider_id = send_email(message, content)
        else:
            backend = text_backend()
            if backend is None:
                raise DeliveryError("Text messages are not set up here.", permanent=True)
            transport = backend.name
            provider_id = backend.send(
                to=message.to,
                body=content.text,
                delivery_key=str(message.delivery_key),
                callback_url=status_callback_url(),
            )
    except DeliveryError as error:
        Message.objects.filter(pk=message.pk).update(last_error=error.reason[:2000])
        if error.permanent:
            raise PermanentFailure(error.reason) from error
        raise
    # Only from QUEUED: a delivery report may already have said DELIVERED.
    Message.objects.filter(pk=message.pk, status=MessageStatus.QUEUED).update(
        status=MessageStatus.SENT,
        sent_at=timezone.now(),
        transport=transport,
        provider_id=provider_id[:100],
        last_error="",
    )
    Message.objects.filter(pk=message.pk).exclude(provider_id=provider_id[:100]).update(
        provider_id=provider_id[:100], transport=transport
    )
    return "sent"
