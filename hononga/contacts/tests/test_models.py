import pytest
from django.db import IntegrityError

from hononga.contacts.models import QUADRANT_PROMPTS, Contact, Quadrant, quadrant
from hononga.contacts.tests.factories import make_contact


@pytest.mark.parametrize(
    ("support", "control", "expected"),
    [
        # Each axis: 5 is low, 6 is high.
        (6, 6, Quadrant.WITH),
        (5, 6, Quadrant.TO),
        (6, 5, Quadrant.FOR),
        (5, 5, Quadrant.NOT),
        # The corners.
        (10, 10, Quadrant.WITH),
        (0, 10, Quadrant.TO),
        (10, 0, Quadrant.FOR),
        (0, 0, Quadrant.NOT),
    ],
)
def test_it_derives_the_quadrant_at_the_boundaries(support, control, expected):
    assert quadrant(support, control) == expected


@pytest.mark.parametrize("value", [5, 4, 0])
def test_it_counts_five_and_below_as_low_support(value):
    assert quadrant(value, 8) == Quadrant.TO
    assert quadrant(value, 2) == Quadrant.NOT


@pytest.mark.parametrize("value", [6, 7, 10])
def test_it_counts_six_and_above_as_high_control(value):
    assert quadrant(8, value) == Quadrant.WITH
    assert quadrant(2, value) == Quadrant.TO


@pytest.mark.parametrize(("support", "control"), [(-1, 5), (11, 5), (5, -1), (5, 11)])
def test_it_refuses_ratings_out_of_range(support, control):
    with pytest.raises(ValueError, match="between 0 and 10"):
        quadrant(support, control)


@pytest.mark.parametrize("value", [5.5, "6", None, True])
def test_it_refuses_ratings_that_are_not_whole_numbers(value):
    with pytest.raises(TypeError):
        quadrant(value, 5)


def test_every_quadrant_has_a_one_line_prompt():
    for q in Quadrant:
        prompt = str(QUADRANT_PROMPTS[q])
        assert prompt.startswith(str(q.label))
        assert "\n" not in prompt and prompt.endswith("?")


def test_saving_stores_the_derived_quadrant_whatever_was_set(whanau, practitioner, person):
    contact = make_contact(
        whanau=whanau, practitioner=practitioner, participants=[person], support=3, control=9
    )
    contact.quadrant = Quadrant.WITH  # typed in: ignored
    contact.save()
    contact.refresh_from_db()
    assert contact.quadrant == Quadrant.TO
    assert contact.quadrant_prompt == str(QUADRANT_PROMPTS[Quadrant.TO])


def test_the_database_refuses_a_quadrant_that_does_not_follow(whanau, practitioner, person):
    contact = make_contact(whanau=whanau, practitioner=practitioner, participants=[person])
    with pytest.raises(IntegrityError):
        Contact.objects.filter(pk=contact.pk).update(quadrant=Quadrant.NOT)
