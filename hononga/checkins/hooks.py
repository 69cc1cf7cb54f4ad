"""Where other apps plug into check-ins without check-ins importing them.

AFTER_LINK_ANSWER: functions called with the raw token once a one-time link's check-in is saved;
the first that returns a path (with a query string) is where the person goes next. The goals
app uses it when one link carries the check-in and the goal ratings.
"""

from collections.abc import Callable

AFTER_LINK_ANSWER: list[Callable[[str], str | None]] = []
