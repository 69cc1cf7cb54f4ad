"""Each disease's screening: its questions, what counts as immunity, and its rule table.

Pure data and functions, no database. An advisory names its disease (Advisory.condition); a
screening under it asks that disease's questions and reads that disease's recorded immunisation
status (advisories.Immunisation), never another disease's. A disease not in the list ("other")
gets the general questions (symptoms, exposure, vulnerable people present) and no immunity rule.

Rows are read top to bottom; the first whose condition holds gives the recommendation (see
rules.py for the condition vocabulary). They rest on New Zealand public-health guidance, checked
when this table was written (2026); an administrator reads every table at /advisories/rules/:

- Measles: Te Whatu Ora, "How to find evidence of measles immunity" and the Communicable Disease
  Control Manual, Measles (reviewed July 2024): acceptable evidence of immunity is born before
  1 January 1969, documented immunity (a positive measles IgG test) or past infection, or
  documented doses of a measles-containing vaccine from 12 months of age (two from 15 months).
  What someone remembers ("I had everything as a child") is not evidence. Measles is airborne;
  non-immune contacts are quarantined to day 14 after exposure; pēpi under 12 months (too young
  for MMR), pregnant people who are not immune and people with weakened immune systems become
  very unwell.
- Whooping cough (pertussis): Immunisation Handbook 2024, chapter 15, and the Communicable
  Disease Control Manual, Pertussis (December 2024): incubation 7–10 days (range 5–21);
  infectious from the cold-like stage until 3 weeks after the cough begins (2–5 days after
  starting antibiotics). Neither vaccination nor infection gives lasting immunity, so another
  person's vaccination does not make a visit safe; the priority is protecting infants under 12
  months and people late in pregnancy, and the Handbook recommends boosters for health and other
  workers in contact with infants.
- Influenza: Te Whatu Ora and Immunisation Handbook, chapter 11: vaccination every year (a past
  season's vaccine does not count); sudden fever or chills, cough, sore throat, aches;
  incubation 1–4 days; stay home while unwell; higher risk for pēpi under 6 months (too young for
  the vaccine), pregnant people, people aged 65 and over and people with long-term conditions.
- COVID-19: Te Whatu Ora / covid19.govt.nz: symptoms include a new or worsening cough, fever,
  sore throat, runny nose, loss of smell or taste, shortness of breath; someone who tests
  positive isolates for 5 days; household contacts test daily for 5 days. Vaccination lessens
  severe illness but does not reliably stop spread, so no vaccination status makes a visit
  safer here: there is no immunity rule.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import rules

MEASLES = "measles"
PERTUSSIS = "pertussis"
INFLUENZA = "influenza"
COVID = "covid"
OTHER = "other"


@dataclass(frozen=True)
class Question:
    key: str
    text: Promise | str


@dataclass(frozen=True)
class ImmunityRule:
    """What counts as immune (or up to date) for one disease, shown where status is recorded."""

    what_counts: Promise | str
    # A status older than this is not evidence (a flu vaccine is for one season); None: no limit.
    valid_for_days: int | None = None
    # Whether "born in New Zealand before 1969" is evidence for this disease (measles only).
    born_before_1969: bool = False


@dataclass(frozen=True)
class Disease:
    key: str
    label: Promise | str
    symptoms: tuple[Question, ...]
    exposure: Question
    vulnerable: tuple[Question, ...]
    immunity: ImmunityRule | None
    rows: tuple[Mapping[str, str], ...]
    sources: tuple[str, ...] = field(default=())

    @property
    def asks_practitioner(self) -> bool:
        """The practitioner's own status is asked only where a row reads it."""
        return any(row["when"] in rules.PRACTITIONER_CONDITIONS for row in self.rows)

    @property
    def reads_people_present(self) -> bool:
        return any(row["when"] in rules.PEOPLE_CONDITIONS for row in self.rows)

    def questions(self) -> list[Question]:
        """Every yes/no question, in the order the screening asks them."""
        return [*self.symptoms, self.exposure, *self.vulnerable]

    def question_keys(self) -> list[str]:
        return [q.key for q in self.questions()]


FEVER = Question("fever", _("Does anyone who will be there, including you, have a fever?"))
COUGH = Question("cough", _("Does anyone who will be there, including you, have a new cough?"))
RASH = Question("rash", _("Does anyone who will be there, including you, have a rash?"))
HOUSING = Question("housing", _("Is it an overcrowded or emergency housing setting?"))
IMMUNOCOMPROMISED = Question(
    "immunocompromised",
    _("Will someone with a weakened immune system (immunocompromised) be there?"),
)

DISEASES: dict[str, Disease] = {
    MEASLES: Disease(
        key=MEASLES,
        label=_("Measles"),
        symptoms=(
            FEVER,
            COUGH,
            Question(
                "runny_nose_sore_eyes",
                _("Does anyone who will be there have a runny nose or sore, red eyes?"),
            ),
            RASH,
        ),
        exposure=Question(
            "exposure",
            _(
                "Has anyone who will be there been exposed to measles in the last 14 days (a "
                "case in the household, a location of interest, a call from public health)?"
            ),
        ),
        vulnerable=(
            Question("pepi", _("Will a pēpi under 12 months (too young for MMR) be there?")),
            Question("pregnant", _("Will someone pregnant and not immune to measles be there?")),
            IMMUNOCOMPROMISED,
            HOUSING,
        ),
        immunity=ImmunityRule(
            what_counts=_(
                "Immune: two documented doses of MMR given from 12 months of age (one for a child "
                "aged 12–15 months), a blood test showing immunity or a confirmed past "
                "infection, or born in New Zealand before 1969. Someone's memory of being "
                "vaccinated is not evidence."
            ),
            born_before_1969=True,
        ),
        rows=(
            {"when": "symptoms", "recommend": rules.POSTPONE},
            {"when": "exposure", "recommend": rules.REMOTE},
            {"when": "practitioner_not_immune", "recommend": rules.REMOTE},
            {"when": "vulnerable", "recommend": rules.REMOTE},
            {"when": "people_not_immune", "recommend": rules.OUTDOORS},
            {"when": "always", "recommend": rules.PROCEED},
        ),
        sources=(
            "Te Whatu Ora — How to find evidence of measles immunity",
            "Te Whatu Ora — Communicable Disease Control Manual: Measles (July 2024)",
        ),
    ),
    PERTUSSIS: Disease(
        key=PERTUSSIS,
        label=_("Whooping cough"),
        symptoms=(
            COUGH,
            Question(
                "coughing_fits",
                _(
                    "Does anyone who will be there have coughing fits, a 'whoop', or vomiting "
                    "after coughing?"
                ),
            ),
            Question(
                "runny_nose_fever",
                _("Does anyone who will be there have a runny nose, sneezing or a mild fever?"),
            ),
        ),
        exposure=Question(
            "exposure",
            _(
                "Has anyone who will be there been close to someone with whooping cough in the "
                "last 21 days?"
            ),
        ),
        vulnerable=(
            Question("pepi", _("Will a pēpi under 12 months be there?")),
            Question(
                "pregnant",
                _("Will someone in the last month of pregnancy be there?"),
            ),
        ),
        immunity=ImmunityRule(
            what_counts=_(
                "Up to date: a documented whooping cough vaccine (Boostrix or an infant dose) "
                "in the last 10 years, or in this pregnancy. It protects for some years only, so "
                "it never makes a household with whooping cough safe to visit."
            ),
            valid_for_days=10 * 365,
        ),
        rows=(
            {"when": "symptoms", "recommend": rules.POSTPONE},
            {"when": "exposure", "recommend": rules.REMOTE},
            {"when": "vulnerable_and_practitioner_not_immune", "recommend": rules.REMOTE},
            {"when": "always", "recommend": rules.PROCEED},
        ),
        sources=(
            "Immunisation Handbook 2024, chapter 15: Pertussis (whooping cough)",
            "Te Whatu Ora — Communicable Disease Control Manual: Pertussis (December 2024)",
        ),
    ),
    INFLUENZA: Disease(
        key=INFLUENZA,
        label=_("Influenza"),
        symptoms=(
            Question(
                "fever",
                _("Does anyone who will be there, including you, have a fever or chills?"),
            ),
            COUGH,
            Question(
                "sore_throat_aches",
                _("Does anyone who will be there have a sore throat, headache or body aches?"),
            ),
        ),
        exposure=Question(
            "exposure",
            _("Has anyone in the household had the flu in the last 4 days?"),
        ),
        vulnerable=(
            Question(
                "pepi", _("Will a pēpi under 6 months (too young for the flu vaccine) be there?")
            ),
            Question("pregnant", _("Will someone pregnant be there?")),
            Question(
                "older_or_long_term_condition",
                _(
                    "Will someone aged 65 or over, or with a long-term heart, lung or other "
                    "condition, be there?"
                ),
            ),
            IMMUNOCOMPROMISED,
        ),
        immunity=ImmunityRule(
            what_counts=_(
                "Vaccinated: a documented flu vaccine this season (in the last 12 months). Last "
                "year's vaccine does not count."
            ),
            valid_for_days=365,
        ),
        rows=(
            {"when": "symptoms", "recommend": rules.REMOTE},
            {"when": "vulnerable_and_practitioner_not_immune", "recommend": rules.REMOTE},
            {"when": "exposure", "recommend": rules.OUTDOORS},
            {"when": "always", "recommend": rules.PROCEED},
        ),
        sources=(
            "Immunisation Handbook 2024, chapter 11: Influenza",
            "Te Whatu Ora — Influenza: who is at higher risk, and stay home when unwell",
        ),
    ),
    COVID: Disease(
        key=COVID,
        label=_("COVID-19"),
        symptoms=(
            FEVER,
            COUGH,
            Question(
                "sore_throat_runny_nose",
                _("Does anyone who will be there have a sore throat, runny nose or sneezing?"),
            ),
            Question(
                "smell_taste_breath",
                _(
                    "Does anyone who will be there have a loss of smell or taste, or shortness of "
                    "breath?"
                ),
            ),
        ),
        exposure=Question(
            "exposure",
            _("Has anyone in the household tested positive for COVID-19 in the last 5 days?"),
        ),
        vulnerable=(
            Question(
                "older_or_long_term_condition",
                _(
                    "Will someone aged 65 or over, or with a long-term heart, lung or other "
                    "condition, be there?"
                ),
            ),
            Question("pregnant", _("Will someone pregnant be there?")),
            IMMUNOCOMPROMISED,
            HOUSING,
        ),
        immunity=None,
        rows=(
            {"when": "symptoms", "recommend": rules.REMOTE},
            {"when": "exposure", "recommend": rules.OUTDOORS},
            {"when": "vulnerable", "recommend": rules.OUTDOORS},
            {"when": "always", "recommend": rules.PROCEED},
        ),
        sources=(
            "covid19.govt.nz — If you have COVID-19 (isolate 5 days; household contacts test "
            "daily for 5 days)",
            "covid19.govt.nz — COVID-19 symptoms",
        ),
    ),
    OTHER: Disease(
        key=OTHER,
        label=_("Other"),
        symptoms=(FEVER, COUGH, RASH),
        exposure=Question(
            "exposure",
            _(
                "Has anyone who will be there been exposed to the disease in the advisory in the "
                "last 14 days?"
            ),
        ),
        vulnerable=(
            Question("pepi", _("Will a pēpi be there?")),
            Question("pregnant", _("Will someone pregnant be there?")),
            IMMUNOCOMPROMISED,
            HOUSING,
        ),
        immunity=None,
        rows=(
            {"when": "symptoms", "recommend": rules.POSTPONE},
            {"when": "exposure", "recommend": rules.REMOTE},
            {"when": "vulnerable", "recommend": rules.REMOTE},
            {"when": "always", "recommend": rules.PROCEED},
        ),
    ),
}

# Diseases whose immunisation status is recorded per person (those with an immunity rule).
RECORDED = [key for key, disease in DISEASES.items() if disease.immunity is not None]


def for_condition(condition: str) -> Disease:
    """The disease an advisory names; anything not in the list gets the general questions."""
    return DISEASES.get(condition, DISEASES[OTHER])


def rows_of(condition: str) -> list[dict[str, str]]:
    return [dict(row) for row in for_condition(condition).rows]


def clean_answers(disease: Disease, given: Mapping[str, Any]) -> tuple[dict[str, bool], dict]:
    """The yes/no answers to this disease's questions, and errors by question key (a missing
    answer, or an answer to a question this disease does not ask)."""
    answers: dict[str, bool] = {}
    errors: dict[str, list[Any]] = {}
    keys = disease.question_keys()
    for key in keys:
        value = given.get(key)
        if isinstance(value, str):
            value = {"yes": True, "true": True, "no": False, "false": False}.get(value.lower())
        if not isinstance(value, bool):
            errors[key] = [_("Answer yes or no.")]
        else:
            answers[key] = value
    for key in sorted(set(given) - set(keys)):
        errors[key] = [
            _("This question is not asked for %(disease)s.") % {"disease": disease.label}
        ]
    return answers, errors


def summarise(disease: Disease, answers: Mapping[str, bool]) -> tuple[bool, bool, bool]:
    """(any symptom, exposure, anyone especially vulnerable) from the answers."""
    return (
        any(answers.get(q.key, False) for q in disease.symptoms),
        bool(answers.get(disease.exposure.key, False)),
        any(answers.get(q.key, False) for q in disease.vulnerable),
    )
