"""Working days as the Privacy Act 2020 (s 7) counts them, for the 20-working-day time limits.

Not a working day: Saturday, Sunday, Waitangi Day, Good Friday, Easter Monday, Anzac Day, the
Sovereign's birthday, Te Rā Aro ki a Matariki, Labour Day (Waitangi and Anzac Days moved to the
Monday when they fall on a weekend), and the summer break from 25 December to 15 January.
Regional anniversary days are not counted out (they differ by region): the limit is never
later than the law allows, at worst a day early.
"""

from datetime import date, timedelta
from functools import cache

# Te Rā Aro ki a Matariki, as set by the Te Kāhui o Matariki Public Holiday Act 2022, Schedule 1.
MATARIKI = {
    2022: date(2022, 6, 24),
    2023: date(2023, 7, 14),
    2024: date(2024, 6, 28),
    2025: date(2025, 6, 20),
    2026: date(2026, 7, 10),
    2027: date(2027, 6, 25),
    2028: date(2028, 7, 14),
    2029: date(2029, 7, 6),
    2030: date(2030, 6, 21),
    2031: date(2031, 7, 11),
    2032: date(2032, 7, 2),
    2033: date(2033, 6, 24),
    2034: date(2034, 7, 7),
    2035: date(2035, 6, 29),
}


def _easter(year: int) -> date:
    """Western Easter Sunday (the anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _mondayised(day: date) -> date:
    if day.weekday() == 5:
        return day + timedelta(days=2)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def _nth_monday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7 + 7 * (n - 1))


@cache
def holidays(year: int) -> frozenset[date]:
    easter = _easter(year)
    days = {
        _mondayised(date(year, 2, 6)),
        easter - timedelta(days=2),
        easter + timedelta(days=1),
        _mondayised(date(year, 4, 25)),
        _nth_monday(year, 6, 1),
        _nth_monday(year, 10, 4),
    }
    if year in MATARIKI:
        days.add(MATARIKI[year])
    return frozenset(days)


def is_working_day(day: date) -> bool:
    if day.weekday() >= 5:
        return False
    if (day.month == 12 and day.day >= 25) or (day.month == 1 and day.day <= 15):
        return False
    return day not in holidays(day.year)


def add_working_days(start: date, count: int) -> date:
    """The date `count` working days after `start` (the day received is day 0)."""
    day = start
    added = 0
    while added < count:
        day += timedelta(days=1)
        if is_working_day(day):
            added += 1
    return day
