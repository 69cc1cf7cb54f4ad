"""The one place figures are computed: SQL aggregates over a population and a period.

`raw_counts` runs one grouped aggregate query per source (allocations, whānau, contacts, links,
check-ins, processes, agreement items, people harmed): a fixed number of queries whatever the
size of the agency, each served by an index on its date column. `table` turns the counts into
figures for a page, the CSV or the API, applying confidentiality (confidentiality.py) when the
viewer may not open the records behind them (practice leads).

Populations: a team's whānau (Whanau.team), a region's whānau (Whanau.region) or the agency's.
Groups: a team is broken down by practitioner (supervisors only), a region by team, the agency
by region.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Literal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from hononga.advisories.models import Advisory, Screening
from hononga.checkins.models import CheckIn, CheckInLink, Perspective
from hononga.checkins.services import settings_get
from hononga.contacts.models import IN_PERSON_MODES, Contact, DecisionsWith, Quadrant
from hononga.measures import confidentiality
from hononga.measures.definitions import BY_NAME, MEASURES, Measure
from hononga.measures.periods import Period
from hononga.restorative.models import (
    AgreementItem,
    FollowUp,
    ItemStatus,
    Participant,
    ParticipantRole,
    ProcessKind,
    RestorativeProcess,
    State,
)
from hononga.whanau.models import Allocation, Whanau, WhanauStatus

if TYPE_CHECKING:
    from hononga.measures import rollup

Level = Literal["team", "region", "agency"]
# A page's groups; and the rollup's (rollup.py): the agency by region and team at once, and by
# team and practitioner at once, so one query a source serves every page.
Group = Literal[
    "practitioner",
    "team",
    "region",
    "region_team",
    "team_practitioner",
    "region_team_practitioner",  # the rollup's activity: summed into both of the above
]
PRACTITIONER_GROUPS = ("practitioner", "team_practitioner", "region_team_practitioner")
# raw_counts' sources in three parts: figures about today (open whānau, how long processes have
# waited at their stage), which do not depend on the period; activity (contacts, check-in links,
# check-ins), plain counts and sums that add up month by month; the rest of the period's.
PARTS = ("today", "activity", "period")
WAITING_DAYS = 28
ITEMS = (
    "safety",
    "trust",
    "respect",
    "empathy",
    "honesty",
    "responsibility",
    "power_sharing",
    "heard",
)


@dataclass(frozen=True)
class Scope:
    """Whose figures: one team's whānau, one region's, or the agency's."""

    level: Level
    id: int | None = None

    @property
    def cell(self) -> str:
        return self.level if self.level == "agency" else f"{self.level}:{self.id}"

    def q(self, path: str) -> Q:
        if self.level == "team":
            return Q(**{f"{path}team_id": self.id})
        if self.level == "region":
            return Q(**{f"{path}region_id": self.id})
        return Q()


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


By = str | tuple[str, ...] | None


def _grouped(qs: QuerySet[Any], by: By, **aggregates: Any) -> dict[Any, dict[str, Any]]:
    if by is None:
        return {None: qs.aggregate(**aggregates)}
    fields = (by,) if isinstance(by, str) else by
    rows = qs.values(*fields).annotate(**aggregates).order_by()
    if len(fields) == 1:
        return {row.pop(fields[0]): row for row in rows}
    return {tuple(row.pop(f) for f in fields): row for row in rows}


def _group_field(group: Group | None, path: str, practitioner: str | None) -> By:
    if group is None:
        return None
    if group == "practitioner":
        return practitioner
    if group == "region_team":
        return (f"{path}region_id", f"{path}team_id")
    if group == "team_practitioner":
        return (f"{path}team_id", practitioner) if practitioner else None
    if group == "region_team_practitioner":
        return (f"{path}region_id", f"{path}team_id", practitioner) if practitioner else None
    return f"{path}{group}_id"


def raw_counts(
    scope: Scope,
    period: Period,
    group: Group | None,
    *,
    today: date | None = None,
    current_only: bool = False,
    parts: Iterable[str] = PARTS,
    by_month: bool = False,
) -> dict[Any, dict[str, Any]]:
    """Unrounded counts (and the score sum) for every group key (None: the whole population).
    `current_only`: only the sources of the figures about today (whānau, processes, items).
    `parts`: only some sources (PARTS; the rollup job works each part out its own way).
    `by_month`: the activity counted by calendar month within `period` (the rollup reads each
    large table once a run), each key led by the month's first day."""
    today = today or timezone.localdate()
    start, end = _aware(period.start), _aware(period.end)
    found: dict[Any, dict[str, Any]] = {}

    def merge(rows: dict[Any, dict[str, Any]]) -> None:
        for key, values in rows.items():
            found.setdefault(key, {}).update({k: v or 0 for k, v in values.items()})

    # Open whānau today.
    if "today" in parts and group in PRACTITIONER_GROUPS:
        merge(
            _grouped(
                Allocation.objects.current(today).filter(
                    scope.q("whanau__"),
                    whanau__status=WhanauStatus.OPEN,
                    whanau__archived_at__isnull=True,
                ),
                _group_field(group, "whanau__", "user_id"),
                whanau_open=Count("whanau_id", distinct=True),
            )
        )
    if "today" in parts and group != "team_practitioner":
        merge(
            _grouped(
                Whanau.objects.filter(
                    scope.q(""),
                    Exists(Allocation.objects.current(today).filter(whanau=OuterRef("pk"))),
                    status=WhanauStatus.OPEN,
                    archived_at__isnull=True,
                ),
                None if group == "practitioner" else _group_field(group, "", None),
                whanau_open=Count("id"),
            )
        )
    if not current_only and "period" in parts:
        # Whānau worked with (allocations overlapping the period).
        merge(
            _grouped(
                Allocation.objects.filter(
                    scope.q("whanau__"),
                    Q(ended__isnull=True) | Q(ended__gte=period.start),
                    archived_at__isnull=True,
                    whanau__archived_at__isnull=True,
                    started__lte=period.last_day,
                ),
                _group_field(group, "whanau__", "user_id"),
                whanau_worked_with=Count("whanau_id", distinct=True),
            )
        )
    if not current_only and "activity" in parts:

        def monthly(qs: QuerySet[Any], field: str) -> QuerySet[Any]:
            return qs.annotate(month=TruncMonth(field)) if by_month else qs

        def grouped_by(path: str, practitioner: str) -> By:
            fields = _group_field(group, path, practitioner)
            if not by_month:
                return fields
            return ("month", *((fields,) if isinstance(fields, str) else (fields or ())))

        # Contacts: the WITH/TO/FOR/NOT mix and decisions (plain counts over the period's rows).
        contacts = Contact.objects.filter(
            scope.q("whanau__"),
            archived_at__isnull=True,
            occurred_at__gte=start,
            occurred_at__lt=end,
        )
        merge(
            _grouped(
                monthly(contacts, "occurred_at"),
                grouped_by("whanau__", "practitioner_id"),
                contacts=Count("id"),
                contacts_with=Count("id", filter=Q(quadrant=Quadrant.WITH)),
                contacts_to=Count("id", filter=Q(quadrant=Quadrant.TO)),
                contacts_for=Count("id", filter=Q(quadrant=Quadrant.FOR)),
                contacts_not=Count("id", filter=Q(quadrant=Quadrant.NOT)),
                decisions_made=Count(
                    "id", filter=Q(decisions_with__in=[DecisionsWith.YES, DecisionsWith.NO])
                ),
                decisions_with=Count("id", filter=Q(decisions_with=DecisionsWith.YES)),
            )
        )
        # In-person contacts on a day an advisory covered the whānau's region, and whether they
        # were screened: only when an advisory overlaps the period at all (usually none), and
        # then only over in-person contacts, so the EXISTS run on few rows.
        advisories = Advisory.objects.filter(
            Q(ends__isnull=True) | Q(ends__gte=period.start),
            archived_at__isnull=True,
            starts__lt=period.end,
        )
        if advisories.exists():
            merge(
                _grouped(
                    monthly(contacts, "occurred_at")
                    .filter(mode__in=[str(m) for m in IN_PERSON_MODES])
                    .annotate(day=TruncDate("occurred_at"))
                    .filter(
                        Exists(
                            advisories.filter(
                                Q(ends__isnull=True) | Q(ends__gte=OuterRef("day")),
                                regions=OuterRef("whanau__region_id"),
                                starts__lte=OuterRef("day"),
                            )
                        )
                    )
                    .annotate(screened=Exists(Screening.objects.filter(contact_id=OuterRef("pk")))),
                    grouped_by("whanau__", "practitioner_id"),
                    in_person_advisory=Count("id"),
                    in_person_screened=Count("id", filter=Q(screened=True)),
                )
            )
        # Check-in links sent and answered.
        merge(
            _grouped(
                monthly(
                    CheckInLink.objects.filter(
                        scope.q("relationship__whanau__"), created_at__gte=start, created_at__lt=end
                    ),
                    "created_at",
                ),
                grouped_by("relationship__whanau__", "created_by_id"),
                links_sent=Count("id"),
                links_answered=Count("id", filter=Q(used_at__isnull=False)),
            )
        )
        # What whānau said: their own check-ins.
        settings = settings_get()
        low = Q(mean__lt=float(settings.low_score))
        for item in ITEMS:
            low |= Q(**{f"{item}__lte": settings.low_item})
        checkins = CheckIn.objects.filter(
            scope.q("relationship__whanau__"),
            perspective=Perspective.SELF,
            archived_at__isnull=True,
            mean__isnull=False,
            answered_at__gte=start,
            answered_at__lt=end,
        )
        if group in PRACTITIONER_GROUPS:
            # The practitioner is the side of the relationship that is a staff member.
            checkins = checkins.annotate(
                practitioner=Coalesce(
                    "relationship__person_a__user_id", "relationship__person_b__user_id"
                )
            )
        merge(
            _grouped(
                monthly(checkins, "answered_at"),
                grouped_by("relationship__whanau__", "practitioner"),
                checkins_own=Count("id"),
                score_sum=Sum("mean"),
                checkins_low=Count("id", filter=low),
            )
        )
    if group in PRACTITIONER_GROUPS:
        return found  # restorative figures are the team's (whānau-level), not a practitioner's
    # Restorative processes: referred, held, closed in the period; stages and waits today.
    unfinished = [State.REFERRED, State.PREPARING, State.READY, State.HELD, State.MONITORING]
    if "period" in parts:
        merge(
            _grouped(
                RestorativeProcess.objects.filter(scope.q("whanau__"), archived_at__isnull=True),
                _group_field(group, "whanau__", None),
                processes_referred=Count("id", filter=Q(created_at__gte=start, created_at__lt=end)),
                processes_held=Count(
                    "id", filter=Q(held_on__gte=period.start, held_on__lt=period.end)
                ),
                processes_closed=Count(
                    "id", filter=Q(closed_on__gte=period.start, closed_on__lt=period.end)
                ),
                **{
                    f"processes_stage_{stage}": Count("id", filter=Q(state=stage))
                    for stage in unfinished
                },
                processes_waiting=Count(
                    "id",
                    filter=Q(
                        state__in=[State.REFERRED, State.PREPARING, State.READY],
                        created_at__lt=_aware(today) - timedelta(days=WAITING_DAYS),
                    ),
                ),
                fgc_reviews_due=Count(
                    "id",
                    filter=Q(
                        kind=ProcessKind.FAMILY_GROUP_CONFERENCE,
                        plan_review_date__gte=period.start,
                        plan_review_date__lt=period.end,
                    ),
                ),
                fgc_reviews_overdue=Count(
                    "id",
                    filter=Q(
                        kind=ProcessKind.FAMILY_GROUP_CONFERENCE,
                        plan_review_date__lt=today,
                        state__in=unfinished,
                    ),
                ),
            )
        )
    # How long processes have waited at the stage they are at today: for each stage, a
    # histogram {days: processes} (days since stage_entered_at, in Pacific/Auckland days), from
    # one query grouped by the day each entered its stage. Histograms add up across teams and
    # regions, so stored rollups can be summed and the median and longest found after.
    if "today" in parts:
        by = _group_field(group, "whanau__", None)
        fields = () if by is None else ((by,) if isinstance(by, str) else by)
        entered = (
            RestorativeProcess.objects.filter(
                scope.q("whanau__"), archived_at__isnull=True, state__in=unfinished
            )
            .annotate(entered=TruncDate("stage_entered_at"))
            .values(*fields, "state", "entered")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in entered:
            key = (
                None
                if by is None
                else (row[fields[0]] if len(fields) == 1 else tuple(row[f] for f in fields))
            )
            days = str(max((today - row["entered"]).days, 0))
            histogram = found.setdefault(key, {}).setdefault(f"stage_days_{row['state']}", {})
            histogram[days] = histogram.get(days, 0) + row["n"]
    if "period" not in parts:
        return found
    # Agreement items: due in the period and done by their date; open past their date today.
    due_in_period = Q(due__gte=period.start, due__lt=period.end)
    merge(
        _grouped(
            AgreementItem.objects.filter(
                scope.q("process__whanau__"),
                Q(due__gte=period.start, due__lt=period.end)
                | Q(status=ItemStatus.OPEN, due__lt=today),
                archived_at__isnull=True,
                process__archived_at__isnull=True,
            ),
            _group_field(group, "process__whanau__", None),
            items_due=Count("id", filter=due_in_period),
            items_done_on_time=Count(
                "id",
                filter=due_in_period & Q(status=ItemStatus.DONE, resolved_at__date__lte=F("due")),
            ),
            items_overdue=Count("id", filter=Q(status=ItemStatus.OPEN, due__lt=today)),
        )
    )
    if current_only:
        return found
    # People harmed in processes held in the period, and whether they were followed up.
    merge(
        _grouped(
            Participant.objects.filter(
                scope.q("process__whanau__"),
                role=ParticipantRole.HARMED,
                removed_at__isnull=True,
                archived_at__isnull=True,
                process__archived_at__isnull=True,
                process__held_on__gte=period.start,
                process__held_on__lt=period.end,
            ).annotate(
                followed=Exists(
                    FollowUp.objects.filter(participant=OuterRef("pk"), held_at__isnull=False)
                )
            ),
            _group_field(group, "process__whanau__", None),
            harmed_in_held=Count("id"),
            harmed_followed_up=Count("id", filter=Q(followed=True)),
        )
    )
    return found


def totals(rows: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    """The whole population from its groups (whānau belong to one team and one region, so
    every count adds up; not so for practitioners, who share whānau)."""
    from hononga.measures.rollup import add

    summed: dict[str, Any] = {}
    for values in rows.values():
        add(summed, values)
    return summed


# --- Figures -----------------------------------------------------------------------------------


NOT_SUPPRESSED = ""
CURRENT_ONLY = "current_only"
NO_DATA = "no_data"
NOT_COMPUTED = "not_computed"  # stored figures: the job has not worked this period out yet


@dataclass(frozen=True)
class Figure:
    measure: Measure
    value: float | int | None
    note: str = NOT_SUPPRESSED  # "suppressed", "current_only", "no_data" or ""

    @property
    def name(self) -> str:
        return self.measure.name


def figures_from(
    raw: dict[str, Any],
    *,
    cell: str,
    period: Period,
    confidential: bool,
    today: date,
    measures: Iterable[Measure] = MEASURES,
) -> dict[str, Figure]:
    """Each measure's figure for one population (`cell` names it for the rounding)."""
    is_current = period.start <= today < period.end
    result: dict[str, Figure] = {}
    for measure in measures:
        if measure.current and not is_current:
            result[measure.name] = Figure(measure, None, CURRENT_ONLY)
            continue
        if measure.kind == "count":
            value = int(raw.get(measure.name, 0) or 0)
            if confidential:
                shown = confidentiality.count(value, f"{measure.name}|{cell}|{period.key}")
                result[measure.name] = Figure(measure, shown.value, shown.note)
            else:
                result[measure.name] = Figure(measure, value)
        elif measure.kind == "rate":
            numerator = int(raw.get(measure.numerator, 0) or 0)
            denominator = int(raw.get(measure.denominator, 0) or 0)
            if confidential:
                shown = confidentiality.rate(numerator, denominator)
                result[measure.name] = Figure(measure, shown.value, shown.note)
            elif denominator == 0:
                result[measure.name] = Figure(measure, None, NO_DATA)
            else:
                result[measure.name] = Figure(measure, round(100 * numerator / denominator, 1))
        elif measure.kind in ("median_days", "longest_days"):
            histogram = raw.get(measure.numerator) or {}
            waited = _days(histogram, measure.kind)
            n = sum(histogram.values())
            if confidential:
                shown = confidentiality.mean(waited, n)
                result[measure.name] = Figure(measure, shown.value, shown.note)
            elif waited is None:
                result[measure.name] = Figure(measure, None, NO_DATA)
            else:
                result[measure.name] = Figure(measure, waited)
        else:  # a mean of check-in scores
            n = int(raw.get(measure.numerator, 0) or 0)
            mean = float(raw.get("score_sum", 0) or 0) / n if n else None
            if confidential:
                shown = confidentiality.mean(mean, n)
                result[measure.name] = Figure(measure, shown.value, shown.note)
            elif mean is None:
                result[measure.name] = Figure(measure, None, NO_DATA)
            else:
                result[measure.name] = Figure(measure, round(mean, 1))
    return result


def _days(histogram: dict[str, int], kind: str) -> float | None:
    """The median (the middle wait; the mean of the two middle ones for an even count) or the
    longest wait, in whole days, from a histogram {days: processes}."""
    waits = sorted((int(days), n) for days, n in histogram.items() if n)
    total = sum(n for _, n in waits)
    if not total:
        return None
    if kind == "longest_days":
        return waits[-1][0]

    def nth(index: int) -> int:  # the index-th smallest wait, from 0
        seen = 0
        for days, n in waits:
            seen += n
            if index < seen:
                return days
        raise IndexError(index)  # pragma: no cover

    middle = (total - 1) / 2
    return (nth(int(middle)) + nth(int(middle + 0.5))) / 2


@dataclass
class Row:
    key: Any  # a practitioner's, team's or region's id; None for the whole population
    label: str
    figures: dict[str, Figure]
    cell: str = ""


@dataclass
class Table:
    scope: Scope
    period: Period
    confidential: bool
    rows: list[Row] = field(default_factory=list)  # one per group, in name order
    total: Row | None = None
    measures: list[Measure] = field(default_factory=list)
    stored: bool = False  # read from the rollup (rollup.py) rather than counted now
    as_of: datetime | None = None  # stored: when the job worked the counts out (None: not yet)


def _not_computed(measures: Iterable[Measure]) -> dict[str, Figure]:
    return {m.name: Figure(m, None, NOT_COMPUTED) for m in measures}


def table(
    scope: Scope,
    period: Period,
    *,
    groups: list[tuple[int, str]] | None = None,
    group: Group | None = None,
    confidential: bool,
    today: date | None = None,
    measures: list[Measure] | None = None,
    total_label: str = "",
    current_only: bool = False,
    stored: "bool | rollup.Reader" = False,
) -> Table:
    """Figures for the population and (if `groups` is given) each of its groups, in the order
    given (name order: never a league table). `current_only`: just the figures about today
    (`period` must then be the current one). `stored`: from the rollup the scheduled job worked
    out (rollup.py; `Table.as_of` says when), not counted now — the same figures_from, so the
    same rounding, suppression and rules; a rollup.Reader reads what a page's tables need at
    once."""
    today = today or timezone.localdate()
    chosen = measures or MEASURES
    if current_only:
        chosen = [m for m in chosen if m.current]
    result = Table(
        scope=scope, period=period, confidential=confidential, measures=chosen, stored=bool(stored)
    )
    grouped = groups is not None and group is not None
    row_measures = [m for m in chosen if m.per_practitioner] if group == "practitioner" else chosen
    if stored:
        from hononga.measures import rollup

        read = stored.read if isinstance(stored, rollup.Reader) else rollup.read
        found = read(scope.level, scope.id, period, group if grouped else None)
        if found is None:
            for key, label in groups or []:
                cell = f"{group}:{key}"
                result.rows.append(Row(key, label, _not_computed(row_measures), cell))
            result.total = Row(None, total_label, _not_computed(chosen), scope.cell)
            return result
        rows, total_raw, result.as_of = found.rows, found.total, found.as_of
        # Figures about today are those of the day the job ran.
        today = timezone.localdate(found.as_of)
    elif grouped:
        assert group is not None  # noqa: S101
        rows = raw_counts(scope, period, group, today=today, current_only=current_only)
        if group == "practitioner":
            total_raw = raw_counts(scope, period, None, today=today, current_only=current_only)[
                None
            ]
        else:
            total_raw = totals(rows)
    else:
        rows = {}
        total_raw = raw_counts(scope, period, None, today=today, current_only=current_only)[None]
    for key, label in (groups or []) if grouped else []:
        cell = f"{group}:{key}"
        result.rows.append(
            Row(
                key=key,
                label=label,
                cell=cell,
                figures=figures_from(
                    rows.get(key, {}),
                    cell=cell,
                    period=period,
                    # A practitioner's figures are only ever shown to their supervisor.
                    confidential=confidential and group != "practitioner",
                    today=today,
                    measures=row_measures,
                ),
            )
        )
    result.total = Row(
        key=None,
        label=total_label,
        cell=scope.cell,
        figures=figures_from(
            total_raw,
            cell=scope.cell,
            period=period,
            confidential=confidential,
            today=today,
            measures=chosen,
        ),
    )
    return result


def measures_named(names: Iterable[str]) -> list[Measure]:
    """The measures with these names, in definition order; KeyError names the unknown one."""
    wanted = set(names)
    for name in wanted:
        if name not in BY_NAME:
            raise KeyError(name)
    return [m for m in MEASURES if m.name in wanted]
