"""Sending a message: `message_send` queues it in the caller's transaction; the worker sends it.

    message_send(
        channel=Channel.EMAIL,            # or Channel.TEXT
        person=person,                    # a whānau member: their consent for the channel is needed
        purpose="checkin_link",           # a short slug, shown in the outbox
        idempotency_key=f"checkin-link:{link_request.pk}",
        builder="hononga.checkins.messages.build_link_message",   # built at send time ...
        builder_kwargs={"link_request_id": link_request.pk},      # ... from ids, never secrets
        requested_by=request.user,
    )

Content comes from exactly one of: `template` + `context` (rendered now, in the recipient's
language), `subject`/`body_text`/`body_html` (as given), or `builder` — the dotted path of a
function `builder(message, **builder_kwargs) -> Content` that the sending task calls on every
attempt, inside a transaction, just before sending. A builder is how a one-time token is made
without ever being stored in clear: it creates the token, puts the link in the content and
lists it in `Content.secrets`; the stored copy has it masked where settings say (production).
Each attempt calls the builder again (a retry after a failed send makes a new token; the builder
may revoke the previous one, using `message.attempts`).

The recipient is a `person` (their phone or email, and their current consent for the channel:
ConsentPurpose.CONTACT_TEXT / CONTACT_EMAIL), a staff `user` (their email; no consent needed),
or a bare `to` address for system mail (a test message). `to` overrides the person's or user's
address. `send_within` (a timedelta) gives up on a message not sent in time — a sign-in code is
no use an hour late — and marks it failed with that reason. Numbers are checked and stored in
E.164; NZ numbers may be written locally.

Delivery is at least once: the task retries with backoff and marks the message failed (with the
reason) when it gives up — never a silent loss. Queuing the same `idempotency_key` again returns
the message already queued. The caller audits its own action (sending a link is a change to the
whānau's record; `message_send` does not know the whānau).
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from hononga.accounts.models import User
from hononga.core.errors import PracticeError
from hononga.messaging.models import Channel, Message
from hononga.messaging.rendering import Content, render_message
from hononga.messaging.transports import text_backend
from hononga.messaging.validation import normalise_email, normalise_mobile
from hononga.relationships.models import ConsentPurpose
from hononga.relationships.selectors import consent_current
from hononga.whanau.models import Person

LANGUAGES = {"en", "mi"}
CHANNEL_CONSENT = {
    Channel.TEXT: ConsentPurpose.CONTACT_TEXT,
    Channel.EMAIL: ConsentPurpose.CONTACT_EMAIL,
}
PURPOSE_MAX = 40


def language_for_person(person: Person) -> str:
    """ "mi" when te reo Māori comes before English in the person's languages, else "en"."""
    text = person.languages.lower()
    reo = min((text.find(word) for word in ("māori", "maori", "reo") if word in text), default=-1)
    english = text.find("english")
    if reo >= 0 and (english < 0 or reo < english):
        return "mi"
    return "en"


def _address(channel: str, raw: str) -> str:
    try:
        return normalise_mobile(raw) if channel == Channel.TEXT else normalise_email(raw)
    except ValidationError as error:
        raise PracticeError(error.messages[0], errors={"to": error.messages}) from None


def message_send(
    *,
    channel: str,
    purpose: str,
    idempotency_key: str,
    person: Person | None = None,
    user: User | None = None,
    to: str = "",
    language: str = "",
    template: str = "",
    context: dict[str, Any] | None = None,
    subject: str = "",
    body_text: str = "",
    body_html: str = "",
    builder: str = "",
    builder_kwargs: dict[str, Any] | None = None,
    requested_by: User | None = None,
    send_within: timedelta | None = None,
) -> Message:
    """Queue one message (see the module docstring); PracticeError says what is wrong."""
    from hononga.messaging.tasks import message_deliver
    from hononga.tasks.backend import task_enqueue

    if channel not in Channel.values:
        raise PracticeError(
            _("Choose email or text message."),
            errors={"channel": [_("Choose email or text message.")]},
        )
    if channel == Channel.TEXT and text_backend() is None:
        text = _("Text messages are not set up here; send it by email.")
        raise PracticeError(text, errors={"channel": [text]})
    if person is not None and user is not None:
        raise ValueError("A message goes to a person or a user, not both.")
    if not 0 < len(purpose) <= PURPOSE_MAX or not 0 < len(idempotency_key) <= 200:
        raise ValueError("purpose (1–40 characters) and idempotency_key (1–200) are needed.")
    sources = [bool(template), bool(body_text or subject or body_html), bool(builder)]
    if sum(sources) != 1:
        raise ValueError("Give one of template, body_text (with subject for mail) or builder.")
    if builder:
        import_string(builder)  # fail now, in the caller, not later in the worker

    existing = Message.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing

    raw = to
    if not raw and person is not None:
        raw = person.phone if channel == Channel.TEXT else person.email
        if not raw:
            name = person.preferred_name
            text = (
                _("%(name)s has no mobile number recorded; add one to their details first.")
                if channel == Channel.TEXT
                else _("%(name)s has no email address recorded; add one to their details first.")
            ) % {"name": name}
            raise PracticeError(text, errors={"to": [text]})
    elif not raw and user is not None:
        raw = user.email if channel == Channel.EMAIL else ""
        if not raw:
            text = _("%(name)s has no email address.") % {"name": user.display_name}
            raise PracticeError(text, errors={"to": [text]})
    address = _address(channel, raw)
    if person is not None and not consent_current(person, CHANNEL_CONSENT[Channel(channel)]):
        text = (
            _("%(name)s has not consented to be contacted by text message.")
            if channel == Channel.TEXT
            else _("%(name)s has not consented to be contacted by email.")
        ) % {"name": person.preferred_name}
        raise PracticeError(text, errors={"channel": [text]})

    # A person's language from their details; a staff member's, the one they chose in Hononga.
    if not language:
        if person is not None:
            language = language_for_person(person)
        elif user is not None:
            language = getattr(user, "language", "") or "en"
        elif requested_by is not None:
            language = getattr(requested_by, "language", "") or "en"
        else:
            language = "en"
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {sorted(LANGUAGES)}")
    if template:
        content = render_message(template, context or {}, language=language, channel=channel)
    else:
        content = Content(subject=subject, text=body_text, html=body_html)
    if channel == Channel.EMAIL and not builder and not content.subject:
        raise ValueError("Mail needs a subject.")

    message = Message(
        channel=channel,
        to=address,
        person=person,
        user=user,
        requested_by=requested_by,
        language=language,
        purpose=purpose,
        subject=content.subject[:200],
        body_text=content.text,
        body_html=content.html if channel == Channel.EMAIL else "",
        builder=builder,
        builder_kwargs=builder_kwargs or {},
        idempotency_key=idempotency_key,
        send_before=timezone.now() + send_within if send_within is not None else None,
    )
    try:
        with transaction.atomic():
            message.save()
            task_enqueue(
                message_deliver, args=[message.pk], idempotency_key=f"message:{message.pk}"
            )
    except IntegrityError:
        # Queued at the same moment by another request with the same key.
        return Message.objects.get(idempotency_key=idempotency_key)
    return message


def secrets_shown() -> bool:
    return bool(settings.MESSAGES_SHOW_SECRETS)
