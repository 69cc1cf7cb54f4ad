"""Drop-down lists written in Python give the same HTML as Django's templates, character for
character: in English and te reo Māori, with escaping, selections, groups and attributes."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from hononga.core.renderers import FormRenderer, render_select

CHOICES = [
    ("", _("Any")),
    (1, "Aroha Ngata"),
    (2, 'Tom "Tommy" <b>O\'Brien</b> & co'),
    ("x<y", "Mere Tūhoe"),
    (3, mark_safe("<em>safe</em>")),  # an already-safe label is not escaped again
    (4, 12345),
    (5, Decimal("1.50")),
    (6, datetime.date(2026, 11, 30)),
    (7, None),
]
GROUPED = [
    ("", "None chosen"),
    (_("Whānau"), [(10, "Ngata"), (11, "Tūhoe & Smith")]),
    ("Other <group>", [("a", "A"), ("b", "B")]),
]


def _both(widget: forms.Widget, name: str, value: object, attrs: dict | None = None):
    django_html = widget.render(name, value, attrs=attrs, renderer=DjangoTemplates())
    ours = widget.render(name, value, attrs=attrs, renderer=FormRenderer())
    return django_html, ours


@pytest.mark.parametrize("language", ["en", "mi"])
@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.Select(choices=CHOICES), None),
        (forms.Select(choices=CHOICES), 2),
        (forms.Select(choices=CHOICES), "x<y"),
        (forms.Select(choices=CHOICES), ""),
        (forms.Select(choices=CHOICES, attrs={"class": "a&b", "data-x": True}), 4),
        (forms.Select(choices=CHOICES, attrs={"disabled": True, "hidden": False}), 1),
        (forms.Select(choices=GROUPED), 11),
        (forms.Select(choices=[]), None),
        (forms.SelectMultiple(choices=CHOICES), [1, "x<y", 6]),
        (forms.SelectMultiple(choices=GROUPED), ["a", 10]),
        (forms.NullBooleanSelect(), True),
        (forms.NullBooleanSelect(), None),
    ],
)
def test_a_select_renders_as_djangos_templates_do(widget, value, language):
    with translation.override(language):
        django_html, ours = _both(widget, 'na"me<', value, attrs={"id": "id_x", "required": True})
    assert ours == django_html


def test_the_real_filter_form_renders_the_same_and_the_fast_path_is_taken(monkeypatch):
    from hononga.contacts.forms import ContactFilterForm

    class Row:
        def __init__(self, pk: int, name: str) -> None:
            self.pk, self.name, self.full_name, self.display_name = pk, name, name, name

    rows = [Row(i, f"Name {i} <&> Tūhoe") for i in range(1, 30)]
    data = {"whanau": "3", "person": "5", "mode": "visit"}
    html = {}
    for renderer in (DjangoTemplates(), FormRenderer()):
        form = ContactFilterForm(
            data, whanau=rows, people=rows, practitioners=rows, renderer=renderer
        )
        html[type(renderer)] = "".join(str(field) for field in form)
    assert html[FormRenderer] == html[DjangoTemplates]
    assert 'value="5" selected>Name 5 &lt;&amp;&gt; Tūhoe</option>' in html[FormRenderer]
    # The project's renderer is this one, and its selects do not go through the templates.
    assert isinstance(get_default_renderer(), FormRenderer)
    monkeypatch.setattr(DjangoTemplates, "render", lambda *a, **k: pytest.fail("template used"))
    str(ContactFilterForm(data, whanau=rows, people=rows, practitioners=rows)["person"])


def test_an_unusual_select_goes_to_the_templates():
    option = {"value": 1, "label": "x", "attrs": {}, "template_name": "my/option.html"}
    assert render_select({"name": "n", "attrs": {}, "optgroups": [(None, [option], 0)]}) is None
    assert render_select({"name": "n", "attrs": {"items": 1}, "optgroups": []}) is None
