"""Reads for notifications: the bell's count (one indexed query) and the list."""

from django.db.models import QuerySet

from hononga.accounts.models import User
from hononga.notifications.models import Notification

COUNT_CAP = 99  # the bell shows "99+" beyond this; counting further would read more rows


def unread_count(user: User) -> int:
    """Unread notifications, up to COUNT_CAP + 1: one query on the partial unread index."""
    return Notification.objects.filter(user=user, read_at__isnull=True)[: COUNT_CAP + 1].count()


def notification_list(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(user=user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-id")
