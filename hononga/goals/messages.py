"""The goal link message, built in the sending task (see `hononga.goals.sending`)."""

import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hononga.checkins.models import CheckInLink
from hononga.checkins.services import TOKEN_BYTES, hash_token
from hononga.goals.models import GoalLink, GoalLinkSend
from hononga.goals.services import link_state
from hononga.messaging.models import Message
from hononga.messaging.rendering import Content, render_message
from hononga.tasks.backend import PermanentFailure

TEMPLATE = "goal_link"


def sender_name(user: object) -> str:
    """The sender's first name: all a goal link shows about them."""
    preferred = getattr(user, "preferred_name", "") or getattr(user, "first_name", "")
    return preferred or "Hononga"


def build_goal_link_message(message: Message, *, send_id: int) -> Content:
    """Make the link's new token and the message that carries it (called by the worker).

    Runs inside the task's transaction: the token's hash (on the goal link and, for a combined
    link, its check-in link) and the stored (masked) copy commit together. A send that a newer
    send replaced, or a link answered, revoked or expired in the meantime, is not sent.
    """
    send = GoalLinkSend.objects.filter(pk=send_id).select_related("sent_by").first()
    if send is None:
        raise PermanentFailure("The link to send no longer exists.")
    with transaction.atomic():
        link = (
            GoalLink.objects.select_for_update(of=("self",))
            .select_related("rater", "whanau", "checkin_link")
            .get(pk=send.link_id)
        )
        if GoalLinkSend.objects.filter(link=link, pk__gt=send.pk).exists():
            raise PermanentFailure("Not sent: the link was sent again; that message replaces this.")
        state = link_state(link)
        if state != "open":
            raise PermanentFailure(f"Not sent: the link is {state} now.")
        raw = secrets.token_urlsafe(TOKEN_BYTES)
        link.token_hash = hash_token(raw)
        link.save(update_fields=["token_hash"])
        combined = link.checkin_link_id is not None and link.checkin_link.used_at is None  # type: ignore[union-attr]
        if link.checkin_link_id is not None:
            CheckInLink.objects.filter(pk=link.checkin_link_id).update(token_hash=link.token_hash)
    view = "checkins:answer" if combined else "goals:answer"
    url = settings.SITE_URL + reverse(view, args=[raw])
    return render_message(
        TEMPLATE,
        {
            "name": link.rater.preferred_name,
            "worker": sender_name(send.sent_by),
            "url": url,
            "checkin": combined,
            "expires": timezone.localtime(link.expires_at).date(),
        },
        language=message.language,
        channel=message.channel,
        secrets=(url, raw),
    )
