"""Pages of figures: a supervisor's team page, a practice lead's agency and region pages, the
definitions page, and the CSV. Every figure comes from compute.table (one function for page,
CSV and API)."""

import csv
from collections import Counter
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hononga.accounts.models import Role, User
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.checkins import scoring
from hononga.checkins import selectors as checkin_selectors
from hononga.checkins.services import thresholds as checkin_thresholds
from hononga.core.models import Region
from hononga.core.request import AuthedRequest
from hononga.core.text import spreadsheet_safe
from hononga.measures import access, compute, periods, rollup
from hononga.measures.definitions import MEASURES, TOPICS, by_topic

ATTENTION_SHOWN = 25
KIND_LABELS = {
    "month": gettext_lazy("Month"),
    "quarter": gettext_lazy("Quarter"),
    "year": gettext_lazy("Year"),
}


class PeriodForm(forms.Form):
    """A fixed period: its length, then one of the last 24 months' periods of that length."""

    kind = forms.ChoiceField(label=gettext_lazy("Period length"), choices=KIND_LABELS.items())
    period = forms.CharField(
        label=gettext_lazy("Period"),
        required=False,
        max_length=10,
        widget=forms.Select,
        help_text=gettext_lazy("After changing the length, press Show to list its periods."),
    )

    def __init__(self, *args: Any, today: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = (self.data.get("kind") if self.is_bound else None) or self.initial.get("kind")
        kind = kind if kind in periods.KINDS else "month"
        self.today = today
        self.choices = periods.page_choices(kind, today)  # type: ignore[arg-type]
        self.fields["period"].widget.choices = [
            (
                p.key,
                _("%(period)s (so far)") % {"period": p.label}
                if not p.is_complete(today)
                else p.label,
            )
            for p in self.choices
        ]

    def clean_period(self) -> str:
        key = self.cleaned_data.get("period") or ""
        if not key or any(p.key == key for p in self.choices):
            return key
        try:
            periods.parse(key, self.today)
        except periods.PeriodError:
            raise forms.ValidationError(
                _("Choose one of the periods in the list."), code="invalid"
            ) from None
        return ""  # a period of another length: the length was just changed, use its default

    def chosen(self, default_complete: bool) -> periods.Period:
        data = self.cleaned_data if self.is_bound else {}
        key = data.get("period")
        for p in self.choices:
            if p.key == key:
                return p
        if default_complete and not self.choices[0].is_complete(self.today):
            return self.choices[1]
        return self.choices[0]


def _period_form(request: AuthedRequest, *, default_complete: bool) -> tuple[PeriodForm, Any, int]:
    today = timezone.localdate()
    bound = "kind" in request.GET or "period" in request.GET
    form = PeriodForm(request.GET if bound else None, today=today)
    if bound and not form.is_valid():
        # Keep the page usable: the default period, the form's message at the top.
        return form, PeriodForm(None, today=today).chosen(default_complete), 400
    period = form.chosen(default_complete)
    if not bound:
        form = PeriodForm(None, today=today, initial={"kind": period.kind, "period": period.key})
    return form, period, 200


def _query(period: periods.Period, **extra: Any) -> str:
    return urlencode({"kind": period.kind, "period": period.key, **extra})


# --- The team page (supervisors) ----------------------------------------------------------------


@login_required
def team_index_view(request: AuthedRequest) -> HttpResponse:
    if not access.is_supervisor(request.user):
        raise Http404
    teams = list(access.teams_for(request.user))
    if len(teams) == 1:
        return redirect("measures:team", pk=teams[0].pk)
    return render(request, "measures/team_index.html", {"teams": teams})


def _contacts_url(period: periods.Period, practitioner: int | None, quadrant: str = "") -> str:
    params: dict[str, Any] = {
        "date_from": period.start.isoformat(),
        "date_to": period.last_day.isoformat(),
    }
    if practitioner:
        params["practitioner"] = practitioner
    if quadrant:
        params["quadrant"] = quadrant
    return reverse("contacts:list") + "?" + urlencode(params)


@login_required
def team_view(request: AuthedRequest, pk: str) -> HttpResponse:
    user = request.user
    if not access.is_supervisor(user):
        raise Http404
    team = access.get_team(user, pk)
    form, period, status = _period_form(request, default_complete=True)
    today = timezone.localdate()
    practitioners: list[User] = checkin_selectors.attention_practitioners(user=user, team=team)
    groups = [(p.pk, p.display_name) for p in practitioners]
    scope = compute.Scope("team", team.pk)
    # Every figure from the rollup the scheduled job works out (rollup.py), as of its last run;
    # the three tables' stored rows read at once (the figures about today: this month's, as
    # long as the job has run since it began).
    reader = rollup.Reader(
        [
            ("team", team.pk, period, "practitioner"),
            ("team", team.pk, period.previous(), None),
            ("team", team.pk, periods.period_of("month", today), "practitioner"),
        ]
    )
    current = compute.table(
        scope,
        period,
        groups=groups,
        group="practitioner",
        confidential=False,
        today=today,
        total_label=team.name,
        stored=reader,
    )
    previous = compute.table(
        scope, period.previous(), confidential=False, today=today, stored=reader
    )
    # Figures about today (open whānau, processes by stage, overdue items), whatever the period:
    # those of the day of the job's last run.
    as_of = current.as_of or rollup.latest_run()
    now = compute.table(
        scope,
        periods.period_of("month", timezone.localdate(as_of) if as_of else today),
        groups=groups,
        group="practitioner",
        confidential=False,
        today=today,
        current_only=True,
        stored=reader,
    )
    # The team's attention list: counts per practitioner, and the first page with reasons.
    t = checkin_thresholds()  # read once, for the list and its reasons
    items = checkin_selectors.attention_items(user=user, team=team, today=today, t=t)
    needing = Counter(item.practitioner.pk for item in items)
    overdue = Counter(item.practitioner.pk for item in items if scoring.OVERDUE in item.flags)
    shown = items[:ATTENTION_SHOWN]
    checkin_selectors.explain(shown, today=today, t=t)
    from hononga.checkins.views import relationship_url

    for item in shown:
        item.url = relationship_url(item.relationship)
    record_event(
        actor=user,
        action=Action.LIST,
        summary=f"Team figures for team {team.pk}, {period.key}",
        data={
            "team": team.pk,
            "period": period.key,
            "relationships": [item.relationship.pk for item in shown],
        },
        request=request,
    )
    assert current.total is not None and previous.total is not None  # noqa: S101
    assert now.total is not None  # noqa: S101
    rows = [
        {
            "row": row,
            "now": now_row,
            "needing": needing.get(row.key, 0),
            "overdue": overdue.get(row.key, 0),
            "contacts_url": _contacts_url(period, row.key),
        }
        for row, now_row in zip(current.rows, now.rows, strict=True)
    ]
    return render(
        request,
        "measures/team.html",
        {
            "team": team,
            "form": form,
            "period": period,
            "as_of": current.as_of,
            "now_as_of": now.as_of,
            "previous_period": period.previous(),
            "is_current": period.start <= today < period.end,
            "rows": rows,
            "total": current.total,
            "previous": previous.total,
            "now": now.total,
            "needing_total": len(items),
            "overdue_total": sum(overdue.values()),
            "attention": shown,
            "topics": by_topic([m for m in MEASURES if m.per_practitioner and not m.current]),
            "team_topics": by_topic(
                [m for m in MEASURES if not m.per_practitioner and not m.current]
            ),
            "team_today": [m for m in MEASURES if m.current and not m.per_practitioner],
            "contacts_url": _contacts_url(period, None),
            "quadrants": ["with", "to", "for", "not"],
        },
        status=status,
    )


# --- Region and agency pages (practice leads) ---------------------------------------------------


def _lead_page(request: AuthedRequest, region: Region | None) -> HttpResponse:
    user = request.user
    form, period, status = _period_form(request, default_complete=True)
    today = timezone.localdate()
    if region is None:
        scope = compute.Scope("agency")
        groups = [(r.pk, r.name) for r in Region.objects.order_by("name", "pk")]
        group: compute.Group = "region"
        total_label = _("The agency")
    else:
        scope = compute.Scope("region", region.pk)
        groups = [(t.pk, t.name) for t in region.teams.order_by("name", "pk")]
        group = "team"
        total_label = region.name
    reader = rollup.Reader(
        [(scope.level, scope.id, period, group), (scope.level, scope.id, period.previous(), group)]
    )
    current = compute.table(
        scope,
        period,
        groups=groups,
        group=group,
        confidential=True,
        today=today,
        total_label=total_label,
        stored=reader,
    )
    previous = compute.table(
        scope,
        period.previous(),
        groups=groups,
        group=group,
        confidential=True,
        today=today,
        total_label=total_label,
        stored=reader,
    )
    if request.GET.get("format") == "csv" and status == 200:
        return _csv(request, current, previous, region)
    record_event(
        actor=user,
        action=Action.LIST,
        summary=f"Figures for {scope.cell}, {period.key}",
        data={"scope": scope.cell, "period": period.key},
        request=request,
    )
    topics = []
    for key, label, measures in by_topic():
        charted = [m for m in measures if m.kind in ("rate", "mean")][:1] or [
            m for m in measures if not m.current
        ][:1]
        chart = None
        if charted:
            measure = charted[0]
            labels = [row.label for row in current.rows] + [total_label]
            this = [row.figures[measure.name].value for row in current.rows] + [
                current.total.figures[measure.name].value  # type: ignore[union-attr]
            ]
            before = [row.figures[measure.name].value for row in previous.rows] + [
                previous.total.figures[measure.name].value  # type: ignore[union-attr]
            ]
            chart = {
                "id": f"chart-{key}",
                "measure": measure,
                "rows": list(zip(labels, this, before, strict=True)),
                "config": {
                    "type": "bar",
                    "data": {
                        "labels": labels,
                        "datasets": [
                            {"label": period.label, "data": this, "backgroundColor": "#1d5b79"},
                            {
                                "label": period.previous().label,
                                "data": before,
                                "backgroundColor": "#a7c4d4",
                            },
                        ],
                    },
                    "options": {
                        "scales": {"y": {"beginAtZero": True}},
                        "plugins": {"legend": {"position": "bottom"}},
                    },
                },
            }
        topics.append({"key": key, "label": label, "measures": measures, "chart": chart})
    leads = list(access.regions_for(user)) if region is None else []
    return render(
        request,
        "measures/lead.html",
        {
            "region": region,
            "form": form,
            "period": period,
            "as_of": current.as_of,
            "previous_period": period.previous(),
            "current": current,
            "previous": previous,
            "comparison": [
                (m, current.total.figures[m.name], previous.total.figures[m.name])  # type: ignore[union-attr]
                for m in MEASURES
            ],
            "topics": topics,
            "group_label": _("Region") if region is None else _("Team"),
            "regions": leads,
            "csv_query": _query(period, format="csv"),
        },
        status=status,
    )


def _csv(
    request: AuthedRequest,
    current: compute.Table,
    previous: compute.Table,
    region: Region | None,
) -> HttpResponse:
    scope = current.scope
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"hononga-figures-{scope.cell.replace(':', '-')}-{current.period.key}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(
        ["period", "population", "group", "measure", "value", "note", "definition", "as_of"]
    )
    for table in (current, previous):
        assert table.total is not None  # noqa: S101
        for row in [*table.rows, table.total]:
            for measure in table.measures:
                figure = row.figures[measure.name]
                writer.writerow(
                    [
                        spreadsheet_safe(cell)
                        for cell in (
                            table.period.key,
                            scope.cell,
                            row.label,
                            measure.name,
                            "" if figure.value is None else figure.value,
                            figure.note,
                            measure.definition,
                            table.as_of.isoformat() if table.as_of else "",
                        )
                    ]
                )
    record_event(
        actor=request.user,
        action=Action.EXPORT,
        summary=f"Downloaded figures for {scope.cell}, {current.period.key} (CSV)",
        data={"scope": scope.cell, "period": current.period.key},
        request=request,
    )
    return response


@login_required
def agency_view(request: AuthedRequest) -> HttpResponse:
    if not access.is_practice_lead(request.user):
        raise Http404
    return _lead_page(request, None)


@login_required
def region_view(request: AuthedRequest, pk: str) -> HttpResponse:
    if not access.is_practice_lead(request.user):
        raise Http404
    return _lead_page(request, access.get_region(request.user, pk))


# --- Definitions --------------------------------------------------------------------------------


@login_required
def definitions_view(request: AuthedRequest) -> HttpResponse:
    if request.user.role not in {Role.SUPERVISOR, Role.PRACTICE_LEAD, Role.ADMIN}:
        raise Http404
    return render(
        request, "measures/definitions.html", {"topics": by_topic(), "all_topics": TOPICS}
    )
