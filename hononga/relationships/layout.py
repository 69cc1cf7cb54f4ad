"""Where each person, line, label and score sits on the ecomap, computed on the server so the
map needs no JavaScript.

1. People sit on concentric rings by graph distance from the person at the centre (ring 1: their
   direct relationships, ring 2: relationships of those, and an outer ring for people with no
   path to the centre); practitioners are set apart in a band below the rings. Angles are spread
   evenly on each ring, each ring rotated and ordered so people sit near those they are related
   to, and rings grow until the labels, placed outward, have room.
2. Lines: straight, unless a straight line would pass through someone else's circle; then a
   curve (a quadratic Bézier) bent just far enough to clear every circle.
3. Labels: each person's name is put at the first of a few dozen places around their circle
   (away from the centre first) that touches no circle, no line and no other label.
4. Check-in scores: along their line, near the practitioner, where they touch no circle, label,
   other score or other line.
If anything cannot be placed, the whole map is spread out by 15% and steps 2–4 run again. The
result is checked geometrically in tests/test_layout.py at 5, 15 and 30 people.

Why no layout library: see docs/dependencies.md ("The ecomap's layout"). In short, Graphviz
(neato/twopi) and networkx place nodes, but neither keeps labels and score badges off lines,
which is what makes this map readable; both would still need steps 2–4 here, and Graphviz adds a
system binary to every app server.
"""

import math
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from hononga.relationships.geometry import (
    Box,
    Circle,
    Point,
    Polyline,
    box_touches_circle,
    quadratic,
)

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
# Lines, labels and scores
BADGE_W, BADGE_H = 44.0, 19.0  # a check-in score on its line
LINE_REACH = 3.0  # how far a plain line's ink reaches from its centre line (stroke/2, rounded up)
CLEARANCE = 3.0  # clear space kept between a line and any circle, label or score it passes
CURVE_BENDS = (24, 48, 80, 120, 170, 230, 300)  # how far a curve's control point may move
LABEL_DIRECTIONS = 24
LABEL_STEPS = (0.0, 6.0, 14.0, 24.0, 36.0, 50.0)  # extra distance from the circle
BADGE_STOPS = tuple(i / 40 for i in range(4, 37))  # shares of the way along the line
BEND_TRIES = 4  # other routes tried for a line in the way of a label or score, before spreading
SPREAD = 1.15  # when something has no room, everything moves this much further apart
MAX_SPREADS = 12
PARALLEL_GAP = 7.0  # between two lines joining the same two people
BAND_LABEL = "Practitioners"
# How lines are drawn (see drawing.py): stroke width by strength, zig-zag by stress.
STROKE = {"strong": 4.0, "moderate": 2.0, "tenuous": 1.75}
JAG = {"some": 3.0, "high": 6.0}


def line_reach(strength: str, stress: str) -> float:
    """How far a line's ink reaches from its centre line: half its stroke plus its zig-zag."""
    return STROKE.get(strength, 2.0) / 2 + JAG.get(stress, 0.0) + 0.5


@dataclass(frozen=True)
class MapPerson:
    id: int
    name: str
    detail: str = ""  # a second, smaller line: role in the whānau, or who they are
    is_practitioner: bool = False


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
    show_detail: bool = True  # False where only the name found room (the table has the role)

    @property
    def circle(self) -> Box:
        r = self.radius
        return Box(self.x - r, self.y - r, 2 * r, 2 * r)

    @property
    def disc(self) -> Circle:
        return Circle(self.x, self.y, self.radius)

    def moved(self, dx: float, dy: float) -> None:
        self.x += dx
        self.y += dy
        self.label_x += dx
        self.label_y += dy
        self.detail_y += dy
        self.label = self.label.moved(dx, dy)


@dataclass
class Route:
    """One relationship's line: from the edge of one circle to the edge of the other, straight
    or (when a straight line would cross someone's circle) a quadratic curve."""

    a: int
    b: int
    start: Point
    end: Point
    control: Point | None  # None: straight
    reach: float  # how far its ink reaches from the centre line (stroke, zig-zag)
    line: Polyline

    def moved(self, dx: float, dy: float) -> "Route":
        def move(point: Point) -> Point:
            return (point[0] + dx, point[1] + dy)

        return Route(
            self.a,
            self.b,
            move(self.start),
            move(self.end),
            move(self.control) if self.control else None,
            self.reach,
            Polyline.of([move(point) for point in self.line.points]),
        )


@dataclass
class Layout:
    people: dict[int, PlacedPerson]
    centre_id: int | None
    width: float
    height: float
    centre_x: float
    centre_y: float
    ring_radii: list[float]  # radius of ring 1, 2, ...
    band_top: float | None  # y of the line above the practitioners' band, if any
    routes: list[Route] = field(default_factory=list)  # one per edge, in the order given
    badges: dict[int, Box] = field(default_factory=dict)  # edge index → its score's box
    band_label: Box | None = None  # where "Practitioners" is written, if there is room
    complete: bool = True  # False if something found no clear place (never seen in tests)

    def boxes(self) -> list[Box]:
        """Every circle, label and score on the map (what must not overlap)."""
        found: list[Box] = []
        for placed in self.people.values():
            found.append(placed.circle)
            found.append(placed.label)
        found.extend(self.badges.values())
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
    badges: Iterable[int] = (),
    reaches: Sequence[float] | None = None,
) -> Layout:
    """Place everyone, every line, label and score; deterministic for the same input.

    `edges` are pairs of person ids (one per relationship, repeated for two relationships
    between the same people); `badges` the indexes of edges that carry a check-in score;
    `reaches` how far each edge's ink reaches from its centre line (default LINE_REACH).
    """
    edges = list(edges)
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
    drawn = _lines_labels_scores(
        placed, edges, set(badges), list(reaches or []), band_top, centre_id, band_ids
    )
    return _framed(placed, centre_id, radii, band_top, drawn)


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


def _label_size(person: PlacedPerson, with_detail: bool = True) -> tuple[float, float]:
    person.name = shorten(person.person.name)
    person.show_detail = with_detail and bool(person.person.detail)
    width = text_width(person.name, NAME_SIZE, bold=True)
    height = NAME_SIZE * 1.15
    if person.show_detail:
        width = max(width, text_width(person.person.detail, DETAIL_SIZE))
        height += LINE_GAP + DETAIL_SIZE * 1.15
    return width, height


def _set_label(
    person: PlacedPerson,
    left: float,
    top: float,
    width: float,
    height: float,
    anchor: str | None = None,
) -> None:
    if anchor is not None:
        person.anchor = anchor
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
    drawn: "_Drawn",
) -> Layout:
    """Move everything so the map starts at (MARGIN, MARGIN) and measure it."""
    boxes = [b for p in placed.values() for b in (p.circle, p.label)]
    boxes += [route.line.bounds.grown(route.reach) for route in drawn.routes]
    boxes += list(drawn.badges.values())
    if drawn.band_label is not None:
        boxes.append(drawn.band_label)
    left = min(b.left for b in boxes)
    top = min(b.top for b in boxes)
    right = max(b.right for b in boxes)
    bottom = max(b.bottom for b in boxes)
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
        ring_radii=[round(r * drawn.scale, 1) for r in radii],
        band_top=None if band_top is None else band_top * drawn.scale + dy,
        routes=[route.moved(dx, dy) for route in drawn.routes],
        badges={index: box.moved(dx, dy) for index, box in drawn.badges.items()},
        band_label=drawn.band_label.moved(dx, dy) if drawn.band_label else None,
        complete=drawn.complete,
    )


# --- Lines, labels and scores, clear of each other ----------------------------------------------


@dataclass
class _Drawn:
    routes: list[Route]
    badges: dict[int, Box]
    band_label: Box | None
    scale: float
    complete: bool


def _lines_labels_scores(
    placed: dict[int, PlacedPerson],
    edges: list[tuple[int, int]],
    badged: set[int],
    reaches: list[float],
    band_top: float | None,
    centre_id: int,
    band_ids: set[int],
) -> _Drawn:
    """Steps 2–4 of the module docstring, spreading the map until everything has a clear
    place (or MAX_SPREADS have been tried: then the best effort, `complete` False)."""
    home = {pid: (p.x, p.y) for pid, p in placed.items()}
    scale = 1.0
    drawn: _Drawn | None = None
    bends: dict[int, int] = {}  # edge index → which of its clear routes to take (0: the first)
    for _attempt in range(MAX_SPREADS * 4):
        for pid, (x, y) in home.items():
            placed[pid].x, placed[pid].y = x * scale, y * scale
        wished = _wished_labels(placed, centre_id, band_ids)
        routes = _routes(placed, edges, reaches, bends, wished)
        blockers: set[int] = set()
        for person in _label_order(placed, routes):
            blockers |= _place_label(person, placed, routes, centre_id, band_ids, band_top, scale)
        labelled = not blockers
        badges, homeless = _place_badges(placed, routes, badged)
        band_label = _place_band_label(placed, routes, badges, band_top, scale)
        drawn = _Drawn(routes, badges, band_label, scale, labelled and not homeless)
        if drawn.complete:
            break
        # A label or score with no room: first try other clear routes for the lines in its
        # way (another bend may leave room), then spread the whole map.
        movable = set(homeless)
        if labelled and all(bends.get(i, 0) < BEND_TRIES for i in movable):
            for index in movable:
                bends[index] = bends.get(index, 0) + 1
            continue
        if scale >= SPREAD**MAX_SPREADS:
            break
        bends = {}
        scale *= SPREAD
    assert drawn is not None  # noqa: S101  (the loop runs at least once)
    return drawn


def _wished_labels(
    placed: dict[int, PlacedPerson], centre_id: int, band_ids: set[int]
) -> dict[int, Box]:
    """Where each label would like to be (its preferred side, beside the circle): lines keep
    clear of these where they can, so most labels can stay there."""
    wished: dict[int, Box] = {}
    for person in placed.values():
        width, height = _label_size(person)
        angle = _preferred_angle(person, centre_id, band_ids, [])
        wished[person.person.id], _anchor = _label_box(person, angle, 0.0, width, height)
    return wished


def _routes(
    placed: dict[int, PlacedPerson],
    edges: list[tuple[int, int]],
    reaches: list[float],
    bends: dict[int, int],
    wished: dict[int, Box] | None = None,
) -> list[Route]:
    found: list[Route] = []
    siblings: dict[tuple[int, int], int] = {}
    counts: dict[tuple[int, int], int] = {}
    for a, b in edges:
        counts[(a, b)] = counts.get((a, b), 0) + 1
    for index, (a, b) in enumerate(edges):
        reach = reaches[index] if index < len(reaches) else LINE_REACH
        if a not in placed or b not in placed or a == b:
            found.append(Route(a, b, (0, 0), (0, 0), None, reach, Polyline.of([(0, 0), (0, 0)])))
            continue
        order = siblings.get((a, b), 0)
        siblings[(a, b)] = order + 1
        offset = (order - (counts[(a, b)] - 1) / 2) * PARALLEL_GAP
        avoid = [box for pid, box in (wished or {}).items() if pid not in {a, b}]
        found.append(
            _route(placed, placed[a], placed[b], offset, reach, bends.get(index, 0), avoid)
        )
    return found


def _route(
    placed: dict[int, PlacedPerson],
    a: PlacedPerson,
    b: PlacedPerson,
    offset: float,
    reach: float,
    choice: int = 0,
    avoid: list[Box] | None = None,
) -> Route:
    """Straight if it clears every other circle (and the labels in `avoid`), else the least
    bent curve that does; failing that, the least bent that clears the circles. With `choice`
    n, the n-th of those."""
    clear_of_labels = _route(placed, a, b, offset, reach, choice, None) if avoid else None
    if avoid and clear_of_labels is not None:
        for bend in (0.0, *(sign * bend for bend in CURVE_BENDS for sign in (1, -1))):
            route = _bent(a, b, offset, reach, bend)
            if not any(route.line.crosses_box(box, reach + CLEARANCE) for box in avoid) and (
                _circle_clearance(route, placed, a, b) >= reach + CLEARANCE
            ):
                if choice <= 0:
                    return route
                choice -= 1
        return clear_of_labels
    others = [p.disc for p in placed.values() if p.person.id not in {a.person.id, b.person.id}]
    dx, dy = b.x - a.x, b.y - a.y
    length = math.hypot(dx, dy) or 1.0
    nx, ny = -dy / length, dx / length  # unit normal
    middle = ((a.x + b.x) / 2, (a.y + b.y) / 2)
    best: Route | None = None
    best_clearance = -math.inf
    for bend in (0.0, *(sign * bend for bend in CURVE_BENDS for sign in (1, -1))):
        control = (middle[0] + nx * (bend + offset), middle[1] + ny * (bend + offset))
        route = _curve(a, b, control if bend else None, offset, reach, (nx, ny))
        clearance = min(
            (route.line.distance_to((c.x, c.y)) - c.radius for c in others), default=math.inf
        )
        if clearance >= reach + CLEARANCE:
            if choice <= 0:
                return route
            choice -= 1
            best, best_clearance = route, math.inf
            continue
        if clearance > best_clearance:
            best, best_clearance = route, clearance
    assert best is not None  # noqa: S101  (at least one bend is tried)
    return best


def _bent(a: PlacedPerson, b: PlacedPerson, offset: float, reach: float, bend: float) -> Route:
    dx, dy = b.x - a.x, b.y - a.y
    length = math.hypot(dx, dy) or 1.0
    nx, ny = -dy / length, dx / length
    middle = ((a.x + b.x) / 2, (a.y + b.y) / 2)
    control = (middle[0] + nx * (bend + offset), middle[1] + ny * (bend + offset))
    return _curve(a, b, control if bend else None, offset, reach, (nx, ny))


def _circle_clearance(
    route: Route, placed: dict[int, PlacedPerson], a: PlacedPerson, b: PlacedPerson
) -> float:
    return min(
        (
            route.line.distance_to((p.x, p.y)) - p.radius
            for p in placed.values()
            if p.person.id not in {a.person.id, b.person.id}
        ),
        default=math.inf,
    )


def _curve(
    a: PlacedPerson,
    b: PlacedPerson,
    control: Point | None,
    offset: float,
    reach: float,
    normal: Point,
) -> Route:
    """The line from circle edge to circle edge (3 units clear, so arrowheads show), leaving
    each circle towards the control point so arrowheads point along the curve."""
    gap = 3.0
    if control is None:
        towards_b, towards_a = (b.x, b.y), (a.x, a.y)
    else:
        towards_b = towards_a = control
    start = _towards(a, towards_b, a.radius + gap)
    end = _towards(b, towards_a, b.radius + gap)
    if control is None:
        nx, ny = normal
        start = (start[0] + nx * offset, start[1] + ny * offset)
        end = (end[0] + nx * offset, end[1] + ny * offset)
        points = [start, end]
    else:
        points = quadratic(start, control, end)
    return Route(a.person.id, b.person.id, start, end, control, reach, Polyline.of(points))


def _towards(person: PlacedPerson, target: Point, distance: float) -> Point:
    dx, dy = target[0] - person.x, target[1] - person.y
    length = math.hypot(dx, dy) or 1.0
    return (person.x + dx / length * distance, person.y + dy / length * distance)


def _label_order(placed: dict[int, PlacedPerson], routes: list[Route]) -> list[PlacedPerson]:
    """The most crowded first (the centre, then whoever has the most lines), so the people with
    the least room choose first."""
    lines: dict[int, int] = {}
    for route in routes:
        for pid in (route.a, route.b):
            lines[pid] = lines.get(pid, 0) + 1
    return sorted(
        placed.values(),
        key=lambda p: (
            p.ring != 0,
            -lines.get(p.person.id, 0),
            p.person.name.casefold(),
            p.person.id,
        ),
    )


def _preferred_angle(
    person: PlacedPerson, centre_id: int, band_ids: set[int], routes: list[Route]
) -> float:
    if person.person.id in band_ids:
        return math.pi / 2  # below, away from the lines rising to the rings
    if person.ring == 0:
        return person.angle  # its clearest side (see _clearest_side)
    return math.atan2(person.y, person.x)  # away from the centre


def _place_label(
    person: PlacedPerson,
    placed: dict[int, PlacedPerson],
    routes: list[Route],
    centre_id: int,
    band_ids: set[int],
    band_top: float | None,
    scale: float,
) -> set[int]:
    """Put the label at the best clear place around the circle (with the second line, else
    the name alone). If there is none, put it at the preferred place (to be tried again) and
    return the lines in the way of the best place that only lines block ({-1} if circles or
    labels block every place); an empty set when placed."""
    preferred = _preferred_angle(person, centre_id, band_ids, routes)
    circles = [p.disc for p in placed.values()]
    labels = [p.label for p in placed.values() if p is not person and p.label.width > 0 and p.name]
    band_line = (
        Polyline.of([(-1e6, band_top * scale), (1e6, band_top * scale)]) if band_top else None
    )
    candidates = []
    for step in range(LABEL_DIRECTIONS):
        angle = preferred + step * 2 * math.pi / LABEL_DIRECTIONS
        turn = abs(_normal(angle - preferred))
        for extra in LABEL_STEPS:
            candidates.append((turn * 24 + extra, angle, extra))
    candidates.sort(key=lambda c: (c[0], c[2]))
    in_the_way: set[int] | None = None
    for with_detail in (True, False):
        width, height = _label_size(person, with_detail)
        for _score, angle, extra in candidates:
            box, anchor = _label_box(person, angle, extra, width, height)
            if _clear(box, circles, labels, [], band_line):
                crossing = _crossing(box, routes)
                if not crossing:
                    _set_label(person, box.left, box.top, width, height, anchor)
                    return set()
                if in_the_way is None:
                    in_the_way = crossing
    width, height = _label_size(person)
    box, anchor = _label_box(person, preferred, 0.0, width, height)
    _set_label(person, box.left, box.top, width, height, anchor)
    return in_the_way or {-1}


def _crossing(box: Box, routes: list[Route], skip: int | None = None) -> set[int]:
    return {
        index
        for index, route in enumerate(routes)
        if index != skip and route.line.crosses_box(box, route.reach + CLEARANCE)
    }


def _label_box(
    person: PlacedPerson, angle: float, extra: float, width: float, height: float
) -> tuple[Box, str]:
    """A label beside the circle in direction `angle`, touching the point `extra` beyond the
    usual gap; its text anchored on the side nearest the circle."""
    cos, sin = math.cos(angle), math.sin(angle)
    reach = person.radius + LABEL_GAP + extra
    x, y = person.x + reach * cos, person.y + reach * sin
    if cos > 0.38:
        left, anchor = x, "start"
    elif cos < -0.38:
        left, anchor = x - width, "end"
    else:
        left, anchor = x - width / 2, "middle"
    if sin > 0.38:
        top = y
    elif sin < -0.38:
        top = y - height
    else:
        top = y - height / 2
    return Box(left, top, width, height), anchor


def _clear(
    box: Box,
    circles: list[Circle],
    boxes: list[Box],
    routes: list[Route],
    band_line: Polyline | None = None,
    skip_route: int | None = None,
) -> bool:
    if any(box_touches_circle(box, circle, PADDING) for circle in circles):
        return False
    if any(box.overlaps(other, PADDING) for other in boxes):
        return False
    if band_line is not None and band_line.crosses_box(box, CLEARANCE):
        return False
    return not any(
        route.line.crosses_box(box, route.reach + CLEARANCE)
        for index, route in enumerate(routes)
        if index != skip_route
    )


def _place_badges(
    placed: dict[int, PlacedPerson], routes: list[Route], badged: set[int]
) -> tuple[dict[int, Box], list[int]]:
    """Each score on its own line, near the practitioner's end where there is room; and the
    edges whose score found none."""
    circles = [p.disc for p in placed.values()]
    labels = [p.label for p in placed.values()]
    badges: dict[int, Box] = {}
    homeless: list[int] = []
    for index in sorted(badged):
        if index >= len(routes):
            continue
        route = routes[index]
        from_a = placed.get(route.a) is not None and placed[route.a].ring == -1
        chosen = None
        for share in BADGE_STOPS:
            x, y = route.line.point_at(share if from_a else 1 - share)
            box = Box(x - BADGE_W / 2, y - BADGE_H / 2, BADGE_W, BADGE_H)
            if _clear(box, circles, [*labels, *badges.values()], routes, skip_route=index):
                chosen = box
                break
        if chosen is None:
            homeless.append(index)
            x, y = route.line.point_at(0.5)
            chosen = Box(x - BADGE_W / 2, y - BADGE_H / 2, BADGE_W, BADGE_H)
        badges[index] = chosen
    return badges, homeless


def _place_band_label(
    placed: dict[int, PlacedPerson],
    routes: list[Route],
    badges: dict[int, Box],
    band_top: float | None,
    scale: float,
) -> Box | None:
    """ "Practitioners" just under the band's line, at its left-most clear place (or nowhere:
    the practitioners' own labels say who they are)."""
    if band_top is None:
        return None
    width, height = text_width(BAND_LABEL, DETAIL_SIZE) + 4, DETAIL_SIZE * 1.3
    circles = [p.disc for p in placed.values()]
    boxes = [p.label for p in placed.values()] + list(badges.values())
    xs = [p.x for p in placed.values()]
    left_most, right_most = min(xs) - 60, max(xs) + 60
    y = band_top * scale + 4
    x = left_most
    while x < right_most:
        box = Box(x, y, width, height)
        if _clear(box, circles, boxes, routes):
            return box
        x += 12
    return None


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


def route_path(route: Route, amplitude: float | None = None) -> str:
    """The SVG path of a route: a line or a quadratic curve, zig-zagged when stressful."""
    if amplitude:
        if route.control is None:
            return jagged_path(*route.start, *route.end, amplitude=amplitude)
        return jagged_polyline(list(route.line.points), amplitude=amplitude)
    if route.control is None:
        return straight_path(*route.start, *route.end)
    (x1, y1), (cx, cy), (x2, y2) = route.start, route.control, route.end
    return f"M{x1:.1f} {y1:.1f}Q{cx:.1f} {cy:.1f} {x2:.1f} {y2:.1f}"


def jagged_polyline(points: list[Point], *, amplitude: float, wavelength: float = 10.0) -> str:
    """A zig-zag along a curve given as points (ends straight, so arrowheads point along it)."""
    line = Polyline.of(points)
    total = sum(math.dist(a, b) for a, b in line.segments())
    if total <= 20 + wavelength:
        return "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points)
    steps = max(2, round((total - 20) / (wavelength / 2)))
    found = [points[0], line.point_at(10 / total)]
    for i in range(1, steps):
        share = (10 + (total - 20) * i / steps) / total
        x, y = line.point_at(share)
        ax, ay = line.point_at(max(0.0, share - 0.01))
        bx, by = line.point_at(min(1.0, share + 0.01))
        length = math.hypot(bx - ax, by - ay) or 1.0
        side = amplitude if i % 2 else -amplitude
        found.append((x - (by - ay) / length * side, y + (bx - ax) / length * side))
    found += [line.point_at(1 - 10 / total), points[-1]]
    first, *rest = found
    return f"M{first[0]:.1f} {first[1]:.1f}" + "".join(f"L{x:.1f} {y:.1f}" for x, y in rest)


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
