"""The advisory report: per team and period, contacts adapted, overrides, unknown immunisation."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import F, Q, QuerySet

from hononga.whanau.models import ImmunisationStatus, Person

from . import rules
from .models import Advisory, Override, Screening


@dataclass
class AdvisoryReport:
    advisory: Advisory
    screenings: int = 0
    adapted: int = 0
    by_mode: list[tuple[str, str, int]] = field(default_factory=list)
    overrides: int = 0
    against_recommendation: int = 0
    unknown_people: list[Person] = field(default_factory=list)


def _mode_label(value: str) -> str:
    from hononga.contacts.models import Mode

    return str(Mode(value).label) if value in Mode.values else value


def build(
    advisories: QuerySet[Advisory], whanau: QuerySet[Any], start: date | None, end: date | None
) -> list[AdvisoryReport]:
    rows: list[AdvisoryReport] = []
    # Only advisories in force at some time in the period.
    if end:
        advisories = advisories.filter(starts__lte=end)
    if start:
        advisories = advisories.filter(Q(ends__isnull=True) | Q(ends__gte=start))
    for advisory in advisories.order_by("starts", "pk").prefetch_related("regions"):
        screenings = Screening.objects.filter(advisory=advisory, whanau__in=whanau)
        overrides = Override.objects.filter(advisory=advisory, whanau__in=whanau)
        if start:
            screenings = screenings.filter(created_at__date__gte=start)
            overrides = overrides.filter(created_at__date__gte=start)
        if end:
            screenings = screenings.filter(created_at__date__lte=end)
            overrides = overrides.filter(created_at__date__lte=end)
        counts: Counter[tuple[str, str]] = Counter(
            screenings.filter(contact__isnull=False).values_list("recommended_mode", "actual_mode")
        )
        adapted = (
            screenings.filter(contact__isnull=False).exclude(actual_mode=F("planned_mode")).count()
        )
        affected = whanau.filter(region__in=advisory.regions.all(), archived_at__isnull=True)
        unknown = list(
            Person.objects.filter(
                memberships__whanau__in=affected,
                archived_at__isnull=True,
                measles_status=ImmunisationStatus.UNKNOWN,
            )
            .distinct()
            .order_by("preferred_name", "pk")
        )
        rows.append(
            AdvisoryReport(
                advisory=advisory,
                screenings=screenings.count(),
                adapted=adapted,
                by_mode=sorted(
                    (str(rules.RECOMMENDATIONS.get(rec, rec)), _mode_label(actual), n)
                    for (rec, actual), n in counts.items()
                ),
                overrides=overrides.count(),
                against_recommendation=screenings.filter(
                    contact__isnull=False,
                    recommended_mode__in=[rules.REMOTE, rules.POSTPONE],
                    actual_mode__in=rules.IN_PERSON_MODES,
                ).count(),
                unknown_people=unknown,
            )
        )
    return rows
