"""Pure statistics for the check-in: mean, SD, Cronbach's alpha with its Feldt interval, SEM, and
reliable change (Jacobson & Truax, 1991).

No Django and no third-party code: production does not depend on NumPy/SciPy. The tests check
every function against published worked examples and against NumPy/SciPy.

References
- Jacobson, N. S., & Truax, P. (1991). Clinical significance: a statistical approach to defining
  meaningful change in psychotherapy research. J Consult Clin Psychol, 59(1), 12–19.
  S_diff = √2 · SEM, SEM = SD · √(1 − r), RCI = (x2 − x1) / S_diff, reliable when |RCI| > 1.96.
- Feldt, L. S. (1965). The approximate sampling distribution of Kuder-Richardson reliability
  coefficient twenty. Psychometrika, 30, 357–370. With n people and k items,
  (1 − α) / (1 − α̂) ~ F(n − 1, (n − 1)(k − 1)).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z_95 = 1.959963984540054  # the two-sided 95% normal quantile; "1.96" in the literature


def mean(values: Sequence[float]) -> float:
    if not values:
        raise ValueError("mean of no values")
    return math.fsum(values) / len(values)


def variance(values: Sequence[float]) -> float:
    """Sample variance (n − 1 in the denominator)."""
    n = len(values)
    if n < 2:
        raise ValueError("variance needs at least two values")
    m = mean(values)
    return math.fsum((v - m) ** 2 for v in values) / (n - 1)


def sd(values: Sequence[float]) -> float:
    """Sample standard deviation."""
    return math.sqrt(variance(values))


def cronbach_alpha(rows: Sequence[Sequence[float]]) -> float:
    """Cronbach's alpha for complete rows (one row per respondent, one column per item).

    α = k/(k − 1) · (1 − Σ item variances / variance of the totals).
    """
    n = len(rows)
    if n < 2:
        raise ValueError("alpha needs at least two respondents")
    k = len(rows[0])
    if k < 2 or any(len(row) != k for row in rows):
        raise ValueError("alpha needs at least two items, the same number in every row")
    item_variances = math.fsum(variance([row[j] for row in rows]) for j in range(k))
    total_variance = variance([math.fsum(row) for row in rows])
    if total_variance == 0:
        raise ValueError("alpha is undefined when every total is the same")
    return k / (k - 1) * (1 - item_variances / total_variance)


def variance_from_sums(n: int, total: int, squares: int) -> float:
    """Sample variance from the count, the sum and the sum of squares of whole numbers.

    With whole numbers n·Σx² − (Σx)² is exact, so this has none of the cancellation that makes
    the textbook one-pass formula unsafe for floats.
    """
    if n < 2:
        raise ValueError("variance needs at least two values")
    return (n * squares - total * total) / (n * (n - 1))


@dataclass(frozen=True)
class Estimate:
    n: int
    sd_of_means: float  # the SD of the respondents' mean item scores (the check-in's scale)
    alpha: float
    alpha_low: float  # Feldt's 95% interval
    alpha_high: float


def estimate_from_sums(
    *,
    n: int,
    item_sums: Sequence[int],
    item_squares: Sequence[int],
    total_sum: int,
    total_squares: int,
) -> Estimate | None:
    """SD of the mean score, Cronbach's alpha and its Feldt interval from sums a database can
    compute in one aggregate query: for n complete rows of k whole-number items, each item's
    sum and sum of squares, and the sum and sum of squares of the row totals.

    Exactly `cronbach_alpha` and `sd` of the row means on the same rows (the n(n − 1) of the
    variances cancels in alpha, leaving a ratio of exact integers). None when every row has the
    same total (alpha is undefined).
    """
    k = len(item_sums)
    if k < 2 or len(item_squares) != k:
        raise ValueError("the estimate needs at least two items, with a sum of squares for each")
    if n < 2:
        raise ValueError("the estimate needs at least two respondents")
    total_spread = n * total_squares - total_sum * total_sum
    if total_spread <= 0:
        return None
    item_spread = sum(n * q - s * s for s, q in zip(item_sums, item_squares, strict=True))
    alpha = k / (k - 1) * (1 - item_spread / total_spread)
    low, high = feldt_interval(alpha, n, k)
    sd_of_totals = math.sqrt(total_spread / (n * (n - 1)))
    return Estimate(n=n, sd_of_means=sd_of_totals / k, alpha=alpha, alpha_low=low, alpha_high=high)


def feldt_interval(alpha: float, n: int, k: int, level: float = 0.95) -> tuple[float, float]:
    """Feldt's (1965) confidence interval for Cronbach's alpha from n respondents and k items."""
    if n < 2 or k < 2:
        raise ValueError("the interval needs at least two respondents and two items")
    if not 0 < level < 1:
        raise ValueError("level must be between 0 and 1")
    df1 = n - 1
    df2 = (n - 1) * (k - 1)
    tail = (1 - level) / 2
    lower = 1 - (1 - alpha) * f_ppf(1 - tail, df1, df2)
    upper = 1 - (1 - alpha) * f_ppf(tail, df1, df2)
    return lower, upper


def sem(sd_value: float, reliability: float) -> float:
    """Standard error of measurement: SD · √(1 − r)."""
    if not 0 <= reliability <= 1:
        raise ValueError("reliability must be between 0 and 1")
    if sd_value < 0:
        raise ValueError("SD cannot be negative")
    return sd_value * math.sqrt(1 - reliability)


def s_diff(sem_value: float) -> float:
    """Standard error of the difference between two scores: √2 · SEM."""
    return math.sqrt(2) * sem_value


def reliable_change_threshold(sem_value: float, z: float = Z_95) -> float:
    """The smallest change that is reliable at this z: z · √2 · SEM."""
    return z * s_diff(sem_value)


def reliable_change_index(before: float, after: float, sem_value: float) -> float:
    """RCI = (after − before) / S_diff."""
    spread = s_diff(sem_value)
    if spread == 0:
        raise ValueError("RCI is undefined when the SEM is 0")
    return (after - before) / spread


def is_reliable_change(rci: float, z: float = 1.96) -> bool:
    """Reliable when |RCI| is greater than z (Jacobson & Truax: 1.96 for 95%).

    A change exactly at the threshold is not reliable; the tolerance keeps floating-point noise
    (1.9600000000000002) from deciding that.
    """
    return abs(rci) > z + 1e-9


# --- The F distribution (for Feldt), from the regularised incomplete beta function ---------------


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    # Lentz's method (Numerical Recipes, betacf).
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1, a - 1
    c, d = 1.0, 1 - qab * x / qap
    d = 1 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 500):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 + aa * d
        d = 1 / (d if abs(d) > tiny else tiny)
        c = 1 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 + aa * d
        d = 1 / (d if abs(d) > tiny else tiny)
        c = 1 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return h


def regularized_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    if x < (a + 1) / (a + b + 2):
        return front * _beta_continued_fraction(a, b, x) / a
    return 1 - front * _beta_continued_fraction(b, a, 1 - x) / b


def f_cdf(value: float, df1: float, df2: float) -> float:
    if value <= 0:
        return 0.0
    return regularized_beta(df1 * value / (df1 * value + df2), df1 / 2, df2 / 2)


def f_ppf(probability: float, df1: float, df2: float) -> float:
    """The F distribution's quantile, by bisection on the CDF (monotone, so this is safe)."""
    if not 0 < probability < 1:
        raise ValueError("probability must be between 0 and 1")
    low, high = 0.0, 1.0
    while f_cdf(high, df1, df2) < probability:
        high *= 2
        if high > 1e12:  # pragma: no cover - no real degrees of freedom get here
            raise ValueError("F quantile out of range")
    for _ in range(200):
        middle = (low + high) / 2
        if f_cdf(middle, df1, df2) < probability:
            low = middle
        else:
            high = middle
        if high - low < 1e-12 * max(1.0, high):
            break
    return (low + high) / 2
