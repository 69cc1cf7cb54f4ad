"""The calendar feed's token: made (shown once, only its hash kept) and revoked; both audited."""

import hashlib
import secrets

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from hononga.accounts.models import User
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.diary.models import DiaryFeed


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def feed_create(*, user: User, request: HttpRequest | None = None) -> tuple[DiaryFeed, str]:
    """A new feed token for the user; any earlier one stops working."""
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        feed_revoke(user=user, request=request, audit=False)
        feed = DiaryFeed.objects.create(user=user, token_hash=hash_token(raw))
        record_event(
            actor=user,
            action=Action.TOKEN,
            target=feed,
            summary="Made a private calendar feed of their diary",
            request=request,
        )
    return feed, raw


def feed_revoke(*, user: User, request: HttpRequest | None = None, audit: bool = True) -> int:
    with transaction.atomic():
        count = DiaryFeed.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if count and audit:
            record_event(
                actor=user,
                action=Action.TOKEN,
                summary="Turned off their private calendar feed",
                request=request,
            )
    return count


def feed_for_token(raw: str) -> DiaryFeed | None:
    if not isinstance(raw, str) or not 20 <= len(raw) <= 100:
        return None
    return (
        DiaryFeed.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
