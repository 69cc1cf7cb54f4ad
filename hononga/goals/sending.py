"""Sending a one-time goal link by text message or email, from Hononga.

The same rules as check-in links (hononga.checkins.sending, whose limits and refusals this
shares): everything that can be checked now — access, the link still open, the person's
consent to check-ins and to the channel, their number or address, the rate limits — is checked
in the request, then the message is queued in the same transaction as its `GoalLinkSend` row
and the audit event. The worker runs the builder (`hononga.goals.messages.build_goal_link_message`),
which makes the token, so a token never exists in task arguments, the audit trail or logs, and
the stored copy masks it in production.

Every send gives the link a new token (a combined link's check-in too: they share one);
"send again" is a resend with a new token. Revoking the link (services.link_revoke) stops it.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from hononga.accounts.models import User
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.checkins.models import CheckInLinkSend
from hononga.checkins.sending import (
    _STATE_MESSAGES,
    SENDS_PER_LINK_PER_DAY,
    SENDS_PER_PERSON_PER_DAY,
    SENDS_PER_USER_PER_HOUR,
    TooManySends,
    _channel,
)
from hononga.checkins.services import require_consent
from hononga.core.errors import PracticeError
from hononga.goals.models import GoalLink, GoalLinkSend
from hononga.goals.services import _not_found, editable_whanau, link_state
from hononga.messaging.services import message_send

BUILDER = "hononga.goals.messages.build_goal_link_message"
PURPOSE = "goal_link"


def _check_limits(link: GoalLink, actor: User) -> None:
    """The check-in link limits, counting goal and check-in links together for a person and a
    user (a person is not sent more than five links a day, whoever sends them and whatever for)."""
    now = timezone.now()
    day = now - timedelta(days=1)
    if GoalLinkSend.objects.filter(link=link, created_at__gte=day).count() >= (
        SENDS_PER_LINK_PER_DAY
    ):
        raise TooManySends(
            _(
                "This link has been sent %(n)s times in the last day. Check the number or "
                "address with them, or talk with them another way."
            )
            % {"n": SENDS_PER_LINK_PER_DAY}
        )
    to_person = (
        GoalLinkSend.objects.filter(person_id=link.rater_id, created_at__gte=day).count()
        + CheckInLinkSend.objects.filter(person_id=link.rater_id, created_at__gte=day).count()
    )
    if to_person >= SENDS_PER_PERSON_PER_DAY:
        raise TooManySends(
            _("%(name)s has been sent %(n)s links in the last day; try again tomorrow.")
            % {"name": link.rater.preferred_name, "n": SENDS_PER_PERSON_PER_DAY}
        )
    hour = now - timedelta(hours=1)
    by_user = (
        GoalLinkSend.objects.filter(sent_by=actor, created_at__gte=hour).count()
        + CheckInLinkSend.objects.filter(sent_by=actor, created_at__gte=hour).count()
    )
    if by_user >= SENDS_PER_USER_PER_HOUR:
        raise TooManySends(
            _("You have sent %(n)s links in the last hour; try again later.")
            % {"n": SENDS_PER_USER_PER_HOUR}
        )


def goal_link_send(
    *,
    actor: User,
    link_id: int,
    channel: str,
    request: HttpRequest | None = None,
) -> GoalLinkSend:
    """Queue the goal link to its person by `channel` ("text" or "email")."""
    found = GoalLink.objects.filter(pk=link_id).first()
    if found is None:
        raise _not_found()
    whanau = editable_whanau(actor, found.whanau_id)
    channel = _channel(channel)
    with transaction.atomic():
        # Locked (only the link: FOR UPDATE cannot apply to the nullable side of an outer
        # join on PostgreSQL): two sends at once would count past the limit and race for the
        # token.
        link = (
            GoalLink.objects.select_for_update(of=("self",))
            .select_related("rater", "whanau", "checkin_link")
            .get(pk=found.pk)
        )
        state = link_state(link)
        if state != "open":
            refusal = str(_STATE_MESSAGES[state])
            raise PracticeError(refusal, errors={"__all__": [refusal]})
        require_consent(link.rater)
        _check_limits(link, actor)
        send = GoalLinkSend.objects.create(
            link=link, person=link.rater, channel=channel, sent_by=actor
        )
        message = message_send(
            channel=channel,
            person=link.rater,
            purpose=PURPOSE,
            idempotency_key=f"goal-link-send:{send.pk}",
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
            whanau_id=whanau.pk,
            summary=f"Queued a one-time goal link by {channel} in whānau {whanau.pk}",
            data={"channel": channel, "message": message.pk, "send": send.pk},
            request=request,
        )
    return send


def goal_link_sends(links: list[GoalLink]) -> dict[int, GoalLinkSend]:
    """The latest send of each link, with its message and sender: one query."""
    if not links:
        return {}
    latest = (
        GoalLink.objects.filter(pk__in=[link.pk for link in links])
        .annotate(
            latest_send=Subquery(
                GoalLinkSend.objects.filter(link=OuterRef("pk"))
                .order_by("-created_at", "-id")
                .values("pk")[:1]
            )
        )
        .values("latest_send")
    )
    rows = GoalLinkSend.objects.filter(pk__in=latest).select_related("message", "sent_by")
    return {row.link_id: row for row in rows}
