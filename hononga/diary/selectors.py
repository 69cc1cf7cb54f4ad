"""What is due for a user, by day: the diary page, its calendar feed and /api/v1/diary.

One function, `diary_items`, reads a bounded number of indexed queries whatever the size of the
agency: the user's own follow-ups and agreement items (processes they facilitate), family group
conference plan reviews (processes they facilitate, or in whānau allocated to them),
conferences planned in processes they facilitate, check-ins coming due or overdue on their own
practitioner relationships, and goal ratings due (an active goal in a whānau allocated to them
with no rating for 42 days, hononga.goals.outcomes.is_due). Each kind is capped
(`PER_KIND`); the range is at most `MAX_DAYS`.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hononga.accounts.models import User

MAX_DAYS = 62
PER_KIND = 200


@dataclass(frozen=True)
class DiaryItem:
    day: date
    kind: str  # follow_up, agreement_item, plan_review, checkin_due, conference, goal_rating_due
    title: str  # for the page (the user may see the whānau): names as recorded
    private_title: str  # for the calendar feed: initials only
    url: str
    whanau: str
    overdue: bool = False


KIND_LABELS = {
    "follow_up": _("Follow-up"),
    "agreement_item": _("Agreement item due"),
    "plan_review": _("Family group conference plan review"),
    "checkin_due": _("Check-in due"),
    "conference": _("Conference"),
    "goal_rating_due": _("Goal rating due"),
}


def initials(name: str) -> str:
    return "".join(f"{word[0].upper()}." for word in name.split() if word[:1].isalpha()) or "—"


def diary_items(user: User, start: date, end: date, *, today: date) -> list[DiaryItem]:
    """Items due from `start` to `end` (inclusive); overdue ones are given on `today` when the
    range holds today."""
    from hononga.checkins.models import CheckIn, Perspective
    from hononga.checkins.selectors import practitioner_relationships
    from hononga.checkins.services import settings_get
    from hononga.restorative.models import (
        AgreementItem,
        FollowUp,
        ItemStatus,
        ProcessKind,
        RestorativeProcess,
        State,
    )
    from hononga.whanau.models import Allocation

    if end < start or (end - start).days > MAX_DAYS:
        raise ValueError("range")
    show_overdue = start <= today <= end
    low = date.min if show_overdue else start
    finished = [State.CLOSED, State.NOT_PROCEEDING]
    items: list[DiaryItem] = []

    def when(day: date) -> tuple[date, bool]:
        return (today, True) if day < today and show_overdue and day < start else (day, day < today)

    for follow_up in (
        FollowUp.objects.filter(
            process__facilitator=user,
            held_at__isnull=True,
            scheduled_for__gte=low,
            scheduled_for__lte=end,
        )
        .exclude(process__state__in=finished)
        .select_related("participant__person", "process__whanau")
        .order_by("scheduled_for", "id")[:PER_KIND]
    ):
        person = follow_up.participant.person
        day, overdue = when(follow_up.scheduled_for)
        items.append(
            DiaryItem(
                day=day,
                kind="follow_up",
                title=str(_("Follow-up with %(name)s") % {"name": person.full_name}),
                private_title=str(_("Follow-up (%(who)s)") % {"who": initials(person.full_name)}),
                url=reverse("restorative:process", args=[follow_up.process_id]),
                whanau=follow_up.process.whanau.name,
                overdue=overdue,
            )
        )

    for item in (
        AgreementItem.objects.filter(
            process__facilitator=user,
            status=ItemStatus.OPEN,
            archived_at__isnull=True,
            due__gte=low,
            due__lte=end,
        )
        .exclude(process__state__in=finished)
        .select_related("owner__person", "process__whanau")
        .order_by("due", "id")[:PER_KIND]
    ):
        owner = item.owner.person
        day, overdue = when(item.due)
        items.append(
            DiaryItem(
                day=day,
                kind="agreement_item",
                title=str(
                    _("Agreement item due: %(what)s (%(name)s)")
                    % {"what": item.what[:80], "name": owner.full_name}
                ),
                private_title=str(
                    _("Agreement item due (%(who)s)") % {"who": initials(owner.full_name)}
                ),
                url=reverse("restorative:process", args=[item.process_id]),
                whanau=item.process.whanau.name,
                overdue=overdue,
            )
        )

    allocated = Allocation.objects.current().filter(user=user).values("whanau_id")
    for process in (
        RestorativeProcess.objects.filter(
            Q(facilitator=user) | Q(whanau_id__in=allocated),
            kind=ProcessKind.FAMILY_GROUP_CONFERENCE,
            plan_review_date__gte=low,
            plan_review_date__lte=end,
        )
        .exclude(state__in=finished)
        .select_related("whanau")
        .order_by("plan_review_date", "id")[:PER_KIND]
    ):
        if process.plan_review_date is None:  # excluded by the filter; for the type checker
            continue
        day, overdue = when(process.plan_review_date)
        items.append(
            DiaryItem(
                day=day,
                kind="plan_review",
                title=str(
                    _("Family group conference plan review: %(whanau)s")
                    % {"whanau": process.whanau.name}
                ),
                private_title=str(
                    _("Plan review (%(who)s)") % {"who": initials(process.whanau.name)}
                ),
                url=reverse("restorative:process", args=[process.pk]),
                whanau=process.whanau.name,
                overdue=overdue,
            )
        )

    for process in (
        RestorativeProcess.objects.filter(
            facilitator=user,
            conference_planned_on__gte=low,
            conference_planned_on__lte=end,
            state__in=[State.REFERRED, State.PREPARING, State.READY],
        )
        .select_related("whanau")
        .order_by("conference_planned_on", "id")[:PER_KIND]
    ):
        if process.conference_planned_on is None:  # excluded by the filter; for the type checker
            continue
        day, overdue = when(process.conference_planned_on)
        items.append(
            DiaryItem(
                day=day,
                kind="conference",
                title=str(
                    _("%(kind)s: %(whanau)s")
                    % {"kind": process.get_kind_display(), "whanau": process.whanau.name}
                ),
                private_title=str(
                    _("Conference (%(who)s)") % {"who": initials(process.whanau.name)}
                ),
                url=reverse("restorative:process", args=[process.pk]),
                whanau=process.whanau.name,
                overdue=overdue,
            )
        )

    items += _goal_ratings_due(allocated, low, end, when)

    overdue_days = settings_get().overdue_days
    relationships = list(practitioner_relationships(user)[:PER_KIND])
    last = dict(
        CheckIn.objects.filter(
            relationship_id__in=[r.pk for r in relationships],
            perspective=Perspective.SELF,
            archived_at__isnull=True,
        )
        .values("relationship_id")
        .annotate(last=Max("answered_at"))
        .values_list("relationship_id", "last")
    )
    for relationship in relationships:
        member = _member(relationship, user)
        if member is None:
            continue
        answered = last.get(relationship.pk)
        since = (
            timezone.localdate(answered)
            if answered is not None
            else relationship.started or timezone.localdate(relationship.created_at)
        )
        due_on = since + timedelta(days=overdue_days)
        if not low <= due_on <= end:
            continue
        day, overdue = when(due_on)
        items.append(
            DiaryItem(
                day=day,
                kind="checkin_due",
                title=str(_("Check-in due with %(name)s") % {"name": member.full_name}),
                private_title=str(
                    _("Check-in due (%(who)s)") % {"who": initials(member.full_name)}
                ),
                url=reverse("checkins:relationship", args=[relationship.pk]),
                whanau=relationship.whanau.name,
                overdue=overdue,
            )
        )
    items.sort(key=lambda i: (i.day, not i.overdue, i.kind, i.title))
    return items


def _goal_ratings_due(allocated: Any, low: date, end: date, when: Any) -> list[DiaryItem]:
    """Active goals in the user's whānau whose rating falls due (42 days after the latest
    rating, or after the goal was set) from `low` to `end`: one indexed query."""
    from datetime import datetime, time

    from hononga.goals.models import Goal, GoalStatus
    from hononga.goals.services import due_days

    days = due_days()
    last_high = end - timedelta(days=days)
    zone = timezone.get_current_timezone()
    rated_before = datetime.combine(last_high + timedelta(days=1), time.min, tzinfo=zone)
    rated = Q(latest_rated_at__lt=rated_before)
    never = Q(latest_rated_at__isnull=True, set_on__lte=last_high)
    if low != date.min:
        last_low = low - timedelta(days=days)
        rated &= Q(latest_rated_at__gte=datetime.combine(last_low, time.min, tzinfo=zone))
        never &= Q(set_on__gte=last_low)
    goals = (
        Goal.objects.filter(
            rated | never,
            whanau_id__in=allocated,
            status=GoalStatus.ACTIVE,
            archived_at__isnull=True,
        )
        .select_related("holder", "whanau")
        .order_by("latest_rated_at", "set_on", "id")[:PER_KIND]
    )
    items = []
    for goal in goals:
        last = (
            timezone.localtime(goal.latest_rated_at).date()
            if goal.latest_rated_at is not None
            else goal.set_on
        )
        day, overdue = when(last + timedelta(days=days))
        if goal.holder is not None:
            name = goal.holder.full_name
            title = _("Goal rating due: %(name)s") % {"name": name}
        else:
            name = goal.whanau.name
            title = _("Goal rating due: %(whanau)s together") % {"whanau": name}
        items.append(
            DiaryItem(
                day=day,
                kind="goal_rating_due",
                title=str(title),
                private_title=str(_("Goal rating due (%(who)s)") % {"who": initials(name)}),
                url=reverse("goals:detail", args=[goal.pk]),
                whanau=goal.whanau.name,
                overdue=overdue,
            )
        )
    return items


def _member(relationship: Any, user: User) -> Any:
    for side in (relationship.person_a, relationship.person_b):
        if side.user_id != user.pk:
            return side
    return None
