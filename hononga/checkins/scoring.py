"""Score and flags of the Hononga Relationship Check-in, exactly as in DESIGN.md.

- score: mean of the answered items, one decimal (half up); None when fewer than 6 of 8.
- low: score < 8.0, or any single item ≤ 5.
- reliable drop / rise: |RCI| > 1.96 against the previous check-in by the same rater
  (Jacobson & Truax), SD and alpha the agency's own once it has enough data, else 1.5 / 0.90.
- dropped: the score fell by 1.0 or more since the previous check-in by the same rater.
- perception gap: mirror minus self ≥ 2.0 on any item, or ≥ 1.5 on the mean.
- overdue: no check-in from the person in 42 days (42 days or more since the last one).

No database access here: callers pass the values, so the rules are tested at their boundaries.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hononga.checkins import statistics
from hononga.checkins.instrument import ITEM_KEYS, MIN_ANSWERED

LOW = "low"
RELIABLE_DROP = "reliable_drop"
RELIABLE_RISE = "reliable_rise"
DROPPED = "dropped"
PERCEPTION_GAP = "perception_gap"
OVERDUE = "overdue"

# Most urgent first: the order of the "needing attention" list and of flags in words.
URGENCY = (RELIABLE_DROP, DROPPED, LOW, PERCEPTION_GAP, OVERDUE)
FLAG_LABELS = {
    LOW: gettext_lazy("Low"),
    RELIABLE_DROP: gettext_lazy("Reliable drop"),
    RELIABLE_RISE: gettext_lazy("Reliable rise"),
    DROPPED: gettext_lazy("Dropped"),
    PERCEPTION_GAP: gettext_lazy("Perception gap"),
    OVERDUE: gettext_lazy("Overdue"),
}
# Flags that ask for attention (a reliable rise is good news, shown but not urgent).
ATTENTION_FLAGS = frozenset(URGENCY)

ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Thresholds:
    low_score: Decimal = Decimal("8.0")
    low_item: int = 5
    dropped: Decimal = Decimal("1.0")
    gap_item: Decimal = Decimal("2.0")
    gap_mean: Decimal = Decimal("1.5")
    overdue_days: int = 42
    rci_z: float = 1.96
    sd: float = 1.5
    alpha: float = 0.90

    @property
    def sem(self) -> float:
        return statistics.sem(self.sd, self.alpha)

    @property
    def reliable_change(self) -> float:
        """The smallest change in score that counts as reliable."""
        return statistics.reliable_change_threshold(self.sem, self.rci_z)

    @classmethod
    def from_settings(cls, settings: Any) -> "Thresholds":
        if settings.uses_agency_estimates:
            sd, alpha = float(settings.estimated_sd), float(settings.estimated_alpha)
        else:
            sd, alpha = float(settings.default_sd), float(settings.default_alpha)
        return cls(
            low_score=Decimal(settings.low_score),
            low_item=int(settings.low_item),
            dropped=Decimal(settings.dropped),
            gap_item=Decimal(settings.gap_item),
            gap_mean=Decimal(settings.gap_mean),
            overdue_days=int(settings.overdue_days),
            rci_z=float(settings.rci_z),
            sd=sd,
            alpha=alpha,
        )


DEFAULT_THRESHOLDS = Thresholds()
Items = Mapping[str, int | None]


def answered(items: Items) -> dict[str, int]:
    return {key: int(v) for key in ITEM_KEYS if (v := items.get(key)) is not None}


def score(items: Items) -> Decimal | None:
    """Mean of the answered items to one decimal (half up), or None below 6 answered."""
    values = list(answered(items).values())
    if len(values) < MIN_ANSWERED:
        return None
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def is_low(score_value: Decimal | None, items: Items, t: Thresholds = DEFAULT_THRESHOLDS) -> bool:
    if score_value is None:
        return False
    return score_value < t.low_score or any(v <= t.low_item for v in answered(items).values())


def change_flags(
    score_value: Decimal | None,
    previous: Decimal | None,
    t: Thresholds = DEFAULT_THRESHOLDS,
) -> set[str]:
    """Reliable drop/rise and dropped, against the previous check-in by the same rater."""
    if score_value is None or previous is None:
        return set()
    flags: set[str] = set()
    if previous - score_value >= t.dropped:
        flags.add(DROPPED)
    if t.sem > 0:
        rci = statistics.reliable_change_index(float(previous), float(score_value), t.sem)
        if statistics.is_reliable_change(rci, t.rci_z):
            flags.add(RELIABLE_DROP if rci < 0 else RELIABLE_RISE)
    return flags


def rci(score_value: Decimal, previous: Decimal, t: Thresholds = DEFAULT_THRESHOLDS) -> float:
    return statistics.reliable_change_index(float(previous), float(score_value), t.sem)


def perception_gap(
    self_items: Items,
    mirror_items: Items,
    t: Thresholds = DEFAULT_THRESHOLDS,
) -> bool:
    """Mirror minus self ≥ gap_item on any item both answered, or ≥ gap_mean on the scores."""
    own, mirror = answered(self_items), answered(mirror_items)
    if any(mirror[key] - own[key] >= t.gap_item for key in own.keys() & mirror.keys()):
        return True
    own_score, mirror_score = score(self_items), score(mirror_items)
    if own_score is None or mirror_score is None:
        return False
    return mirror_score - own_score >= t.gap_mean


def is_overdue(
    last: date | None, since: date, today: date, t: Thresholds = DEFAULT_THRESHOLDS
) -> bool:
    """No check-in for overdue_days: counted from the last one, or from `since` if none yet."""
    start = last or since
    return (today - start).days >= t.overdue_days


def low_items(items: Items, t: Thresholds = DEFAULT_THRESHOLDS) -> list[tuple[str, int]]:
    """The items at or below the low item threshold, lowest first."""
    low = [(key, value) for key, value in answered(items).items() if value <= t.low_item]
    return sorted(low, key=lambda pair: (pair[1], ITEM_KEYS.index(pair[0])))


def checkin_flags(
    *,
    score_value: Decimal | None,
    items: Items,
    previous: Decimal | None,
    perspective: str,
    counterpart_items: Items | None,
    t: Thresholds = DEFAULT_THRESHOLDS,
) -> tuple[str, ...]:
    """The flags of one check-in, most urgent first."""
    flags: set[str] = set()
    if is_low(score_value, items, t):
        flags.add(LOW)
    flags |= change_flags(score_value, previous, t)
    if counterpart_items is not None and perspective in {"self", "mirror"}:
        own, mirror = (
            (items, counterpart_items) if perspective == "self" else (counterpart_items, items)
        )
        if perception_gap(own, mirror, t):
            flags.add(PERCEPTION_GAP)
    return ordered(flags)


def ordered(flags: set[str] | frozenset[str] | tuple[str, ...]) -> tuple[str, ...]:
    order = (*URGENCY, RELIABLE_RISE)
    return tuple(flag for flag in order if flag in flags)


def urgency(flags: tuple[str, ...]) -> int:
    """Smaller is more urgent; relationships without attention flags sort last."""
    ranks = [URGENCY.index(flag) for flag in flags if flag in URGENCY]
    return min(ranks) if ranks else len(URGENCY)


def reason(flag: str, **values: Any) -> str:
    """The flag in words, for the home page and the relationship page."""
    if flag == LOW:
        if values.get("low_items"):
            message = _(
                "%(person)s gave %(low_items)s (latest score %(score)s): talk about the "
                "relationship next time."
            )
        else:
            message = _(
                "%(person)s's latest score is %(score)s, below %(low_score)s: talk about the "
                "relationship next time."
            )
        return message % values
    if flag == RELIABLE_DROP:
        return (
            _(
                "%(person)s's score fell from %(previous)s to %(score)s — more than chance would "
                "explain (a reliable drop)."
            )
            % values
        )
    if flag == DROPPED:
        return (
            _("%(person)s's score fell by %(change)s since last time (%(previous)s → %(score)s).")
            % values
        )
    if flag == PERCEPTION_GAP:
        return (
            _("Your mirror rated the relationship higher than %(person)s did — a perception gap.")
            % values
        )
    if flag == OVERDUE:
        if values.get("last"):
            return _("No check-in from %(person)s since %(last)s (%(days)s days).") % values
        return _("No check-in from %(person)s yet.") % values
    if flag == RELIABLE_RISE:
        return _("%(person)s's score rose reliably, from %(previous)s to %(score)s.") % values
    return str(FLAG_LABELS.get(flag, flag))
