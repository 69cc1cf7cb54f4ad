"""GET /api/v1/measures: every figure for a team, a region or the agency over a fixed period,
with its definition; confidentiality applied as on the pages (compute.table is the one
function behind the pages, the CSV and this endpoint), on the counts the scheduled job stored
(rollup.py), with the time it worked them out (`as_of`)."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.api import READ_ERRORS, Id
from hononga.core.errors import PracticeError
from hononga.measures import access, compute, periods
from hononga.measures.definitions import MEASURES

router = Router(tags=["measures"])


class PeriodOut(Schema):
    key: str = Field(description="`2026-03`, `2026-Q1` or `2026`.")
    kind: Literal["month", "quarter", "year"]
    start: date = Field(description="The first day.")
    end: date = Field(description="The last day.")
    complete: bool = Field(description="False while the period is still running.")


class FigureOut(Schema):
    name: str
    label: str
    topic: str
    kind: Literal["count", "rate", "mean", "median_days", "longest_days"] = Field(
        description="count; rate (a percentage, one decimal); mean (0–10, one decimal); "
        "median_days / longest_days: how long processes at a stage today have waited there, in "
        "days (a median may end in .5)."
    )
    definition: str
    rule: str
    current: bool = Field(
        description="True: describes today, so given for the current period only."
    )
    value: float | None = Field(description="Null when not given; `note` says why.")
    note: Literal["", "suppressed", "current_only", "no_data", "not_computed"] = Field(
        description="suppressed: too few people to show; current_only: a figure about today "
        "asked for a past period; no_data: nothing to divide by; not_computed: the scheduled "
        "job has not worked this period out yet."
    )


class MeasuresOut(Schema):
    level: Literal["team", "region", "agency"]
    id: int | None
    name: str = Field(description="The team's or region's name, or “The agency”.")
    period: PeriodOut
    confidentiality: Literal["rr3", "none"] = Field(
        description="rr3: counts randomly rounded to base 3 (the same every time), counts under "
        "6 suppressed, rates and means only over at least 20 (practice leads). none: exact "
        "figures for a supervisor's own team."
    )
    as_of: datetime | None = Field(
        description="When the scheduled job worked these figures out (they are precomputed; "
        "anything recorded or corrected since shows after its next run). Null: not yet."
    )
    figures: list[FigureOut]


class MeasuresQuery(Schema):
    level: Literal["team", "region", "agency"] = Field(description="Whose figures.")
    id: Id | None = Field(None, description="The team's or region's id; not for the agency.")
    period: Annotated[str, Field(max_length=10)] = Field(
        "month",
        description="`2026-03`, `2026-Q1` or `2026`, starting within the last 5 years; or "
        "`month`, `quarter`, `year` for the latest complete one.",
    )
    measure: list[Annotated[str, Field(max_length=40)]] = Field(
        default_factory=list, max_length=len(MEASURES), description="Only these measures (by name)."
    )


def _bad(field: str, message: str) -> PracticeError:
    return PracticeError(message, errors={field: [message]})


@router.get("/measures", response={200: MeasuresOut, **READ_ERRORS})
def get_measures(request: HttpRequest, filters: Query[MeasuresQuery]) -> dict[str, Any]:
    """Every figure (or those named in `measure`) for a team (its supervisors, or practice
    leads of its region), a region (its practice leads) or the agency (practice leads).
    A team or region you do not lead answers 404."""
    user = request.user
    today = timezone.localdate()
    if filters.level == "agency":
        if filters.id is not None:
            raise _bad("id", "The agency has no id: leave it out.")
        if not access.is_practice_lead(user):
            raise Http404
        scope, name = compute.Scope("agency"), "The agency"
    elif filters.id is None:
        raise _bad("id", "Give the id of the team or region.")
    elif filters.level == "team":
        team = access.get_team(user, filters.id)
        scope, name = compute.Scope("team", team.pk), team.name
    else:
        region = access.get_region(user, filters.id)
        scope, name = compute.Scope("region", region.pk), region.name
    try:
        period = periods.parse(filters.period, today)
    except periods.PeriodError as error:
        raise _bad("period", str(error)) from None
    try:
        chosen = compute.measures_named(filters.measure) if filters.measure else MEASURES
    except KeyError as error:
        raise _bad("measure", f"There is no measure named {error.args[0]!r}.") from None
    confidential = access.confidential_for(user)
    table = compute.table(
        scope, period, confidential=confidential, today=today, measures=chosen, stored=True
    )
    assert table.total is not None  # noqa: S101
    record_event(
        actor=user,
        action=Action.LIST,
        summary=f"Figures for {scope.cell}, {period.key} (API)",
        data={"scope": scope.cell, "period": period.key},
        request=request,
    )
    return {
        "level": scope.level,
        "id": scope.id,
        "name": name,
        "period": {
            "key": period.key,
            "kind": period.kind,
            "start": period.start,
            "end": period.last_day,
            "complete": period.is_complete(today),
        },
        "confidentiality": "rr3" if confidential else "none",
        "as_of": table.as_of,
        "figures": [
            {
                "name": m.name,
                "label": str(m.label),
                "topic": m.topic,
                "kind": m.kind,
                "definition": str(m.definition),
                "rule": str(m.rule),
                "current": m.current,
                "value": table.total.figures[m.name].value,
                "note": table.total.figures[m.name].note,
            }
            for m in chosen
        ],
    }
