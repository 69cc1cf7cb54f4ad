"""Reads for check-ins: lists, a relationship's trends, and the relationships needing attention.

Every read starts from what the user may see (hononga.relationships.access). Flags are computed
from stored values (unrounded mean, the previous mean, the paired mirror) with the thresholds
kept with each check-in (`flagged_with`, read through `in_effect`): those in force when it was
recorded, unless an administrator has re-flagged history since.
"""

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hononga.checkins import instrument, scoring
from hononga.checkins.models import CheckIn, CheckInLink, Perspective
from hononga.checkins.services import (
    other_side,
    practitioner_side,
    settings_get,
    thresholds,
    thresholds_of,
)
from hononga.relationships import access as relationship_access
from hononga.relationships.models import Relationship
from hononga.whanau import access as whanau_access
from hononga.whanau.models import Allocation, Person, WhanauStatus

COMMENTS_SHOWN = 200  # on the relationship page; the full list is on the check-ins page


CHECKIN_RELATED = ("rater", "recorded_by", "counterpart", "relationship", "flagged_with__in_effect")


def checkins_for_user(user: Any) -> QuerySet[CheckIn]:
    """Every live check-in the user may see (one at a time: the API's detail)."""
    return CheckIn.objects.filter(
        relationship__in=relationship_access.relationships_for_user(user).values("pk"),
        archived_at__isnull=True,
    ).select_related(*CHECKIN_RELATED)


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
) -> "CheckInList":
    """Check-ins the user may see, newest first, counted and sliced a page at a time; `flag`
    keeps those that carry it (see `flag_condition`)."""
    relationships = relationship_access.relationships_for_user(user)
    if relationship_id is not None:
        relationships = relationships.filter(pk=relationship_id)
    if whanau_id is not None:
        relationships = relationships.filter(whanau_id=whanau_id)
    checkins = CheckIn.objects.filter(archived_at__isnull=True)
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
        checkins = checkins.filter(flag_condition(flag))
    return CheckInList(relationships=relationships, checkins=checkins)


class CheckInList:
    """The visible check-ins, newest first (`answered_at`, then id), as the API pages them.

    Why not one `ORDER BY answered_at DESC LIMIT 50` over `relationship_id IN (visible)`: a
    practitioner sees about 100 of the agency's relationships, and PostgreSQL then walks the
    agency-wide `answered_at` index backwards, testing each row, until 50 are theirs (58,000
    rows for 50 at 20,000 whānau; seconds). Instead the visible relationship ids are read
    first (one query), and a page is the newest `offset + limit` of each relationship, read
    from `checkin_relationship_time_idx` (a LATERAL join: bounded by what the user sees, not by
    the agency), merged and cut; then only that page's rows are loaded with what they show. The
    count reads the visible relationships' check-ins only."""

    def __init__(self, *, relationships: QuerySet[Relationship], checkins: QuerySet[CheckIn]):
        self._relationships = relationships
        self._checkins = checkins
        self._ids: list[int] | None = None

    def _relationship_ids(self) -> list[int]:
        if self._ids is None:
            self._ids = list(self._relationships.order_by().values_list("pk", flat=True))
        return self._ids

    def count(self) -> int:
        ids = self._relationship_ids()
        return self._checkins.filter(relationship_id__in=ids).count() if ids else 0

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[CheckIn]:
        start, stop = key.start or 0, key.stop
        ids = self._relationship_ids()
        if not ids or stop is None or stop <= start:
            return []
        newest = self._checkins.order_by("-answered_at", "-id")
        if connection.vendor != "postgresql":
            page = newest.filter(relationship_id__in=ids).select_related(*CHECKIN_RELATED)
            return list(page[start:stop])
        # One relationship's newest `stop`, written by the ORM (so every filter, the flags'
        # joins included, is the same as the count's); `visible.id` is the LATERAL's column.
        each = newest.filter(
            relationship_id=RawSQL("visible.id", (), output_field=BigIntegerField())
        ).values("id", "answered_at")[:stop]
        each_sql, each_params = each.query.sql_with_params()
        merged = (
            "SELECT page.id FROM unnest(%s::bigint[]) AS visible(id)"  # noqa: S608  (the ORM's SQL)
            f" CROSS JOIN LATERAL ({each_sql}) AS page"
            " ORDER BY page.answered_at DESC, page.id DESC LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(merged, [ids, *each_params, stop - start, start])
            page_ids = [row[0] for row in cursor.fetchall()]
        rows = CheckIn.objects.select_related(*CHECKIN_RELATED).in_bulk(page_ids)
        return [rows[pk] for pk in page_ids]


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
# The thresholds a check-in is read with, as the database sees them (see thresholds_of).
IN_EFFECT = "flagged_with__in_effect__"


def _threshold(name: str, prefix: str = "") -> Cast:
    return Cast(F(prefix + IN_EFFECT + name), FloatField())


def flag_condition(flag: str, prefix: str = "") -> Q:
    """The database's version of "`flags_of(checkin)` includes `flag`", so a list can be
    filtered, counted and paged without loading the check-ins. The rules are scoring's: the same
    stored floats (unrounded means, each check-in's own thresholds) compared in the same order
    with the same tolerance, so both agree to the last bit; a missing value never matches.
    `prefix` reads the check-in through a relation (`"own__"`: a relationship's latest own
    check-in, see attention_items)."""
    p = prefix
    eps = Value(scoring.EPSILON, output_field=FloatField())
    if flag == scoring.LOW:
        low_item = Q()
        for key in instrument.ITEM_KEYS:
            low_item |= Q(**{f"{p}{key}__lte": F(p + IN_EFFECT + "low_item")})
        return Q(**{f"{p}mean__isnull": False}) & (
            Q(**{f"{p}mean__lt": _threshold("low_score", p) - eps}) | low_item
        )
    if flag == scoring.DROPPED:
        return Q(**{f"{p}previous_mean__gte": F(f"{p}mean") + _threshold("dropped", p) - eps})
    if flag == scoring.RELIABLE_DROP:
        return Q(
            **{f"{p}previous_mean__gt": F(f"{p}mean") + F(p + IN_EFFECT + "reliable_change") + eps}
        )
    if flag == scoring.RELIABLE_RISE:
        return Q(
            **{f"{p}mean__gt": F(f"{p}previous_mean") + F(p + IN_EFFECT + "reliable_change") + eps}
        )
    if flag == scoring.PERCEPTION_GAP:
        gap_item, gap_mean = _threshold("gap_item", p), _threshold("gap_mean", p)
        self_side = Q(**{f"{p}counterpart__mean__gte": F(f"{p}mean") + gap_mean - eps})
        mirror_side = Q(**{f"{p}mean__gte": F(f"{p}counterpart__mean") + gap_mean - eps})
        for key in instrument.ITEM_KEYS:
            self_side |= Q(**{f"{p}counterpart__{key}__gte": F(f"{p}{key}") + gap_item - eps})
            mirror_side |= Q(**{f"{p}{key}__gte": F(f"{p}counterpart__{key}") + gap_item - eps})
        return (Q(**{f"{p}perspective": Perspective.SELF}) & self_side) | (
            Q(**{f"{p}perspective": Perspective.MIRROR}) & mirror_side
        )
    raise ValueError(f"Unknown check-in flag: {flag!r}")


def flags_of(checkin: CheckIn, t: scoring.Thresholds | None = None) -> tuple[str, ...]:
    """Flags of one check-in, read with its own thresholds (`t` only to override them, as the
    re-flag preview does); needs `counterpart` and `flagged_with__in_effect` loaded
    (select_related) to avoid queries."""
    counterpart = checkin.counterpart if checkin.counterpart_id else None
    return scoring.checkin_flags(
        mean_value=checkin.mean,
        items=checkin.items(),
        previous=checkin.previous_mean,
        perspective=checkin.perspective,
        counterpart_items=counterpart.items() if counterpart is not None else None,
        t=t or thresholds_of(checkin),
    )


def with_flags(checkins: Iterable[CheckIn]) -> list[CheckIn]:
    """Attach `flags` to each check-in (a plain attribute, for templates and schemas)."""
    rows = list(checkins)
    for checkin in rows:
        checkin.flags = flags_of(checkin)  # type: ignore[attr-defined]
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
    return {
        "own": _("Their own answers"),
        "mirror": _("Your mirror"),
        "collateral": _("Others who know the relationship"),
        "flagged": _("Flagged"),
        "low_line": _("low: below %(score)s"),
        "first": _("First check-in"),
        "latest": _("Latest check-in"),
    }[key]


OPEN_LINKS_SHOWN = 50


def relationship_trends(relationship: Relationship) -> Trends:
    """Everything the relationship page shows about check-ins (access checked by the caller).

    Three queries: the check-ins (with their pairs), the open links, and each one's latest send
    with its message (delivery status) and sender.
    """
    t = thresholds()
    rows = with_flags(
        CheckIn.objects.filter(relationship=relationship, archived_at__isnull=True)
        .select_related("rater", "counterpart", "recorded_by", "flagged_with__in_effect")
        .order_by("answered_at", "id"),
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
        ).select_related("rater", "created_by")[:OPEN_LINKS_SHOWN]
    )
    from hononga.checkins.sending import link_sends

    sends = link_sends(trends.open_links)
    for link in trends.open_links:
        link.latest_send = sends.get(link.pk)  # type: ignore[attr-defined]
    return trends


# --- Relationships needing attention -------------------------------------------------------------
#
# One selector serves every list of relationships needing attention: a practitioner's own (home
# page, attention page), a supervisor's teams grouped by practitioner (attention page), one
# practitioner seen in supervision, and a team (the team page). It reads a fixed number of
# queries whatever the number of check-ins: the practitioners' current allocations, then their
# relationships in whānau the viewer may see, each with its latest own check-in (the partial
# index checkin_latest_idx) and that check-in's flags, decided by the database (flag_condition,
# which agrees with flags_of to the last bit) — plain rows, no model instances. Overdue, the
# order and the count are worked out from those rows; only the items shown are loaded as
# records and put into words (`explain`: two queries).

_NOT_LOADED: Any = object()


class Attention:
    """A relationship needing attention: its flags, the latest own check-in's date and mean,
    whose relationship it is; the relationship (with both people and the whānau), the member
    and the latest own check-in as records once loaded — `explain` loads those of the items it
    is given, all at once; reading one of an item never loaded loads that item alone."""

    def __init__(
        self,
        relationship: Relationship | None = None,
        member: Person | None = None,
        flags: tuple[str, ...] = (),
        reasons: list[str] | None = None,
        latest: CheckIn | None = None,
        last_date: date | None = None,
        practitioner: Any = None,  # the User whose relationship this is
        url: str = "",  # set by views: the relationship's check-ins page
        *,
        relationship_id: int | None = None,
        member_id: int | None = None,
        latest_id: int | None = None,
        latest_mean: float | None = None,
    ) -> None:
        self.flags = flags
        self.reasons = reasons if reasons is not None else []
        self.last_date = last_date
        self.practitioner = practitioner
        self.url = url
        if relationship is not None:
            assert member is not None  # noqa: S101  (records come together)
            self._relationship: Any = relationship
            self._member: Any = member
            self._latest: Any = latest
            self.relationship_id: int = relationship.pk
            self.member_id: int = member.pk
            self.latest_id: int | None = latest.pk if latest is not None else None
            self.latest_mean: float | None = latest.mean if latest is not None else None
        else:
            assert relationship_id is not None and member_id is not None  # noqa: S101
            self._relationship = self._member = self._latest = _NOT_LOADED
            self.relationship_id, self.member_id = relationship_id, member_id
            self.latest_id, self.latest_mean = latest_id, latest_mean

    @property
    def loaded(self) -> bool:
        return self._relationship is not _NOT_LOADED

    @property
    def relationship(self) -> Relationship:
        if not self.loaded:
            load([self])
        return self._relationship

    @property
    def member(self) -> Person:
        if not self.loaded:
            load([self])
        return self._member

    @property
    def latest(self) -> CheckIn | None:
        if not self.loaded:
            load([self])
        return self._latest

    @property
    def urgency(self) -> int:
        return scoring.urgency(self.flags)

    def __repr__(self) -> str:
        return f"<Attention relationship={self.relationship_id} flags={self.flags}>"


def load(items: Iterable[Attention]) -> None:
    """Load the relationship (both people, the whānau), the member and the latest own check-in
    (its counterpart and thresholds) of the items not yet loaded: two queries, whatever their
    number."""
    pending = [item for item in items if not item.loaded]
    if not pending:
        return
    relationships = (
        Relationship.objects.select_related("person_a", "person_b", "whanau")
        .only(*RELATIONSHIP_SHOWN)
        .in_bulk([item.relationship_id for item in pending])
    )
    latest_ids = [item.latest_id for item in pending if item.latest_id is not None]
    latest = (
        CheckIn.objects.select_related("counterpart", "flagged_with__in_effect")
        .only(*LATEST_SHOWN)
        .in_bulk(latest_ids)
        if latest_ids
        else {}
    )
    for item in pending:
        relationship = relationships[item.relationship_id]
        item._relationship = relationship
        item._member = (
            relationship.person_a
            if relationship.person_a_id == item.member_id
            else relationship.person_b
        )
        item._latest = latest[item.latest_id] if item.latest_id is not None else None


def _fmt(value: Decimal | float | None) -> str:
    shown = scoring.rounded(value)
    return "—" if shown is None else f"{shown:.1f}"


def _fmt_below(mean: float | None, threshold: Decimal) -> str:
    """A mean just under a threshold would round up to it ("7.9, below 7.9"): show two
    decimals then, so the sentence stays true."""
    shown = _fmt(mean)
    if mean is not None and shown == f"{threshold:.1f}":
        return f"{mean:.2f}"
    return shown


def attention_for(
    relationship: Relationship,
    member: Person,
    latest_own: CheckIn | None,
    t: scoring.Thresholds,
    today: date,
    *,
    with_reasons: bool = True,
) -> Attention:
    """A relationship's flags: its latest own check-in's (read with that check-in's thresholds)
    and overdue (with today's thresholds, `t`)."""
    flags: set[str] = set()
    if latest_own is not None:
        flags |= set(flags_of(latest_own)) & scoring.ATTENTION_FLAGS
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
    own = thresholds_of(latest) if latest is not None and latest.flagged_with_id else t
    values = {
        "person": item.member.preferred_name,
        "score": _fmt_below(latest.mean if latest else None, own.low_score),
        "previous": _fmt(latest.previous_mean if latest else None),
        "change": _fmt(
            latest.previous_mean - latest.mean
            if latest and latest.previous_mean is not None and latest.mean is not None
            else None
        ),
        "low_score": _fmt(own.low_score),
        "low_items": ", ".join(
            _("%(value)s for %(quality)s") % {"value": value, "quality": instrument.quality(key)}
            for key, value in (scoring.low_items(latest.items(), own) if latest else [])
        ),
        "last": date_format(last_date, "j M Y") if last_date else "",
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
    "mean",
    "previous_score",
    "previous_mean",
    "answered_at",
    "counterpart_id",
    "flagged_with_id",
    *instrument.ITEM_KEYS,
)
THRESHOLD_FIELDS = (
    "id",
    "in_effect_id",
    "low_score",
    "low_item",
    "dropped",
    "gap_item",
    "gap_mean",
    "rci_z",
    "sd",
    "alpha",
    "uses_agency_estimates",
    "sample_n",
    "reliable_change_floor",
    "reliable_change",
)
# A latest own check-in as `add_reasons` and the lists read it.
LATEST_SHOWN = (
    *CHECKIN_FLAG_FIELDS,
    *(f"counterpart__{name}" for name in CHECKIN_FLAG_FIELDS),
    *(f"flagged_with__{name}" for name in ("id", "in_effect_id")),
    *(f"flagged_with__in_effect__{name}" for name in THRESHOLD_FIELDS),
)
RELATIONSHIP_SHOWN = (
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
    "whanau__team_id",
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
        .only(*RELATIONSHIP_SHOWN)
        .order_by("id")
    )


def attention_practitioners(*, user: Any, team: Any = None, practitioner: Any = None) -> list[Any]:
    """Whose relationships the viewer's attention list covers: a practitioner's or
    facilitator's own; a supervisor's team members (one team, or one practitioner, if asked
    and theirs to supervise); nobody else's."""
    from hononga.accounts.models import Role, User

    role = getattr(user, "role", None)
    if role in {Role.PRACTITIONER, Role.FACILITATOR}:
        if team is not None or (practitioner is not None and practitioner.pk != user.pk):
            return []
        return [user]
    if role != Role.SUPERVISOR:
        return []
    teams = user.teams.all()
    if team is not None:
        teams = teams.filter(pk=team.pk)
    found = (
        User.objects.filter(
            is_active=True,
            role__in=[Role.PRACTITIONER, Role.FACILITATOR],
            teams__in=teams.values("pk"),
        )
        .exclude(pk=user.pk)
        .distinct()
        .order_by("preferred_name", "username", "pk")
    )
    if practitioner is not None:
        found = found.filter(pk=practitioner.pk)
    return list(found)


# The flags of a check-in that ask for attention (a reliable rise does not).
ATTENTION_CHECKIN_FLAGS = tuple(flag for flag in CHECKIN_FLAGS if flag in scoring.ATTENTION_FLAGS)


@functools.cache
def _attention_rows() -> QuerySet[Relationship, tuple[Any, ...]]:
    """Relationships, one row each (filtered by the caller), with their latest own check-in's
    id, date, mean, stored thresholds and attention flags (ATTENTION_CHECKIN_FLAGS, as
    booleans: NULL when it has none). Built once per process and cloned by each `filter`: the
    flag conditions are some forty lookups through four joins, and resolving them is most of
    the work of building this query (about 6 ms of CPU), the same every time."""
    flag_columns = [f"own_{flag}" for flag in ATTENTION_CHECKIN_FLAGS]
    latest_own = FilteredRelation(
        "checkins",
        condition=Q(
            checkins__perspective=Perspective.SELF,
            checkins__is_latest=True,
            checkins__archived_at__isnull=True,
        ),
    )
    return (
        Relationship.objects.annotate(own=latest_own)
        .annotate(
            **{
                column: ExpressionWrapper(flag_condition(flag, "own__"), BooleanField())
                for column, flag in zip(flag_columns, ATTENTION_CHECKIN_FLAGS, strict=True)
            }
        )
        # If a relationship had two latest own check-ins (two raters of their own side), the
        # oldest would count, as it always has: the last row of each relationship wins.
        .order_by("id", "-own__answered_at", "-own__id")
        .values_list(
            "id",
            "whanau_id",
            "person_a_id",
            "person_b_id",
            "person_a__user_id",
            "person_b__user_id",
            "started",
            "created_at",
            "own__id",
            "own__answered_at",
            "own__mean",
            "own__flagged_with__in_effect_id",
            *flag_columns,
        )
    )


def attention_items(
    *,
    user: Any,
    team: Any = None,
    practitioner: Any = None,
    today: date | None = None,
    t: scoring.Thresholds | None = None,
) -> list[Attention]:
    """Every relationship needing attention that `user` may see (see attention_practitioners
    for whose), without reasons in words and not yet loaded as records (`explain` does both for
    the ones shown). A practitioner's own list is most urgent first; a supervisor's is grouped
    by practitioner (by name), most urgent first within each.

    Two queries (three for a supervisor's list): the practitioners' current allocations, then
    one row per relationship with its latest own check-in's id, date, mean and flags (the
    database's flag_condition, read with that check-in's own thresholds as flags_of reads
    them). A check-in without stored thresholds yet (read with today's) is flagged in Python."""
    today = today or timezone.localdate()
    t = t or thresholds()
    practitioners = attention_practitioners(user=user, team=team, practitioner=practitioner)
    if not practitioners:
        return []
    by_user = {p.pk: p for p in practitioners}
    allocated = set(
        Allocation.objects.current()
        .filter(user__in=list(by_user))
        .values_list("user_id", "whanau_id")
    )
    if not allocated:
        return []
    users = list(by_user)
    rows = _attention_rows().filter(
        Q(person_a__user_id__in=users) | Q(person_b__user_id__in=users),
        whanau_id__in=sorted({whanau for _user, whanau in allocated}),
        whanau__status=WhanauStatus.OPEN,
        whanau__archived_at__isnull=True,
        archived_at__isnull=True,
        ended__isnull=True,
    )
    if any(p.pk != getattr(user, "pk", None) for p in practitioners):
        # Someone else's relationships: only in whānau the viewer may see themselves.
        rows = rows.filter(whanau_id__in=whanau_access.whanau_for_user(user).values("pk"))
    latest: dict[int, tuple[Any, ...]] = {}
    for row in rows:
        latest[row[0]] = row
    unflagged = [row[8] for row in latest.values() if row[8] is not None and row[11] is None]
    python_flags: dict[int, tuple[str, ...]] = {}
    if unflagged:  # no thresholds stored with it yet: read with today's, as flags_of does
        for checkin in (
            CheckIn.objects.filter(pk__in=unflagged)
            .select_related("counterpart", "flagged_with__in_effect")
            .only(*LATEST_SHOWN)
        ):
            python_flags[checkin.pk] = flags_of(checkin)
    found: list[Attention] = []
    for row in latest.values():
        (pk, whanau_id, person_a, person_b, user_a, user_b, started, created_at) = row[:8]
        checkin_id, answered_at, mean, _in_effect = row[8:12]
        owner = member = None
        for worker_user, other in ((user_a, person_b), (user_b, person_a)):
            if worker_user is not None and (worker_user, whanau_id) in allocated:
                owner, member = worker_user, other
                break
        if owner is None or member is None:
            continue
        flags: set[str] = set()
        if checkin_id in python_flags:
            flags |= set(python_flags[checkin_id]) & scoring.ATTENTION_FLAGS
        elif checkin_id is not None:
            flags |= {
                flag for flag, value in zip(ATTENTION_CHECKIN_FLAGS, row[12:], strict=True) if value
            }
        last_date = timezone.localtime(answered_at).date() if answered_at is not None else None
        since = started or timezone.localtime(created_at).date()
        if scoring.is_overdue(last_date, since, today, t):
            flags.add(scoring.OVERDUE)
        if flags:
            found.append(
                Attention(
                    flags=scoring.ordered(flags),
                    last_date=last_date,
                    practitioner=by_user[owner],
                    relationship_id=pk,
                    member_id=member,
                    latest_id=checkin_id,
                    latest_mean=mean,
                )
            )
    order = {p.pk: index for index, p in enumerate(practitioners)}
    found.sort(
        key=lambda a: (
            order[a.practitioner.pk],
            a.urgency,
            a.latest_mean if a.latest_mean is not None else 11,
            a.last_date or date.min,
            a.relationship_id,
        )
    )
    return found


def explain(
    items: Iterable[Attention], *, today: date | None = None, t: scoring.Thresholds | None = None
) -> None:
    """Put each item's flags into words (the shown ones only: formatting is the slow part)."""
    today = today or timezone.localdate()
    t = t or thresholds()
    items = list(items)
    load(items)
    for item in items:
        add_reasons(item, t, today)


def relationships_needing_attention(
    *,
    user: Any,
    team: Any = None,
    practitioner: Any = None,
    today: date | None = None,
    limit: int | None = None,
) -> tuple[list[Attention], int]:
    """The relationships needing attention that `user` may see (the first `limit`, with reasons
    in words), and how many there are."""
    today = today or timezone.localdate()
    t = thresholds()
    found = attention_items(user=user, team=team, practitioner=practitioner, today=today, t=t)
    shown = found[:limit] if limit is not None else found
    explain(shown, today=today, t=t)
    return shown, len(found)


def attention_page(
    *,
    user: Any,
    page: Any = None,
    page_size: int = 25,
    team: Any = None,
    practitioner: Any = None,
    today: date | None = None,
) -> Page:
    """One page of the relationships needing attention, reasons in words (for list pages)."""
    today = today or timezone.localdate()
    t = thresholds()
    found = attention_items(user=user, team=team, practitioner=practitioner, today=today, t=t)
    shown = Paginator(found, page_size).get_page(page)
    explain(shown.object_list, today=today, t=t)
    return shown


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
    result: dict[int, Any] = {}
    for checkin in CheckIn.objects.filter(
        relationship_id__in=relationship_ids,
        perspective=Perspective.SELF,
        is_latest=True,
        archived_at__isnull=True,
    ).select_related("counterpart", "flagged_with__in_effect"):
        flags = flags_of(checkin)
        result[checkin.relationship_id] = CheckInSummary(
            score=float(checkin.score) if checkin.score is not None else None,
            flags=flags,
            labels=tuple(str(scoring.FLAG_LABELS[flag]) for flag in flags),
        )
    return result


def settings_for_display() -> Any:
    return settings_get()
