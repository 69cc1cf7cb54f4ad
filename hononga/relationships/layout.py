"""Where each person sits on the ecomap, computed on the server so the map needs no JavaScript.

People sit on concentric rings by graph distance from the person at the centre (ring 1: their
direct relationships, ring 2: relationships of those, and an outer ring for people with no path
to the centre); practitioners are set apart in a band below the rings. Angles are spread evenly
on each ring, and each ring is rotated and ordered so people sit near those they are related to.
Labels sit outside the circles, pointing away from the centre (the centre's own label on its
side with the fewest lines); rings grow until no label overlaps another label or a circle.

Why no layout library: we looked at networkx (`shell_layout` is concentric rings) and Graphviz
(`twopi` is a radial layout). `shell_layout` spaces rings evenly with one rotation for every
ring and knows nothing about labels; `twopi` needs a system binary and its overlap removal moves
people off their rings. What keeps this map readable is sizing each ring so its labels fit; no
library does that, and the rest is a few lines of trigonometry, tested in tests/test_layout.py.
(networkx's layouts also need numpy at runtime; all it would replace here is a breadth-first
search.)
"""

import math
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

NODE_RADIUS = 14.0
CENTRE_RADIUS = 22.0
NAME_SIZE = 14.0  # font sizes in SVG units, mirrored in static/css/relationships.css
DETAIL_SIZE = 11.5
LINE_GAP = 2.0
LABEL_GAP = 5.0  # between a circle and its label
PADDING = 4.0  # minimum clear space between any two labels or circles
MARGIN = 16.0
FIRST_RING = 110.0
RING_GAP = 95.0
BAND_GAP = 70.0  # from the lowest ring element to the practitioners' band
MAX_NAME = 22  # characters; longer names are shortened on the map (the table has them in full)
MAX_ROUNDS = 400


@dataclass(frozen=True)
class MapPerson:
    id: int
    name: str
    detail: str = ""  # a second, smaller line: role in the whānau, or who they are
    is_practitioner: bool = False


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def overlaps(self, other: "Box", padding: float = 0.0) -> bool:
        return not (
            self.right + padding <= other.left
            or other.right + padding <= self.left
            or self.bottom + padding <= other.top
            or other.bottom + padding <= self.top
        )

    def moved(self, dx: float, dy: float) -> "Box":
        return Box(self.left + dx, self.top + dy, self.width, self.height)


@dataclass
class PlacedPerson:
    person: MapPerson
    ring: int  # 0 = centre, 1.. = rings, -1 = practitioners' band
    x: float = 0.0
    y: float = 0.0
    radius: float = NODE_RADIUS
    angle: float = 0.0
    name: str = ""  # as shown (possibly shortened)
    label_x: float = 0.0
    label_y: float = 0.0  # baseline of the name line
    detail_y: float = 0.0  # baseline of the detail line
    anchor: str = "middle"  # SVG text-anchor
    label: Box = field(default_factory=lambda: Box(0, 0, 0, 0))

    @property
    def circle(self) -> Box:
        r = self.radius
        return Box(self.x - r, self.y - r, 2 * r, 2 * r)

    def moved(self, dx: float, dy: float) -> None:
        self.x += dx
        self.y += dy
        self.label_x += dx
        self.label_y += dy
        self.detail_y += dy
        self.label = self.label.moved(dx, dy)


@dataclass
class Layout:
    people: dict[int, PlacedPerson]
    centre_id: int | None
    width: float
    height: float
    centre_x: float
    centre_y: float
    ring_radii: list[float]  # radius of ring 1, 2, ... (for faint guide circles)
    band_top: float | None  # y of the line above the practitioners' band, if any

    def boxes(self) -> list[Box]:
        """Every circle and label on the map (what must not overlap)."""
        found: list[Box] = []
        for placed in self.people.values():
            found.append(placed.circle)
            found.append(placed.label)
        return found


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """A generous estimate of rendered width in a sans-serif face (no font metrics here)."""
    units = 0.0
    for char in text:
        if char in "iljt.,'’ :;|!":
            units += 0.32
        elif char in "mwMW":
            units += 0.9
        elif char.isupper():
            units += 0.7
        else:
            units += 0.58
    return units * size * (1.07 if bold else 1.0)


def shorten(name: str) -> str:
    return name if len(name) <= MAX_NAME else name[: MAX_NAME - 1].rstrip() + "…"


def compute_layout(
    people: Sequence[MapPerson],
    edges: Iterable[tuple[int, int]],
    *,
    centre_id: int | None = None,
) -> Layout:
    """Place everyone; deterministic for the same people, edges and centre."""
    by_id = {p.id: p for p in people}
    neighbours: dict[int, set[int]] = {pid: set() for pid in by_id}
    for a, b in edges:
        if a in by_id and b in by_id and a != b:
            neighbours[a].add(b)
            neighbours[b].add(a)
    ordered = sorted(by_id.values(), key=lambda p: (p.name.casefold(), p.id))
    if centre_id not in by_id:
        centre_id = _default_centre(ordered, neighbours)
    if centre_id is None:
        return Layout({}, None, 2 * MARGIN, 2 * MARGIN, MARGIN, MARGIN, [], None)

    band = [p for p in ordered if p.is_practitioner and p.id != centre_id]
    band_ids = {p.id for p in band}
    rings = _rings(ordered, neighbours, centre_id, band_ids)

    placed: dict[int, PlacedPerson] = {}
    centre = PlacedPerson(by_id[centre_id], ring=0, radius=CENTRE_RADIUS)
    placed[centre_id] = centre
    angles = _ring_angles(rings, neighbours)
    centre.angle = _clearest_side(centre_id, angles, neighbours, band_ids)
    radii = _initial_radii(rings)
    for index, ring in enumerate(rings, start=1):
        for person in ring:
            placed[person.id] = PlacedPerson(person, ring=index, angle=angles[person.id])
    _place_rings(placed, radii)
    for _round in range(MAX_ROUNDS):
        grow = _rings_to_grow(placed)
        if not grow:
            break
        for ring_number in sorted(grow):
            radii[ring_number - 1] = radii[ring_number - 1] * 1.04 + 4
        for index in range(1, len(radii)):  # keep rings in order, a label's depth apart
            radii[index] = max(radii[index], radii[index - 1] + RING_GAP * 0.6)
        _place_rings(placed, radii)

    band_top = _place_band(placed, band, neighbours) if band else None
    return _framed(placed, centre_id, radii, band_top)


def _default_centre(ordered: list[MapPerson], neighbours: dict[int, set[int]]) -> int | None:
    """The best-connected person who is not a practitioner (then anyone)."""
    candidates = [p for p in ordered if not p.is_practitioner] or ordered
    if not candidates:
        return None
    return max(candidates, key=lambda p: (len(neighbours[p.id]), -ordered.index(p))).id


def _rings(
    ordered: list[MapPerson],
    neighbours: dict[int, set[int]],
    centre_id: int,
    band_ids: set[int],
) -> list[list[MapPerson]]:
    """Breadth-first distance from the centre, not through practitioners (they stand apart)."""
    distance = {centre_id: 0}
    queue = deque([centre_id])
    while queue:
        current = queue.popleft()
        for other in sorted(neighbours[current]):
            if other not in distance and other not in band_ids:
                distance[other] = distance[current] + 1
                queue.append(other)
    rest = [p for p in ordered if p.id not in band_ids and p.id != centre_id]
    deepest = max((d for d in distance.values()), default=0)
    unconnected = deepest + 1 if deepest else 1
    rings: list[list[MapPerson]] = [[] for _ in range(unconnected)]
    for person in rest:
        rings[distance.get(person.id, unconnected) - 1].append(person)
    return [ring for ring in rings if ring]


def _ring_angles(rings: list[list[MapPerson]], neighbours: dict[int, set[int]]) -> dict[int, float]:
    """Even angles on each ring, ordered and rotated to sit near related people further in."""
    angles: dict[int, float] = {}
    previous_offset = -math.pi / 2  # ring 1 starts at the top
    for ring in rings:
        count = len(ring)
        step = 2 * math.pi / count
        targets: dict[int, float] = {}
        for person in ring:
            inner = [angles[n] for n in neighbours[person.id] if n in angles]
            if inner:
                targets[person.id] = _circular_mean(inner)
        if targets:
            # Order by the angle of related people further in (others keep their place).
            order = sorted(
                ring,
                key=lambda p: (targets.get(p.id, math.inf), p.name.casefold(), p.id),
            )
            offsets = [targets[p.id] - i * step for i, p in enumerate(order) if p.id in targets]
            offset = _circular_mean(offsets)
        else:
            order = ring
            offset = previous_offset + (step / 2 if angles else 0.0)
        for i, person in enumerate(order):
            angles[person.id] = _normal(offset + i * step)
        previous_offset = offset
    return angles


def _circular_mean(values: list[float]) -> float:
    x = sum(math.cos(v) for v in values)
    y = sum(math.sin(v) for v in values)
    if abs(x) < 1e-9 and abs(y) < 1e-9:
        return values[0]
    return math.atan2(y, x)


def _normal(angle: float) -> float:
    return math.atan2(math.sin(angle), math.cos(angle))


def _clearest_side(
    centre_id: int,
    angles: dict[int, float],
    neighbours: dict[int, set[int]],
    band_ids: set[int],
) -> float:
    """The side of the centre (below, above, right, left) furthest from its lines, so its
    label is not drawn over them. Lines to practitioners leave straight down, to the band."""
    directions = [angles[n] for n in neighbours[centre_id] if n in angles]
    if neighbours[centre_id] & band_ids:
        directions.append(math.pi / 2)
    if not directions:
        return math.pi / 2

    def clearance(side: float) -> float:
        return min(abs(_normal(side - d)) for d in directions)

    sides = [math.pi / 2, -math.pi / 2, 0.0, math.pi]  # in order of preference
    best = max(clearance(side) for side in sides)
    return next(side for side in sides if clearance(side) >= best - 0.2)


def _initial_radii(rings: list[list[MapPerson]]) -> list[float]:
    radii: list[float] = []
    for index, ring in enumerate(rings):
        # Enough circumference for every circle and a line of label beside it.
        need = len(ring) * (2 * NODE_RADIUS + NAME_SIZE * 2.2) / (2 * math.pi)
        base = FIRST_RING if index == 0 else radii[-1] + RING_GAP
        radii.append(max(base, need))
    return radii


def _place_rings(placed: dict[int, PlacedPerson], radii: list[float]) -> None:
    for person in placed.values():
        if person.ring == 0:
            person.x = person.y = 0.0
            _label_outside(person)  # on its clearest side (see _clearest_side)
        elif person.ring > 0:
            radius = radii[person.ring - 1]
            person.x = radius * math.cos(person.angle)
            person.y = radius * math.sin(person.angle)
            _label_outside(person)


def _label_size(person: PlacedPerson) -> tuple[float, float]:
    person.name = shorten(person.person.name)
    width = text_width(person.name, NAME_SIZE, bold=True)
    height = NAME_SIZE * 1.15
    if person.person.detail:
        width = max(width, text_width(person.person.detail, DETAIL_SIZE))
        height += LINE_GAP + DETAIL_SIZE * 1.15
    return width, height


def _set_label(person: PlacedPerson, left: float, top: float, width: float, height: float) -> None:
    person.label = Box(left, top, width, height)
    person.label_y = top + NAME_SIZE * 0.92
    person.detail_y = person.label_y + LINE_GAP + DETAIL_SIZE * 1.15
    person.label_x = {"start": left, "end": left + width}.get(person.anchor, left + width / 2)


def _label_below(person: PlacedPerson) -> None:
    width, height = _label_size(person)
    person.anchor = "middle"
    _set_label(person, person.x - width / 2, person.y + person.radius + LABEL_GAP, width, height)


def _label_outside(person: PlacedPerson) -> None:
    """Beside the circle on the side away from the centre; above or below near the top/bottom."""
    width, height = _label_size(person)
    cos, sin = math.cos(person.angle), math.sin(person.angle)
    reach = person.radius + LABEL_GAP
    if abs(cos) < 0.35:
        person.anchor = "middle"
        left = person.x - width / 2
        top = person.y - reach - height if sin < 0 else person.y + reach
    elif cos > 0:
        person.anchor = "start"
        left = person.x + reach * cos
        top = person.y + reach * sin * 0.5 - height / 2
    else:
        person.anchor = "end"
        left = person.x + reach * cos - width
        top = person.y + reach * sin * 0.5 - height / 2
    _set_label(person, left, top, width, height)


def _rings_to_grow(placed: dict[int, PlacedPerson]) -> set[int]:
    """For each pair of overlapping boxes, the outer ring of the two (it has room to move)."""
    items = [
        (person.ring, box) for person in placed.values() for box in (person.circle, person.label)
    ]
    owners = [person.person.id for person in placed.values() for _ in (0, 1)]
    grow: set[int] = set()
    for i, (ring_i, box_i) in enumerate(items):
        for j in range(i + 1, len(items)):
            ring_j, box_j = items[j]
            if owners[i] == owners[j]:
                continue
            if box_i.overlaps(box_j, PADDING):
                outer = max(ring_i, ring_j)
                if outer > 0:
                    grow.add(outer)
    return grow


def _place_band(
    placed: dict[int, PlacedPerson], band: list[MapPerson], neighbours: dict[int, set[int]]
) -> float:
    """Practitioners in a row below the rings, each under the people they work with."""
    bottom = max(max(p.circle.bottom, p.label.bottom) for p in placed.values())
    band_top = bottom + BAND_GAP / 2
    y = bottom + BAND_GAP
    members: list[PlacedPerson] = []
    for person in band:
        member = PlacedPerson(person, ring=-1)
        _label_below(member)  # measures the label
        members.append(member)

    def preferred_x(member: PlacedPerson) -> float:
        xs = [placed[n].x for n in neighbours[member.person.id] if n in placed]
        return sum(xs) / len(xs) if xs else 0.0

    members.sort(key=lambda m: (preferred_x(m), m.person.name.casefold(), m.person.id))
    cursor = -math.inf
    for member in members:
        width = max(member.label.width, 2 * member.radius) + 3 * PADDING
        # As close as possible under the people they work with, never over the one before.
        slot_left = max(cursor, preferred_x(member) - width / 2)
        member.x = slot_left + width / 2
        member.y = y
        _label_below(member)
        placed[member.person.id] = member
        cursor = slot_left + width
    return band_top


def _framed(
    placed: dict[int, PlacedPerson],
    centre_id: int,
    radii: list[float],
    band_top: float | None,
) -> Layout:
    """Move everything so the map starts at (MARGIN, MARGIN) and measure it."""
    boxes = [b for p in placed.values() for b in (p.circle, p.label)]
    outer = radii[-1] + NODE_RADIUS if radii else 0.0
    left = min(min(b.left for b in boxes), -outer)
    top = min(min(b.top for b in boxes), -outer)
    right = max(max(b.right for b in boxes), outer)
    bottom = max(max(b.bottom for b in boxes), outer)
    dx, dy = MARGIN - left, MARGIN - top
    for person in placed.values():
        person.moved(dx, dy)
    return Layout(
        people=placed,
        centre_id=centre_id,
        width=round(right - left + 2 * MARGIN, 1),
        height=round(bottom - top + 2 * MARGIN, 1),
        centre_x=dx,
        centre_y=dy,
        ring_radii=[round(r, 1) for r in radii],
        band_top=None if band_top is None else band_top + dy,
    )


# --- Lines --------------------------------------------------------------------------------------


def line_ends(
    a: PlacedPerson, b: PlacedPerson, *, gap: float = 3.0
) -> tuple[float, float, float, float]:
    """A line between two circles, stopping at their edges (so arrowheads stay visible)."""
    dx, dy = b.x - a.x, b.y - a.y
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    start = a.radius + gap
    end = b.radius + gap
    return (a.x + ux * start, a.y + uy * start, b.x - ux * end, b.y - uy * end)


def straight_path(x1: float, y1: float, x2: float, y2: float) -> str:
    return f"M{x1:.1f} {y1:.1f}L{x2:.1f} {y2:.1f}"


def jagged_path(
    x1: float,
    y1: float,
    x2: float,
    y2: float,
    *,
    amplitude: float = 4.0,
    wavelength: float = 10.0,
    straight_ends: float = 10.0,
) -> str:
    """A zig-zag line, as social workers draw a stressful relationship.

    The ends stay straight so arrowheads point along the line.
    """
    dx, dy = x2 - x1, y2 - y1
    length = math.hypot(dx, dy)
    if length <= 2 * straight_ends + wavelength:
        return straight_path(x1, y1, x2, y2)
    ux, uy = dx / length, dy / length
    px, py = -uy, ux  # perpendicular
    zig_length = length - 2 * straight_ends
    steps = max(2, round(zig_length / (wavelength / 2)))
    points = [(x1, y1), (x1 + ux * straight_ends, y1 + uy * straight_ends)]
    for i in range(1, steps):
        along = straight_ends + zig_length * i / steps
        side = amplitude if i % 2 else -amplitude
        points.append((x1 + ux * along + px * side, y1 + uy * along + py * side))
    points.append((x2 - ux * straight_ends, y2 - uy * straight_ends))
    points.append((x2, y2))
    first, *rest = points
    return f"M{first[0]:.1f} {first[1]:.1f}" + "".join(f"L{x:.1f} {y:.1f}" for x, y in rest)
