"""The form renderer (settings.FORM_RENDERER): Django's, with drop-down lists written in Python.

Django renders a <select> through its template, which includes a template for every option
and, inside it, another for the option's attributes: two template includes per option. The
contact list's filters have up to 500 people in one list, and those includes were half of a
supervisor's page. `render_select` writes the same HTML in Python — the same characters, the
same escaping (through the template engine's own `render_value_in_context`), checked against
Django's templates in hononga/core/tests/test_renderers.py. Any select it is not sure of (an
option template of its own, an attribute called "items") goes to the templates as before.
"""

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


class FormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT_TEMPLATE and request is None:
            html = render_select(context.get("widget"))
            if html is not None:
                return html
        return super().render(template_name, context, request=request)


def _text(value: Any, context: Context) -> str:
    """`{{ value }}` in a template."""
    if type(value) is str:  # a plain string (not safe, not lazy): the engine only escapes it
        return escape(value)
    return str(render_value_in_context(value, context))


def _stringformat(value: Any, context: Context) -> str:
    """`{{ value|stringformat:'s' }}` in a template."""
    if isinstance(value, tuple):
        value = str(value)
    try:
        formatted = "%s" % value  # noqa: UP031  (the filter's own formatting)
    except (ValueError, TypeError):
        formatted = ""
    if isinstance(value, SafeData):  # the filter is is_safe: safe input stays safe
        formatted = mark_safe(formatted)  # noqa: S308
    return _text(formatted, context)


def _attrs(attrs: Any, context: Context) -> str | None:
    """django/forms/widgets/attrs.html, or None when this cannot be sure of it."""
    if not isinstance(attrs, dict) or "items" in attrs:
        return None
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(" " + _text(name, context))
        if value is not True:
            if callable(value):
                return None
            parts.append('="' + _stringformat(value, context) + '"')
    return "".join(parts)


def render_select(widget: Any) -> str | None:
    """django/forms/widgets/select.html for this widget context, or None to use the template."""
    if not isinstance(widget, dict) or not isinstance(widget.get("optgroups"), list):
        return None
    context = Context()  # as the forms engine makes it: autoescape on, no l10n or tz override
    select_attrs = _attrs(widget.get("attrs"), context)
    if select_attrs is None or "name" not in widget or callable(widget["name"]):
        return None
    parts = ['<select name="', _text(widget["name"], context), '"', select_attrs, ">"]
    for group in widget["optgroups"]:
        if not isinstance(group, tuple | list) or len(group) != 3:
            return None
        group_name, group_choices, _index = group
        if callable(group_name):
            return None
        if group_name:
            parts.append('\n  <optgroup label="' + _text(group_name, context) + '">')
        for option in group_choices:
            if (
                not isinstance(option, dict)
                or option.get("template_name") != OPTION_TEMPLATE
                or "value" not in option
                or "label" not in option
                or callable(option["value"])
                or callable(option["label"])
            ):
                return None
            option_attrs = _attrs(option.get("attrs"), context)
            if option_attrs is None:
                return None
            parts.append(
                '\n  <option value="'
                + _stringformat(option["value"], context)
                + '"'
                + option_attrs
                + ">"
                + _text(option["label"], context)
                + "</option>\n"  # the option template ends with a newline
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)
