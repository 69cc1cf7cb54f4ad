"""The check-in link message, built in the sending task (see `hononga.checkins.sending`)."""

import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hononga.checkins.models import CheckInLink, CheckInLinkSend
from hononga.checkins.services import TOKEN_BYTES, _link_state, hash_token, worker_name
from hononga.messaging.models import Message
from hononga.messaging.rendering import Content, render_message
from hononga.tasks.backend import PermanentFailure

TEMPLATE = "checkin_link"


def build_link_message(message: Message, *, send_id: int) -> Content:
    """Make the link's new token and the message that carries it (called by the worker).

    Runs inside the task's transaction: the token's hash and the stored (masked) copy commit
    together. A send that a newer send replaced, or a link answered, revoked or expired in the
    meantime, is not sent (a permanent failure with the reason, shown with the link).
    """
    send = CheckInLinkSend.objects.filter(pk=send_id).first()
    if send is None:
        raise PermanentFailure("The link to send no longer exists.")
    with transaction.atomic():
        link = (
            CheckInLink.objects.select_for_update(of=("self",))
            .select_related(
                "rater",
                "relationship__whanau",
                "relationship__person_a__user",
                "relationship__person_b__user",
            )
            .get(pk=send.link_id)
        )
        if CheckInLinkSend.objects.filter(link=link, pk__gt=send.pk).exists():
            raise PermanentFailure("Not sent: the link was sent again; that message replaces this.")
        state = link.state()
        if state == "open":
            state = _link_state(link)
        if state != "open":
            raise PermanentFailure(f"Not sent: the link is {state} now.")
        raw = secrets.token_urlsafe(TOKEN_BYTES)
        link.token_hash = hash_token(raw)
        link.save(update_fields=["token_hash"])
    url = settings.SITE_URL + reverse("checkins:answer", args=[raw])
    return render_message(
        TEMPLATE,
        {
            "name": link.rater.preferred_name,
            "worker": worker_name(link.relationship) or "Hononga",
            "url": url,
            "expires": timezone.localtime(link.expires_at).date(),
        },
        language=message.language,
        channel=message.channel,
        secrets=(url, raw),
    )
