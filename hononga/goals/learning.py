"""What the agency learns: does early relationship quality go with goal progress?

The unit is a goal holder (a whānau member) with a baseline and a later rating:
- their goal change is the mean, over their goals, of latest minus baseline;
- their early relationship quality is the mean of their own first three complete check-ins
  (all eight answered, their own view) on their relationship with the practitioner allocated
  at the baseline of their first goal (fewer when they have fewer; none: not a unit);
- that practitioner is their group.

`rebuild()` runs as the daily job `hononga goals learn` (hononga/core/schedule.py), never in a
request: it rewrites the unit table (HolderOutcome), then precomputes each scope's figures
(OutcomeFigures) — the correlation with its Fisher-z interval, the thirds of early quality, and
a random-intercept model with practitioners as groups (statsmodels' MixedLM, imported here only,
so NumPy and pandas stay out of the request path). Pages and the API read the stored figures;
the correlation and the thirds for a chosen period come from SQL aggregates over the units.

Never a ranking: nothing here is reported per practitioner.
"""

import math
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Avg, Count, F, FloatField, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from hononga.checkins.instrument import ITEM_KEYS
from hononga.checkins.models import CheckIn, Perspective
from hononga.goals import outcomes
from hononga.goals.models import Goal, HolderOutcome, OutcomeFigures

EARLY_CHECKINS = 3
MIN_BIN = 10  # thirds with fewer people are not shown
MIN_GROUPS = 5  # fewer practitioners: the model is not fitted
MIN_UNITS = 20
CHUNK = 1000


@dataclass(frozen=True)
class Unit:
    person_id: int
    practitioner_id: int
    team_id: int
    region_id: int
    baseline_on: date
    goal_change: float
    early_quality: float
    goals: int


def _goal_rows() -> Iterator[tuple[Any, ...]]:
    return (
        Goal.objects.filter(
            rating_count__gte=2,
            holder__isnull=False,
            holder__user__isnull=True,
            baseline_practitioner__isnull=False,
            archived_at__isnull=True,
        )
        .order_by("holder_id", "baseline_at", "id")
        .values_list(
            "holder_id",
            "baseline_rating",
            "latest_rating",
            "baseline_practitioner_id",
            "baseline_at",
            "whanau__team_id",
            "whanau__region_id",
        )
        .iterator(chunk_size=CHUNK)
    )


def _holders() -> Iterator[list[tuple[Any, ...]]]:
    """Each holder's goals (rows of _goal_rows), one holder at a time."""
    current: list[tuple[Any, ...]] = []
    for row in _goal_rows():
        if current and row[0] != current[0][0]:
            yield current
            current = []
        current.append(row)
    if current:
        yield current


def _early_quality(holders: dict[int, int]) -> dict[int, float]:
    """For each holder (person id → practitioner user id): the mean of their first three
    complete self check-ins on their relationship with that practitioner. One query per chunk."""
    complete = Q()
    for key in ITEM_KEYS:
        complete &= Q(**{f"{key}__isnull": False})
    rows = (
        CheckIn.objects.filter(
            complete,
            rater_id__in=list(holders),
            perspective=Perspective.SELF,
            archived_at__isnull=True,
        )
        .order_by("rater_id", "answered_at", "id")
        .values_list(
            "rater_id", "mean", "relationship__person_a__user_id", "relationship__person_b__user_id"
        )
    )
    early: dict[int, list[float]] = {}
    for rater_id, mean, user_a, user_b in rows.iterator(chunk_size=CHUNK):
        practitioner = holders[rater_id]
        if practitioner not in (user_a, user_b) or mean is None:
            continue
        taken = early.setdefault(rater_id, [])
        if len(taken) < EARLY_CHECKINS:
            taken.append(mean)
    return {person: math.fsum(values) / len(values) for person, values in early.items() if values}


def units() -> Iterator[Unit]:
    """Every goal holder who counts, a chunk of holders at a time (bounded memory)."""
    batch: list[list[tuple[Any, ...]]] = []

    def flush(goals_by_holder: list[list[tuple[Any, ...]]]) -> Iterator[Unit]:
        firsts = {goals[0][0]: goals[0] for goals in goals_by_holder}
        quality = _early_quality({person: row[3] for person, row in firsts.items()})
        for goals in goals_by_holder:
            person, _b, _l, practitioner, baseline_at, team, region = goals[0]
            if person not in quality:
                continue
            change = outcomes.goal_change([(float(g[1]), float(g[2])) for g in goals])
            yield Unit(
                person_id=person,
                practitioner_id=practitioner,
                team_id=team,
                region_id=region,
                baseline_on=timezone.localtime(baseline_at).date(),
                goal_change=change,
                early_quality=quality[person],
                goals=len(goals),
            )

    for goals in _holders():
        batch.append(goals)
        if len(batch) >= CHUNK:
            yield from flush(batch)
            batch = []
    if batch:
        yield from flush(batch)


# --- Figures from the unit table (SQL aggregates: no rows in Python) ----------------------------


def scope_units(
    *,
    team_id: int | None = None,
    region_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[HolderOutcome]:
    rows = HolderOutcome.objects.all()
    if team_id is not None:
        rows = rows.filter(team_id=team_id)
    if region_id is not None:
        rows = rows.filter(region_id=region_id)
    if since is not None:
        rows = rows.filter(baseline_on__gte=since)
    if until is not None:
        rows = rows.filter(baseline_on__lte=until)
    return rows


def correlation_of(rows: QuerySet[HolderOutcome]) -> tuple[int, outcomes.Correlation | None]:
    x, y = F("early_quality"), F("goal_change")
    sums = rows.aggregate(
        n=Count("id"),
        sx=Sum(x),
        sy=Sum(y),
        sxx=Sum(x * x),
        syy=Sum(y * y),
        sxy=Sum(x * y),
    )
    n = int(sums["n"] or 0)
    if n < 4:
        return n, None
    return n, outcomes.correlation_from_sums(
        n=n,
        sx=float(sums["sx"]),
        sy=float(sums["sy"]),
        sxx=float(sums["sxx"]),
        syy=float(sums["syy"]),
        sxy=float(sums["sxy"]),
    )


def thirds_of(rows: QuerySet[HolderOutcome], min_bin: int = MIN_BIN) -> list[dict[str, Any]]:
    """Thirds of early relationship quality: each third's range, n and mean goal change; a third
    with fewer than `min_bin` people shows neither its n nor its mean. Four small queries."""
    n = rows.count()
    if n == 0:
        return []
    ordered = rows.order_by("early_quality", "id").values_list("early_quality", flat=True)
    cuts = [ordered[n // 3], ordered[(2 * n) // 3]] if n >= 3 else []
    bins = []
    edges: list[tuple[Q, str]] = (
        [
            (Q(early_quality__lt=cuts[0]), "low"),
            (Q(early_quality__gte=cuts[0], early_quality__lt=cuts[1]), "middle"),
            (Q(early_quality__gte=cuts[1]), "high"),
        ]
        if cuts
        else [(Q(), "all")]
    )
    for condition, name in edges:
        figures = rows.filter(condition).aggregate(
            n=Count("id"),
            mean=Avg(Cast("goal_change", FloatField())),
            low=Min("early_quality"),
            high=Max("early_quality"),
        )
        count = int(figures["n"] or 0)
        shown = count >= min_bin
        bins.append(
            {
                "third": name,
                "n": count if shown else None,
                "mean_change": round(float(figures["mean"]), 2)
                if shown and figures["mean"] is not None
                else None,
                "suppressed": not shown,
                "from": round(float(figures["low"]), 1)
                if shown and figures["low"] is not None
                else None,
                "to": round(float(figures["high"]), 1)
                if shown and figures["high"] is not None
                else None,
            }
        )
    return bins


# --- The model (the job only) ------------------------------------------------------------------


@dataclass(frozen=True)
class ModelResult:
    status: str  # fitted, too_few_units, too_few_groups, degenerate, failed
    estimate: float | None = None
    low: float | None = None
    high: float | None = None
    groups: int = 0


def fit_model(data: Iterable[tuple[float, float, int]]) -> ModelResult:
    """goal change ~ early quality, with a random intercept for each practitioner (MixedLM,
    REML). `data` is (early quality, goal change, practitioner id) per goal holder."""
    rows = list(data)
    groups = len({g for _x, _y, g in rows})
    if len(rows) < MIN_UNITS:
        return ModelResult("too_few_units", groups=groups)
    if groups < MIN_GROUPS:
        return ModelResult("too_few_groups", groups=groups)
    xs = [x for x, _y, _g in rows]
    ys = [y for _x, y, _g in rows]
    if max(xs) - min(xs) < 1e-9 or max(ys) - min(ys) < 1e-9:
        return ModelResult("degenerate", groups=groups)
    import numpy as np
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    exog = sm.add_constant(np.asarray(xs, dtype=float))
    endog = np.asarray(ys, dtype=float)
    labels = np.asarray([g for _x, _y, g in rows])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        # Practitioners who differ no more than chance: the between-practitioner variance is
        # estimated at its boundary, zero, and the slope is that of the pooled data, a valid
        # answer. statsmodels says so once per fit, which filled the daily job's log.
        warnings.filterwarnings("ignore", message="Random effects covariance is singular")
        try:
            fit = sm.MixedLM(endog, exog, groups=labels).fit(reml=True)
        except (ConvergenceWarning, np.linalg.LinAlgError, ValueError):
            return ModelResult("degenerate", groups=groups)
    estimate = float(fit.params[1])
    low, high = (float(v) for v in fit.conf_int()[1])
    if not all(math.isfinite(v) for v in (estimate, low, high)) or not fit.converged:
        return ModelResult("degenerate", groups=groups)
    return ModelResult("fitted", estimate=estimate, low=low, high=high, groups=groups)


# --- The daily job -----------------------------------------------------------------------------


def figures_for(rows: QuerySet[HolderOutcome], *, with_model: bool) -> dict[str, Any]:
    n, corr = correlation_of(rows)
    result: dict[str, Any] = {
        "n": n,
        "r": corr.r if corr else None,
        "r_low": corr.low if corr else None,
        "r_high": corr.high if corr else None,
        "thirds": thirds_of(rows),
    }
    if with_model:
        model = fit_model(
            rows.values_list("early_quality", "goal_change", "practitioner_id").iterator(
                chunk_size=CHUNK
            )
        )
        result.update(
            model_status=model.status,
            model_estimate=model.estimate,
            model_low=model.low,
            model_high=model.high,
            groups=model.groups,
        )
    return result


def rebuild(*, now: Any = None) -> int:
    """Rewrite the unit table and every scope's figures (agency, each region, each team).
    Idempotent: running it twice gives the same rows."""
    now = now or timezone.now()
    with transaction.atomic():
        HolderOutcome.objects.all().delete()
        batch: list[HolderOutcome] = []
        count = 0
        for unit in units():
            batch.append(
                HolderOutcome(
                    person_id=unit.person_id,
                    practitioner_id=unit.practitioner_id,
                    team_id=unit.team_id,
                    region_id=unit.region_id,
                    baseline_on=unit.baseline_on,
                    goal_change=unit.goal_change,
                    early_quality=unit.early_quality,
                    goals=unit.goals,
                )
            )
            if len(batch) >= CHUNK:
                HolderOutcome.objects.bulk_create(batch)
                count += len(batch)
                batch = []
        HolderOutcome.objects.bulk_create(batch)
        count += len(batch)
        OutcomeFigures.objects.all().delete()
        scopes: list[tuple[str, int | None]] = [("agency", None)]
        scopes += [
            ("region", pk)
            for pk in HolderOutcome.objects.values_list("region_id", flat=True).distinct()
        ]
        scopes += [
            ("team", pk)
            for pk in HolderOutcome.objects.values_list("team_id", flat=True).distinct()
        ]
        for scope, pk in scopes:
            rows = scope_units(
                team_id=pk if scope == "team" else None,
                region_id=pk if scope == "region" else None,
            )
            OutcomeFigures.objects.create(
                scope=scope, scope_id=pk, computed_at=now, **figures_for(rows, with_model=True)
            )
    return count
