"""Plane geometry for the ecomap: boxes, circles, polylines, and whether they touch."""

import itertools
import math
from dataclasses import dataclass

Point = tuple[float, float]


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

    def grown(self, padding: float) -> "Box":
        return Box(
            self.left - padding,
            self.top - padding,
            self.width + 2 * padding,
            self.height + 2 * padding,
        )


@dataclass(frozen=True)
class Circle:
    x: float
    y: float
    radius: float

    def box(self) -> Box:
        return Box(self.x - self.radius, self.y - self.radius, 2 * self.radius, 2 * self.radius)


def box_touches_circle(box: Box, circle: Circle, padding: float = 0.0) -> bool:
    nearest_x = min(max(circle.x, box.left), box.right)
    nearest_y = min(max(circle.y, box.top), box.bottom)
    return math.hypot(circle.x - nearest_x, circle.y - nearest_y) < circle.radius + padding


def segment_distance(point: Point, start: Point, end: Point) -> float:
    """The shortest distance from a point to a line segment."""
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    if length == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def segment_crosses_box(start: Point, end: Point, box: Box) -> bool:
    """Whether any part of the segment lies inside the box (Liang–Barsky clipping)."""
    (x1, y1), (x2, y2) = start, end
    dx, dy = x2 - x1, y2 - y1
    low, high = 0.0, 1.0
    for p, q in (
        (-dx, x1 - box.left),
        (dx, box.right - x1),
        (-dy, y1 - box.top),
        (dy, box.bottom - y1),
    ):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


@dataclass(frozen=True)
class Polyline:
    """A drawn line as points, with the box around it for quick rejection."""

    points: tuple[Point, ...]
    bounds: Box
    pieces: tuple[tuple[Point, Point, Box], ...]  # each segment with its own box
    lengths: tuple[float, ...]

    @classmethod
    def of(cls, points: list[Point]) -> "Polyline":
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        bounds = Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
        pieces = tuple(
            (a, b, Box(min(a[0], b[0]), min(a[1], b[1]), abs(b[0] - a[0]), abs(b[1] - a[1])))
            for a, b in itertools.pairwise(points)
        )
        lengths = tuple(math.dist(a, b) for a, b, _box in pieces)
        return cls(tuple(points), bounds, pieces, lengths)

    def segments(self) -> list[tuple[Point, Point]]:
        return [(a, b) for a, b, _box in self.pieces]

    def crosses_box(self, box: Box, padding: float = 0.0) -> bool:
        grown = box.grown(padding)
        if not self.bounds.overlaps(grown):
            return False
        return any(
            piece.overlaps(grown) and segment_crosses_box(a, b, grown)
            for a, b, piece in self.pieces
        )

    def distance_to(self, point: Point) -> float:
        return min(segment_distance(point, a, b) for a, b, _box in self.pieces)

    def point_at(self, share: float) -> Point:
        """The point `share` (0–1) of the way along the line, by length."""
        target = sum(self.lengths) * max(0.0, min(1.0, share))
        for (a, b, _box), length in zip(self.pieces, self.lengths, strict=True):
            if target <= length and length > 0:
                t = target / length
                return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
            target -= length
        return self.points[-1]


def quadratic(start: Point, control: Point, end: Point, steps: int = 24) -> list[Point]:
    """Points along a quadratic Bézier curve (as SVG's Q draws it)."""
    found = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        found.append(
            (
                u * u * start[0] + 2 * u * t * control[0] + t * t * end[0],
                u * u * start[1] + 2 * u * t * control[1] + t * t * end[1],
            )
        )
    return found
