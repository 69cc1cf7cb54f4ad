"""The pages and API lists that practitioners, supervisors, facilitators and practice leads
open every day, on generated data: what `bench/scale.py` times and the tests hold to a flat
query count."""

from dataclasses import dataclass

from hononga.accounts.models import Role, User
from hononga.core.models import Region
from hononga.goals.models import Goal, GoalStatus
from hononga.restorative.models import RestorativeProcess
from hononga.whanau.models import Allocation


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    username: str
    api: bool = False


@dataclass(frozen=True)
class Cast:
    """Who the benchmarks act as on a generated agency: its first practitioner, one of their
    supervisors, a facilitator with processes, and the practitioner's first open whānau."""

    practitioner: User
    supervisor: User | None
    facilitator: User | None
    whanau_id: int | None


def cast() -> Cast:
    practitioner = User.objects.get(username="syn-practitioner-0001")
    supervisor = (
        User.objects.filter(role=Role.SUPERVISOR, teams__members=practitioner)
        .order_by("username")
        .first()
    )
    facilitator = (
        User.objects.filter(role=Role.FACILITATOR, facilitated_processes__isnull=False)
        .order_by("username")
        .first()
    )
    whanau_id = (
        Allocation.objects.current()
        .filter(user=practitioner, whanau__status="open")
        .order_by("whanau_id")
        .values_list("whanau_id", flat=True)
        .first()
    )
    return Cast(practitioner, supervisor, facilitator, whanau_id)


def daily_pages() -> list[Page]:
    who = cast()
    practitioner, supervisor, facilitator, whanau_id = (
        who.practitioner,
        who.supervisor,
        who.facilitator,
        who.whanau_id,
    )
    # A whānau of theirs with a plan: active goals, rated (the whānau page shows them).
    goals_whanau_id = (
        Goal.objects.filter(
            whanau__in=Allocation.objects.current()
            .filter(user=practitioner, whanau__status="open")
            .values("whanau_id"),
            status=GoalStatus.ACTIVE,
            rating_count__gte=2,
        )
        .order_by("whanau_id")
        .values_list("whanau_id", flat=True)
        .first()
    )
    me = practitioner.username
    pages = [
        Page("practitioner home", "/", me),
        Page("whānau list", "/whanau/", me),
        Page("whānau page", f"/whanau/{whanau_id}/", me),
        Page("whānau page with goals", f"/whanau/{goals_whanau_id or whanau_id}/", me),
        Page("contact list", "/contacts/", me),
        Page("practitioner reflection", f"/reflection/practitioners/{practitioner.pk}/", me),
        Page("attention list", "/check-ins/attention/", me),
        Page("API check-ins", "/api/v1/check-ins", me, api=True),
        Page("API contacts", "/api/v1/contacts", me, api=True),
        Page("API whānau", "/api/v1/whanau", me, api=True),
        Page("API screenings", "/api/v1/screenings", me, api=True),
        Page("API goals", "/api/v1/goals", me, api=True),
        Page("API notifications", "/api/v1/notifications", me, api=True),
    ]
    if supervisor is not None:
        team = supervisor.teams.order_by("pk").first()
        boss = supervisor.username
        pages += [
            Page("supervisor home", "/", boss),
            Page("supervision view", f"/supervision/{practitioner.pk}/", boss),
            Page("team reflection", f"/reflection/teams/{team.pk if team else 0}/", boss),
            Page("supervisor contact list", "/contacts/", boss),
            Page("supervisor attention list", "/check-ins/attention/", boss),
            # Precomputed by the daily job (`hononga goals learn`); the team's scatter.
            Page("learning page (team)", "/goals/learning/", boss),
            # Figures from the rollup (`hononga measures rollup`), the attention list live.
            Page("team figures", f"/figures/teams/{team.pk if team else 0}/", boss),
            Page(
                "API measures (team)",
                f"/api/v1/measures?level=team&id={team.pk if team else 0}",
                boss,
                api=True,
            ),
        ]
    if facilitator is not None:
        process = RestorativeProcess.objects.filter(facilitator=facilitator).order_by("pk").first()
        pages += [
            Page("facilitator home", "/", facilitator.username),
            Page("process list", "/processes/", facilitator.username),
            Page(
                "process page", f"/processes/{process.pk if process else 0}/", facilitator.username
            ),
            Page("API processes", "/api/v1/processes", facilitator.username, api=True),
        ]
    if User.objects.filter(username="syn-lead").exists():
        # The agency's figures, binned, as a practice lead sees them.
        pages.append(Page("learning page (agency)", "/goals/learning/", "syn-lead"))
        # Figures from the rollup, rounded and suppressed: the agency by region, a region by team.
        region = Region.objects.order_by("pk").first()
        pages += [
            Page("agency figures", "/figures/", "syn-lead"),
            Page("region figures", f"/figures/regions/{region.pk if region else 0}/", "syn-lead"),
            Page("API measures (agency)", "/api/v1/measures?level=agency", "syn-lead", api=True),
        ]
    return pages
