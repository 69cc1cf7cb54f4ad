from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from hononga.core.panels import render_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context: dict[str, Any], slot: str, obj: Any = None) -> SafeString:
    # Each panel function returns HTML rendered by Django's template engine (auto-escaped).
    return mark_safe(render_panels(slot, context["request"], obj))  # noqa: S308
