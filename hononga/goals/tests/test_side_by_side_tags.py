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


def test_a_workers_contacts_are_drawn_once_and_each_chart_is_the_same_as_drawn_alone(
    whanau, person, practitioner
):
    """Two relationships of one worker in a whānau: the charts share the worker's contacts, and
    what the tags draw from them (the marks, the table with the contacts merged in by time) is
    what drawing each chart on its own gives, in both languages."""
    from datetime import timedelta

    from django.utils import timezone

    from hononga.checkins.tests import factories as f
    from hononga.contacts.tests.factories import make_contact
    from hononga.goals import side_by_side
    from hononga.goals.tests import factories as gf

    worker = f.staff_person(practitioner)
    child = f.member(whanau, "Hine")
    first = f.relationship_between(whanau, person, worker)
    second = f.relationship_between(whanau, child, worker)
    now = timezone.now().replace(microsecond=0)
    for days in (200, 120, 40, 3):
        f.checkin(first, person, answers=f.items(7), when=now - timedelta(days=days))
    f.checkin(second, child, answers=f.items(5), when=now - timedelta(days=40))
    goal = gf.goal(whanau, person, 'Home <b>"safe"</b>')
    gf.rate(goal, 3, when=now - timedelta(days=100))
    for days in (300, 120, 100, 40, 1):  # a contact at the moment of a check-in: 120, 40
        make_contact(
            whanau=whanau,
            practitioner=practitioner,
            participants=[person],
            occurred_at=now - timedelta(days=days),
        )
    charts = side_by_side.side_by_side([first, second])
    assert len(charts) == 2 and charts[0].contacts is charts[1].contacts
    assert len(charts[0].marks) == 5
    for chart in charts:
        joined = [*chart.series_rows, *chart.contacts.rows]
        assert chart.rows == sorted(joined, key=lambda row: row["at"])
    for language in ("en", "mi"):
        with translation.override(language):
            for chart in charts:
                alone = SimpleNamespace(marks=chart.marks, series=chart.series, rows=chart.rows)
                assert render(chart) == render(alone)
            assert charts[0].contacts.drawn  # drawn for the first chart, reused by the second


def test_each_language_gets_its_own_days():
    """Days are formatted once a process and language: English after te reo Māori is still
    English, and te reo Māori has its own month names."""
    rows = [{"at": AT, "what": "contact", "label": "with", "value": None}]
    english = render(chart(rows))
    with translation.override("mi"):
        maori = render(chart(rows))
    assert "<td>5 Mar 2026</td>" in english and render(chart(rows)) == english
    assert "Mar 2026" not in maori and "<td>5 Poutūterangi 2026</td>" in maori
