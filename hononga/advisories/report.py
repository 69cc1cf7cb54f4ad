"""The advisory report: per team and period, contacts adapted, overrides, unknown immunisation."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import F, Q, QuerySet

from hononga.whanau.models import Person

from . import diseases, rules
from .models import Advisory, Immunisation, ImmunisationStatus, Override, Screening

# The report names this many people per advisory (the count covers everyone).
UNKNOWN_LISTED = 50


@dataclass
class AdvisoryReport:
    advisory: Advisory
    screenings: int = 0
    adapted: int = 0
    by_mode: list[tuple[str, str, int]] = field(default_factory=list)
    overrides: int = 0
    against_recommendation: int = 0
    unknown_people: list[Person] = field(default_factory=list)
    unknown_count: int = 0
    disease: diseases.Disease | None = None


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
        disease = diseases.for_condition(advisory.condition)
        unknown: list[Person] = []
        unknown_count = 0
        if disease.immunity is not None:
            # Unknown for this advisory's disease: no status recorded for it, or "unknown".
            # (Another disease's status says nothing about this one.)
            known = Immunisation.objects.filter(disease=disease.key).exclude(
                status=ImmunisationStatus.UNKNOWN
            )
            people = (
                Person.objects.filter(
                    memberships__whanau__in=affected,
                    memberships__archived_at__isnull=True,
                    archived_at__isnull=True,
                )
                .exclude(pk__in=known.values("person_id"))
                .distinct()
            )
            unknown_count = people.count()
            unknown = list(people.order_by("preferred_name", "pk")[:UNKNOWN_LISTED])
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
                unknown_count=unknown_count,
                disease=disease,
            )
        )
    return rows
