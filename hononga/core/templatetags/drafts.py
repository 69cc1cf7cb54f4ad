from typing import Any

from django import template

from hononga.core.drafts import take_keys_to_clear

register = template.Library()


@register.simple_tag(takes_context=True)
def drafts_to_clear(context: Any) -> list[str]:
    """The drafts saved forms left on this device (rendered once, by base.html)."""
    request = context.get("request")
    return take_keys_to_clear(request) if request is not None else []
