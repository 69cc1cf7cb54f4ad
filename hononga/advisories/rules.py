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

NOT_IMMUNE_STATUSES = frozenset({"not_immune", "unknown", "declined", ""})

# What the people present add up to, from their recorded status (never from what is said).
ALL_IMMUNE = "all_immune"
SOME_NOT_IMMUNE = "some_not_immune"
SOME_UNKNOWN = "some_unknown"


@dataclass(frozen=True)
class Answers:
    """A screening as the rule table reads it. `people_immunity` comes from the recorded
    immunisation status (with consent and documented evidence) of each person present, worked
    out by advisories.evidence; a claim made during screening never reaches this."""

    symptoms: bool
    exposure: bool
    vulnerable: bool
    people_immunity: str = ""  # ALL_IMMUNE | SOME_NOT_IMMUNE | SOME_UNKNOWN | "" (not read)
    practitioner_immunisation: str = ""  # an ImmunisationStatus value, or "" (not asked)


def _practitioner_not_immune(a: Answers) -> bool:
    return a.practitioner_immunisation in NOT_IMMUNE_STATUSES


CONDITIONS: dict[str, tuple[Any, Callable[[Answers], bool]]] = {
    "symptoms": (
        _("Someone who will be there has a symptom asked about"),
        lambda a: a.symptoms,
    ),
    "exposure": (
        _("Known exposure to the disease (within the time asked about)"),
        lambda a: a.exposure,
    ),
    "practitioner_not_immune": (
        _("The practitioner is not immune, or their status is unknown"),
        _practitioner_not_immune,
    ),
    "vulnerable": (
        _("Someone especially vulnerable will be present"),
        lambda a: a.vulnerable,
    ),
    "vulnerable_and_practitioner_not_immune": (
        _(
            "Someone especially vulnerable will be present and the practitioner is not up to "
            "date, or their status is unknown"
        ),
        lambda a: a.vulnerable and _practitioner_not_immune(a),
    ),
    "people_not_immune": (
        _("Someone present has no recorded evidence of immunity"),
        lambda a: a.people_immunity != ALL_IMMUNE,
    ),
    "always": (_("None of the above"), lambda a: True),
}

# The conditions that read the practitioner's status, and the recorded status of those present.
PRACTITIONER_CONDITIONS = frozenset(
    {"practitioner_not_immune", "vulnerable_and_practitioner_not_immune"}
)
PEOPLE_CONDITIONS = frozenset({"people_not_immune"})


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
