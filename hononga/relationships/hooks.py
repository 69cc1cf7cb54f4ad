"""Extension points other apps fill in (in their AppConfig.ready()).

LATEST_CHECKINS_PROVIDER: functions taking a list of relationship ids and returning
{relationship id: CheckInSummary}; the check-ins app appends its own. The map and the relationship
page show whatever they return, so this app never imports the check-ins app.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CheckInSummary:
    score: float | None
    flags: tuple[str, ...]  # codes, for the API and styles
    labels: tuple[str, ...] = ()  # the same flags in words, for people

    @property
    def flags_text(self) -> str:
        """The flags in words (never the codes): what pages show."""
        return ", ".join(str(label) for label in self.labels)


Provider = Callable[[list[int]], dict[int, Any]]
# A list of providers (a single provider assigned here is accepted too).
LATEST_CHECKINS_PROVIDER: Any = []


def latest_checkins(relationship_ids: list[int]) -> dict[int, CheckInSummary]:
    found: dict[int, CheckInSummary] = {}
    if not relationship_ids:
        return found
    providers: list[Provider] = (
        list(LATEST_CHECKINS_PROVIDER)
        if isinstance(LATEST_CHECKINS_PROVIDER, list | tuple)
        else [LATEST_CHECKINS_PROVIDER]
    )
    for provider in providers:
        for pk, summary in provider(relationship_ids).items():
            found.setdefault(pk, summary)
    return found
