from typing import Any

from django import template

from hononga.notifications import selectors

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    count = selectors.unread_count(user)
    return {
        "show": True,
        "count": count,
        "capped": count > selectors.COUNT_CAP,
        "cap": selectors.COUNT_CAP,
        "request": request,
    }
