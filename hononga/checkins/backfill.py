"""Fill in the derived fields of check-ins written in bulk, in SQL, a batch of ids at a time.

`services.refresh_derived` keeps a relationship's check-ins right as they are recorded. Rows
written without it — by the migration that introduced these fields, or by a bulk loader such as
a data generator — get the same values here, without reading rows into Python: the unrounded
mean, the previous mean by the same rater, the baseline (each rater's first complete
self-rating of the relationship) and the thresholds they are flagged with. Each batch is its own
short transaction, so a national-size table is never locked for long.

The functions take the model classes, so a migration can pass its historical models.
"""

from typing import Any

from django.db import transaction
from django.db.models import Case, F, FloatField, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce

ITEM_KEYS = (
    "safety",
    "trust",
    "respect",
    "empathy",
    "honesty",
    "responsibility",
    "power_sharing",
    "heard",
)
BATCH = 20_000


def _complete() -> Q:
    return Q(**{f"{key}__isnull": False for key in ITEM_KEYS})


def _batches(model: Any, batch: int) -> list[tuple[int, int]]:
    bounds = model.objects.order_by("id").values_list("id", flat=True)
    first = bounds.first()
    last = model.objects.order_by("-id").values_list("id", flat=True).first()
    if first is None or last is None:
        return []
    return [(start, start + batch) for start in range(first, last + 1, batch)]


def fill_derived(checkin_model: Any, *, flagged_with_id: int | None, batch: int = BATCH) -> None:
    """Set mean, previous_mean and is_baseline on every check-in, and flagged_with where it is
    missing (to `flagged_with_id`). Safe to run again."""
    total = sum(
        (Coalesce(F(key), Value(0)) for key in ITEM_KEYS[1:]), Coalesce(F(ITEM_KEYS[0]), Value(0))
    )
    answered = sum(
        (
            Case(
                When(**{f"{key}__isnull": False}, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
            for key in ITEM_KEYS
        ),
        Value(0),
    )
    live_same_rater = checkin_model.objects.filter(
        relationship_id=OuterRef("relationship_id"),
        rater_id=OuterRef("rater_id"),
        archived_at__isnull=True,
    )
    earlier = live_same_rater.filter(
        Q(answered_at__lt=OuterRef("answered_at"))
        | Q(answered_at=OuterRef("answered_at"), id__lt=OuterRef("id"))
    ).order_by("-answered_at", "-id")
    first_baseline = (
        live_same_rater.filter(_complete(), perspective="self")
        .order_by("answered_at", "id")
        .values("id")[:1]
    )
    for start, end in _batches(checkin_model, batch):
        rows = checkin_model.objects.filter(id__gte=start, id__lt=end)
        with transaction.atomic():
            rows.filter(score__isnull=False).update(
                mean=Cast(total, FloatField()) / Cast(answered, FloatField())
            )
            rows.filter(score__isnull=True).update(mean=None)
        with transaction.atomic():
            # After the means: the previous mean is read from the rows just filled.
            rows.filter(archived_at__isnull=True).update(
                previous_mean=Subquery(earlier.values("mean")[:1])
            )
            rows.filter(archived_at__isnull=False).update(previous_mean=None)
            rows.update(is_baseline=False)
            rows.filter(_complete(), perspective="self", archived_at__isnull=True).filter(
                id=Subquery(first_baseline)
            ).update(is_baseline=True)
            if flagged_with_id is not None:
                rows.filter(flagged_with__isnull=True).update(flagged_with_id=flagged_with_id)
