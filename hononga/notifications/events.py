"""Who is told of what: one function an event, called by the service where it happens (inside
its transaction), and the daily reminders (`hononga notifications remind`).

Each names the users to tell and the page to link to; `services.notify` does the rest (once an
event a user, the neutral sentence, email by preference).
"""

from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from hononga.accounts.models import Role, User
from hononga.notifications.models import Kind
from hononga.notifications.services import OVERDUE_ITEM, notify

PLAN_REVIEW_NOTICE = timedelta(days=14)  # a plan review is announced this long before it
ITEM_DUE_NOTICE = timedelta(days=1)  # an agreement item: the day before it is due
BATCH = 1000


def _allocated(whanau_id: int) -> list[User]:
    from hononga.whanau.models import Allocation

    return [
        allocation.user
        for allocation in Allocation.objects.current()
        .filter(whanau_id=whanau_id)
        .select_related("user")[:50]
    ]


def checkin_answered(*, link: Any, checkin: Any) -> None:
    """A one-time link was answered: tell who made it and who last sent it."""
    from hononga.checkins.models import CheckInLinkSend

    sender = (
        CheckInLinkSend.objects.filter(link=link).select_related("sent_by").order_by("-id").first()
    )
    notify(
        users=[link.created_by, sender.sent_by if sender else None],
        kind=Kind.CHECKIN_ANSWERED,
        url=reverse("checkins:relationship", args=[link.relationship_id]),
        event_key=f"checkin-answered:{checkin.pk}",
    )


def checkin_flagged(*, checkin: Any, relationship: Any, exclude: User | None) -> None:
    """A new check-in carries a flag: tell the practitioner in the relationship and the staff
    allocated to the whānau (not whoever entered it: they have just seen it)."""
    users = _allocated(relationship.whanau_id)
    for side in (relationship.person_a, relationship.person_b):
        if side.user_id:
            users.append(side.user)
    notify(
        users=users,
        kind=Kind.RELATIONSHIP_FLAGGED,
        url=reverse("checkins:relationship", args=[relationship.pk]),
        event_key=f"checkin-flagged:{checkin.pk}",
        exclude=exclude,
    )


def process_referred(*, process: Any, actor: User) -> None:
    notify(
        users=[process.facilitator],
        kind=Kind.PROCESS_WAITING,
        url=reverse("restorative:process", args=[process.pk]),
        event_key=f"process-facilitator:{process.pk}:{process.facilitator_id}",
        exclude=actor,
    )


def process_moved(*, process: Any, actor: User, to_state: str) -> None:
    notify(
        users=[process.referred_by],
        kind=Kind.PROCESS_MOVED,
        url=reverse("restorative:process", args=[process.pk]),
        event_key=f"process-moved:{process.pk}:{to_state}",
        exclude=actor,
    )


def break_glass(*, grant: Any) -> None:
    """Someone broke glass: tell the supervisors of the whānau's team."""
    supervisors = User.objects.filter(
        role=Role.SUPERVISOR, is_active=True, teams=grant.whanau.team_id
    )[:50]
    notify(
        users=list(supervisors),
        kind=Kind.BREAK_GLASS,
        url=reverse("whanau:detail", args=[grant.whanau_id]),
        event_key=f"break-glass:{grant.pk}",
        exclude=grant.user,
    )


# --- The daily reminders


def reminders_send(*, today: date | None = None) -> dict[str, int]:
    """Due and overdue agreement items, follow-ups due, plan reviews coming, advisories starting.

    Idempotent: each reminder's event key names the record and the due state, so a second run
    on the same day (or the next day, for something still due) tells nobody twice. Each query
    reads an index on its date and walks it in batches by id.
    """
    from hononga.advisories.models import Advisory
    from hononga.restorative.models import (
        AgreementItem,
        FollowUp,
        ItemStatus,
        ProcessKind,
        RestorativeProcess,
        State,
    )

    today = today or timezone.localdate()
    counts = {"items": 0, "follow_ups": 0, "reviews": 0, "advisories": 0}
    finished = [State.CLOSED, State.NOT_PROCEEDING]

    items = AgreementItem.objects.filter(
        status=ItemStatus.OPEN, due__lte=today + ITEM_DUE_NOTICE, archived_at__isnull=True
    ).exclude(process__state__in=finished)
    for item in _batches(items.select_related("process__facilitator")):
        overdue = item.due < today
        made = notify(
            users=[item.process.facilitator],
            kind=Kind.AGREEMENT_ITEM_DUE,
            text=OVERDUE_ITEM if overdue else "",
            url=reverse("restorative:process", args=[item.process_id]),
            event_key=f"item-{'overdue' if overdue else 'due'}:{item.pk}:{item.due}",
        )
        counts["items"] += len(made)

    follow_ups = FollowUp.objects.filter(held_at__isnull=True, scheduled_for__lte=today).exclude(
        process__state__in=finished
    )
    for follow_up in _batches(follow_ups.select_related("process__facilitator")):
        made = notify(
            users=[follow_up.process.facilitator],
            kind=Kind.FOLLOW_UP_DUE,
            url=reverse("restorative:process", args=[follow_up.process_id]),
            event_key=f"follow-up-due:{follow_up.pk}:{follow_up.scheduled_for}",
        )
        counts["follow_ups"] += len(made)

    reviews = RestorativeProcess.objects.filter(
        kind=ProcessKind.FAMILY_GROUP_CONFERENCE,
        plan_review_date__lte=today + PLAN_REVIEW_NOTICE,
        plan_review_date__gte=today - timedelta(days=90),
    ).exclude(state__in=finished)
    for process in _batches(reviews.select_related("facilitator")):
        made = notify(
            users=[process.facilitator, *_allocated(process.whanau_id)],
            kind=Kind.PLAN_REVIEW_DUE,
            url=reverse("restorative:process", args=[process.pk]),
            event_key=f"plan-review:{process.pk}:{process.plan_review_date}",
        )
        counts["reviews"] += len(made)

    starting = Advisory.objects.filter(starts__lte=today, starts__gte=today - timedelta(days=7))
    starting = starting.filter(Q(ends__isnull=True) | Q(ends__gte=today))
    for advisory in starting.prefetch_related("regions")[:100]:
        region_ids = [region.pk for region in advisory.regions.all()]
        staff = (
            User.objects.filter(is_active=True, teams__region_id__in=region_ids)
            .exclude(role=Role.ADMIN)
            .distinct()
            .order_by("pk")
        )
        for users in _user_batches(staff):
            made = notify(
                users=users,
                kind=Kind.ADVISORY,
                url=reverse("advisories:list"),
                event_key=f"advisory:{advisory.pk}",
            )
            counts["advisories"] += len(made)
    return counts


def _batches(queryset: Any) -> Any:
    """Rows in id order, BATCH at a time (keyset), so memory stays bounded."""
    after = 0
    while True:
        rows = list(queryset.filter(pk__gt=after).order_by("pk")[:BATCH])
        if not rows:
            return
        yield from rows
        after = rows[-1].pk


def _user_batches(queryset: Any) -> Any:
    after = 0
    while True:
        rows = list(queryset.filter(pk__gt=after)[:BATCH])
        if not rows:
            return
        yield rows
        after = rows[-1].pk
