"""Reads for advisories: which are active, for which whānau."""

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from . import rules
from .models import Advisory, RuleTable


def today() -> date:
    return timezone.localdate()


def active_advisories(day: date | None = None) -> QuerySet[Advisory]:
    day = day or today()
    return Advisory.objects.filter(archived_at__isnull=True, starts__lte=day).filter(
        Q(ends__isnull=True) | Q(ends__gte=day)
    )


def active_for_whanau(whanau: Any, day: date | None = None) -> Advisory | None:
    if whanau is None or not getattr(whanau, "region_id", None):
        return None
    return (
        active_advisories(day)
        .filter(regions=whanau.region_id)
        .select_related("rule_table")
        .order_by("starts", "pk")
        .first()
    )


def current_rule_table() -> RuleTable:
    table = RuleTable.objects.order_by("-version").first()
    if table is None:
        table = RuleTable.objects.create(version=1, rows=rules.DEFAULT_ROWS)
    return table
