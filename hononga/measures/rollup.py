"""Precomputed rollups: the scheduled job that works out every period's unrounded counts, and
the reads that pages, the CSV and the API make instead of aggregating live.

`run()` (the "measures-rollup" job, `hononga measures rollup`) recomputes every period a page or
the API may ask for — each month, quarter and year that began in the last 5 years, the current
ones so far — with `compute.raw_counts` over the whole agency grouped two ways:

- by (region, team): whānau-level counts; a region's figures by team, the agency's by region and
  a team's total are sums of these rows (each whānau belongs to one team and one region, so
  every count adds up — distinct whānau included);
- by (team, practitioner): the team page's per-practitioner rows.

The large tables are read once a run, not once a period and grouping (work_out): contacts,
check-in links and check-ins by calendar month and (region, team, practitioner) in one query
each, summed into each period's rows (a quarter is its three months, a year its twelve); the
figures about today (open whānau, how long processes have waited at their stage) once, since
they do not depend on the period; the rest (distinct whānau worked with, restorative processes,
agreement items, people harmed: small tables, and counts that do not add up) per period.

Every period is rewritten whole on every run, in one transaction per period, so a new month and
a late correction to an old one (a contact entered in a past month, an item marked done late)
are both reflected after the next run. Figures about today (open whānau, processes by stage,
overdue items) are as of the run: the pages show "as of <time>".

The read side (`read`) sums stored rows into the same shape `raw_counts` returns, so the one
function `compute.figures_from` turns them into figures, with confidentiality applied at read
time on the unrounded sums.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from hononga.measures import periods
from hononga.measures.models import MeasureRollup, RollupKind

KINDS: tuple[periods.Kind, ...] = ("month", "quarter", "year")


def periods_to_compute(today: date) -> list[periods.Period]:
    """Every period that began within the API's window (the last 5 years), current ones too."""
    earliest = periods.earliest_start(today)
    found: list[periods.Period] = []
    for kind in KINDS:
        period = periods.period_of(kind, today)
        while period.start >= earliest:
            found.append(period)
            period = period.previous()
    return found


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """JSON-safe counts: numbers as int or float, histograms as {days: count}."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            out[key] = {str(k): int(v) for k, v in value.items()}
        elif isinstance(value, int | float):
            out[key] = value
        else:
            out[key] = float(value or 0)
    return out


def _id(value: Any) -> int | None:
    return None if value is None else int(value)


def months_of(period: periods.Period) -> list[periods.Period]:
    """The months a period is made of, in order."""
    found = []
    month = periods.period_of("month", period.start)
    while month.start < period.end:
        found.append(month)
        month = periods.period_of("month", month.end)
    return found


Counts = dict[Any, dict[str, Any]]


@dataclass
class Worked:
    """What a run works out once for every period: the figures about today (they do not depend
    on the period), and each month's activity by (region, team, practitioner)."""

    today_by_team: Counts
    today_by_practitioner: Counts
    activity: dict[str, Counts]  # by month key


def work_out(chosen: list[periods.Period], *, today: date) -> Worked:
    from hononga.measures import compute

    agency = compute.Scope("agency")
    this_month = periods.period_of("month", today)
    months = sorted(
        {m.start: m for period in chosen for m in months_of(period)}.values(), key=lambda m: m.start
    )
    activity: dict[str, Counts] = {m.key: {} for m in months}
    if months:
        # One pass over each large table for every month at once (the months are consecutive:
        # those of the last five years' periods, to the end of this year).
        span = periods.Period("month", months[0].start, months[-1].end)
        found = compute.raw_counts(
            agency,
            span,
            "region_team_practitioner",
            today=today,
            parts=["activity"],
            by_month=True,
        )
        for (month, *key), values in found.items():
            month_key = periods.period_of("month", _day(month)).key
            if month_key in activity:
                activity[month_key][tuple(key)] = values
    return Worked(
        today_by_team=compute.raw_counts(
            agency, this_month, "region_team", today=today, parts=["today"]
        ),
        today_by_practitioner=compute.raw_counts(
            agency, this_month, "team_practitioner", today=today, parts=["today"]
        ),
        activity=activity,
    )


def _day(value: date | datetime) -> date:
    """A month's first day, from TruncMonth (a local datetime for a date-and-time field)."""
    return timezone.localdate(value) if isinstance(value, datetime) else value


def _into(found: Counts, key: Any, values: dict[str, Any]) -> None:
    add(found.setdefault(key, {}), values)


def compute_period(
    period: periods.Period, *, today: date, now: datetime, worked: Worked | None = None
) -> int:
    """Recompute one period's rows (replacing what was stored); returns how many.

    Contacts, check-in links and check-ins are counted once a month by (region, team,
    practitioner) and summed (a quarter is its three months, a year its twelve; the region's
    and team's counts are their practitioners' rows added up): each of these large tables is
    read once a run rather than once for every month, quarter and year and every grouping.
    What cannot be added up (distinct whānau worked with) is counted for the period itself."""
    from hononga.measures import compute

    worked = worked or work_out([period], today=today)
    agency = compute.Scope("agency")
    by_team = compute.raw_counts(agency, period, "region_team", today=today, parts=["period"])
    by_practitioner = compute.raw_counts(
        agency, period, "team_practitioner", today=today, parts=["period"]
    )
    for key, values in worked.today_by_team.items():
        _into(by_team, key, values)
    for key, values in worked.today_by_practitioner.items():
        _into(by_practitioner, key, values)
    for month in months_of(period):
        for (region, team, practitioner), values in worked.activity[month.key].items():
            _into(by_team, (region, team), values)
            _into(by_practitioner, (team, practitioner), values)
    rows = [MeasureRollup(period=period.key, kind=RollupKind.PERIOD, computed_at=now)]
    for kind, found in (
        (RollupKind.REGION_TEAM, by_team),
        (RollupKind.TEAM_PRACTITIONER, by_practitioner),
    ):
        for key, values in found.items():
            if not isinstance(key, tuple):
                continue
            rows.append(
                MeasureRollup(
                    period=period.key,
                    kind=kind,
                    first=_id(key[0]),
                    second=_id(key[1]),
                    counts=_plain(values),
                    computed_at=now,
                )
            )
    with transaction.atomic():
        lock_period(period.key)
        MeasureRollup.objects.filter(period=period.key).delete()
        MeasureRollup.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


ROLLUP_LOCK = 17_017  # the first key of the period locks (pg_advisory_xact_lock(int, int))


def lock_period(key: str) -> None:
    """Writers of one period's rows take turns until their transaction ends: two runs at once
    (the hourly job and one started by hand) would otherwise each delete the rows committed
    before them and both insert, leaving every row twice. SQLite lets one writer at a time."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [ROLLUP_LOCK, key])


def run(*, today: date | None = None, now: datetime | None = None) -> tuple[int, int]:
    """Recompute every period; returns (periods, rows). Idempotent: a second run (or two at
    once) rewrites the same rows."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    chosen = periods_to_compute(today)
    worked = work_out(chosen, today=today)
    written = sum(compute_period(period, today=today, now=now, worked=worked) for period in chosen)
    # Periods that have left the window are no longer asked for.
    MeasureRollup.objects.exclude(period__in=[p.key for p in chosen]).delete()
    return len(chosen), written


# --- Reading ------------------------------------------------------------------------------------


def add(into: dict[str, Any], values: dict[str, Any]) -> None:
    """Add one row's counts into a sum (numbers add; histograms add per key)."""
    for key, value in values.items():
        if isinstance(value, dict):
            histogram = into.setdefault(key, {})
            for days, n in value.items():
                histogram[str(days)] = histogram.get(str(days), 0) + n
        else:
            into[key] = into.get(key, 0) + (value or 0)


def _sum(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {}
    for values in rows:
        add(total, values)
    return total


@dataclass
class Stored:
    rows: dict[Any, dict[str, Any]]  # per group key, as raw_counts returns them
    total: dict[str, Any]  # the whole population
    as_of: datetime  # when the job worked this period out


Ask = tuple[str, int | None, str, str | None]  # level, scope id, period key, group


def _wanted(ask: Ask) -> Q:
    """The stored rows one population (and its groups) is summed from."""
    level, scope_id, key, group = ask
    if group == "practitioner":
        # The team's practitioners, and the team's whānau-level rows for its total.
        return Q(period=key) & (
            Q(kind=RollupKind.TEAM_PRACTITIONER, first=scope_id)
            | Q(kind=RollupKind.REGION_TEAM, second=scope_id)
        )
    if level == "team":
        return Q(period=key, kind=RollupKind.REGION_TEAM, second=scope_id)
    if level == "region":
        return Q(period=key, kind=RollupKind.REGION_TEAM, first=scope_id)
    return Q(period=key, kind=RollupKind.REGION_TEAM)


def _belongs(row: MeasureRollup, ask: Ask) -> bool:
    """The same test as _wanted, on a row already read."""
    level, scope_id, key, group = ask
    if row.period != key or row.kind == RollupKind.PERIOD:
        return False
    if group == "practitioner":
        return (row.kind == RollupKind.TEAM_PRACTITIONER and row.first == scope_id) or (
            row.kind == RollupKind.REGION_TEAM and row.second == scope_id
        )
    if row.kind != RollupKind.REGION_TEAM:
        return False
    if level == "team":
        return row.second == scope_id
    if level == "region":
        return row.first == scope_id
    return True


def _stored(ask: Ask, found: list[MeasureRollup], as_of: datetime) -> Stored:
    group = ask[3]
    rows: dict[Any, dict[str, Any]] = {}
    if group == "practitioner":
        total: dict[str, Any] = {}
        for row in found:
            if row.kind == RollupKind.TEAM_PRACTITIONER:
                add(rows.setdefault(row.second, {}), row.counts)
            else:
                add(total, row.counts)
        return Stored(rows=rows, total=total, as_of=as_of)
    if group is not None:
        for row in found:
            key = row.second if group == "team" else row.first
            add(rows.setdefault(key, {}), row.counts)
    return Stored(rows=rows, total=_sum(r.counts for r in found), as_of=as_of)


def read_all(asks: list[Ask]) -> list[Stored | None]:
    """The stored counts for several populations (each with its groups, or None when its
    period has not been worked out yet), in two queries whatever their number: the periods'
    markers, then every row any of them is summed from."""
    if not asks:
        return []
    markers = dict(
        MeasureRollup.objects.filter(
            kind=RollupKind.PERIOD, period__in=sorted({ask[2] for ask in asks})
        )
        .order_by("period", "-pk")  # (the first marker written, should a period have two)
        .values_list("period", "computed_at")
    )
    ready = [ask for ask in asks if ask[2] in markers]
    rows: list[MeasureRollup] = []
    if ready:
        wanted = Q()
        for ask in ready:
            wanted |= _wanted(ask)
        rows = list(
            MeasureRollup.objects.filter(wanted).only("period", "kind", "first", "second", "counts")
        )
    return [
        _stored(ask, [row for row in rows if _belongs(row, ask)], markers[ask[2]])
        if ask[2] in markers
        else None
        for ask in asks
    ]


def read(
    level: str, scope_id: int | None, period: periods.Period, group: str | None
) -> Stored | None:
    """The stored counts for a population (and its groups), or None when the period has not
    been worked out yet. Two queries: the period's marker, then its rows."""
    return read_all([(level, scope_id, period.key, group)])[0]


class Reader:
    """Reads every population a page asks for at once (two queries, read_all), on first use;
    anything it was not told about is read on its own."""

    def __init__(self, asks: Iterable[tuple[str, int | None, periods.Period, str | None]]):
        self.asks: list[Ask] = [
            (level, scope_id, period.key, group) for level, scope_id, period, group in asks
        ]
        self.found: dict[Ask, Stored | None] | None = None

    def read(
        self, level: str, scope_id: int | None, period: periods.Period, group: str | None
    ) -> Stored | None:
        if self.found is None:
            self.found = dict(zip(self.asks, read_all(self.asks), strict=True))
        ask = (level, scope_id, period.key, group)
        if ask in self.found:
            return self.found[ask]
        return read(level, scope_id, period, group)


def latest_run() -> datetime | None:
    """When the job last worked anything out (None: never)."""
    marker = (
        MeasureRollup.objects.filter(kind=RollupKind.PERIOD)
        .order_by("-computed_at")
        .only("computed_at")
        .first()
    )
    return marker.computed_at if marker else None
