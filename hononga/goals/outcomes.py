"""Pure functions for goal-based outcomes: reliable change, the 42-day rule, and the association
between early relationship quality and goal change (Pearson's r with a Fisher-z interval).

No Django and no third-party code (the mixed model, which needs statsmodels, lives in
hononga.goals.learning and runs only in the scheduled job).

Goal Based Outcomes (CORC): a goal is rated 0–10; a change of 2.45 points or more between the
first rating (the baseline) and a later one counts as reliable. Ratings are whole numbers, so in
practice a change of 3 is reliable and a change of 2 is not.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from hononga.checkins.statistics import Z_95, mean

RELIABLE_CHANGE = 2.45
DUE_DAYS = 42
SCALE_MIN = 0
SCALE_MAX = 10
UP = "reliable_rise"
DOWN = "reliable_drop"
DUE = "rating_due"


def reliable_change(baseline: float | None, latest: float | None, threshold: float) -> str | None:
    """UP, DOWN or None: a change of at least `threshold` points from the baseline.

    "At least" as CORC counts it; the tolerance keeps floating-point noise from deciding a
    change that is exactly the threshold.
    """
    if baseline is None or latest is None:
        return None
    change = latest - baseline
    if change >= threshold - 1e-9:
        return UP
    if change <= -threshold + 1e-9:
        return DOWN
    return None


def is_due(last: date, today: date, days: int = DUE_DAYS) -> bool:
    """No rating for `days` days: `last` and `today` are local (Pacific/Auckland) dates."""
    return today - last >= timedelta(days=days)


@dataclass(frozen=True)
class Correlation:
    n: int
    r: float
    low: float
    high: float


def correlation_from_sums(
    *, n: int, sx: float, sy: float, sxx: float, syy: float, sxy: float, z: float = Z_95
) -> Correlation | None:
    """Pearson's r from sums a database computes in one aggregate, with its Fisher-z interval.

    None when there are fewer than 4 pairs (the interval needs n − 3 > 0) or either variable
    does not vary.
    """
    if n < 4:
        return None
    cov = n * sxy - sx * sy
    vx = n * sxx - sx * sx
    vy = n * syy - sy * sy
    if vx <= 0 or vy <= 0:
        return None
    r = max(-1.0, min(1.0, cov / math.sqrt(vx * vy)))
    low, high = fisher_interval(r, n, z)
    return Correlation(n=n, r=r, low=low, high=high)


def fisher_interval(r: float, n: int, z: float = Z_95) -> tuple[float, float]:
    """The 95% interval for a correlation: tanh(atanh(r) ± z / √(n − 3))."""
    if n < 4:
        raise ValueError("the interval needs at least 4 pairs")
    if abs(r) >= 1:
        return r, r
    centre = math.atanh(r)
    spread = z / math.sqrt(n - 3)
    return math.tanh(centre - spread), math.tanh(centre + spread)


def correlation(xs: Sequence[float], ys: Sequence[float]) -> Correlation | None:
    if len(xs) != len(ys):
        raise ValueError("xs and ys must be the same length")
    return correlation_from_sums(
        n=len(xs),
        sx=math.fsum(xs),
        sy=math.fsum(ys),
        sxx=math.fsum(x * x for x in xs),
        syy=math.fsum(y * y for y in ys),
        sxy=math.fsum(x * y for x, y in zip(xs, ys, strict=True)),
    )


def goal_change(pairs: Sequence[tuple[float, float]]) -> float:
    """A holder's goal change: the mean, over their goals, of latest minus baseline."""
    return mean([latest - baseline for baseline, latest in pairs])
