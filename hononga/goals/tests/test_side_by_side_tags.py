"""The side-by-side chart's parts written in Python: escaped, localised, in the active language."""

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import translation

AT = datetime(2026, 3, 4, 22, 30, tzinfo=ZoneInfo("UTC"))  # 5 March in Aotearoa


def render(chart):
    template = Template(
        "{% load side_by_side_tags %}{% side_chart_marks s %}|"
        "{% for series in s.series %}{% side_chart_dots series %}{% endfor %}|"
        "{% side_chart_rows s %}"
    )
    return template.render(Context({"s": chart}))


def chart(rows):
    return SimpleNamespace(
        marks=[{"x": 30.5, "letter": "W"}],
        series=[SimpleNamespace(kind="goal", dots=[{"x": 40.0, "y": 85.5}])],
        rows=rows,
    )


def test_rows_are_escaped_localised_and_worded():
    html = render(
        chart(
            [
                {"at": AT, "what": "goal", "label": 'Home <b>"safe"</b>', "value": 7.25},
                {"at": AT, "what": "contact", "label": "with<", "value": None},
                {"at": AT, "what": "relationship", "label": "relationship", "value": 8.0},
            ]
        )
    )
    marks, dots, rows = html.split("|")
    assert marks == '<text class="side-chart__mark" x="30.5" y="192" text-anchor="middle">W</text>'
    assert dots == '<circle class="side-chart__goal" cx="40.0" cy="85.5" r="2.5"/>'
    assert "<b>" not in rows and "Goal: “Home &lt;b&gt;&quot;safe&quot;&lt;/b&gt;”" in rows
    assert "<td>7.3</td>" in rows
    assert "<td>WITH&lt;</td>" in rows and "<td>Check-in score</td><td>8.0</td>" in rows
    assert rows.count("<td>5 Mar 2026</td>") == 3  # the local day, in the short format


def test_no_rows_says_so_in_the_active_language():
    assert "Nothing recorded in the last year." in render(chart([]))
    with translation.override("mi"):
        assert '<tr><td colspan="3">' in render(chart([]))
