"""Sections that apps contribute to shared pages (home, whānau page, person page).

An app registers a function in its AppConfig.ready():

    panels.register("whanau", relationships_panel, order=10)

The function takes (request, obj) and returns rendered HTML (render_to_string) or "" to show
nothing. Pages render every registered panel for their slot with {% panels "whanau" whanau %}.
This keeps core pages free of imports from the apps that build on them.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

# home: the signed-in user's home page (obj: the user)
# whanau / person / relationship: those records' pages (obj: the record)
# banner: above the content of every page whose context has a `whanau` (obj: the whānau)
# contact_form: inside the contact form, before its buttons (obj: the whānau)
# supervision: a supervisor's view of one practitioner (obj: the practitioner's User)
# manage: the administrator's manage page (obj: the user)
SLOTS = {
    "home",
    "whanau",
    "person",
    "relationship",
    "banner",
    "contact_form",
    "supervision",
    "manage",
}
PanelFunction = Callable[[HttpRequest, Any], str]
_registry: dict[str, list[tuple[int, str, PanelFunction]]] = {slot: [] for slot in SLOTS}


def register(slot: str, function: PanelFunction, *, order: int = 50) -> None:
    if slot not in SLOTS:
        raise ValueError(f"Unknown panel slot {slot!r}; use one of {sorted(SLOTS)}")
    name = f"{function.__module__}.{function.__qualname__}"
    entries = [e for e in _registry[slot] if e[1] != name]  # re-registering replaces
    entries.append((order, name, function))
    _registry[slot] = sorted(entries, key=lambda e: (e[0], e[1]))


def render_panels(slot: str, request: HttpRequest, obj: Any) -> str:
    return "".join(function(request, obj) for _order, _name, function in _registry[slot])
