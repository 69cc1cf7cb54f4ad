"""Notifications for staff: in the app (the bell), and by email as each user prefers.

A notification holds a neutral sentence and a link, never case detail: the page behind the link
checks access when it is opened, so a notification outlives nothing it should not.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CHECKIN_ANSWERED = "checkin_answered", _("A check-in was answered")
    RELATIONSHIP_FLAGGED = "relationship_flagged", _("A relationship was flagged")
    AGREEMENT_ITEM_DUE = "agreement_item_due", _("An agreement item is due or overdue")
    FOLLOW_UP_DUE = "follow_up_due", _("A follow-up is due")
    PLAN_REVIEW_DUE = "plan_review_due", _("A family group conference plan review is due")
    PROCESS_WAITING = "process_waiting", _("A restorative process is waiting on you")
    PROCESS_MOVED = "process_moved", _("A restorative process you referred moved on")
    BREAK_GLASS = "break_glass", _("Someone broke glass to see a whānau of your team")
    ADVISORY = "advisory", _("A practice advisory starts in your region")


class EmailDelivery(models.TextChoices):
    IMMEDIATELY = "immediately", _("Email me straight away")
    DIGEST = "digest", _("In a daily email")
    OFF = "off", _("No email (only here)")


# Until a user chooses, the ones that need acting on soon come at once; the rest in the digest.
DEFAULT_DELIVERY = {
    Kind.BREAK_GLASS: EmailDelivery.IMMEDIATELY,
    Kind.PROCESS_WAITING: EmailDelivery.IMMEDIATELY,
}


def default_delivery(kind: str) -> str:
    return str(DEFAULT_DELIVERY.get(Kind(kind), EmailDelivery.DIGEST))


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    text = models.CharField(_("text"), max_length=300)  # neutral: no names, no case detail
    url = models.CharField(max_length=300)
    # The event, so that one event notifies each user once however often it is seen
    # (a daily reminder run twice, a re-delivered task).
    event_key = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # When it went out by email (at once, or in a digest); NULL: not (yet) emailed.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        constraints = [
            models.UniqueConstraint(fields=["user", "event_key"], name="notification_once"),
        ]
        indexes = [
            # The list page, newest first.
            models.Index(fields=["user", "-created_at", "-id"], name="notification_list_idx"),
            # The bell: a user's unread count reads this partial index only.
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread_idx"
            ),
            # The daily digest: unread, not yet emailed.
            models.Index(
                fields=["user", "created_at"],
                condition=Q(read_at__isnull=True, emailed_at__isnull=True),
                name="notification_digest_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"


class NotificationPreference(models.Model):
    """How a user wants one kind by email; a kind with no row gets its default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    email = models.CharField(max_length=12, choices=EmailDelivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.email}"
