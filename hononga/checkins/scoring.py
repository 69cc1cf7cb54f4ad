"""Score and flags of the Hononga Relationship Check-in, exactly as in DESIGN.md.

- mean: the mean of the answered items, unrounded; None when fewer than 6 of 8 are answered.
  Every rule below compares unrounded means. The score people see is the mean to one decimal
  (half up), for display only: 9.0 → 7.667 is a fall of 1.333, not of 9.0 − 7.7 = 1.3.
- low: mean < 8.0, or any single item ≤ 5.
- reliable drop / rise: the change from the previous check-in by the same rater is larger than
  the reliable change threshold, z · √2 · SD · √(1 − alpha) (Jacobson & Truax, |RCI| > 1.96),
  SD and alpha the agency's own once it has enough data (else 1.5 / 0.90), and never smaller
  than a floor (default one scale point).
- dropped: the mean fell by 1.0 or more since the previous check-in by the same rater.
- perception gap: mirror minus self ≥ 2.0 on any item, or ≥ 1.5 on the mean.
- overdue: no check-in from the person in 42 days (42 days or more since the last one).

No database access here: callers pass the values, so the rules are tested at their boundaries.
The database's version of the same rules (selectors.flag_condition) compares the same floats in
the same arithmetic, with the same tolerance EPSILON, so a list filtered by flag in SQL always
agrees with the flags shown.
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
# Means are ratios of whole numbers (k/6, k/7, k/8), stored as floats. Two such means, or a mean
# and a one-decimal threshold, are either equal or at least 1/560 apart, so a tolerance far
# below that decides "at the threshold" the same way in Python, SQLite and PostgreSQL without
# floating-point noise (4.1 − 3.1 = 0.9999999999999996) deciding it.
EPSILON = 1e-9


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
    # Near the top of the scale the agency's SD shrinks (most people answer 9s and 10s), and the
    # threshold with it: at 0.83 a rise from 8.4 to 9.4 would count as reliable. Answers are
    # whole points on a 0–10 scale, so a change of less than one point on the mean is within
    # what one answer more or less explains; no threshold goes below this floor.
    reliable_change_floor: Decimal = Decimal("1.0")
    uses_agency_estimates: bool = False
    sample_n: int = 0  # the agency's estimates: how many baseline check-ins they came from
    # Read back from a FlagThresholds row: the very float the SQL flag filter compares with.
    stored_reliable_change: float | None = None

    @property
    def sem(self) -> float:
        return statistics.sem(self.sd, self.alpha)

    @property
    def statistical_change(self) -> float:
        """z · √2 · SEM: the reliable change threshold before the floor."""
        return statistics.reliable_change_threshold(self.sem, self.rci_z)

    @property
    def reliable_change(self) -> float:
        """The change in mean that a reliable change must exceed (never below the floor)."""
        if self.stored_reliable_change is not None:
            return self.stored_reliable_change
        return max(self.statistical_change, float(self.reliable_change_floor))

    @property
    def floor_applies(self) -> bool:
        return float(self.reliable_change_floor) > self.statistical_change

    @classmethod
    def from_settings(cls, settings: Any) -> "Thresholds":
        """The thresholds that the settings put in force now."""
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
            reliable_change_floor=Decimal(settings.reliable_change_floor),
            uses_agency_estimates=bool(settings.uses_agency_estimates),
            sample_n=int(settings.estimated_n) if settings.uses_agency_estimates else 0,
        )

    @classmethod
    def from_stored(cls, stored: Any, overdue_days: int = 42) -> "Thresholds":
        """The thresholds kept with check-ins (a FlagThresholds row); `overdue_days` belongs to
        relationships, not to check-ins, so it comes from the caller."""
        return cls(
            low_score=Decimal(stored.low_score),
            low_item=int(stored.low_item),
            dropped=Decimal(stored.dropped),
            gap_item=Decimal(stored.gap_item),
            gap_mean=Decimal(stored.gap_mean),
            overdue_days=overdue_days,
            rci_z=float(stored.rci_z),
            sd=float(stored.sd),
            alpha=float(stored.alpha),
            reliable_change_floor=Decimal(stored.reliable_change_floor),
            uses_agency_estimates=bool(stored.uses_agency_estimates),
            sample_n=int(stored.sample_n),
            stored_reliable_change=float(stored.reliable_change),
        )

    def stored_values(self) -> dict[str, Any]:
        """The fields of a FlagThresholds row that keeps these thresholds."""
        return {
            "low_score": self.low_score,
            "low_item": self.low_item,
            "dropped": self.dropped,
            "gap_item": self.gap_item,
            "gap_mean": self.gap_mean,
            "rci_z": Decimal(str(self.rci_z)),
            "sd": self.sd,
            "alpha": self.alpha,
            "reliable_change_floor": self.reliable_change_floor,
            "uses_agency_estimates": self.uses_agency_estimates,
            "sample_n": self.sample_n,
            "reliable_change": self.reliable_change,
        }


DEFAULT_THRESHOLDS = Thresholds()
Items = Mapping[str, int | None]


def answered(items: Items) -> dict[str, int]:
    return {key: int(v) for key in ITEM_KEYS if (v := items.get(key)) is not None}


def mean(items: Items) -> float | None:
    """The unrounded mean of the answered items (what every rule compares), or None below 6."""
    values = list(answered(items).values())
    if len(values) < MIN_ANSWERED:
        return None
    return sum(values) / len(values)  # a correctly rounded double, as SQL's CAST(s AS REAL)/n


def score(items: Items) -> Decimal | None:
    """Mean of the answered items to one decimal (half up), for display; None below 6."""
    values = list(answered(items).values())
    if len(values) < MIN_ANSWERED:
        return None
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def rounded(value: float | Decimal | None) -> Decimal | None:
    """A mean or a change as people see it: one decimal, half up."""
    if value is None:
        return None
    return Decimal(repr(float(value))).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def _float(value: float | Decimal | None) -> float | None:
    return None if value is None else float(value)


def is_low(
    mean_value: float | Decimal | None, items: Items, t: Thresholds = DEFAULT_THRESHOLDS
) -> bool:
    value = _float(mean_value)
    if value is None:
        return False
    return value < float(t.low_score) - EPSILON or any(
        v <= t.low_item for v in answered(items).values()
    )


def change_flags(
    mean_value: float | Decimal | None,
    previous: float | Decimal | None,
    t: Thresholds = DEFAULT_THRESHOLDS,
) -> set[str]:
    """Reliable drop/rise and dropped, against the previous check-in by the same rater, on
    unrounded means. The comparisons are written exactly as selectors.flag_condition writes
    them in SQL (same operands, same order), so both give the same answer."""
    current, before = _float(mean_value), _float(previous)
    if current is None or before is None:
        return set()
    flags: set[str] = set()
    if before >= current + float(t.dropped) - EPSILON:
        flags.add(DROPPED)
    threshold = t.reliable_change
    if before > current + threshold + EPSILON:
        flags.add(RELIABLE_DROP)
    elif current > before + threshold + EPSILON:
        flags.add(RELIABLE_RISE)
    return flags


def rci(
    mean_value: float | Decimal, previous: float | Decimal, t: Thresholds = DEFAULT_THRESHOLDS
) -> float:
    return statistics.reliable_change_index(float(previous), float(mean_value), t.sem)


def perception_gap(
    self_items: Items,
    mirror_items: Items,
    t: Thresholds = DEFAULT_THRESHOLDS,
) -> bool:
    """Mirror minus self ≥ gap_item on any item both answered, or ≥ gap_mean on the means."""
    own, mirror = answered(self_items), answered(mirror_items)
    gap_item = float(t.gap_item)
    if any(mirror[key] >= own[key] + gap_item - EPSILON for key in own.keys() & mirror.keys()):
        return True
    own_mean, mirror_mean = mean(self_items), mean(mirror_items)
    if own_mean is None or mirror_mean is None:
        return False
    return mirror_mean >= own_mean + float(t.gap_mean) - EPSILON


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
    mean_value: float | Decimal | None,
    items: Items,
    previous: float | Decimal | None,
    perspective: str,
    counterpart_items: Items | None,
    t: Thresholds = DEFAULT_THRESHOLDS,
) -> tuple[str, ...]:
    """The flags of one check-in, most urgent first (`previous`: the unrounded mean of the same
    rater's previous check-in)."""
    flags: set[str] = set()
    if is_low(mean_value, items, t):
        flags.add(LOW)
    flags |= change_flags(mean_value, previous, t)
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
