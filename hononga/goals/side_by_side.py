"""Relationship and outcome side by side: for each practitioner relationship, the person's own
check-in scores, their goal ratings and their "how are things" answers on one time axis, with
the contacts' quadrants (WITH, TO, FOR, NOT) as marks; and the flag for the moment to talk —
the relationship dropped reliably while their goals stall.

A fixed number of queries for a page, whatever the history: the relationships shown, their
check-ins in the window, the holders' goals with ratings in the window, and the contacts.
"""

import heapq
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone

from hononga.checkins import scoring
from hononga.checkins.models import CheckIn, Perspective
from hononga.checkins.selectors import flags_of
from hononga.checkins.services import other_side, practitioner_side
from hononga.contacts.models import Contact
from hononga.goals import outcomes
from hononga.goals.models import Goal, GoalRating, GoalStatus
from hononga.goals.services import reliable_change_threshold
from hononga.relationships.models import Relationship

WINDOW = timedelta(days=365)
MAX_RELATIONSHIPS = 6
WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 28, 10, 10, 40
QUADRANT_LETTERS = {"with": "W", "to": "T", "for": "F", "not": "N"}
TALK = "time_to_talk"


@dataclass
class Series:
    kind: str  # relationship, goal, overall
    label: str
    points: list[tuple[datetime, float]]
    polyline: str = ""
    dots: list[dict[str, Any]] = field(default_factory=list)


@dataclass(eq=False)
class WorkerContacts:
    """One worker's contacts with one whānau over the window: the marks on the time axis and
    their rows in the table. The same on every chart of that worker in the whānau (a whānau page
    shows up to six charts, often all with one worker), so made once and shared; the template
    tags keep what they drew from them in `drawn`, to draw it once too."""

    marks: list[dict[str, Any]]
    rows: list[dict[str, Any]]
    drawn: dict[Any, Any] = field(default_factory=dict)


@dataclass
class SideBySide:
    relationship: Relationship
    member: Any
    worker: Any
    series: list[Series]
    contacts: WorkerContacts
    ticks: list[dict[str, Any]]
    flags: tuple[str, ...]
    series_rows: list[dict[str, Any]]  # the series' points as table rows, by time
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def time_to_talk(self) -> bool:
        return TALK in self.flags

    @property
    def marks(self) -> list[dict[str, Any]]:
        return self.contacts.marks

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The same numbers as a table, by time: each series' points, then the contacts (a
        point and a contact at the same moment in that order)."""
        # Both lists are by time already; merging them keeps each list's order and puts the
        # series' row first at the same moment, as sorting them joined would.
        return list(heapq.merge(self.series_rows, self.contacts.rows, key=_at))


def _at(row: dict[str, Any]) -> datetime:
    moment: datetime = row["at"]
    return moment


def _scale(start: datetime, end: datetime) -> Any:
    span = max(1.0, (end - start).total_seconds())

    def x(moment: datetime) -> float:
        return round(LEFT + (WIDTH - LEFT - RIGHT) * (moment - start).total_seconds() / span, 1)

    return x


def _y(value: float) -> float:
    return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / 10), 1)


def _stalled(goals: list[Goal], threshold: float) -> bool:
    """Every active goal of theirs is rated and none has risen reliably from its baseline."""
    active = [g for g in goals if g.status == GoalStatus.ACTIVE and g.latest_rating is not None]
    if not active:
        return False
    return all(
        outcomes.reliable_change(g.baseline_rating, g.latest_rating, threshold) != outcomes.UP
        for g in active
    )


def side_by_side(
    relationships: list[Relationship], *, now: datetime | None = None
) -> list[SideBySide]:
    now = now or timezone.now()
    start = now - WINDOW
    pairs = []
    for relationship in relationships[:MAX_RELATIONSHIPS]:
        worker = practitioner_side(relationship)
        member = other_side(relationship)
        if worker is not None and member is not None:
            pairs.append((relationship, member, worker))
    if not pairs:
        return []
    # The points only (a year of check-ins, read as values); the latest scored one of each
    # relationship in full below, for its flags.
    checkins = list(
        CheckIn.objects.filter(
            relationship_id__in=[r.pk for r, _m, _w in pairs],
            perspective=Perspective.SELF,
            archived_at__isnull=True,
            answered_at__gte=start,
            mean__isnull=False,
        )
        .order_by("answered_at", "id")
        .values("id", "relationship_id", "answered_at", "mean", "overall")
    )
    latest_ids = {c["relationship_id"]: c["id"] for c in checkins}
    latest = CheckIn.objects.select_related("counterpart", "flagged_with__in_effect").in_bulk(
        list(latest_ids.values())
    )
    member_ids = [m.pk for _r, m, _w in pairs]
    goals = list(
        Goal.objects.filter(holder_id__in=member_ids, archived_at__isnull=True)
        .filter(Q(status=GoalStatus.ACTIVE) | Q(closed_on__gte=start.date()))
        .prefetch_related(
            Prefetch(
                "ratings",
                queryset=GoalRating.objects.filter(rated_at__gte=start).order_by("rated_at", "id"),
            )
        )
        .order_by("holder_id", "set_on", "id")
    )
    worker_users = {w.user_id for _r, _m, w in pairs if w.user_id}
    contacts = list(
        Contact.objects.filter(
            whanau_id__in={r.whanau_id for r, _m, _w in pairs},
            practitioner_id__in=worker_users,
            occurred_at__gte=start,
            archived_at__isnull=True,
        )
        .order_by("occurred_at", "id")
        .values("whanau_id", "practitioner_id", "occurred_at", "quadrant")[:500]
    )
    threshold = reliable_change_threshold()
    x = _scale(start, now)
    ticks = []
    month = datetime(start.year, start.month, 1, tzinfo=start.tzinfo)
    while month <= now:
        if month >= start:
            ticks.append({"x": x(month), "label": timezone.localtime(month).strftime("%b")})
        month = (month + timedelta(days=32)).replace(day=1)
    result = []
    by_worker: dict[tuple[int, int | None], WorkerContacts] = {}
    for relationship, member, worker in pairs:
        own = [c for c in checkins if c["relationship_id"] == relationship.pk]
        scores = [(c["answered_at"], float(c["mean"])) for c in own]  # type: ignore[arg-type]
        series = [Series("relationship", "relationship", scores)]
        overall = [(c["answered_at"], float(c["overall"])) for c in own if c["overall"] is not None]
        if overall:
            series.append(Series("overall", "overall", overall))
        theirs = [g for g in goals if g.holder_id == member.pk]
        for goal in theirs:
            points = [(r.rated_at, float(r.value)) for r in goal.ratings.all()]
            if points:
                series.append(Series("goal", goal.wording, points))
        for s in series:
            s.polyline = " ".join(f"{x(t)},{_y(v)}" for t, v in s.points)
            s.dots = [{"x": x(t), "y": _y(v), "value": v, "at": t} for t, v in s.points]
        key = (relationship.whanau_id, worker.user_id)
        if key not in by_worker:
            marks = [
                {
                    "x": x(c["occurred_at"]),
                    "letter": QUADRANT_LETTERS.get(c["quadrant"], "?"),
                    "quadrant": c["quadrant"],
                    "at": c["occurred_at"],
                }
                for c in contacts
                if (c["whanau_id"], c["practitioner_id"]) == key
            ]
            by_worker[key] = WorkerContacts(
                marks=marks,
                rows=[
                    {"at": m["at"], "what": "contact", "label": m["quadrant"], "value": None}
                    for m in marks
                ],
            )
        latest_flags = flags_of(latest[own[-1]["id"]]) if own else ()
        flags: tuple[str, ...] = ()
        if scoring.RELIABLE_DROP in latest_flags and _stalled(theirs, threshold):
            flags = (TALK,)
        series_rows = sorted(
            [
                {"at": t, "what": s.kind, "label": s.label, "value": v}
                for s in series
                for t, v in s.points
            ],
            key=_at,
        )
        result.append(
            SideBySide(
                relationship=relationship,
                member=member,
                worker=worker,
                series=series,
                contacts=by_worker[key],
                ticks=ticks,
                flags=flags,
                series_rows=series_rows,
            )
        )
    return result
