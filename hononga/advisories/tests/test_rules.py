"""The screening rule table: one test per row of the default table, and its checks."""

from dataclasses import replace

import pytest

from hononga.advisories import rules

WELL = rules.Answers(
    fever=False,
    cough=False,
    rash=False,
    exposure=False,
    people_immunisation="all_immune",
    practitioner_immunisation="immune",
    vulnerable_pepi=False,
    vulnerable_pregnant=False,
    vulnerable_immunocompromised=False,
    vulnerable_housing=False,
)
ROWS = rules.DEFAULT_ROWS


@pytest.mark.parametrize("symptom", ["fever", "cough", "rash"])
def test_row_1_symptoms_postpone(symptom):
    answers = replace(WELL, **{symptom: True}, exposure=True)
    assert rules.evaluate(ROWS, answers) == (rules.POSTPONE, 0)


def test_row_2_exposure_switches_to_phone_or_video():
    assert rules.evaluate(ROWS, replace(WELL, exposure=True)) == (rules.REMOTE, 1)


@pytest.mark.parametrize("status", ["not_immune", "unknown", "declined"])
def test_row_3_practitioner_not_immune_switches_to_remote(status):
    answers = replace(WELL, practitioner_immunisation=status)
    assert rules.evaluate(ROWS, answers) == (rules.REMOTE, 2)


@pytest.mark.parametrize(
    "who",
    [
        "vulnerable_pepi",
        "vulnerable_pregnant",
        "vulnerable_immunocompromised",
        "vulnerable_housing",
    ],
)
def test_row_4_someone_vulnerable_switches_to_remote(who):
    answers = replace(WELL, **{who: True}, people_immunisation="some_unknown")
    assert rules.evaluate(ROWS, answers) == (rules.REMOTE, 3)


@pytest.mark.parametrize("people", ["some_not_immune", "some_unknown"])
def test_row_5_someone_present_not_immune_meets_outdoors(people):
    answers = replace(WELL, people_immunisation=people)
    assert rules.evaluate(ROWS, answers) == (rules.OUTDOORS, 4)


def test_row_6_everyone_immune_and_well_proceeds():
    assert rules.evaluate(ROWS, WELL) == (rules.PROCEED, 5)


def test_every_default_row_has_a_test_and_the_table_is_valid():
    assert len(ROWS) == 6
    assert rules.check_rows(ROWS) == []


def test_table_without_catch_all_falls_back_to_postpone():
    rows = [{"when": "symptoms", "recommend": rules.POSTPONE}]
    assert rules.evaluate(rows, WELL) == (rules.POSTPONE, 1)
    assert rules.check_rows(rows)  # and check_rows says so


@pytest.mark.parametrize(
    "rows",
    [[], "x", [{"when": "moon", "recommend": "proceed"}], [{"when": "always", "recommend": "x"}]],
)
def test_bad_tables_are_described(rows):
    assert rules.check_rows(rows)


def test_describe_reads_as_sentences():
    described = rules.describe(ROWS)
    assert described[0]["number"] == 1
    assert "fever" in str(described[0]["condition"])
    assert str(described[-1]["recommendation"]).startswith("Proceed")
