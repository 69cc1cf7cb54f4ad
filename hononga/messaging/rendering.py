"""Message bodies from templates, in the recipient's language, and masking of secrets.

A message template `name` is up to four files under templates/messaging/:
`name.subject.txt` (mail), `name.txt` (mail text), `name.html` (mail HTML, optional) and
`name.sms.txt` (text message; falls back to `name.txt`). Text templates start with
`{% autoescape off %}` so that `&` stays `&`.
"""

import html
import re
from dataclasses import dataclass, field, replace
from typing import Any

from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

MASK = "[hidden]"


@dataclass(frozen=True)
class Content:
    """What a message says. `secrets`: strings (a one-time link, a code) to mask when stored."""

    subject: str
    text: str
    html: str = ""
    secrets: tuple[str, ...] = field(default=())


def _optional(name: str, context: dict[str, Any]) -> str:
    try:
        return render_to_string(name, context)
    except TemplateDoesNotExist:
        return ""


def render_message(
    template: str,
    context: dict[str, Any],
    *,
    language: str,
    channel: str,
    secrets: tuple[str, ...] = (),
) -> Content:
    """Render a message template in `language` ("en" or "mi") for `channel`."""
    with translation.override(language):
        if channel == "text":
            text = _optional(f"messaging/{template}.sms.txt", context) or render_to_string(
                f"messaging/{template}.txt", context
            )
            return Content(subject="", text=text.strip(), secrets=secrets)
        subject = render_to_string(f"messaging/{template}.subject.txt", context)
        return Content(
            subject=re.sub(r"\s+", " ", subject).strip(),
            text=render_to_string(f"messaging/{template}.txt", context).strip(),
            html=_optional(f"messaging/{template}.html", context).strip(),
            secrets=secrets,
        )


def mask(content: Content) -> Content:
    """The content with every secret replaced by [hidden] (also where HTML escaped it)."""
    subject, text, body_html = content.subject, content.text, content.html
    for secret in sorted(content.secrets, key=len, reverse=True):
        if not secret:
            continue
        subject = subject.replace(secret, MASK)
        text = text.replace(secret, MASK)
        body_html = body_html.replace(html.escape(secret), MASK).replace(secret, MASK)
    return replace(content, subject=subject, text=text, html=body_html)
