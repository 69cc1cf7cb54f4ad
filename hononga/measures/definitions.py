"""Every figure, defined once: its name, a one-sentence definition and the rule that computes it.

The pages ("what this means"), the definitions page, the CSV, the API and docs/measures.md all
read this list; compute.py implements each rule. Kinds: a `count` of records or people; a `rate`,
the percentage numerator / denominator of two counts; a `mean` of check-in scores; the
`median_days` or `longest_days` that processes have waited at a stage (from the histogram named
in `numerator`). A figure marked
`current` describes today (the state of things now), so it is shown for the current period only.
"""

from dataclasses import dataclass
from typing import Any, Literal

from django.utils.translation import gettext_lazy as _

Kind = Literal["count", "rate", "mean", "median_days", "longest_days"]


@dataclass(frozen=True)
class Measure:
    name: str
    topic: str
    kind: Kind
    label: Any
    definition: Any
    rule: Any
    numerator: str = ""  # rates: the count measures they divide
    denominator: str = ""
    current: bool = False  # the state today, not something that happened in the period
    per_practitioner: bool = False  # also computed for each practitioner (team page)


TOPICS: dict[str, Any] = {
    "whanau": _("Whānau"),
    "checkins": _("Check-ins: what whānau say"),
    "practice": _("Practice: WITH, TO, FOR, NOT"),
    "restorative": _("Restorative processes"),
    "advisories": _("Practice advisories"),
}

MEASURES: list[Measure] = [
    Measure(
        "whanau_open",
        "whanau",
        "count",
        _("Open whānau"),
        _("Whānau open today with a practitioner allocated."),
        _(
            "Whānau whose status is open, not archived, with a current allocation; for a "
            "practitioner, the open whānau allocated to them."
        ),
        current=True,
        per_practitioner=True,
    ),
    Measure(
        "whanau_worked_with",
        "whanau",
        "count",
        _("Whānau worked with"),
        _("Whānau with a practitioner allocated at any time in the period."),
        _(
            "Distinct whānau with an allocation that started on or before the period's last day "
            "and had not ended before its first day; for a practitioner, allocations to them."
        ),
        per_practitioner=True,
    ),
    Measure(
        "links_sent",
        "checkins",
        "count",
        _("Check-in links sent"),
        _("One-time check-in links made in the period."),
        _("Check-in links created in the period, by whoever made them."),
        per_practitioner=True,
    ),
    Measure(
        "links_answered",
        "checkins",
        "count",
        _("Check-in links answered"),
        _("Links made in the period that whānau have answered."),
        _("Check-in links created in the period whose check-in has been answered (so far)."),
        per_practitioner=True,
    ),
    Measure(
        "response_rate",
        "checkins",
        "rate",
        _("Check-in response rate"),
        _("The share of check-in links sent that were answered."),
        _("Links answered ÷ links sent, as a percentage."),
        numerator="links_answered",
        denominator="links_sent",
        per_practitioner=True,
    ),
    Measure(
        "checkins_own",
        "checkins",
        "count",
        _("Check-ins by whānau"),
        _("Check-ins whānau members answered about a relationship in the period."),
        _(
            "Own (self) check-ins answered in the period, not archived, with a score (at least "
            "6 of 8 items answered). Mirror and collateral ratings are not counted."
        ),
        per_practitioner=True,
    ),
    Measure(
        "score_mean",
        "checkins",
        "mean",
        _("Mean relationship score"),
        _("The average score (0–10) of the check-ins whānau answered in the period."),
        _("Mean of the unrounded scores of the own check-ins counted above."),
        numerator="checkins_own",
        per_practitioner=True,
    ),
    Measure(
        "checkins_low",
        "checkins",
        "count",
        _("Low check-ins"),
        _("Check-ins in the period below the low line, or with any item at or below the low item."),
        _(
            "Own check-ins answered in the period whose score is under the low score, or with any "
            "item at or below the low item (the thresholds in force today: 8.0 and 5 by default)."
        ),
        per_practitioner=True,
    ),
    Measure(
        "low_rate",
        "checkins",
        "rate",
        _("Share of check-ins that were low"),
        _("Low check-ins as a share of all check-ins whānau answered in the period."),
        _("Low check-ins ÷ check-ins by whānau, as a percentage."),
        numerator="checkins_low",
        denominator="checkins_own",
        per_practitioner=True,
    ),
    Measure(
        "contacts",
        "practice",
        "count",
        _("Contacts"),
        _("Contacts with whānau recorded as happening in the period."),
        _("Contacts (not archived) whose date and time fall in the period."),
        per_practitioner=True,
    ),
    *[
        Measure(
            f"contacts_{quadrant}",
            "practice",
            "count",
            label,
            definition,
            _(
                "Contacts in the period whose support and control ratings place them in this "
                "quadrant."
            ),
            per_practitioner=True,
        )
        for quadrant, label, definition in (
            (
                "with",
                _("WITH contacts"),
                _("Contacts rated high support and high control (restorative, collaborative)."),
            ),
            (
                "to",
                _("TO contacts"),
                _("Contacts rated low support and high control (punitive, authoritarian)."),
            ),
            (
                "for",
                _("FOR contacts"),
                _("Contacts rated high support and low control (permissive, paternalistic)."),
            ),
            (
                "not",
                _("NOT contacts"),
                _("Contacts rated low support and low control (neglectful, absent)."),
            ),
        )
    ],
    Measure(
        "with_rate",
        "practice",
        "rate",
        _("Share of contacts WITH whānau"),
        _("WITH contacts as a share of all contacts in the period."),
        _("WITH contacts ÷ contacts, as a percentage."),
        numerator="contacts_with",
        denominator="contacts",
        per_practitioner=True,
    ),
    Measure(
        "decisions_made",
        "practice",
        "count",
        _("Contacts where decisions were made"),
        _("Contacts in the period at which decisions were made."),
        _(
            "Contacts in the period recorded as decisions made with, or without, the people "
            "concerned."
        ),
        per_practitioner=True,
    ),
    Measure(
        "decisions_with",
        "practice",
        "count",
        _("Decisions made with whānau"),
        _("Contacts in the period where decisions were made with the people concerned."),
        _("Contacts in the period recorded as “decisions were made with them”."),
        per_practitioner=True,
    ),
    Measure(
        "decisions_with_rate",
        "practice",
        "rate",
        _("Share of decisions made with whānau"),
        _("Of the contacts where decisions were made, the share that made them with whānau."),
        _("Decisions made with whānau ÷ contacts where decisions were made, as a percentage."),
        numerator="decisions_with",
        denominator="decisions_made",
        per_practitioner=True,
    ),
    Measure(
        "processes_referred",
        "restorative",
        "count",
        _("Processes referred"),
        _("Restorative processes asked for in the period."),
        _("Restorative processes created (referred) in the period, whatever their stage now."),
    ),
    Measure(
        "processes_held",
        "restorative",
        "count",
        _("Processes held"),
        _("Restorative conversations and conferences held in the period."),
        _("Restorative processes whose held-on date falls in the period."),
    ),
    Measure(
        "processes_closed",
        "restorative",
        "count",
        _("Processes closed"),
        _("Restorative processes closed in the period with nothing left undone."),
        _("Restorative processes whose closed-on date falls in the period."),
    ),
    *[
        Measure(
            f"processes_stage_{stage}",
            "restorative",
            "count",
            label,
            _("Restorative processes at this stage today."),
            _("Restorative processes (not archived) whose stage today is this one."),
            current=True,
        )
        for stage, label in (
            ("referred", _("Processes at referred")),
            ("preparing", _("Processes at preparing")),
            ("ready", _("Processes at ready")),
            ("held", _("Processes at held")),
            ("monitoring", _("Processes at monitoring")),
        )
    ],
    *[
        measure
        for stage, median_label, longest_label in (
            (
                "referred",
                _("Days at referred: median"),
                _("Days at referred: longest"),
            ),
            (
                "preparing",
                _("Days at preparing: median"),
                _("Days at preparing: longest"),
            ),
            ("ready", _("Days at ready: median"), _("Days at ready: longest")),
            ("held", _("Days at held: median"), _("Days at held: longest")),
            (
                "monitoring",
                _("Days at monitoring: median"),
                _("Days at monitoring: longest"),
            ),
        )
        for measure in (
            Measure(
                f"processes_days_{stage}_median",
                "restorative",
                "median_days",
                median_label,
                _("How long the processes at this stage today have waited there: the middle wait."),
                _(
                    "Days from the day each process (not archived) at this stage today entered "
                    "it to today, in Pacific/Auckland days; the median (the mean of the two "
                    "middle waits when their number is even)."
                ),
                numerator=f"stage_days_{stage}",
                current=True,
            ),
            Measure(
                f"processes_days_{stage}_longest",
                "restorative",
                "longest_days",
                longest_label,
                _("The longest any process at this stage today has waited there."),
                _(
                    "Days from the day each process (not archived) at this stage today entered "
                    "it to today; the largest."
                ),
                numerator=f"stage_days_{stage}",
                current=True,
            ),
        )
    ],
    Measure(
        "processes_waiting",
        "restorative",
        "count",
        _("Processes waiting more than 4 weeks"),
        _("Processes referred more than 28 days ago that have not yet been held."),
        _(
            "Restorative processes at referred, preparing or ready today, created more than 28 "
            "days ago."
        ),
        current=True,
    ),
    Measure(
        "items_due",
        "restorative",
        "count",
        _("Agreement items due"),
        _("Agreement items whose “by when” date falls in the period."),
        _("Agreement items (not archived) due in the period, whatever their status."),
    ),
    Measure(
        "items_done_on_time",
        "restorative",
        "count",
        _("Agreement items done on time"),
        _("Agreement items due in the period that were done by their date."),
        _("Agreement items due in the period, marked done on or before the day they were due."),
    ),
    Measure(
        "items_on_time_rate",
        "restorative",
        "rate",
        _("Share of agreement items done on time"),
        _("Agreement items done by their date, as a share of those due in the period."),
        _("Agreement items done on time ÷ agreement items due, as a percentage."),
        numerator="items_done_on_time",
        denominator="items_due",
    ),
    Measure(
        "items_overdue",
        "restorative",
        "count",
        _("Agreement items overdue"),
        _("Agreement items still open today after their “by when” date."),
        _("Agreement items (not archived) with status open and a due date before today."),
        current=True,
    ),
    Measure(
        "harmed_in_held",
        "restorative",
        "count",
        _("People harmed in processes held"),
        _("People harmed who took part in a process held in the period."),
        _("Participants (not removed) with the role harmed, in processes held in the period."),
    ),
    Measure(
        "harmed_followed_up",
        "restorative",
        "count",
        _("People harmed followed up"),
        _("Of the people harmed in processes held in the period, those followed up since."),
        _("Those participants with at least one follow-up held (so far)."),
    ),
    Measure(
        "followed_up_rate",
        "restorative",
        "rate",
        _("Share of people harmed followed up"),
        _("People harmed who have been followed up, as a share of those in processes held."),
        _("People harmed followed up ÷ people harmed in processes held, as a percentage."),
        numerator="harmed_followed_up",
        denominator="harmed_in_held",
    ),
    Measure(
        "fgc_reviews_due",
        "restorative",
        "count",
        _("Family group conference reviews due"),
        _("Family group conference plans whose review date falls in the period."),
        _("Family group conferences (not archived) with a plan review date in the period."),
    ),
    Measure(
        "fgc_reviews_overdue",
        "restorative",
        "count",
        _("Family group conference reviews overdue"),
        _("Plans past their review date today whose process is still open."),
        _(
            "Family group conferences with a plan review date before today, neither closed nor "
            "stopped."
        ),
        current=True,
    ),
    Measure(
        "in_person_advisory",
        "advisories",
        "count",
        _("In-person contacts during an advisory"),
        _("In-person contacts in the period while a practice advisory was active for the region."),
        _(
            "Contacts in the period in an in-person mode (home visit, office, outdoors, school, "
            "other) on a day an advisory covering the whānau's region was active."
        ),
        per_practitioner=True,
    ),
    Measure(
        "in_person_screened",
        "advisories",
        "count",
        _("Screened before meeting in person"),
        _("Of those in-person contacts, the ones with a screening recorded first."),
        _("Those contacts with a screening linked to them."),
        per_practitioner=True,
    ),
    Measure(
        "screened_rate",
        "advisories",
        "rate",
        _("Share screened before meeting in person"),
        _("In-person contacts during an advisory that had a screening, as a share of all of them."),
        _("Screened ÷ in-person contacts during an advisory, as a percentage."),
        numerator="in_person_screened",
        denominator="in_person_advisory",
        per_practitioner=True,
    ),
]

BY_NAME: dict[str, Measure] = {m.name: m for m in MEASURES}
if len(BY_NAME) != len(MEASURES):  # pragma: no cover - a typo in the list above
    raise RuntimeError("Two measures share a name.")


def by_topic(measures: list[Measure] | None = None) -> list[tuple[str, Any, list[Measure]]]:
    chosen = MEASURES if measures is None else measures
    return [
        (key, label, [m for m in chosen if m.topic == key])
        for key, label in TOPICS.items()
        if any(m.topic == key for m in chosen)
    ]
