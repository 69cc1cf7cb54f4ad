"""The statistics against published worked examples and an independent NumPy/SciPy computation."""

import math
import random

import numpy as np
import pytest
import scipy.stats

from hononga.checkins import statistics as s


def test_it_gives_the_published_reliable_change_threshold():
    # SEM 3.07 → S_diff = √2 · 3.07 = 4.34 → 1.96 · 4.34 = 8.51 points.
    assert s.s_diff(3.07) == pytest.approx(4.3416, abs=1e-4)
    assert round(s.reliable_change_threshold(3.07, 1.96), 2) == 8.51


def test_it_finds_a_pre_24_post_35_change_reliable():
    rci = s.reliable_change_index(24, 35, 3.07)
    assert rci == pytest.approx(11 / (math.sqrt(2) * 3.07))
    assert rci == pytest.approx(2.53, abs=0.005)
    assert s.is_reliable_change(rci)
    # A change of 8 on the same scale is not (8 < 8.51).
    assert not s.is_reliable_change(s.reliable_change_index(24, 32, 3.07))


def test_it_matches_jacobson_and_truax_sem_from_sd_and_reliability():
    # SEM = SD √(1 − r): SD 7.5 with r .88 gives 2.598; our defaults (1.5, .90) give 0.474.
    assert s.sem(7.5, 0.88) == pytest.approx(7.5 * math.sqrt(0.12))
    assert s.sem(1.5, 0.90) == pytest.approx(0.4743, abs=1e-4)
    assert s.reliable_change_threshold(s.sem(1.5, 0.90)) == pytest.approx(1.3148, abs=1e-3)


@pytest.mark.parametrize(("rci", "reliable"), [(1.9599, False), (1.96, False), (1.9601, True)])
def test_it_calls_a_change_reliable_only_above_196(rci, reliable):
    assert s.is_reliable_change(rci) is reliable
    assert s.is_reliable_change(-rci) is reliable


def _data(n: int, k: int, seed: int) -> list[list[float]]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        base = rng.uniform(3, 9)
        rows.append([float(min(10, max(0, round(base + rng.gauss(0, 1.2))))) for _ in range(k)])
    return rows


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_mean_sd_and_alpha_match_numpy(seed):
    rows = _data(150, 8, seed)
    matrix = np.array(rows)
    totals = matrix.sum(axis=1)
    expected_alpha = (8 / 7) * (1 - matrix.var(axis=0, ddof=1).sum() / totals.var(ddof=1))
    assert s.cronbach_alpha(rows) == pytest.approx(expected_alpha, rel=1e-12)
    scores = [sum(r) / 8 for r in rows]
    assert s.mean(scores) == pytest.approx(float(np.mean(scores)), rel=1e-12)
    assert s.sd(scores) == pytest.approx(float(np.std(scores, ddof=1)), rel=1e-12)


def test_alpha_of_a_textbook_table():
    # Four people, three items; worked by hand: item variances 1, 1, 1 (sum 3),
    # totals 3, 6, 9, 12 → variance 15; α = 3/2 · (1 − 3/15) = 1.2.
    rows = [[1, 1, 1], [2, 2, 2], [3, 3, 3], [4, 4, 4]]
    assert s.cronbach_alpha(rows) == pytest.approx(1.5 * (1 - (3 * (5 / 3)) / 15))
    # Perfectly consistent items have alpha 1.
    assert s.cronbach_alpha(rows) == pytest.approx(1.0)


@pytest.mark.parametrize(("n", "k", "alpha"), [(100, 8, 0.9), (30, 8, 0.75), (500, 8, 0.93)])
def test_feldt_interval_matches_scipy(n, k, alpha):
    low, high = s.feldt_interval(alpha, n, k)
    df1, df2 = n - 1, (n - 1) * (k - 1)
    assert low == pytest.approx(1 - (1 - alpha) * scipy.stats.f.ppf(0.975, df1, df2), abs=1e-9)
    assert high == pytest.approx(1 - (1 - alpha) * scipy.stats.f.ppf(0.025, df1, df2), abs=1e-9)
    assert low < alpha < high


@pytest.mark.parametrize(
    ("p", "df1", "df2"), [(0.5, 3, 10), (0.95, 1, 1), (0.01, 50, 7), (0.999, 99, 693)]
)
def test_f_quantile_matches_scipy(p, df1, df2):
    assert s.f_ppf(p, df1, df2) == pytest.approx(scipy.stats.f.ppf(p, df1, df2), rel=1e-8)
    assert s.f_cdf(s.f_ppf(p, df1, df2), df1, df2) == pytest.approx(p, abs=1e-9)


def test_it_refuses_impossible_input():
    with pytest.raises(ValueError):
        s.mean([])
    with pytest.raises(ValueError):
        s.sd([5])
    with pytest.raises(ValueError):
        s.cronbach_alpha([[1, 2, 3]])
    with pytest.raises(ValueError):
        s.cronbach_alpha([[1, 2], [1, 2, 3]])
    with pytest.raises(ValueError):
        s.cronbach_alpha([[5, 5], [5, 5]])
    with pytest.raises(ValueError):
        s.sem(1.5, 1.2)
    with pytest.raises(ValueError):
        s.reliable_change_index(1, 2, 0)
    with pytest.raises(ValueError):
        s.feldt_interval(0.9, 1, 8)


def test_feldt_interval_of_the_feldt_woodruff_salih_example():
    # Feldt, Woodruff & Salih (1987): alpha .79 from 26 items and 41 examinees, a two-sided 90%
    # interval (the example R's psychometric::alpha.CI documents): about .70 to .86.
    low, high = s.feldt_interval(0.79, 41, 26, level=0.90)
    assert (round(low, 2), round(high, 2)) == (0.70, 0.86)
    df1, df2 = 40, 40 * 25
    assert low == pytest.approx(1 - 0.21 * scipy.stats.f.ppf(0.95, df1, df2), abs=1e-9)
    assert high == pytest.approx(1 - 0.21 * scipy.stats.f.ppf(0.05, df1, df2), abs=1e-9)
