"""Fixed reporting periods: calendar months, quarters and years.

No free date ranges: the difference between two overlapping ranges could reveal a small count.
A period is written `2026-03` (month), `2026-Q1` (quarter) or `2026` (year); the words `month`,
`quarter` and `year` mean the latest complete one. Pages offer the last 24 months; the API takes
any period that starts within the last 5 years and has begun.
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

Kind = Literal["month", "quarter", "year"]
KINDS: tuple[Kind, ...] = ("month", "quarter", "year")
MAX_YEARS_BACK = 5
PAGE_MONTHS = 24

_PATTERNS = {
    "month": re.compile(r"^([0-9]{4})-([0-9]{2})$"),
    "quarter": re.compile(r"^([0-9]{4})-Q([1-4])$"),
    "year": re.compile(r"^([0-9]{4})$"),
}


class PeriodError(ValueError):
    """A period that is not a whole month, quarter or year, or is out of range."""


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    kind: Kind
    start: date  # first day
    end: date  # the day after the last day

    @property
    def key(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}"

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.end.toordinal() - 1)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{MONTHS[self.start.month]} {self.start.year}"
        if self.kind == "quarter":
            return _("Quarter %(q)s %(year)s") % {
                "q": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        return str(self.start.year)

    def previous(self) -> "Period":
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        return period_of(self.kind, _add_months(self.start, -months))

    def is_complete(self, today: date) -> bool:
        return self.end <= today

    def __str__(self) -> str:
        return self.key


def period_of(kind: Kind, day: date) -> Period:
    """The month, quarter or year that contains `day`."""
    if kind == "month":
        start = date(day.year, day.month, 1)
        return Period(kind, start, _add_months(start, 1))
    if kind == "quarter":
        start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return Period(kind, start, _add_months(start, 3))
    start = date(day.year, 1, 1)
    return Period(kind, start, date(day.year + 1, 1, 1))


def latest_complete(kind: Kind, today: date) -> Period:
    return period_of(kind, today).previous()


def earliest_start(today: date) -> date:
    """Periods must start on or after this day (the last 5 years)."""
    return _add_months(date(today.year, today.month, 1), -12 * MAX_YEARS_BACK)


def parse(text: str, today: date) -> Period:
    """A period from its key, or the latest complete one of a kind; PeriodError if neither."""
    text = (text or "").strip()
    if text in KINDS:
        return latest_complete(text, today)  # type: ignore[arg-type]
    for kind, pattern in _PATTERNS.items():
        match = pattern.match(text)
        if not match:
            continue
        year = int(match.group(1))
        if kind == "month":
            month = int(match.group(2))
            if not 1 <= month <= 12:
                break
        elif kind == "quarter":
            month = (int(match.group(2)) - 1) * 3 + 1
        else:
            month = 1
        if not 1 <= year <= 9998:
            break
        period = period_of(kind, date(year, month, 1))  # type: ignore[arg-type]
        if period.start > today:
            raise PeriodError(_("That period has not begun yet."))
        if period.start < earliest_start(today):
            raise PeriodError(
                _("Choose a period that starts within the last %(n)s years.")
                % {"n": MAX_YEARS_BACK}
            )
        return period
    raise PeriodError(
        _(
            "Give a whole month (2026-03), quarter (2026-Q1) or year (2026), or one of month, "
            "quarter, year for the latest complete one."
        )
    )


def page_choices(kind: Kind, today: date) -> list[Period]:
    """The periods a page offers, newest first: those that began in the last 24 months."""
    first = _add_months(date(today.year, today.month, 1), -(PAGE_MONTHS - 1))
    found: list[Period] = []
    period = period_of(kind, today)
    while period.end > first:
        found.append(period)
        period = period.previous()
    return found
