"""The side-by-side chart's many small parts (dots, contact marks, the table's rows), written
in Python: a whānau page draws up to six charts of a year each, several hundred elements, and
the template engine spent a third of the page's CPU on them. The output is what the template
wrote before, element for element: the same localisation of numbers and dates, the same
escaping, the same words in the active language.

What the template engine did once per element is done once per page where the answer cannot
differ: the language's number formats and time zone are read once; each day, each "what" and
each value of the table is formatted and escaped once; and a worker's contacts, the same on
each of their charts in a whānau (side_by_side.WorkerContacts), are drawn for the first chart
and reused by the others (kept per language and time zone, what the drawing depends on).
Escaping is html.escape, what Django's escape() and format_html write for plain text."""

import functools
import heapq
import html
from collections.abc import Callable, Iterable
from datetime import date
from operator import itemgetter
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils import numberformat
from django.utils.formats import date_format, get_format, localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone, get_current_timezone_name
from django.utils.translation import get_language, gettext

register = template.Library()

DOT = '<circle class="side-chart__{}" cx="{}" cy="{}" r="2.5"/>'
MARK = '<text class="side-chart__mark" x="{}" y="192" text-anchor="middle">{}</text>'
ROW = "<tr><td>{}</td><td>{}</td><td>{}</td></tr>"


def _joined(parts: Iterable[str]) -> SafeString:
    """Elements one after another; every part was escaped as it was written (format_html's
    way: its arguments escaped, its format string trusted)."""
    return mark_safe("".join(parts))  # noqa: S308 (each part's values escaped where written)


def _drawn(contacts: Any, what: str, draw: Callable[[], Any]) -> Any:
    """What was drawn from a worker's shared contacts, drawn the first time it is asked for."""
    key = (what, get_language(), get_current_timezone_name())
    if key not in contacts.drawn:
        contacts.drawn[key] = draw()
    return contacts.drawn[key]


class _Numbers:
    """`localize` for the chart's coordinates, with the active language's number formats read
    once rather than for every number (the same call to numberformat.format, the same text)."""

    def __init__(self) -> None:
        language = get_language()
        self.decimal = get_format("DECIMAL_SEPARATOR", language, use_l10n=True)
        self.grouping = get_format("NUMBER_GROUPING", language, use_l10n=True)
        self.thousands = get_format("THOUSAND_SEPARATOR", language, use_l10n=True)

    def __call__(self, value: Any) -> str:
        if type(value) is not float:
            return str(conditional_escape(localize(value)))
        return html.escape(
            numberformat.format(
                value, self.decimal, None, self.grouping, self.thousands, use_l10n=True
            )
        )


@register.simple_tag
def side_chart_dots(series: Any) -> SafeString:
    number = _Numbers()
    kind = html.escape(str(series.kind))
    return _joined(DOT.format(kind, number(d["x"]), number(d["y"])) for d in series.dots)


def _marks(marks: list[dict[str, Any]]) -> SafeString:
    number = _Numbers()
    return _joined(MARK.format(number(m["x"]), html.escape(str(m["letter"]))) for m in marks)


@register.simple_tag
def side_chart_marks(chart: Any) -> SafeString:
    contacts = getattr(chart, "contacts", None)
    if contacts is None:
        return _marks(chart.marks)
    drawn: SafeString = _drawn(contacts, "marks", lambda: _marks(contacts.marks))
    return drawn


@functools.lru_cache(maxsize=2048)
def _short_date(language: str | None, day: date) -> str:
    """A day in the language's short date format (escaped). The table's days all fall in the
    last year, on every whānau page: formatted once a process, not once a row. Called with the
    active language, which is part of the key."""
    return str(conditional_escape(date_format(day, "SHORT_DATE_FORMAT")))


class _RowWriter:
    """Writes the table's rows in the active language and time zone. Each day, each "what" and
    each value is formatted and escaped once: a year's rows repeat them."""

    def __init__(self) -> None:
        self.zone = get_current_timezone()
        self.language = get_language()
        self.words = {
            "relationship": gettext("Check-in score"),
            "overall": gettext("How are things"),
            "contact": gettext("Contact"),
        }
        self.goal = gettext("Goal:")
        self.days: dict[Any, str] = {}
        self.whats: dict[tuple[str, str], str] = {}
        self.values: dict[Any, str] = {}

    def __call__(self, row: dict[str, Any]) -> str:
        day = row["at"].astimezone(self.zone).date()  # timezone.localtime, the zone read once
        if day not in self.days:
            self.days[day] = _short_date(self.language, day)
        kind, label = row["what"], row["label"]
        what_key = (kind, label if kind == "goal" else "")
        if what_key not in self.whats:
            if kind == "goal":
                what = f"{conditional_escape(self.goal)} “{conditional_escape(label)}”"
            else:
                what = conditional_escape(self.words.get(kind, self.words["contact"]))
            self.whats[what_key] = what
        value = row["value"]
        value_key = value if value is not None else ("label", label)
        if value_key not in self.values:
            if value is not None:
                self.values[value_key] = conditional_escape(floatformat(value, 1))
            else:
                self.values[value_key] = conditional_escape(str(label).upper())
        return ROW.format(self.days[day], self.whats[what_key], self.values[value_key])


def _nothing() -> SafeString:
    text = html.escape(gettext("Nothing recorded in the last year."))
    return mark_safe(f'<tr><td colspan="3">{text}</td></tr>')  # noqa: S308 (escaped above)


@register.simple_tag
def side_chart_rows(chart: Any) -> SafeString:
    contacts = getattr(chart, "contacts", None)
    if contacts is None:
        if not chart.rows:
            return _nothing()
        write = _RowWriter()
        return _joined(write(row) for row in chart.rows)
    if not chart.series_rows and not contacts.rows:
        return _nothing()
    write = _drawn(contacts, "writer", _RowWriter)
    contact_rows = _drawn(
        contacts, "rows", lambda: [(row["at"], write(row)) for row in contacts.rows]
    )
    series_rows = [(row["at"], write(row)) for row in chart.series_rows]
    # By time, a series' row before a contact's at the same moment: the order of chart.rows.
    merged = heapq.merge(series_rows, contact_rows, key=itemgetter(0))
    return _joined(written for _at, written in merged)
