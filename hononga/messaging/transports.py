"""How messages leave: mail through Django's email API, text messages through a TextBackend.

Each transport raises DeliveryError with `permanent=True` when trying again cannot help (the
server refused the address for good, the gateway rejected the number) and `permanent=False`
when it might (timeouts, connection errors, 5xx, 429): the sending task then retries with
backoff, and marks the message failed with the reason when it gives up.

Text backends (settings.TEXT_BACKEND):
- OutboxTextBackend — development and tests: nothing leaves; the message shows in the outbox.
- HttpGatewayTextBackend — one JSON-over-HTTPS gateway (TEXT_GATEWAY_URL, TEXT_GATEWAY_KEY);
  the request and response shapes are in docs/messages.md, with what adapting a provider takes.
"""

import hashlib
import hmac
import json
import logging
import smtplib
import urllib.error
import urllib.request
from collections.abc import Sequence
from email.utils import make_msgid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils.module_loading import import_string

from hononga.messaging.rendering import Content

if TYPE_CHECKING:
    from hononga.messaging.models import Message

logger = logging.getLogger(__name__)

MESSAGE_HEADER = "X-Hononga-Message"


class DeliveryError(Exception):
    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


# -- mail --------------------------------------------------------------------------------------


def _smtp_permanent(code: int | None) -> bool:
    return code is not None and 500 <= code < 600


def send_email(message: "Message", content: Content) -> tuple[str, str]:
    """Send through the configured Django email backend; return (transport, provider id)."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "hononga.localhost"
    # The same on every attempt, so a mail that arrives twice (a retry after a timeout) can be
    # recognised as one by the recipient's mail client.
    message_id = f"<{message.delivery_key}@{domain}>"
    email = EmailMultiAlternatives(
        subject=content.subject,
        body=content.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers={"Message-ID": message_id, MESSAGE_HEADER: str(message.delivery_key)},
    )
    if content.html:
        email.attach_alternative(content.html, "text/html")
    connection = get_connection(fail_silently=False)
    # "smtp", "outbox", or the backend module's name ("locmem" in tests).
    transport = getattr(connection, "transport_name", type(connection).__module__.split(".")[-1])
    try:
        sent = connection.send_messages([email])
    except smtplib.SMTPRecipientsRefused as error:
        code, refusal = next(iter(error.recipients.values()))
        said = refusal.decode(errors="replace") if isinstance(refusal, bytes) else str(refusal)
        reason = f"The mail server refused {message.to}: {code} {said}"
        raise DeliveryError(reason, permanent=_smtp_permanent(code)) from error
    except smtplib.SMTPResponseException as error:
        reply = error.smtp_error
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        reason = f"The mail server answered {error.smtp_code} {text}"
        raise DeliveryError(reason, permanent=_smtp_permanent(error.smtp_code)) from error
    except (smtplib.SMTPException, OSError) as error:
        reason = f"Could not reach the mail server: {error or type(error).__name__}"
        raise DeliveryError(reason, permanent=False) from error
    if not sent:
        raise DeliveryError("The mail backend sent nothing.", permanent=False)
    return transport, message_id


class OutboxEmailBackend(BaseEmailBackend):
    """Development and tests: mail goes nowhere; the outbox page shows it.

    Mail Hononga queued is already a Message (the header names it). Mail sent some other way
    through Django (an error report, a password reset) is added to the outbox as a Message.
    """

    transport_name = "outbox"

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        from hononga.messaging.models import Channel, Message, MessageStatus

        for email in email_messages:
            if MESSAGE_HEADER in email.extra_headers:
                continue
            html = ""
            for alternative, mimetype in getattr(email, "alternatives", []):
                if mimetype == "text/html":
                    html = str(alternative)
            Message.objects.create(
                channel=Channel.EMAIL,
                status=MessageStatus.SENT,
                transport=self.transport_name,
                to=", ".join(email.recipients())[:254],
                purpose="django",
                subject=str(email.subject)[:200],
                body_text=str(email.body),
                body_html=html,
                idempotency_key=f"django-mail:{make_msgid()}",
            )
        return len(email_messages)


# -- text messages -----------------------------------------------------------------------------


class TextBackend:
    name = "text"

    def send(self, *, to: str, body: str, delivery_key: str, callback_url: str) -> str:
        """Send one text message; return the provider's id for it (for delivery reports)."""
        raise NotImplementedError


class OutboxTextBackend(TextBackend):
    """Development and tests: nothing leaves; the outbox page shows the message."""

    name = "outbox"

    def send(self, *, to: str, body: str, delivery_key: str, callback_url: str) -> str:
        return f"outbox-{delivery_key}"


class HttpGatewayTextBackend(TextBackend):
    """One JSON-over-HTTPS gateway. POST to TEXT_GATEWAY_URL with

        Authorization: Bearer <TEXT_GATEWAY_KEY>
        Idempotency-Key: <the message's delivery key, the same on every retry>
        {"to": "+6421...", "from": <TEXT_GATEWAY_SENDER>, "body": "...",
         "reference": <delivery key>, "status_callback": <our callback URL>}

    and expect 2xx with {"id": "<provider id>"}. 4xx (but 408 and 429) is permanent; 5xx, 408,
    429, timeouts and connection errors are worth another try. Subclass and override
    `request_body` / `provider_id` / `headers` to fit a provider whose names differ.
    """

    name = "http-gateway"

    def __init__(
        self,
        url: str | None = None,
        key: str | None = None,
        *,
        sender: str | None = None,
        timeout: float | None = None,
    ) -> None:
        self.url = url or settings.TEXT_GATEWAY_URL
        self.key = key if key is not None else settings.TEXT_GATEWAY_KEY
        self.sender = sender if sender is not None else settings.TEXT_GATEWAY_SENDER
        self.timeout = timeout or settings.TEXT_GATEWAY_TIMEOUT

    def headers(self, delivery_key: str) -> dict[str, str]:
        return {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Authorization": f"Bearer {self.key}",
            "Idempotency-Key": delivery_key,
        }

    def request_body(
        self, *, to: str, body: str, delivery_key: str, callback_url: str
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "to": to,
            "body": body,
            "reference": delivery_key,
            "status_callback": callback_url,
        }
        if self.sender:
            payload["from"] = self.sender
        return payload

    def provider_id(self, answer: Any) -> str:
        if not isinstance(answer, dict) or not str(answer.get("id", "")).strip():
            raise DeliveryError("The gateway's answer had no message id.", permanent=False)
        return str(answer["id"])[:100]

    def send(self, *, to: str, body: str, delivery_key: str, callback_url: str) -> str:
        data = json.dumps(
            self.request_body(
                to=to, body=body, delivery_key=delivery_key, callback_url=callback_url
            )
        ).encode()
        if not self.url.startswith(("https://", "http://")):
            raise DeliveryError("TEXT_GATEWAY_URL is not an http(s) address.", permanent=True)
        request = urllib.request.Request(  # noqa: S310 (scheme checked above)
            self.url, data=data, headers=self.headers(delivery_key), method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read(65536)
        except urllib.error.HTTPError as error:
            detail = error.read(500).decode(errors="replace").strip()
            permanent = 400 <= error.code < 500 and error.code not in {408, 429}
            raise DeliveryError(
                f"The gateway answered {error.code}: {detail or error.reason}",
                permanent=permanent,
            ) from error
        except TimeoutError as error:
            raise DeliveryError(
                f"The gateway did not answer within {self.timeout:g} s.", permanent=False
            ) from error
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError):
                raise DeliveryError(
                    f"The gateway did not answer within {self.timeout:g} s.", permanent=False
                ) from error
            raise DeliveryError(
                f"Could not reach the gateway: {reason}", permanent=False
            ) from error
        try:
            answer = json.loads(raw or b"{}")
        except ValueError as error:
            raise DeliveryError("The gateway's answer was not JSON.", permanent=False) from error
        return self.provider_id(answer)


def text_backend() -> TextBackend | None:
    """The configured text backend, or None where text messages are not set up."""
    if not settings.TEXT_BACKEND:
        return None
    backend: TextBackend = import_string(settings.TEXT_BACKEND)()
    return backend


def status_callback_url() -> str:
    return settings.SITE_URL + reverse("messaging:text_status")


def callback_signature(body: bytes, secret: str) -> str:
    """`sha256=<hex>`: HMAC-SHA256 of the raw request body with the shared secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
