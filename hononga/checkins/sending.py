"""Sending a one-time check-in link by text message or email, from Hononga.

`link_send` checks everything that can be checked now — access, the link still open, the
person's consent to check-ins and to the channel, their number or address, the rate limits —
then queues the message in the same transaction as its `CheckInLinkSend` row and the audit
event. Nothing is sent inside the request: the worker runs the builder
(`hononga.checkins.messages.build_link_message`), which makes the token, so a token never
exists in task arguments, the audit trail or logs, and the stored copy masks it in production.

Every send gives the link a new token (the earlier one, copied or sent, stops working): "send
again" is a resend with a new token. Revoking the link stops the latest one.

Goal links (issue 17) plug in the same way: a `GoalLinkSend`-like row, a builder that makes the
goal link's token, and the same `message_send` call with the person's consent for the channel.
"""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hononga.accounts.models import User
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.checkins.models import CheckInLink, CheckInLinkSend
from hononga.checkins.services import (
    _editable_relationship,
    _link_state,
    _not_found,
    require_consent,
)
from hononga.core.errors import PracticeError
from hononga.messaging.models import Channel as MessageChannel
from hononga.messaging.services import message_send

BUILDER = "hononga.checkins.messages.build_link_message"
PURPOSE = "checkin_link"

# A link sent three times in a day is not reaching them; a person is not sent more than five
# links a day whoever sends them; a user's sends an hour are capped well above any real week.
SENDS_PER_LINK_PER_DAY = 3
SENDS_PER_PERSON_PER_DAY = 5
SENDS_PER_USER_PER_HOUR = 60


class TooManySends(PracticeError):
    status = 429
    title = "Too many messages"


def _channel(value: Any) -> str:
    if value not in (MessageChannel.TEXT, MessageChannel.EMAIL):
        text = _("Choose text message or email.")
        raise PracticeError(text, errors={"channel": [text]})
    return str(value)


def _check_limits(link: CheckInLink, actor: User) -> None:
    now = timezone.now()
    day = now - timedelta(days=1)
    if CheckInLinkSend.objects.filter(link=link, created_at__gte=day).count() >= (
        SENDS_PER_LINK_PER_DAY
    ):
        raise TooManySends(
            _(
                "This link has been sent %(n)s times in the last day. Check the number or "
                "address with them, or talk with them another way."
            )
            % {"n": SENDS_PER_LINK_PER_DAY}
        )
    if CheckInLinkSend.objects.filter(person_id=link.rater_id, created_at__gte=day).count() >= (
        SENDS_PER_PERSON_PER_DAY
    ):
        raise TooManySends(
            _("%(name)s has been sent %(n)s links in the last day; try again tomorrow.")
            % {"name": link.rater.preferred_name, "n": SENDS_PER_PERSON_PER_DAY}
        )
    hour = now - timedelta(hours=1)
    if CheckInLinkSend.objects.filter(sent_by=actor, created_at__gte=hour).count() >= (
        SENDS_PER_USER_PER_HOUR
    ):
        raise TooManySends(
            _("You have sent %(n)s links in the last hour; try again later.")
            % {"n": SENDS_PER_USER_PER_HOUR}
        )


_STATE_MESSAGES = {
    "used": gettext_lazy("This link has already been answered."),
    "revoked": gettext_lazy("This link was revoked; make a new one."),
    "expired": gettext_lazy("This link has expired; make a new one."),
    "closed": gettext_lazy(
        "The relationship, the whānau or the person is closed, or the person has withdrawn "
        "consent to check-ins: the link cannot be sent."
    ),
}


def link_send(
    *,
    actor: User,
    link_id: int,
    channel: str,
    request: HttpRequest | None = None,
) -> CheckInLinkSend:
    """Queue the link to its person by `channel` ("text" or "email"); see the module docstring."""
    found = CheckInLink.objects.filter(pk=link_id).select_related("rater").first()
    if found is None:
        raise _not_found()
    relationship = _editable_relationship(actor, found.relationship_id)
    channel = _channel(channel)
    with transaction.atomic():
        # Locked: two sends of one link at once would count past the limit and race for the token.
        link = (
            CheckInLink.objects.select_for_update(of=("self",))
            .select_related("rater", "relationship__whanau")
            .get(pk=found.pk)
        )
        state = link.state()
        if state == "open":
            state = _link_state(link)
        if state != "open":
            refusal = str(_STATE_MESSAGES[state])
            raise PracticeError(refusal, errors={"__all__": [refusal]})
        require_consent(link.rater)
        _check_limits(link, actor)
        send = CheckInLinkSend.objects.create(
            link=link, person=link.rater, channel=channel, sent_by=actor
        )
        message = message_send(
            channel=channel,
            person=link.rater,
            purpose=PURPOSE,
            idempotency_key=f"checkin-link-send:{send.pk}",
            language=link.language,
            builder=BUILDER,
            builder_kwargs={"send_id": send.pk},
            requested_by=actor,
        )
        send.message = message
        send.save(update_fields=["message"])
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=link,
            whanau_id=relationship.whanau_id,
            summary=(
                f"Queued a one-time check-in link by {channel} for relationship {relationship.pk}"
            ),
            data={"channel": channel, "message": message.pk, "send": send.pk},
            request=request,
        )
    return send


def link_sends(links: list[CheckInLink]) -> dict[int, CheckInLinkSend]:
    """The latest send of each link, with its message and sender: one query."""
    if not links:
        return {}
    latest = (
        CheckInLink.objects.filter(pk__in=[link.pk for link in links])
        .annotate(
            latest_send=Subquery(
                CheckInLinkSend.objects.filter(link=OuterRef("pk"))
                .order_by("-created_at", "-id")
                .values("pk")[:1]
            )
        )
        .values("latest_send")
    )
    rows = CheckInLinkSend.objects.filter(pk__in=latest).select_related("message", "sent_by")
    return {row.link_id: row for row in rows}
