"""The screening rule table: pure functions, no database.

A rule table is a list of rows, read top to bottom; the first row whose condition holds gives the
recommended mode. Rows are data (stored on RuleTable.rows) so an administrator can read them; the
conditions are a fixed vocabulary defined here.

In-person modes (need a screening under an active advisory): home visit, office, school, outdoors
and other. Outdoors counts as in person — it lowers the risk but people still meet face to face.
Only phone and video are remote.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

PROCEED = "proceed"
OUTDOORS = "outdoors"
REMOTE = "remote"
POSTPONE = "postpone"

RECOMMENDATIONS = {
    PROCEED: _("Proceed in person with the usual precautions"),
    OUTDOORS: _("Meet outdoors"),
    REMOTE: _("Switch to phone or video"),
    POSTPONE: _("Postpone"),
}

# The contact mode to suggest for each recommendation (contacts.models.Mode values).
SUGGESTED_MODE = {PROCEED: "", OUTDOORS: "outdoor", REMOTE: "phone", POSTPONE: ""}

IN_PERSON_MODES = frozenset({"home_visit", "office", "school", "outdoor", "other"})

NOT_IMMUNE_STATUSES = frozenset({"not_immune", "unknown", "declined"})


@dataclass(frozen=True)
class Answers:
    fever: bool
    cough: bool
    rash: bool
    exposure: bool
    people_immunisation: str  # "all_immune" | "some_not_immune" | "some_unknown"
    practitioner_immunisation: str  # whanau.models.ImmunisationStatus value
    vulnerable_pepi: bool
    vulnerable_pregnant: bool
    vulnerable_immunocompromised: bool
    vulnerable_housing: bool

    @property
    def symptoms(self) -> bool:
        return self.fever or self.cough or self.rash

    @property
    def vulnerable(self) -> bool:
        return (
            self.vulnerable_pepi
            or self.vulnerable_pregnant
            or self.vulnerable_immunocompromised
            or self.vulnerable_housing
        )


CONDITIONS: dict[str, tuple[Any, Callable[[Answers], bool]]] = {
    "symptoms": (
        _("Someone in the household has a fever, cough or rash"),
        lambda a: a.symptoms,
    ),
    "exposure": (
        _("Known exposure to measles in the last 14 days"),
        lambda a: a.exposure,
    ),
    "practitioner_not_immune": (
        _("The practitioner is not immune, or their status is unknown"),
        lambda a: a.practitioner_immunisation in NOT_IMMUNE_STATUSES,
    ),
    "vulnerable": (
        _("Someone especially vulnerable will be present"),
        lambda a: a.vulnerable,
    ),
    "people_not_immune": (
        _("Someone present is not immune, or their status is unknown"),
        lambda a: a.people_immunisation != "all_immune",
    ),
    "always": (_("Everyone is immune and well"), lambda a: True),
}

DEFAULT_ROWS: list[dict[str, str]] = [
    {"when": "symptoms", "recommend": POSTPONE},
    {"when": "exposure", "recommend": REMOTE},
    {"when": "practitioner_not_immune", "recommend": REMOTE},
    {"when": "vulnerable", "recommend": REMOTE},
    {"when": "people_not_immune", "recommend": OUTDOORS},
    {"when": "always", "recommend": PROCEED},
]


def check_rows(rows: Any) -> list[str]:
    """Problems with a rule table's rows (empty when it is usable)."""
    problems: list[str] = []
    if not isinstance(rows, list) or not rows:
        return [str(_("A rule table needs at least one row."))]
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            problems.append(str(_("Row %(n)s is not a rule.") % {"n": number}))
            continue
        if row.get("when") not in CONDITIONS:
            problems.append(str(_("Row %(n)s has an unknown condition.") % {"n": number}))
        if row.get("recommend") not in RECOMMENDATIONS:
            problems.append(str(_("Row %(n)s has an unknown recommendation.") % {"n": number}))
    if not problems and rows[-1].get("when") != "always":
        problems.append(str(_("The last row must apply always, so every screening gets a mode.")))
    return problems


def evaluate(rows: list[Mapping[str, str]], answers: Answers) -> tuple[str, int]:
    """The recommendation and the (0-based) index of the row that gave it."""
    for index, row in enumerate(rows):
        _label, holds = CONDITIONS[row["when"]]
        if holds(answers):
            return row["recommend"], index
    return POSTPONE, len(rows)  # a table without a catch-all row: the safe choice


def describe(rows: list[Mapping[str, str]]) -> list[dict[str, Any]]:
    return [
        {
            "number": i + 1,
            "when": row["when"],
            "condition": CONDITIONS[row["when"]][0],
            "recommend": row["recommend"],
            "recommendation": RECOMMENDATIONS[row["recommend"]],
        }
        for i, row in enumerate(rows)
    ]
