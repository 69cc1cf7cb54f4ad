"""The figures of what the agency learns, for a page or the API, with who may see which.

Read from the rows the daily job stores (hononga.goals.learning); with a period, the
correlation and thirds come from SQL aggregates over the units and the model is left out.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from hononga.accounts.models import Role
from hononga.core.errors import NotFound
from hononga.goals import learning
from hononga.goals.models import OutcomeFigures

LEAD_ROLES = {Role.ADMIN, getattr(Role, "PRACTICE_LEAD", Role.ADMIN)}


@dataclass
class Scope:
    kind: str  # agency, region, team
    pk: int | None
    scatter: bool  # a supervisor's own team: the goal holders may be shown


def scope_for(user: Any, *, team: int | None, region: int | None) -> Scope:
    """Supervisors see their own teams (and may see those holders anyway); practice leads and
    administrators see the agency, a region or a team as figures only. Anyone else: 404."""
    role = getattr(user, "role", None)
    if role == Role.SUPERVISOR:
        teams = list(user.teams.order_by("name").values_list("pk", flat=True))
        if region is not None or not teams:
            raise NotFound("Not found")
        chosen = team if team is not None else teams[0]
        if chosen not in teams:
            raise NotFound("Not found")
        return Scope("team", chosen, scatter=True)
    if role in LEAD_ROLES:
        if team is not None and region is not None:
            raise NotFound("Not found")
        if team is not None:
            return Scope("team", team, scatter=False)
        if region is not None:
            return Scope("region", region, scatter=False)
        return Scope("agency", None, scatter=False)
    raise NotFound("Not found")


def figures(
    scope: Scope, *, since: date | None = None, until: date | None = None
) -> dict[str, Any]:
    stored = OutcomeFigures.objects.filter(scope=scope.kind, scope_id=scope.pk).first()
    if since is None and until is None:
        if stored is None:
            return {
                "computed_at": None,
                "n": 0,
                "r": None,
                "r_low": None,
                "r_high": None,
                "thirds": [],
                "model": None,
            }
        return {
            "computed_at": stored.computed_at,
            "n": stored.n,
            "r": stored.r,
            "r_low": stored.r_low,
            "r_high": stored.r_high,
            "thirds": stored.thirds,
            "model": {
                "status": stored.model_status,
                "estimate": stored.model_estimate,
                "low": stored.model_low,
                "high": stored.model_high,
                "groups": stored.groups,
            },
        }
    rows = learning.scope_units(
        team_id=scope.pk if scope.kind == "team" else None,
        region_id=scope.pk if scope.kind == "region" else None,
        since=since,
        until=until,
    )
    live = learning.figures_for(rows, with_model=False)
    return {
        "computed_at": stored.computed_at if stored else None,
        **{key: live[key] for key in ("n", "r", "r_low", "r_high", "thirds")},
        "model": None,
    }
