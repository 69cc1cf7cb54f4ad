"""Confidentiality for figures a practice lead sees, as Stats NZ does it.

- Every count is randomly rounded to base 3 (RR3): a multiple of 3 stays; otherwise it goes to
  the nearer multiple of 3 with probability 2/3 and the farther one with probability 1/3. The
  "random" draw is a keyed hash of the cell (measure, group, period), so the same cell rounds the
  same way on every run and in every output (page, CSV, API): asking again reveals nothing. The
  key is derived from SECRET_KEY, so nobody outside can recompute the draw and narrow the count.
- A count under 6 (before rounding) is not shown at all.
- A rate is shown only when its denominator (unrounded) is at least 20, and is computed from the
  unrounded counts; a mean likewise only over at least 20 answers.

Because totals and their parts are each rounded independently, subtracting the shown parts from
the shown total does not give back a suppressed count (tests/test_confidentiality.py tries).
"""

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings

SUPPRESS_UNDER = 6
MIN_DENOMINATOR = 20


def _draw(cell: str) -> float:
    """A number in [0, 1) fixed for this cell."""
    key = hashlib.sha256(b"hononga-rr3:" + settings.SECRET_KEY.encode()).digest()
    digest = hmac.new(key, cell.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def rr3(count: int, cell: str) -> int:
    remainder = count % 3
    if remainder == 0:
        return count
    nearer, farther = (count - 1, count + 2) if remainder == 1 else (count + 1, count - 2)
    return nearer if _draw(cell) < 2 / 3 else farther


@dataclass(frozen=True)
class Shown:
    """A figure as shown: a value, or None with the reason it is held back."""

    value: float | int | None
    note: str = ""  # "suppressed" (too few people) or "" when shown

    @property
    def suppressed(self) -> bool:
        return self.value is None


SUPPRESSED = "suppressed"


def count(value: int, cell: str) -> Shown:
    if value < SUPPRESS_UNDER:
        return Shown(None, SUPPRESSED)
    return Shown(rr3(value, cell))


def rate(numerator: int, denominator: int) -> Shown:
    """A percentage (one decimal) from unrounded counts, shown only over enough people."""
    if denominator < MIN_DENOMINATOR:
        return Shown(None, SUPPRESSED)
    return Shown(round(100 * numerator / denominator, 1))


def mean(value: float | None, n: int) -> Shown:
    if value is None or n < MIN_DENOMINATOR:
        return Shown(None, SUPPRESSED)
    return Shown(round(value, 1))
