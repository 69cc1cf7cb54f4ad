"""The ecomap as drawable shapes: the page's SVG and the API's map share these fields.

Lines are drawn as social workers draw them: a thick solid line for a strong relationship, a
thinner solid one for moderate, dashed for tenuous; jagged when it is stressful (a small zig-zag
for some stress, a large one for high stress). Arrowheads point the way support flows.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from hononga.relationships.hooks import CheckInSummary
from hononga.relationships.layout import (
    BADGE_H,
    BADGE_W,
    JAG,
    STROKE,
    Layout,
    PlacedPerson,
    route_path,
)
from hononga.relationships.models import Relationship, Support
from hononga.relationships.selectors import EcoMap, MapNode, support_sentence

DASH = {"tenuous": "7 5"}


@dataclass
class DrawnNode:
    node: MapNode
    placed: PlacedPerson
    is_centre: bool

    @property
    def id(self) -> int:
        return self.node.person.pk

    @property
    def svg(self) -> dict[str, str]:
        """Coordinates as text for the SVG (one decimal, never localised)."""
        p = self.placed
        return {
            "cx": _n(p.x),
            "cy": _n(p.y),
            "r": _n(p.radius),
            "lx": _n(p.label_x),
            "ly": _n(p.label_y),
            "dy": _n(p.detail_y),
        }

    @property
    def css(self) -> str:
        classes = ["node"]
        if self.is_centre:
            classes.append("node--centre")
        if self.node.is_practitioner:
            classes.append("node--practitioner")
        elif not self.node.is_member:
            classes.append("node--outside")
        return " ".join(classes)


@dataclass
class DrawnEdge:
    relationship: Relationship
    d: str
    checkin: CheckInSummary | None = None
    is_practitioner: bool = False
    badge_x: float = 0.0
    badge_y: float = 0.0
    sentence: str = ""
    classes: list[str] = field(default_factory=list)

    @property
    def css(self) -> str:
        return " ".join(self.classes)

    @property
    def svg(self) -> dict[str, str]:
        return {
            "stroke": _n(self.stroke_width),
            "rx": _n(self.badge_x - BADGE_W / 2),
            "ry": _n(self.badge_y - BADGE_H / 2),
            "rw": _n(BADGE_W),
            "rh": _n(BADGE_H),
            "tx": _n(self.badge_x),
            "ty": _n(self.badge_y + 4),
        }

    @property
    def stroke_width(self) -> float:
        return STROKE.get(self.relationship.strength, 2.0)

    @property
    def dash(self) -> str:
        return DASH.get(self.relationship.strength, "")

    @property
    def arrow_end(self) -> bool:
        return self.relationship.support in {Support.A_TO_B, Support.BOTH}

    @property
    def arrow_start(self) -> bool:
        return self.relationship.support in {Support.B_TO_A, Support.BOTH}

    @property
    def score_text(self) -> str:
        if self.checkin is None:
            return ""
        return "—" if self.checkin.score is None else f"{self.checkin.score:.1f}"

    @property
    def badge(self) -> str:
        if self.checkin is None:
            return ""
        return f"{self.score_text} ⚑" if self.checkin.flags else self.score_text

    @property
    def flags_text(self) -> str:
        """The flags in words (never codes such as reliable_drop)."""
        return self.checkin.flags_text if self.checkin else ""

    @property
    def badge_title(self) -> str:
        """What the score and its flag mean, in words (the badge's tooltip and name)."""
        if self.checkin is None:
            return ""
        text = _("Latest check-in score: %(score)s") % {"score": self.score_text}
        return f"{text}. {self.flags_text}" if self.checkin.flags else text


@dataclass
class Drawing:
    ecomap: EcoMap
    layout: Layout
    nodes: list[DrawnNode]
    edges: list[DrawnEdge]

    @property
    def width(self) -> float:
        return self.layout.width

    @property
    def height(self) -> float:
        return self.layout.height

    @property
    def svg(self) -> dict[str, Any]:
        layout = self.layout
        band = layout.band_top
        label = layout.band_label
        return {
            "width": _n(layout.width),
            "height": _n(layout.height),
            "band_y": _n(band) if band is not None else "",
            "band_label_x": _n(label.left + 2) if label is not None else "",
            "band_label_y": _n(label.top + label.height * 0.78) if label is not None else "",
            "band_x2": _n(layout.width - 16),
        }


def _n(value: float) -> str:
    return f"{value:.1f}"


def draw(ecomap: EcoMap) -> Drawing:
    """Shapes for every person and relationship on the map, where the layout put them."""
    layout = ecomap.layout
    assert layout is not None  # noqa: S101  (whanau_map(with_layout=True) always sets it)
    nodes = [
        DrawnNode(node=node, placed=layout.people[pid], is_centre=pid == layout.centre_id)
        for pid, node in ecomap.nodes.items()
        if pid in layout.people
    ]
    edges: list[DrawnEdge] = []
    for index, edge in enumerate(ecomap.edges):
        rel = edge.relationship
        if rel.person_a_id not in layout.people or rel.person_b_id not in layout.people:
            continue
        route = layout.routes[index]
        practitioner = any(
            ecomap.nodes[pid].is_practitioner
            for pid in (rel.person_a_id, rel.person_b_id)
            if pid in ecomap.nodes
        )
        classes = [
            "edge",
            f"edge--{rel.kind}",
            f"edge--{rel.strength}",
            f"edge--stress-{rel.stress}",
        ]
        if rel.ended is not None:
            classes.append("edge--ended")
        if route.control is not None:
            classes.append("edge--curved")
        badge = layout.badges.get(index)
        edges.append(
            DrawnEdge(
                relationship=rel,
                d=route_path(route, JAG.get(rel.stress)),
                checkin=edge.checkin,
                is_practitioner=practitioner,
                badge_x=badge.left + badge.width / 2 if badge else 0.0,
                badge_y=badge.top + badge.height / 2 if badge else 0.0,
                sentence=support_sentence(rel),
                classes=classes,
            )
        )
    return Drawing(ecomap=ecomap, layout=layout, nodes=nodes, edges=edges)


def describe(drawing: Drawing) -> str:
    """A one-sentence summary for the SVG's description (the table has every detail)."""
    ecomap = drawing.ecomap
    centre = ecomap.centre
    return _(
        "%(people)s people and %(relationships)s relationships, centred on %(centre)s. "
        "The table after the map lists the same relationships."
    ) % {
        "people": len(drawing.nodes),
        "relationships": len(drawing.edges),
        "centre": centre.person.preferred_name if centre else "—",
    }


def as_data(drawing: Drawing) -> dict[str, Any]:
    """The map as data (API): the same people, positions and lines as the page."""
    ecomap = drawing.ecomap
    return {
        "whanau_id": ecomap.whanau.pk,
        "centre_id": ecomap.centre_id,
        "include_ended": ecomap.include_ended,
        "truncated": ecomap.truncated,
        "width": drawing.width,
        "height": drawing.height,
        "nodes": [
            {
                "id": n.id,
                "name": n.node.person.preferred_name,
                "full_name": n.node.person.full_name,
                "role": n.node.role,
                "kind": n.node.person.kind,
                "is_practitioner": n.node.is_practitioner,
                "is_member": n.node.is_member,
                "is_centre": n.is_centre,
                "x": round(n.placed.x, 1),
                "y": round(n.placed.y, 1),
            }
            for n in drawing.nodes
        ],
        "edges": [
            {
                "id": e.relationship.pk,
                "person_a": e.relationship.person_a_id,
                "person_b": e.relationship.person_b_id,
                "kind": e.relationship.kind,
                "strength": e.relationship.strength,
                "stress": e.relationship.stress,
                "support": e.relationship.support,
                "supporters": sorted(e.relationship.supporter_ids()),
                "started": e.relationship.started,
                "ended": e.relationship.ended,
                "is_practitioner": e.is_practitioner,
                "checkin_score": e.checkin.score if e.checkin else None,
                "checkin_flags": list(e.checkin.flags) if e.checkin else [],
                "version": e.relationship.version,
            }
            for e in drawing.edges
        ],
    }
