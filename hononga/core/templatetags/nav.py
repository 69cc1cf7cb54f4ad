from typing import Any

from django import template
from django.urls import reverse

from hononga.core import nav

register = template.Library()


@register.inclusion_tag("includes/_nav_links.html", takes_context=True)
def nav_links(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    match = getattr(request, "resolver_match", None)
    current_namespace = match.namespace if match else ""
    return {
        "links": [
            {
                "label": link.label,
                "href": reverse(link.url_name),
                "current": bool(current_namespace) and current_namespace == link.namespace,
            }
            for link in nav.links_for(request.user)
        ]
    }
