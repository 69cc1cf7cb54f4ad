"""RR3, suppression under 6, rates over at least 20: the Stats NZ rules, and an attempt to get a
small count back from a total and its other parts."""

from itertools import product

from django.test import override_settings

from hononga.measures import confidentiality as c


def test_multiples_of_three_stay_and_others_go_to_a_neighbouring_multiple() -> None:
    for n in range(0, 300):
        rounded = c.rr3(n, f"cell-{n}")
        assert rounded % 3 == 0
        assert abs(rounded - n) <= 2
        if n % 3 == 0:
            assert rounded == n


def test_the_same_cell_rounds_the_same_way_on_every_run() -> None:
    first = [c.rr3(n, f"contacts|team:{n}|2026-10") for n in range(100)]
    again = [c.rr3(n, f"contacts|team:{n}|2026-10") for n in range(100)]
    assert first == again


def test_the_draw_depends_on_the_secret_key_so_outsiders_cannot_recompute_it() -> None:
    cells = [f"contacts|team:{n}|2026-10" for n in range(200)]
    with override_settings(SECRET_KEY="one" * 20):
        one = [c.rr3(7, cell) for cell in cells]
    with override_settings(SECRET_KEY="two" * 20):
        two = [c.rr3(7, cell) for cell in cells]
    assert one != two


def test_rounding_goes_to_the_nearer_multiple_about_two_times_in_three() -> None:
    nearer = sum(c.rr3(7, f"cell-{i}") == 6 for i in range(3000))
    assert 1850 < nearer < 2150  # 2000 expected


def test_five_is_suppressed_and_six_is_shown() -> None:
    assert c.count(5, "x").suppressed
    assert c.count(5, "x").note == c.SUPPRESSED
    assert c.count(0, "x").suppressed
    assert c.count(6, "x").value == 6


def test_rates_need_a_denominator_of_twenty_and_use_unrounded_counts() -> None:
    assert c.rate(5, 19).suppressed
    assert c.rate(7, 20).value == 35.0  # 7 / 20, not RR3(7) / RR3(20)
    assert c.mean(7.25, 19).suppressed
    assert c.mean(7.25, 20).value == 7.2


def test_a_small_count_cannot_be_recovered_from_its_total_and_other_parts() -> None:
    # 40 contacts: WITH 34, TO 2, FOR 3, NOT 1. TO, FOR and NOT are suppressed; the total and
    # WITH are shown rounded. Someone who knows the rules lists every true TO count consistent
    # with what is shown.
    parts = {"with": 34, "to": 2, "for": 3, "not": 1}
    total = sum(parts.values())
    shown_total = c.count(total, "contacts|team:1|2026-10").value
    shown_with = c.count(parts["with"], "contacts_with|team:1|2026-10").value
    assert shown_total is not None and shown_with is not None
    assert all(
        c.count(parts[q], f"contacts_{q}|team:1|2026-10").suppressed for q in ("to", "for", "not")
    )

    def could_round_to(true: int, shown: int) -> bool:
        return (true % 3 == 0 and true == shown) or (true % 3 != 0 and abs(true - shown) <= 2)

    candidates = set()
    for with_, to, for_, not_ in product(range(30, 40), range(6), range(6), range(6)):
        if could_round_to(with_, shown_with) and could_round_to(
            with_ + to + for_ + not_, shown_total
        ):
            candidates.add(to)
    assert parts["to"] in candidates
    assert len(candidates) == 6  # every value from 0 to 5 remains possible


def test_waits_at_a_stage_need_twenty_processes_for_a_practice_lead() -> None:
    from datetime import date

    from hononga.measures import compute, periods
    from hononga.measures.definitions import BY_NAME

    today = date(2026, 11, 15)
    november = periods.parse("2026-11", today)
    chosen = [BY_NAME["processes_days_ready_median"], BY_NAME["processes_days_ready_longest"]]
    nineteen = {"stage_days_ready": {"3": 10, "40": 9}}
    twenty = {"stage_days_ready": {"3": 10, "40": 9, "200": 1}}

    def shown(raw: dict, confidential: bool) -> list:
        figures = compute.figures_from(
            raw,
            cell="agency",
            period=november,
            confidential=confidential,
            today=today,
            measures=chosen,
        )
        return [(f.value, f.note) for f in figures.values()]

    assert shown(nineteen, True) == [(None, "suppressed"), (None, "suppressed")]
    assert shown(nineteen, False) == [(3, ""), (40, "")]  # a supervisor: exact
    # 20: the median is the mean of the 10th and 11th waits (3 and 40), the longest 200.
    assert shown(twenty, True) == [(21.5, ""), (200, "")]
