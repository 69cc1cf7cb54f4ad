"""Main navigation links that apps contribute, registered in their AppConfig.ready():

    nav.register(_("Processes"), "restorative:list", order=40, roles={Role.FACILITATOR})

`roles=None` shows the link to every signed-in user. `namespace` marks the link as the
current page (aria-current) for any view in that URL namespace.
"""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NavLink:
    label: Any  # a lazy translation
    url_name: str
    order: int
    roles: frozenset[str] | None
    namespace: str


_registry: dict[str, NavLink] = {}


def register(
    label: Any,
    url_name: str,
    *,
    order: int = 50,
    roles: Collection[str] | None = None,
    namespace: str = "",
) -> None:
    _registry[url_name] = NavLink(
        label=label,
        url_name=url_name,
        order=order,
        roles=frozenset(str(r) for r in roles) if roles is not None else None,
        namespace=namespace or url_name.partition(":")[0],
    )


def links_for(user: Any) -> list[NavLink]:
    role = str(getattr(user, "role", ""))
    return sorted(
        (link for link in _registry.values() if link.roles is None or role in link.roles),
        key=lambda link: (link.order, link.url_name),
    )
