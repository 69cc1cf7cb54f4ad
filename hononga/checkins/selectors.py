"""Reads for check-ins: lists, a relationship's trends, and the relationships needing attention.

Every read starts from what the user may see (hononga.relationships.access). Flags are computed
from stored values (score, previous score, the paired mirror) with the current thresholds, so a
change of threshold shows at once everywhere.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from hononga.checkins import instrument, scoring, statistics
from hononga.checkins.models import CheckIn, CheckInLink, Perspective
from hononga.checkins.services import other_side, practitioner_side, settings_get, thresholds
from hononga.relationships import access as relationship_access
from hononga.relationships.models import Relationship
from hononga.whanau.models import Allocation, Person, WhanauStatus

COMMENTS_SHOWN = 200  # on the relationship page; the full list is on the check-ins page


def checkin_list(
    *,
    user: Any,
    relationship_id: int | None = None,
    whanau_id: int | None = None,
    rater_id: int | None = None,
    since: date | datetime | None = None,
    until: date | None = None,
    perspective: str | None = None,
    channel: str | None = None,
    flag: str | None = None,
    t: scoring.Thresholds | None = None,
) -> QuerySet[CheckIn]:
    """Check-ins the user may see, newest first; `flag` keeps those that carry it (see
    `flag_condition`, with thresholds `t`, default the current ones)."""
    checkins = CheckIn.objects.filter(
        relationship__in=relationship_access.relationships_for_user(user).values("pk"),
        archived_at__isnull=True,
    ).select_related("rater", "recorded_by", "counterpart", "relationship")
    if relationship_id is not None:
        checkins = checkins.filter(relationship_id=relationship_id)
    if whanau_id is not None:
        checkins = checkins.filter(relationship__whanau_id=whanau_id)
    if rater_id is not None:
        checkins = checkins.filter(rater_id=rater_id)
    if since is not None:
        if isinstance(since, datetime):
            checkins = checkins.filter(answered_at__gte=since)
        else:
            start = timezone.make_aware(datetime(since.year, since.month, since.day))
            checkins = checkins.filter(answered_at__gte=start)
    if until is not None:
        after = until + timedelta(days=1)
        end = timezone.make_aware(datetime(after.year, after.month, after.day))
        checkins = checkins.filter(answered_at__lt=end)
    if perspective is not None:
        checkins = checkins.filter(perspective=perspective)
    if channel is not None:
        checkins = checkins.filter(channel=channel)
    if flag is not None:
        checkins = checkins.filter(flag_condition(flag, t or thresholds()))
    return checkins.order_by("-answered_at", "-id")


# The flags one check-in can carry (`flags_of`); "overdue" belongs to a relationship.
CHECKIN_FLAGS = scoring.ordered(
    {
        scoring.LOW,
        scoring.RELIABLE_DROP,
        scoring.RELIABLE_RISE,
        scoring.DROPPED,
        scoring.PERCEPTION_GAP,
    }
)
TENTH = Decimal("0.1")
MAX_TENTHS = 100  # scores run from 0.0 to 10.0


def _tenths_above(minimum: Decimal) -> Decimal:
    """Scores are stored to one decimal, so a score, or a difference of two, is at least
    `minimum` exactly when it is above this: half a tenth below the first tenth that reaches
    `minimum`. The half tenth absorbs the floating-point noise of SQLite's arithmetic
    (4.1 − 3.1 is 0.99999… there)."""
    return (Decimal(math.ceil(minimum / TENTH)) - Decimal("0.5")) * TENTH


def _reliable_change_above(t: scoring.Thresholds) -> Decimal | None:
    """The same margin for a reliable change: found with the very test `flags_of` uses, on each
    possible change in tenths; None when no change can be reliable."""
    if t.sem <= 0:
        return None
    for tenths in range(1, MAX_TENTHS + 1):
        rci = statistics.reliable_change_index(0.0, tenths / 10, t.sem)
        if statistics.is_reliable_change(rci, t.rci_z):
            return (Decimal(tenths) - Decimal("0.5")) * TENTH
    return None


def flag_condition(flag: str, t: scoring.Thresholds) -> Q:
    """The database's version of "`flags_of(checkin, t)` includes `flag`", so a list can be
    filtered, counted and paged without loading the check-ins. The rules are scoring's, on the
    stored score, previous score and mirror pairing (a missing value never matches, as there)."""
    nothing = Q(pk__in=[])
    if flag == scoring.LOW:
        low_item = Q()
        for key in instrument.ITEM_KEYS:
            low_item |= Q(**{f"{key}__lte": t.low_item})
        return Q(score__isnull=False) & (Q(score__lt=_tenths_above(t.low_score)) | low_item)
    if flag == scoring.DROPPED:
        return Q(previous_score__gt=F("score") + _tenths_above(t.dropped))
    if flag in {scoring.RELIABLE_DROP, scoring.RELIABLE_RISE}:
        margin = _reliable_change_above(t)
        if margin is None:
            return nothing
        if flag == scoring.RELIABLE_DROP:
            return Q(previous_score__gt=F("score") + margin)
        return Q(score__gt=F("previous_score") + margin)
    if flag == scoring.PERCEPTION_GAP:
        # Items are whole numbers: "mirror − self ≥ gap_item" is "mirror ≥ self + ⌈gap_item⌉".
        gap_item = math.ceil(t.gap_item)
        gap_mean = _tenths_above(t.gap_mean)
        self_side = Q(counterpart__score__gt=F("score") + gap_mean)
        mirror_side = Q(score__gt=F("counterpart__score") + gap_mean)
        for key in instrument.ITEM_KEYS:
            self_side |= Q(**{f"counterpart__{key}__gte": F(key) + gap_item})
            mirror_side |= Q(**{f"{key}__gte": F(f"counterpart__{key}") + gap_item})
        return (Q(perspective=Perspective.SELF) & self_side) | (
            Q(perspective=Perspective.MIRROR) & mirror_side
        )
    raise ValueError(f"Unknown check-in flag: {flag!r}")


def flags_of(checkin: CheckIn, t: scoring.Thresholds) -> tuple[str, ...]:
    """Flags of one check-in; needs `counterpart` loaded (select_related) to avoid a query."""
    counterpart = checkin.counterpart if checkin.counterpart_id else None
    return scoring.checkin_flags(
        score_value=checkin.score,
        items=checkin.items(),
        previous=checkin.previous_score,
        perspective=checkin.perspective,
        counterpart_items=counterpart.items() if counterpart is not None else None,
        t=t,
    )


def with_flags(checkins: Iterable[CheckIn], t: scoring.Thresholds | None = None) -> list[CheckIn]:
    """Attach `flags` to each check-in (a plain attribute, for templates and schemas)."""
    t = t or thresholds()
    rows = list(checkins)
    for checkin in rows:
        checkin.flags = flags_of(checkin, t)  # type: ignore[attr-defined]
    return rows


# --- A relationship's trends ---------------------------------------------------------------------


@dataclass
class Trends:
    relationship: Relationship
    thresholds: scoring.Thresholds
    worker: Person | None
    member: Person | None
    own: list[CheckIn] = field(default_factory=list)
    mirror: list[CheckIn] = field(default_factory=list)
    collateral: list[CheckIn] = field(default_factory=list)
    open_links: list[CheckInLink] = field(default_factory=list)

    @property
    def all(self) -> list[CheckIn]:
        return sorted(
            [*self.own, *self.mirror, *self.collateral],
            key=lambda c: (c.answered_at, c.pk),
            reverse=True,
        )

    @property
    def comments(self) -> list[CheckIn]:
        return [c for c in self.all if c.comment][:COMMENTS_SHOWN]

    @property
    def first(self) -> CheckIn | None:
        return self.own[0] if self.own else None

    @property
    def latest(self) -> CheckIn | None:
        return self.own[-1] if self.own else None

    @property
    def latest_flags(self) -> tuple[str, ...]:
        latest = self.latest
        return getattr(latest, "flags", ()) if latest is not None else ()

    def profile_rows(self) -> list[dict[str, Any]]:
        first, latest = self.first, self.latest
        return [
            {
                "key": key,
                "label": instrument.quality(key),
                "first": getattr(first, key) if first else None,
                "latest": getattr(latest, key) if latest else None,
            }
            for key in instrument.ITEM_KEYS
        ]

    def collateral_by_rater(self) -> list[tuple[Person, list[CheckIn]]]:
        groups: dict[int, tuple[Person, list[CheckIn]]] = {}
        for c in self.collateral:
            groups.setdefault(c.rater_id, (c.rater, []))[1].append(c)
        return list(groups.values())

    def score_chart(self) -> dict[str, Any]:
        """A Chart.js line chart: own scores, mirror and others, the low line, flagged points."""

        def series(rows: list[CheckIn]) -> list[dict[str, Any]]:
            return [
                {"x": timezone.localtime(c.answered_at).date().isoformat(), "y": float(c.score)}
                for c in rows
                if c.score is not None
            ]

        flagged = [
            {"x": timezone.localtime(c.answered_at).date().isoformat(), "y": float(c.score)}
            for c in self.own
            if c.score is not None and set(getattr(c, "flags", ())) & scoring.ATTENTION_FLAGS
        ]
        datasets: list[dict[str, Any]] = [
            {
                "label": str(_label("own")),
                "data": series(self.own),
                "borderColor": "#1d5c4d",
                "backgroundColor": "#1d5c4d",
                "pointRadius": 4,
                "tension": 0,
            },
        ]
        if self.mirror:
            datasets.append(
                {
                    "label": str(_label("mirror")),
                    "data": series(self.mirror),
                    "borderColor": "#6a4c93",
                    "backgroundColor": "#6a4c93",
                    "borderDash": [4, 4],
                    "pointRadius": 3,
                }
            )
        if self.collateral:
            datasets.append(
                {
                    "label": str(_label("collateral")),
                    "data": series(self.collateral),
                    "borderColor": "#7a5a00",
                    "backgroundColor": "#7a5a00",
                    "showLine": False,
                    "pointStyle": "triangle",
                    "pointRadius": 5,
                }
            )
        if flagged:
            datasets.append(
                {
                    "label": str(_label("flagged")),
                    "data": flagged,
                    "borderColor": "#8a1c1c",
                    "backgroundColor": "#8a1c1c",
                    "showLine": False,
                    "pointStyle": "rectRot",
                    "pointRadius": 8,
                }
            )
        return {
            "type": "line",
            "data": {"datasets": datasets},
            "options": {
                "parsing": True,
                "scales": {
                    "x": {
                        "type": "category",
                        "labels": sorted({p["x"] for d in datasets for p in d["data"]}),
                    },
                    "y": {"min": 0, "max": 10, "title": {"display": True, "text": "Score"}},
                },
                "plugins": {
                    "hononga": {
                        "lines": [
                            {
                                "y": float(self.thresholds.low_score),
                                "label": str(_label("low_line"))
                                % {"score": self.thresholds.low_score},
                                "colour": "#8a1c1c",
                            }
                        ]
                    }
                },
            },
        }

    def profile_chart(self) -> dict[str, Any]:
        rows = self.profile_rows()
        datasets = [
            {
                "label": str(_label("first")),
                "data": [r["first"] for r in rows],
                "backgroundColor": "#9fc5b8",
                "borderColor": "#1d5c4d",
                "borderWidth": 1,
            },
            {
                "label": str(_label("latest")),
                "data": [r["latest"] for r in rows],
                "backgroundColor": "#1d5c4d",
            },
        ]
        return {
            "type": "bar",
            "data": {"labels": [r["label"] for r in rows], "datasets": datasets},
            "options": {
                "indexAxis": "y",
                "scales": {"x": {"min": 0, "max": 10}},
                "plugins": {
                    "hononga": {"lines": []},
                },
            },
        }


def _label(key: str) -> Any:
    from django.utils.translation import gettext as _

    return {
        "own": _("Their own answers"),
        "mirror": _("Your mirror"),
        "collateral": _("Others who know the relationship"),
        "flagged": _("Flagged"),
        "low_line": _("low: below %(score)s"),
        "first": _("First check-in"),
        "latest": _("Latest check-in"),
    }[key]


def relationship_trends(relationship: Relationship) -> Trends:
    """Everything the relationship page shows about check-ins (access checked by the caller).

    Two queries: the check-ins (with their pairs) and the open links.
    """
    t = thresholds()
    rows = with_flags(
        CheckIn.objects.filter(relationship=relationship, archived_at__isnull=True)
        .select_related("rater", "counterpart", "recorded_by")
        .order_by("answered_at", "id"),
        t,
    )
    trends = Trends(
        relationship=relationship,
        thresholds=t,
        worker=practitioner_side(relationship),
        member=other_side(relationship),
    )
    for c in rows:
        {
            Perspective.SELF: trends.own,
            Perspective.MIRROR: trends.mirror,
        }.get(Perspective(c.perspective), trends.collateral).append(c)
    now = timezone.now()
    trends.open_links = list(
        CheckInLink.objects.filter(
            relationship=relationship,
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
        ).select_related("rater")
    )
    return trends


# --- Relationships needing attention -------------------------------------------------------------


@dataclass
class Attention:
    relationship: Relationship
    member: Person
    flags: tuple[str, ...]
    reasons: list[str]
    latest: CheckIn | None
    last_date: date | None

    @property
    def urgency(self) -> int:
        return scoring.urgency(self.flags)


def _fmt(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def attention_for(
    relationship: Relationship,
    member: Person,
    latest_own: CheckIn | None,
    t: scoring.Thresholds,
    today: date,
    *,
    with_reasons: bool = True,
) -> Attention:
    flags: set[str] = set()
    if latest_own is not None:
        flags |= set(flags_of(latest_own, t)) & scoring.ATTENTION_FLAGS
    last_date = timezone.localtime(latest_own.answered_at).date() if latest_own else None
    since = relationship.started or timezone.localtime(relationship.created_at).date()
    if scoring.is_overdue(last_date, since, today, t):
        flags.add(scoring.OVERDUE)
    item = Attention(
        relationship=relationship,
        member=member,
        flags=scoring.ordered(flags),
        reasons=[],
        latest=latest_own,
        last_date=last_date,
    )
    if with_reasons:
        add_reasons(item, t, today)
    return item


def add_reasons(item: Attention, t: scoring.Thresholds, today: date) -> None:
    """The flags in words (only for the relationships shown: formatting is the slow part)."""
    latest, last_date = item.latest, item.last_date
    values = {
        "person": item.member.preferred_name,
        "score": _fmt(latest.score if latest else None),
        "previous": _fmt(latest.previous_score if latest else None),
        "change": _fmt(
            latest.previous_score - latest.score
            if latest and latest.previous_score is not None and latest.score is not None
            else None
        ),
        "low_score": _fmt(t.low_score),
        "low_items": ", ".join(
            f"{value} for {instrument.quality(key)}"
            for key, value in (scoring.low_items(latest.items(), t) if latest else [])
        ),
        "last": last_date.strftime("%-d %b %Y") if last_date else "",
        "days": (today - last_date).days if last_date else "",
    }
    shown = [
        flag
        for flag in item.flags
        # One sentence is enough for one fall.
        if not (flag == scoring.DROPPED and scoring.RELIABLE_DROP in item.flags)
    ]
    item.reasons = [scoring.reason(flag, **values) for flag in shown]


PERSON_SHOWN = ("preferred_name", "other_names", "user_id", "kind")
CHECKIN_FLAG_FIELDS = (
    "id",
    "relationship_id",
    "rater_id",
    "perspective",
    "score",
    "previous_score",
    "answered_at",
    "counterpart_id",
    *instrument.ITEM_KEYS,
)


def practitioner_relationships(user: Any) -> QuerySet[Relationship]:
    """The active relationships between this user (as a person on a map) and whānau members,
    in open whānau currently allocated to them."""
    person_id = Person.objects.filter(user=user).values_list("pk", flat=True).first()
    if person_id is None:
        return Relationship.objects.none()
    allocated = Allocation.objects.current().filter(user=user).values("whanau_id")
    return (
        Relationship.objects.filter(
            Q(person_a_id=person_id) | Q(person_b_id=person_id),
            whanau_id__in=allocated,
            whanau__status=WhanauStatus.OPEN,
            whanau__archived_at__isnull=True,
            archived_at__isnull=True,
            ended__isnull=True,
        )
        .select_related("person_a", "person_b", "whanau")
        # Only what the list shows: the home page builds one of these per relationship.
        .only(
            "id",
            "whanau_id",
            "person_a_id",
            "person_b_id",
            "started",
            "ended",
            "archived_at",
            "created_at",
            *(f"{side}__{name}" for side in ("person_a", "person_b") for name in PERSON_SHOWN),
            "whanau__name",
        )
        .order_by("id")
    )


def relationships_needing_attention(
    *, user: Any, today: date | None = None, limit: int | None = None
) -> tuple[list[Attention], int]:
    """The user's practitioner relationships with a flag, most urgent first (the first `limit`,
    with reasons in words), and how many there are."""
    today = today or timezone.localdate()
    t = thresholds()
    found = attention_items(user=user, today=today, t=t)
    shown = found[:limit] if limit is not None else found
    explain(shown, today=today, t=t)
    return shown, len(found)


def attention_items(
    *, user: Any, today: date | None = None, t: scoring.Thresholds | None = None
) -> list[Attention]:
    """Every relationship of the user's that needs attention, most urgent first, without the
    reasons in words (`explain` adds them to the ones shown).

    A fixed number of queries whatever the number of check-ins: the settings, the
    relationships, and each one's latest own check-in (a partial index on is_latest). The list
    is bounded by one practitioner's own relationships.
    """
    today = today or timezone.localdate()
    t = t or thresholds()
    relationships = list(practitioner_relationships(user))
    latest: dict[int, CheckIn] = {
        c.relationship_id: c
        for c in CheckIn.objects.filter(
            relationship__in=[r.pk for r in relationships],
            perspective=Perspective.SELF,
            is_latest=True,
            archived_at__isnull=True,
        )
        .select_related("counterpart")
        .only(*CHECKIN_FLAG_FIELDS, *(f"counterpart__{name}" for name in CHECKIN_FLAG_FIELDS))
    }
    found: list[Attention] = []
    for relationship in relationships:
        member = (
            relationship.person_b
            if relationship.person_a.user_id == user.pk
            else relationship.person_a
        )
        item = attention_for(
            relationship, member, latest.get(relationship.pk), t, today, with_reasons=False
        )
        if item.flags:
            found.append(item)
    found.sort(
        key=lambda a: (
            a.urgency,
            a.latest.score if a.latest is not None and a.latest.score is not None else 11,
            a.last_date or date.min,
            a.relationship.pk,
        )
    )
    return found


def explain(
    items: Iterable[Attention], *, today: date | None = None, t: scoring.Thresholds | None = None
) -> None:
    """Put each item's flags into words (the shown ones only: formatting is the slow part)."""
    today = today or timezone.localdate()
    t = t or thresholds()
    for item in items:
        add_reasons(item, t, today)


# --- The map's hook ------------------------------------------------------------------------------


def latest_checkins_for_relationships(relationship_ids: list[int]) -> dict[int, Any]:
    """The latest own check-in's score and flags for each relationship (two queries)."""
    try:
        from hononga.relationships.hooks import (  # type: ignore[import-not-found,unused-ignore]
            CheckInSummary,
        )
    except ImportError:  # before the relationships app's hooks module exists
        from hononga.relationships.selectors import CheckInSummary  # type: ignore[no-redef,unused-ignore]

    if not relationship_ids:
        return {}
    t = thresholds()
    result: dict[int, Any] = {}
    for checkin in CheckIn.objects.filter(
        relationship_id__in=relationship_ids,
        perspective=Perspective.SELF,
        is_latest=True,
        archived_at__isnull=True,
    ).select_related("counterpart"):
        result[checkin.relationship_id] = CheckInSummary(
            score=float(checkin.score) if checkin.score is not None else None,
            flags=flags_of(checkin, t),
        )
    return result


def settings_for_display() -> Any:
    return settings_get()
