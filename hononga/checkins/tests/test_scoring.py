"""Score and each flag at its boundary: just under, at, and just over the threshold."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from hononga.checkins import scoring
from hononga.checkins.scoring import Thresholds

D = Decimal
T = Thresholds()
EIGHT = [
    "safety",
    "trust",
    "respect",
    "empathy",
    "honesty",
    "responsibility",
    "power_sharing",
    "heard",
]


def answers(*values):
    return dict(zip(EIGHT, values, strict=False))


def test_score_is_the_mean_of_answered_items_to_one_decimal():
    assert scoring.score(answers(8, 8, 8, 8, 8, 8, 8, 9)) == D("8.1")  # 8.125
    assert scoring.score(answers(8, 8, 8, 8, 8, 8, 9, 9)) == D("8.3")  # 8.25 rounds half up
    assert scoring.score(answers(10, 10, 10, 10, 10, 10, None, None)) == D("10.0")
    assert scoring.score(answers(0, 0, 0, 0, 0, 0, 0, 1)) == D("0.1")


@pytest.mark.parametrize(("answered", "has_score"), [(5, False), (6, True), (7, True)])
def test_score_needs_at_least_six_answers(answered, has_score):
    values = [7] * answered + [None] * (8 - answered)
    assert (scoring.score(answers(*values)) is not None) is has_score


@pytest.mark.parametrize(("score", "low"), [(D("7.9"), True), (D("8.0"), False), (D("8.1"), False)])
def test_low_below_8(score, low):
    assert scoring.is_low(score, answers(9, 9, 9, 9, 9, 9, 9, 9), T) is low


@pytest.mark.parametrize(("item", "low"), [(4, True), (5, True), (6, False)])
def test_low_when_any_item_is_5_or_less(item, low):
    items = answers(10, 10, 10, 10, 10, 10, 10, item)
    assert scoring.is_low(scoring.score(items), items, T) is low


@pytest.mark.parametrize(
    ("previous", "current", "dropped"),
    [(D("9.0"), D("8.1"), False), (D("9.0"), D("8.0"), True), (D("9.0"), D("7.9"), True)],
)
def test_dropped_when_the_score_fell_by_1_or_more(previous, current, dropped):
    assert (scoring.DROPPED in scoring.change_flags(current, previous, T)) is dropped


def test_reliable_change_threshold_with_the_defaults():
    # SD 1.5, alpha .90: threshold 1.96 · √2 · 1.5 · √0.1 = 1.315
    assert T.reliable_change == pytest.approx(1.3148, abs=1e-3)


@pytest.mark.parametrize(
    ("current", "flag"),
    [(D("7.7"), None), (D("7.6"), scoring.RELIABLE_DROP), (D("10.0"), None)],
)
def test_reliable_drop_just_under_and_over_the_threshold(current, flag):
    # From 9.0: a fall of 1.3 (< 1.315) is not reliable, 1.4 is.
    flags = scoring.change_flags(current, D("9.0"), T)
    assert (scoring.RELIABLE_DROP in flags) is (flag == scoring.RELIABLE_DROP)


@pytest.mark.parametrize(("current", "rise"), [(D("8.3"), False), (D("8.4"), True)])
def test_reliable_rise_just_under_and_over(current, rise):
    assert (scoring.RELIABLE_RISE in scoring.change_flags(current, D("7.0"), T)) is rise


@pytest.mark.parametrize(
    ("current", "reliable"), [(D("8.1"), False), (D("8.0"), False), (D("7.9"), True)]
)
def test_reliable_drop_under_at_and_over_an_exact_threshold(current, reliable):
    # SD chosen so that S_diff = 1/1.96: a fall of exactly 1.0 has RCI −1.96 (not reliable).
    t = Thresholds(sd=(1 / 1.96) / (2**0.5 * 0.1**0.5), alpha=0.9)
    assert t.reliable_change == pytest.approx(1.0)
    assert (scoring.RELIABLE_DROP in scoring.change_flags(current, D("9.0"), t)) is reliable


def test_no_change_flags_without_a_previous_check_in():
    assert scoring.change_flags(D("3.0"), None, T) == set()


@pytest.mark.parametrize(("mirror_item", "gap"), [(8, False), (9, True), (10, True)])
def test_perception_gap_on_one_item_at_2(mirror_item, gap):
    own = answers(7, 7, 7, 7, 7, 7, 7, 7)
    mirror = answers(7, 7, 7, 7, 7, 7, 7, mirror_item)  # mean gap stays small
    assert scoring.perception_gap(own, mirror, T) is gap


def test_perception_gap_mean_boundaries_with_items_kept_close():
    # Isolate the mean rule with a high item threshold: under / at / over 1.5.
    t = Thresholds(gap_item=D("5.0"))
    own = answers(6, 6, 6, 6, 6, 6, 6, 6)  # 6.0
    assert scoring.perception_gap(own, answers(7, 7, 7, 7, 7, 7, 8, 9), t) is False  # 7.4: 1.4
    assert scoring.perception_gap(own, answers(7, 7, 7, 7, 7, 8, 8, 9), t) is True  # 7.5: 1.5
    assert scoring.perception_gap(own, answers(7, 7, 7, 7, 8, 8, 8, 9), t) is True  # 7.6: 1.6


def test_a_mirror_below_the_persons_view_is_no_gap():
    assert scoring.perception_gap(answers(*[9] * 8), answers(*[5] * 8), T) is False


@pytest.mark.parametrize(("days", "overdue"), [(41, False), (42, True), (43, True)])
def test_overdue_after_42_days(days, overdue):
    today = date(2026, 6, 30)
    assert scoring.is_overdue(today - timedelta(days=days), date(2020, 1, 1), today, T) is overdue


@pytest.mark.parametrize(("days", "overdue"), [(41, False), (42, True)])
def test_overdue_counts_from_the_start_when_there_is_no_check_in(days, overdue):
    today = date(2026, 6, 30)
    assert scoring.is_overdue(None, today - timedelta(days=days), today, T) is overdue


def test_urgency_orders_reliable_drop_first_and_overdue_last():
    assert scoring.urgency((scoring.RELIABLE_DROP,)) < scoring.urgency((scoring.DROPPED,))
    assert scoring.urgency((scoring.DROPPED,)) < scoring.urgency((scoring.LOW,))
    assert scoring.urgency((scoring.LOW,)) < scoring.urgency((scoring.PERCEPTION_GAP,))
    assert scoring.urgency((scoring.PERCEPTION_GAP,)) < scoring.urgency((scoring.OVERDUE,))
    assert scoring.urgency((scoring.RELIABLE_RISE,)) > scoring.urgency((scoring.OVERDUE,))
