"""Drafts kept on the device (static/js/drafts.js): their keys, and clearing them once saved.

A form that keeps a draft carries `data-draft-key` (from `draft_key`). When a view has saved the
form it calls `clear_after_save`; the next page rendered on base.html tells the browser to drop
that draft. The session carries the keys, not a query string, so reloading a page never drops a
newer draft.
"""

from typing import Any

from django.http import HttpRequest

SESSION_KEY = "drafts_to_clear"
KEEP_AT_MOST = 20


def draft_key(user: Any, kind: str, *parts: object) -> str:
    """One user's draft of one form on this device, e.g. draft:conference:7:42."""
    return ":".join(["draft", kind, str(user.pk), *(str(part) for part in parts)])


def clear_after_save(request: HttpRequest, key: str) -> None:
    keys = [k for k in request.session.get(SESSION_KEY, []) if k != key]
    request.session[SESSION_KEY] = [*keys, key][-KEEP_AT_MOST:]


def take_keys_to_clear(request: HttpRequest) -> list[str]:
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return []
    keys: list[str] = session.pop(SESSION_KEY)
    return keys
