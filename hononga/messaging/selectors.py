from typing import Any

from django.db.models import QuerySet

from hononga.messaging.models import Message


def outbox_messages(filters: dict[str, Any]) -> QuerySet[Message]:
    """Messages newest first (message_outbox_idx / message_status_idx), filtered."""
    messages = Message.objects.only(
        "id",
        "channel",
        "status",
        "to",
        "purpose",
        "subject",
        "body_text",
        "created_at",
        "attempts",
        "last_error",
    )
    if filters.get("channel"):
        messages = messages.filter(channel=filters["channel"])
    if filters.get("status"):
        messages = messages.filter(status=filters["status"])
    return messages.order_by("-created_at", "-id")
