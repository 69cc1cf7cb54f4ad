"""Messages Hononga sends — mail and text messages — with their delivery status."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    TEXT = "text", _("Text message")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")  # waiting for the worker, or for its next try
    SENT = "sent", _("Sent")  # handed to the mail server or gateway
    DELIVERED = "delivered", _("Delivered")  # the gateway reported it reached the phone
    FAILED = "failed", _("Failed")  # given up; `last_error` says why


class Message(models.Model):
    """One message to one recipient, and what became of it.

    The stored subject and bodies are the copy shown in the outbox. A message whose body is
    built at send time (`builder`) has it filled in by the sending task; where settings say so
    (production), secrets in it — one-time links and codes — are masked in this copy.
    """

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    to = models.CharField(_("to"), max_length=254)  # an email address, or a number in E.164
    person = models.ForeignKey(
        "whanau.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=8, default="en")
    purpose = models.CharField(_("purpose"), max_length=40)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    builder = models.CharField(max_length=255, blank=True)  # dotted path; see services
    builder_kwargs = models.JSONField(default=dict, blank=True)  # never a secret
    secrets_masked = models.BooleanField(default=False)
    idempotency_key = models.CharField(max_length=200, unique=True)
    # Sent to the transport with every attempt (gateway Idempotency-Key, mail Message-ID), so a
    # retry after a timeout can be recognised as the same message.
    delivery_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(_("reason"), blank=True)
    transport = models.CharField(max_length=30, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Not sent after this (a sign-in code is no use an hour late): failed instead, with a reason.
    send_before = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        indexes = [
            # The outbox, newest first, and filtered by status.
            models.Index(fields=["-created_at", "-id"], name="message_outbox_idx"),
            models.Index(fields=["status", "-created_at"], name="message_status_idx"),
            # Delivery reports find their message by the gateway's id.
            models.Index(
                fields=["provider_id"],
                name="message_provider_idx",
                condition=~models.Q(provider_id=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} to {self.to} ({self.get_status_display()})"
