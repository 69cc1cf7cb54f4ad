from datetime import date

import pytest

from hononga.measures import periods

TODAY = date(2026, 11, 15)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-10", date(2026, 10, 1), date(2026, 11, 1)),
        ("2026-Q3", date(2026, 7, 1), date(2026, 10, 1)),
        ("2025", date(2025, 1, 1), date(2026, 1, 1)),
        ("month", date(2026, 10, 1), date(2026, 11, 1)),
        ("quarter", date(2026, 7, 1), date(2026, 10, 1)),
        ("year", date(2025, 1, 1), date(2026, 1, 1)),
        ("2026-11", date(2026, 11, 1), date(2026, 12, 1)),  # the current month, so far
        ("2021-11", date(2021, 11, 1), date(2021, 12, 1)),  # 5 years back
    ],
)
def test_it_reads_whole_months_quarters_and_years(text: str, start: date, end: date) -> None:
    period = periods.parse(text, TODAY)
    assert (period.start, period.end) == (start, end)
    assert periods.parse(period.key, TODAY) == period


@pytest.mark.parametrize(
    "text",
    [
        "2026-13",
        "2026-00",
        "2026-Q5",
        "2026-10-01",
        "last week",
        "",
        "2026-12",
        "2027",
        "2021-10",
        "2021-Q3",
        "0000",
        "9999-Q1",
        "２０２６",
    ],
)
def test_it_refuses_anything_else(text: str) -> None:
    with pytest.raises(periods.PeriodError):
        periods.parse(text, TODAY)


def test_previous_periods() -> None:
    assert periods.parse("2026-01", TODAY).previous().key == "2025-12"
    assert periods.parse("2026-Q1", TODAY).previous().key == "2025-Q4"
    assert periods.parse("2026", TODAY).previous().key == "2025"


def test_pages_offer_the_last_24_months() -> None:
    months = periods.page_choices("month", TODAY)
    assert len(months) == 24
    assert months[0].key == "2026-11" and months[-1].key == "2024-12"
    assert periods.page_choices("year", TODAY)[-1].key == "2024"
