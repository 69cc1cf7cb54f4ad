"""The side-by-side chart's many small parts (dots, contact marks, the table's rows), written
in Python: a whānau page draws up to six charts of a year each, several hundred elements, and
the template engine spent a third of the page's CPU on them. The output is what the template
wrote before, element for element: the same localisation of numbers and dates, the same
escaping, the same words in the active language."""

from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import date_format, localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def side_chart_dots(series: Any) -> SafeString:
    return format_html_join(
        "",
        '<circle class="side-chart__{}" cx="{}" cy="{}" r="2.5"/>',
        ((series.kind, localize(d["x"]), localize(d["y"])) for d in series.dots),
    )


@register.simple_tag
def side_chart_marks(chart: Any) -> SafeString:
    return format_html_join(
        "",
        '<text class="side-chart__mark" x="{}" y="192" text-anchor="middle">{}</text>',
        ((localize(m["x"]), m["letter"]) for m in chart.marks),
    )


@register.simple_tag
def side_chart_rows(chart: Any) -> SafeString:
    if not chart.rows:
        return format_html(
            '<tr><td colspan="3">{}</td></tr>', gettext("Nothing recorded in the last year.")
        )
    words = {
        "relationship": gettext("Check-in score"),
        "overall": gettext("How are things"),
        "contact": gettext("Contact"),
    }
    goal = gettext("Goal:")
    days: dict[Any, str] = {}  # a year's rows fall on fewer days: format each day once
    rows = []
    for row in chart.rows:
        day = localtime(row["at"]).date()
        if day not in days:
            days[day] = date_format(day, "SHORT_DATE_FORMAT")
        what: str
        if row["what"] == "goal":
            what = format_html("{} “{}”", goal, row["label"])
        else:
            what = words.get(row["what"], words["contact"])
        if row["value"] is not None:
            value = floatformat(row["value"], 1)
        else:
            value = str(row["label"]).upper()
        rows.append((days[day], what, value))
    return format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
