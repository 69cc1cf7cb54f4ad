"""The side-by-side chart's many small parts (dots, contact marks, the table's rows), written
in Python: a whānau page draws up to six charts of a year each, several hundred elements, and
the template engine spent a third of the page's CPU on them. The output is what the template
wrote before, element for element: the same localisation of numbers and dates, the same
escaping, the same words in the active language.

A worker's contacts are the same on each of their charts in a whānau (side_by_side.
WorkerContacts): their marks and table rows are drawn for the first chart and reused by the
others, kept per language and time zone (what the drawing depends on)."""

import heapq
from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import date_format, localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone_name, localtime
from django.utils.translation import get_language, gettext

register = template.Library()

ROW = "<tr><td>{}</td><td>{}</td><td>{}</td></tr>"


def _drawn(contacts: Any, what: str, draw: Callable[[], Any]) -> Any:
    """What was drawn from a worker's shared contacts, drawn the first time it is asked for."""
    key = (what, get_language(), get_current_timezone_name())
    if key not in contacts.drawn:
        contacts.drawn[key] = draw()
    return contacts.drawn[key]


@register.simple_tag
def side_chart_dots(series: Any) -> SafeString:
    return format_html_join(
        "",
        '<circle class="side-chart__{}" cx="{}" cy="{}" r="2.5"/>',
        ((series.kind, localize(d["x"]), localize(d["y"])) for d in series.dots),
    )


def _marks(marks: list[dict[str, Any]]) -> SafeString:
    return format_html_join(
        "",
        '<text class="side-chart__mark" x="{}" y="192" text-anchor="middle">{}</text>',
        ((localize(m["x"]), m["letter"]) for m in marks),
    )


@register.simple_tag
def side_chart_marks(chart: Any) -> SafeString:
    contacts = getattr(chart, "contacts", None)
    if contacts is None:
        return _marks(chart.marks)
    drawn: SafeString = _drawn(contacts, "marks", lambda: _marks(contacts.marks))
    return drawn


class _RowWriter:
    """Writes the table's rows in the active language, formatting each day once."""

    def __init__(self) -> None:
        self.words = {
            "relationship": gettext("Check-in score"),
            "overall": gettext("How are things"),
            "contact": gettext("Contact"),
        }
        self.goal = gettext("Goal:")
        self.days: dict[Any, str] = {}  # a year's rows fall on fewer days

    def __call__(self, row: dict[str, Any]) -> SafeString:
        day = localtime(row["at"]).date()
        if day not in self.days:
            self.days[day] = date_format(day, "SHORT_DATE_FORMAT")
        what: str
        if row["what"] == "goal":
            what = format_html("{} “{}”", self.goal, row["label"])
        else:
            what = self.words.get(row["what"], self.words["contact"])
        if row["value"] is not None:
            value = floatformat(row["value"], 1)
        else:
            value = str(row["label"]).upper()
        return format_html(ROW, self.days[day], what, value)


def _joined(rows: Iterable[SafeString]) -> SafeString:
    """Rows one after another: each is format_html's output (escaped), as format_html_join
    would join them."""
    return mark_safe("".join(rows))  # noqa: S308 (each part escaped by format_html)


def _nothing() -> SafeString:
    return format_html(
        '<tr><td colspan="3">{}</td></tr>', gettext("Nothing recorded in the last year.")
    )


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
    return _joined(html for _at, html in merged)
