"""Dates in te reo Māori: month and weekday names come from our catalogue (Django has none for mi).

Django's date filter takes the names from gettext (django.utils.dates); hononga/locale/mi has them.
If this fails after `makemessages`, the entries were marked obsolete (#~): see docs/te-reo.md.
"""

from datetime import date

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format

MONTHS = [
    "Kohitātea",
    "Huitanguru",
    "Poutūterangi",
    "Paengawhāwhā",
    "Haratua",
    "Pipiri",
    "Hōngongoi",
    "Here-turi-kōkā",
    "Mahuru",
    "Whiringa-ā-nuku",
    "Whiringa-ā-rangi",
    "Hakihea",
]
# Monday first, like date.weekday().
WEEKDAYS = ["Rāhina", "Rātū", "Rāapa", "Rāpare", "Rāmere", "Rāhoroi", "Rātapu"]


def test_a_date_in_te_reo():
    with translation.override("mi"):
        assert date_format(date(2026, 11, 25), "j F Y") == "25 Whiringa-ā-rangi 2026"
        assert date_format(date(2026, 11, 25), "l") == "Rāapa"


def test_the_same_date_in_english():
    with translation.override("en"):
        assert date_format(date(2026, 11, 25), "l j F Y") == "Wednesday 25 November 2026"


@pytest.mark.parametrize("month", range(1, 13))
def test_every_month_in_every_form_django_uses(month):
    day = date(2026, month, 1)
    with translation.override("mi"):
        # F: the name; E: the "alt. month" form; N: the "abbrev. month" (AP) form, given in full.
        assert date_format(day, "F|E|N") == "|".join([MONTHS[month - 1]] * 3)


@pytest.mark.parametrize("offset", range(7))
def test_every_weekday(offset):
    day = date(2026, 11, 23 + offset)  # Monday 23 November 2026 onwards
    with translation.override("mi"):
        assert date_format(day, "l") == WEEKDAYS[day.weekday()]


def test_the_template_filter_keeps_macrons():
    template = Template('{% load i18n %}{% language "mi" %}{{ d|date:"l j F Y" }}{% endlanguage %}')
    rendered = template.render(Context({"d": date(2026, 8, 2)}))
    assert rendered == "Rātapu 2 Here-turi-kōkā 2026"


def test_short_dates_in_tables_follow_the_language() -> None:
    """Tables use |date:"SHORT_DATE_FORMAT": "25 Nov 2026" in English; in te reo the full month
    name (there are no settled te reo abbreviations), from hononga/formats."""
    from datetime import datetime

    template = Template(
        '{{ day|date:"SHORT_DATE_FORMAT" }} | {{ moment|date:"SHORT_DATETIME_FORMAT" }}'
    )
    context = Context({"day": date(2026, 11, 25), "moment": datetime(2026, 11, 25, 14, 5)})
    with translation.override("en"):
        assert template.render(context) == "25 Nov 2026 | 25 Nov 2026, 2:05 p.m."
    with translation.override("mi"):
        assert (
            template.render(context) == "25 Whiringa-ā-rangi 2026 | 25 Whiringa-ā-rangi 2026, 14:05"
        )
