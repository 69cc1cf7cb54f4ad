"""Each disease's rule table, row by row (diseases.py), and the rule-table checks."""

from dataclasses import replace

import pytest

from hononga.advisories import diseases, rules
from hononga.advisories.models import Condition, RecordedDisease

WELL = rules.Answers(
    symptoms=False,
    exposure=False,
    vulnerable=False,
    people_immunity=rules.ALL_IMMUNE,
    practitioner_immunisation="immune",
)


def rows(key: str) -> list[dict[str, str]]:
    return diseases.rows_of(key)


# --- Measles ------------------------------------------------------------------------------------

MEASLES = rows(diseases.MEASLES)


def test_measles_symptoms_postpone():
    assert rules.evaluate(MEASLES, replace(WELL, symptoms=True, exposure=True)) == (
        rules.POSTPONE,
        0,
    )


def test_measles_exposure_switches_to_phone_or_video():
    assert rules.evaluate(MEASLES, replace(WELL, exposure=True)) == (rules.REMOTE, 1)


@pytest.mark.parametrize("status", ["not_immune", "unknown", "declined"])
def test_measles_practitioner_not_immune_switches_to_remote(status):
    answers = replace(WELL, practitioner_immunisation=status)
    assert rules.evaluate(MEASLES, answers) == (rules.REMOTE, 2)


def test_measles_someone_vulnerable_switches_to_remote():
    answers = replace(WELL, vulnerable=True, people_immunity=rules.SOME_UNKNOWN)
    assert rules.evaluate(MEASLES, answers) == (rules.REMOTE, 3)


@pytest.mark.parametrize("people", [rules.SOME_NOT_IMMUNE, rules.SOME_UNKNOWN, ""])
def test_measles_someone_without_evidence_meets_outdoors(people):
    assert rules.evaluate(MEASLES, replace(WELL, people_immunity=people)) == (rules.OUTDOORS, 4)


def test_measles_everyone_immune_and_well_proceeds():
    assert rules.evaluate(MEASLES, WELL) == (rules.PROCEED, 5)


# --- Whooping cough -----------------------------------------------------------------------------

PERTUSSIS = rows(diseases.PERTUSSIS)


def test_pertussis_a_cough_postpones():
    assert rules.evaluate(PERTUSSIS, replace(WELL, symptoms=True)) == (rules.POSTPONE, 0)


def test_pertussis_exposure_switches_to_remote():
    assert rules.evaluate(PERTUSSIS, replace(WELL, exposure=True)) == (rules.REMOTE, 1)


def test_pertussis_pepi_and_a_practitioner_not_up_to_date_switches_to_remote():
    answers = replace(WELL, vulnerable=True, practitioner_immunisation="unknown")
    assert rules.evaluate(PERTUSSIS, answers) == (rules.REMOTE, 2)


def test_pertussis_pepi_with_an_up_to_date_practitioner_proceeds():
    assert rules.evaluate(PERTUSSIS, replace(WELL, vulnerable=True)) == (rules.PROCEED, 3)


def test_pertussis_never_reads_the_people_presents_vaccination():
    """Vaccination wanes and does not make a household with whooping cough safe: the people
    present's status changes nothing."""
    for people in (rules.ALL_IMMUNE, rules.SOME_UNKNOWN, rules.SOME_NOT_IMMUNE):
        assert rules.evaluate(PERTUSSIS, replace(WELL, people_immunity=people)) == (
            rules.PROCEED,
            3,
        )
    assert not diseases.DISEASES[diseases.PERTUSSIS].reads_people_present


# --- Influenza ----------------------------------------------------------------------------------

INFLUENZA = rows(diseases.INFLUENZA)


def test_influenza_symptoms_switch_to_remote():
    assert rules.evaluate(INFLUENZA, replace(WELL, symptoms=True)) == (rules.REMOTE, 0)


def test_influenza_vulnerable_and_practitioner_not_vaccinated_switches_to_remote():
    answers = replace(WELL, vulnerable=True, practitioner_immunisation="not_immune")
    assert rules.evaluate(INFLUENZA, answers) == (rules.REMOTE, 1)


def test_influenza_exposure_meets_outdoors():
    assert rules.evaluate(INFLUENZA, replace(WELL, exposure=True)) == (rules.OUTDOORS, 2)


def test_influenza_well_proceeds():
    assert rules.evaluate(INFLUENZA, replace(WELL, vulnerable=True)) == (rules.PROCEED, 3)


# --- COVID-19 -----------------------------------------------------------------------------------

COVID = rows(diseases.COVID)


def test_covid_symptoms_switch_to_remote():
    assert rules.evaluate(COVID, replace(WELL, symptoms=True)) == (rules.REMOTE, 0)


def test_covid_a_household_case_meets_outdoors():
    assert rules.evaluate(COVID, replace(WELL, exposure=True)) == (rules.OUTDOORS, 1)


def test_covid_someone_vulnerable_meets_outdoors():
    assert rules.evaluate(COVID, replace(WELL, vulnerable=True)) == (rules.OUTDOORS, 2)


def test_covid_has_no_immunity_rule_and_never_reads_status():
    covid = diseases.DISEASES[diseases.COVID]
    assert covid.immunity is None
    assert not covid.asks_practitioner and not covid.reads_people_present
    answers = replace(WELL, practitioner_immunisation="", people_immunity=rules.SOME_UNKNOWN)
    assert rules.evaluate(COVID, answers) == (rules.PROCEED, 3)


# --- A disease not in the list ------------------------------------------------------------------


def test_another_disease_gets_the_general_questions_and_no_immunity_rule():
    general = diseases.for_condition("mpox")
    assert general is diseases.DISEASES[diseases.OTHER]
    assert general.immunity is None and not general.asks_practitioner
    assert general.question_keys() == [
        "fever",
        "cough",
        "rash",
        "exposure",
        "pepi",
        "pregnant",
        "immunocompromised",
        "housing",
    ]
    table = rows(diseases.OTHER)
    assert rules.evaluate(table, replace(WELL, symptoms=True)) == (rules.POSTPONE, 0)
    assert rules.evaluate(table, replace(WELL, exposure=True)) == (rules.REMOTE, 1)
    assert rules.evaluate(table, replace(WELL, vulnerable=True)) == (rules.REMOTE, 2)
    assert rules.evaluate(table, replace(WELL, people_immunity="")) == (rules.PROCEED, 3)


# --- Every table --------------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(diseases.DISEASES))
def test_every_table_is_valid_and_ends_in_a_catch_all(key):
    assert rules.check_rows(rows(key)) == []


def test_every_disease_an_advisory_can_name_has_a_table():
    assert set(Condition.values) == set(diseases.DISEASES)
    # Immunisation status is recorded for exactly the diseases with an immunity rule.
    assert set(RecordedDisease.values) == set(diseases.RECORDED)


def test_each_disease_asks_its_own_questions():
    measles = diseases.DISEASES[diseases.MEASLES].question_keys()
    pertussis = diseases.DISEASES[diseases.PERTUSSIS].question_keys()
    assert "rash" in measles and "rash" not in pertussis
    assert "coughing_fits" in pertussis and "coughing_fits" not in measles
    whooping = [str(q.text) for q in diseases.DISEASES[diseases.PERTUSSIS].questions()]
    assert not any("measles" in text.lower() for text in whooping)


def test_answers_to_another_diseases_questions_are_refused():
    pertussis = diseases.DISEASES[diseases.PERTUSSIS]
    given = {key: False for key in pertussis.question_keys()} | {"rash": False}
    _answers, errors = diseases.clean_answers(pertussis, given)
    assert set(errors) == {"rash"}
    assert "not asked for Whooping cough" in str(errors["rash"][0])


def test_table_without_catch_all_falls_back_to_postpone():
    table = [{"when": "symptoms", "recommend": rules.POSTPONE}]
    assert rules.evaluate(table, WELL) == (rules.POSTPONE, 1)
    assert rules.check_rows(table)  # and check_rows says so


@pytest.mark.parametrize(
    "table",
    [[], "x", [{"when": "moon", "recommend": "proceed"}], [{"when": "always", "recommend": "x"}]],
)
def test_bad_tables_are_described(table):
    assert rules.check_rows(table)


def test_describe_reads_as_sentences():
    described = rules.describe(MEASLES)
    assert described[0]["number"] == 1
    assert "symptom" in str(described[0]["condition"])
    assert str(described[-1]["recommendation"]).startswith("Proceed")
