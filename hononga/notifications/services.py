"""Writes for notifications: `notify` (called by the services where things happen, inside their
transactions), reading them, preferences, and the daily jobs (reminders, the digest).

    notify(users=[facilitator], kind=Kind.PROCESS_WAITING, url=process_url,
           event_key=f"process-referred:{process.pk}:{facilitator.pk}")

The sentence shown and emailed is fixed per kind (TEXTS, translated when shown) — never names or
case detail; the link leads to the page, which checks access when opened. The same `event_key`
notifies each user once, so a daily reminder run twice, or a task re-run, adds nothing. By email:
at once (queued with the notification, so only if the caller's transaction commits), in the
daily digest, or not at all, per the user's preference for the kind.
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from hononga.accounts.models import User
from hononga.core.errors import NotFound, PracticeError
from hononga.messaging.models import Channel
from hononga.messaging.services import message_send
from hononga.notifications.models import (
    EmailDelivery,
    Kind,
    Notification,
    NotificationPreference,
    default_delivery,
)

logger = logging.getLogger("hononga.notifications")

# Marked for translation here, translated where shown (the list, the bell, the email).
TEXTS = {
    Kind.CHECKIN_ANSWERED: gettext_noop("A check-in link you sent was answered."),
    Kind.RELATIONSHIP_FLAGGED: gettext_noop("A new check-in flagged a relationship you work in."),
    Kind.AGREEMENT_ITEM_DUE: gettext_noop("An agreement item is due."),
    Kind.FOLLOW_UP_DUE: gettext_noop("A follow-up is due."),
    Kind.PLAN_REVIEW_DUE: gettext_noop("A family group conference plan is due for review."),
    Kind.PROCESS_WAITING: gettext_noop("A restorative process is waiting on you."),
    Kind.PROCESS_MOVED: gettext_noop("A restorative process you referred has moved on."),
    Kind.BREAK_GLASS: gettext_noop("Someone broke glass to see a whānau of your team."),
    Kind.ADVISORY: gettext_noop("A practice advisory starts in your region."),
}
OVERDUE_ITEM = gettext_noop("An agreement item is overdue.")

DIGEST_WINDOW = timedelta(days=7)  # older unread notifications are not mailed again
DIGEST_BATCH = 500  # users a query


def preferences_of(user_ids: Iterable[int]) -> dict[tuple[int, str], str]:
    rows = NotificationPreference.objects.filter(user_id__in=list(user_ids))
    return {(row.user_id, row.kind): row.email for row in rows.only("user_id", "kind", "email")}


def delivery_for(prefs: dict[tuple[int, str], str], user_id: int, kind: str) -> str:
    return prefs.get((user_id, kind)) or default_delivery(kind)


def notify(
    *,
    users: Iterable[User | None],
    kind: str,
    url: str,
    event_key: str,
    text: str = "",
    exclude: User | None = None,
) -> list[Notification]:
    """Notify each user once for this event (see the module docstring). Returns the new ones."""
    text = text or TEXTS[Kind(kind)]
    recipients = {
        user.pk: user
        for user in users
        if user is not None and user.is_active and (exclude is None or user.pk != exclude.pk)
    }
    if not recipients:
        return []
    already = set(
        Notification.objects.filter(user_id__in=recipients, event_key=event_key).values_list(
            "user_id", flat=True
        )
    )
    prefs = preferences_of(recipients)
    made = []
    for user_id, user in recipients.items():
        if user_id in already:
            continue
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    user=user, kind=kind, text=text, url=url[:300], event_key=event_key[:120]
                )
                if delivery_for(prefs, user_id, kind) == EmailDelivery.IMMEDIATELY:
                    _email_now(notification)
        except IntegrityError:
            continue  # notified at the same moment by another worker or request
        made.append(notification)
    return made


def _email_now(notification: Notification) -> None:
    user = notification.user
    if not user.email:
        return
    try:
        message_send(
            channel=Channel.EMAIL,
            user=user,
            purpose="notification",
            idempotency_key=f"notification:{notification.pk}",
            template="notification",
            context={
                "texts": [notification.text],
                "url": settings.SITE_URL + notification.url,
                "list_url": settings.SITE_URL + reverse("notifications:list"),
            },
        )
    except PracticeError as error:
        # An address Django refuses: the notification stands in the app.
        logger.warning("Notification %s not emailed: %s", notification.pk, error.message)
        return
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


# --- Reading


def _own(user: User, notification_id: int) -> Notification:
    found = Notification.objects.filter(pk=notification_id, user=user).first()
    if found is None:
        raise NotFound("Not found")
    return found


def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    notification = _own(user, notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notification_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preferences_update(
    *, user: User, choices: dict[str, str], request: HttpRequest | None = None
) -> None:
    for kind, email in choices.items():
        if kind not in Kind.values or email not in EmailDelivery.values:
            raise PracticeError(
                "Choose how to be told of each kind.", errors={kind: ["Choose one."]}
            )
    with transaction.atomic():
        for kind, email in choices.items():
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"email": email}
            )


# --- The daily digest


def _pending() -> QuerySet[Notification]:
    return Notification.objects.filter(read_at__isnull=True, emailed_at__isnull=True)


def digest_send(*, now: datetime | None = None) -> int:
    """One email a user with unread notifications set to "daily email"; returns emails queued.

    Idempotent: what went into a digest is marked emailed, and the day is in the message's
    idempotency key. Users are read in batches by id (keyset), so memory stays bounded.
    """
    now = now or timezone.now()
    since = now - DIGEST_WINDOW
    day = timezone.localdate(now)
    sent = 0
    after = 0
    while True:
        user_ids = list(
            _pending()
            .filter(created_at__gte=since, user_id__gt=after)
            .order_by("user_id")
            .values_list("user_id", flat=True)
            .distinct()[:DIGEST_BATCH]
        )
        if not user_ids:
            return sent
        after = user_ids[-1]
        prefs = preferences_of(user_ids)
        users = {u.pk: u for u in User.objects.filter(pk__in=user_ids, is_active=True)}
        pending: dict[int, list[Notification]] = {}
        for row in (
            _pending()
            .filter(user_id__in=user_ids, created_at__gte=since)
            .only("pk", "user_id", "kind", "text")
            .order_by("user_id", "created_at", "id")
        ):
            if delivery_for(prefs, row.user_id, row.kind) == EmailDelivery.DIGEST:
                pending.setdefault(row.user_id, []).append(row)
        for user_id, rows in pending.items():
            user = users.get(user_id)
            if user is None or not user.email:
                continue
            if _digest_one(user, rows, day=day.isoformat()):
                sent += 1


def _digest_one(user: User, rows: list[Notification], *, day: str) -> bool:
    texts = sorted({row.text for row in rows})
    try:
        with transaction.atomic():
            message_send(
                channel=Channel.EMAIL,
                user=user,
                purpose="notification_digest",
                idempotency_key=f"notification-digest:{user.pk}:{day}",
                template="notification",
                context={
                    "texts": texts,
                    "count": len(rows),
                    "url": settings.SITE_URL + reverse("notifications:list"),
                    "list_url": settings.SITE_URL + reverse("notifications:list"),
                },
            )
            Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
                emailed_at=timezone.now()
            )
    except PracticeError as error:
        logger.warning("Digest for user %s not sent: %s", user.pk, error.message)
        return False
    return True
