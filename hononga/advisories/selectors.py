"""Reads for advisories: which are active, for which whānau."""

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from . import diseases, rules
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
    return active_advisories(day).filter(regions=whanau.region_id).order_by("starts", "pk").first()


def current_rule_table(disease: str) -> RuleTable:
    """The disease's rule table as diseases.py has it now, stored as a numbered version so a
    screening keeps the rows it was given; a new version only when the rows change."""
    key = diseases.for_condition(disease).key
    rows = diseases.rows_of(key)
    table = RuleTable.objects.filter(disease=key).order_by("-version").first()
    if table is not None and table.rows == rows:
        return table
    with transaction.atomic():
        latest = (
            RuleTable.objects.select_for_update().filter(disease=key).order_by("-version").first()
        )
        if latest is not None and latest.rows == rows:
            return latest
        try:
            with transaction.atomic():
                return RuleTable.objects.create(
                    disease=key, version=(latest.version + 1) if latest else 1, rows=rows
                )
        except IntegrityError:  # another request stored it first
            return RuleTable.objects.filter(disease=key).order_by("-version").first()  # type: ignore[return-value]


def rule_tables() -> list[dict[str, Any]]:
    """Every disease's current table, for administrators to read."""
    tables = []
    for key, disease in diseases.DISEASES.items():
        table = current_rule_table(key)
        tables.append(
            {
                "disease": disease,
                "key": key,
                "table": table,
                "rows": rules.describe(table.rows),
            }
        )
    return tables
