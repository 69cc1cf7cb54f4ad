"""The ecomap as drawable shapes: the page's SVG and the API's map share these fields.

Lines are drawn as social workers draw them: a thick solid line for a strong relationship, a
thinner solid one for moderate, dashed for tenuous; jagged when it is stressful (a small zig-zag
for some stress, a large one for high stress). Arrowheads point the way support flows.
"""

import math
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from hononga.relationships.hooks import CheckInSummary
from hononga.relationships.layout import (
    Box,
    Layout,
    PlacedPerson,
    jagged_path,
    line_ends,
    straight_path,
)
from hononga.relationships.models import Relationship, Stress, Support
from hononga.relationships.selectors import EcoMap, MapNode, support_sentence

PARALLEL_GAP = 7.0
# Where a check-in score may sit, as a share of the way along the line from the practitioner.
BADGE_STOPS = (0.3, 0.22, 0.38, 0.15, 0.46, 0.54, 0.62, 0.7)
BADGE_W, BADGE_H = 44.0, 19.0  # between two lines joining the same two people
STROKE = {"strong": 4.0, "moderate": 2.0, "tenuous": 1.75}
DASH = {"tenuous": "7 5"}
JAG = {Stress.SOME: 3.0, Stress.HIGH: 6.0}


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
            "rx": _n(self.badge_x - 22),
            "ry": _n(self.badge_y - 10),
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
    def badge(self) -> str:
        if self.checkin is None:
            return ""
        score = "—" if self.checkin.score is None else f"{self.checkin.score:.1f}"
        return f"{score} ⚑" if self.checkin.flags else score

    @property
    def flags_text(self) -> str:
        return ", ".join(self.checkin.flags) if self.checkin else ""


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
    def rings(self) -> list[float]:
        return self.layout.ring_radii

    @property
    def svg(self) -> dict[str, Any]:
        layout = self.layout
        band = layout.band_top
        return {
            "width": _n(layout.width),
            "height": _n(layout.height),
            "cx": _n(layout.centre_x),
            "cy": _n(layout.centre_y),
            "rings": [_n(r) for r in layout.ring_radii],
            "band_y": _n(band) if band is not None else "",
            "band_label_y": _n(band + 16) if band is not None else "",
            "band_x2": _n(layout.width - 16),
        }


def _n(value: float) -> str:
    return f"{value:.1f}"


def _offset(
    ends: tuple[float, float, float, float], amount: float
) -> tuple[float, float, float, float]:
    x1, y1, x2, y2 = ends
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    px, py = -(y2 - y1) / length * amount, (x2 - x1) / length * amount
    return (x1 + px, y1 + py, x2 + px, y2 + py)


def draw(ecomap: EcoMap) -> Drawing:
    """Shapes for every person and relationship on the map (layout already computed)."""
    layout = ecomap.layout
    assert layout is not None  # noqa: S101  (whanau_map(with_layout=True) always sets it)
    nodes = [
        DrawnNode(node=node, placed=layout.people[pid], is_centre=pid == layout.centre_id)
        for pid, node in ecomap.nodes.items()
        if pid in layout.people
    ]
    pairs: dict[tuple[int, int], list[Relationship]] = {}
    for edge in ecomap.edges:
        rel = edge.relationship
        pairs.setdefault((rel.person_a_id, rel.person_b_id), []).append(rel)
    edges: list[DrawnEdge] = []
    taken = layout.boxes()  # badges keep clear of every circle, label and other badge
    for edge in ecomap.edges:
        rel = edge.relationship
        a = layout.people.get(rel.person_a_id)
        b = layout.people.get(rel.person_b_id)
        if a is None or b is None:
            continue
        siblings = pairs[(rel.person_a_id, rel.person_b_id)]
        index = siblings.index(rel)
        ends = _offset(line_ends(a, b), (index - (len(siblings) - 1) / 2) * PARALLEL_GAP)
        amplitude = JAG.get(Stress(rel.stress))
        d = jagged_path(*ends, amplitude=amplitude) if amplitude else straight_path(*ends)
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
        bx, by = _badge_position(ends, rel, ecomap, taken) if edge.checkin else (0.0, 0.0)
        edges.append(
            DrawnEdge(
                relationship=rel,
                d=d,
                checkin=edge.checkin,
                is_practitioner=practitioner,
                badge_x=bx,
                badge_y=by,
                sentence=support_sentence(rel),
                classes=classes,
            )
        )
    return Drawing(ecomap=ecomap, layout=layout, nodes=nodes, edges=edges)


def _badge_position(
    ends: tuple[float, float, float, float],
    rel: Relationship,
    ecomap: EcoMap,
    taken: list[Box],
) -> tuple[float, float]:
    """Where a check-in score sits on its line: near the practitioner's end (their lines fan
    out from the band, where there are no other labels), moved along the line to the first
    place clear of circles, labels and other scores."""
    worker_is_a = rel.person_a_id in ecomap.nodes and ecomap.nodes[rel.person_a_id].is_practitioner
    best: tuple[float, float, Box] | None = None
    best_cover = math.inf
    for along in BADGE_STOPS:
        t = along if worker_is_a else 1 - along
        x = round(ends[0] + (ends[2] - ends[0]) * t, 1)
        y = round(ends[1] + (ends[3] - ends[1]) * t, 1)
        box = Box(x - BADGE_W / 2, y - BADGE_H / 2, BADGE_W, BADGE_H)
        cover = sum(_shared_area(box, other) for other in taken)
        if cover < best_cover:  # the first clear place, else the least covered one
            best, best_cover = (x, y, box), cover
        if cover == 0:
            break
    assert best is not None  # noqa: S101  (BADGE_STOPS is not empty)
    taken.append(best[2])
    return best[0], best[1]


def _shared_area(one: Box, other: Box) -> float:
    width = min(one.right, other.right) - max(one.left, other.left)
    height = min(one.bottom, other.bottom) - max(one.top, other.top)
    return width * height if width > 0 and height > 0 else 0.0


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
