"""The ecomap is readable: no line crosses a circle, no label or score overlaps anything.

Checked geometrically at 5, 15 and 30 people, with an independent check: every line is
sampled point by point (curves recomputed here from their ends and control point), and every
circle, label, score and line is tested against every other.
"""

import math

import pytest

from hononga.relationships.layout import (
    BADGE_H,
    BADGE_W,
    MapPerson,
    compute_layout,
    line_reach,
)

GAP = 1.0  # everything must be at least this clear of everything else


def maps():
    """Three whānau maps like the demo's: a child at the centre, parents, grandparents,
    siblings, aunties, a teacher, and practitioners with check-in scores on their lines."""
    cases = {}
    # 5 people: a tamaiti, two parents (a stressful relationship), a nan, one practitioner.
    people = [
        MapPerson(1, "Ariki", "tamaiti"),
        MapPerson(2, "Mere", "mother"),
        MapPerson(3, "Tane", "father"),
        MapPerson(4, "Kui Rangi", "grandmother"),
        MapPerson(9, "Aroha", "Practitioner", is_practitioner=True),
    ]
    edges = [(1, 2, "strong", "none"), (1, 3, "tenuous", "high"), (2, 3, "moderate", "high")]
    edges += [(1, 4, "strong", "none"), (9, 1, "moderate", "none"), (9, 2, "moderate", "some")]
    cases[5] = (people, edges, {4, 5}, 1)
    # 15 people: twelve of the whānau and three practitioners.
    names = [
        "Ariki", "Mere", "Tane", "Kui Rangi", "Koro Hemi", "Hine", "Tama", "Aunty Ngaio",
        "Uncle Wiremu", "Pēpi Mahina", "Whaea Tui", "Matua Rawiri",
    ]  # fmt: skip
    people = [MapPerson(i + 1, name, "whānau") for i, name in enumerate(names)]
    people += [
        MapPerson(20 + i, name, "Practitioner", is_practitioner=True)
        for i, name in enumerate(["Aroha", "Sione", "Wiremu Tāne"])
    ]
    edges = [(1, j, "strong", "none") for j in range(2, 8)]
    edges += [(2, 3, "moderate", "high"), (2, 4, "strong", "none"), (3, 5, "tenuous", "some")]
    edges += [(6, 7, "strong", "none"), (2, 8, "moderate", "none"), (8, 9, "strong", "none")]
    edges += [(2, 10, "strong", "none"), (11, 1, "moderate", "none"), (12, 3, "tenuous", "none")]
    edges += [(20, 1, "moderate", "none"), (20, 2, "moderate", "some"), (20, 6, "moderate", "none")]
    edges += [(21, 7, "moderate", "none"), (21, 3, "tenuous", "high"), (22, 1, "strong", "none")]
    badges = {index for index, (a, b, _s, _t) in enumerate(edges) if a >= 20}
    cases[15] = (people, edges, badges, 1)
    # 30 people: twenty-six of the whānau (long names too) and four practitioners.
    people = [
        MapPerson(i + 1, f"{name} {i + 1}", "whānau")
        for i, name in enumerate(["Tangata", "Wharerangi-Pōhutukawa", "Hine", "Mokopuna"] * 7)
    ][:26]
    people += [
        MapPerson(40 + i, f"Kaimahi {i}", "Practitioner", is_practitioner=True) for i in range(4)
    ]
    edges = [(1, j, "strong", "none") for j in range(2, 10)]
    edges += [(j, j + 8, "moderate", "some" if j % 3 else "none") for j in range(2, 18)]
    edges += [(j, j + 1, "tenuous", "high") for j in range(18, 26, 2)]
    edges += [(2, 3, "moderate", "high"), (2, 3, "strong", "none")]  # two between the same two
    edges += [(40, 1, "moderate", "none"), (40, 2, "moderate", "none"), (40, 10, "strong", "none")]
    edges += [
        (41, 3, "moderate", "none"),
        (41, 12, "moderate", "some"),
        (41, 20, "tenuous", "none"),
    ]
    edges += [(42, 5, "moderate", "none"), (42, 14, "strong", "none"), (42, 1, "moderate", "high")]
    edges += [(43, 8, "moderate", "none"), (43, 16, "moderate", "none"), (43, 25, "strong", "none")]
    badges = {index for index, (a, b, _s, _t) in enumerate(edges) if a >= 40}
    cases[30] = (people, edges, badges, 1)
    return cases


CASES = maps()


def layout_of(size):
    people, edges, badges, centre = CASES[size]
    return compute_layout(
        people,
        [(a, b) for a, b, _s, _t in edges],
        centre_id=centre,
        badges=badges,
        reaches=[line_reach(strength, stress) for _a, _b, strength, stress in edges],
    )


def sample(route):
    """The drawn centre line, a point every unit of length (recomputed from the route's ends
    and control point, not taken from the layout's own polyline)."""
    (x1, y1), (x2, y2) = route.start, route.end
    if route.control is None:
        steps = max(2, int(math.dist(route.start, route.end)))
        return [(x1 + (x2 - x1) * i / steps, y1 + (y2 - y1) * i / steps) for i in range(steps + 1)]
    cx, cy = route.control
    rough = math.dist(route.start, route.control) + math.dist(route.control, route.end)
    steps = max(2, int(rough) * 2)
    found = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        found.append(
            (u * u * x1 + 2 * u * t * cx + t * t * x2, u * u * y1 + 2 * u * t * cy + t * t * y2)
        )
    return found


def boxes_overlap(one, other, gap=GAP):
    return not (
        one.right + gap <= other.left
        or other.right + gap <= one.left
        or one.bottom + gap <= other.top
        or other.bottom + gap <= one.top
    )


def box_near_point(box, point, distance):
    dx = max(box.left - point[0], 0, point[0] - box.right)
    dy = max(box.top - point[1], 0, point[1] - box.bottom)
    return math.hypot(dx, dy) < distance


def box_near_circle(box, person, gap=GAP):
    return box_near_point(box, (person.x, person.y), person.radius + gap)


def problems(layout, size):
    _people, edges, badges, _centre = CASES[size]
    found = []
    people = list(layout.people.values())
    labels = {p.person.id: p.label for p in people}
    score_boxes = dict(layout.badges)
    routes = layout.routes
    samples = [sample(route) for route in routes]
    extra = {"band label": layout.band_label} if layout.band_label else {}
    # Lines never cross a circle other than their own two people's.
    for index, route in enumerate(routes):
        for person in people:
            if person.person.id in {route.a, route.b}:
                continue
            closest = min(math.dist(point, (person.x, person.y)) for point in samples[index])
            if closest < person.radius + route.reach + GAP:
                found.append(f"line {index} crosses {person.person.name}")
    # Labels and scores overlap nothing: no circle, label, score or line.
    things = {f"label {pid}": box for pid, box in labels.items()}
    things.update({f"score {index}": box for index, box in score_boxes.items()})
    things.update(extra)
    names = list(things)
    for i, name in enumerate(names):
        box = things[name]
        for other in names[i + 1 :]:
            if boxes_overlap(box, things[other]):
                found.append(f"{name} overlaps {other}")
        for person in people:
            if box_near_circle(box, person):
                found.append(f"{name} overlaps the circle of {person.person.name}")
        for index, points in enumerate(samples):
            if name == f"score {index}":
                continue  # a score sits on its own line
            reach = routes[index].reach + GAP
            if any(box_near_point(box, point, reach) for point in points[::1]):
                found.append(f"{name} overlaps line {index}")
                break
    # Every score is on its own line.
    for index, box in score_boxes.items():
        centre = (box.left + BADGE_W / 2, box.top + BADGE_H / 2)
        if min(math.dist(centre, point) for point in samples[index]) > 1.0:
            found.append(f"score {index} is off its line")
    assert set(score_boxes) == badges
    assert len(routes) == len(edges)
    return found


@pytest.mark.parametrize("size", [5, 15, 30])
def test_nothing_overlaps(size):
    layout = layout_of(size)
    assert len(layout.people) == size
    assert layout.complete
    assert problems(layout, size) == []
    # Everything is inside the drawing.
    for person in layout.people.values():
        for box in (person.circle, person.label):
            assert box.left >= 0 and box.top >= 0
            assert box.right <= layout.width and box.bottom <= layout.height


def test_a_line_that_would_cross_someone_bends_around_them():
    """The issue's map: a practitioner's line straight up to the centre passes through the child
    between them; it curves around instead."""
    people = [
        MapPerson(1, "Mere", "mother"),
        MapPerson(2, "Ariki", "tamaiti"),
        MapPerson(9, "Aroha", "Practitioner", is_practitioner=True),
    ]
    edges = [(1, 2), (9, 1), (9, 2)]
    layout = compute_layout(people, edges, centre_id=1, badges=[1, 2])
    assert problems_for(layout, edges) == []


def problems_for(layout, edges):
    key = ("custom", len(edges))
    CASES[key] = ([], [(a, b, "moderate", "none") for a, b in edges], set(layout.badges), None)
    try:
        return problems(layout, key)
    finally:
        del CASES[key]


def test_the_layout_is_deterministic():
    assert _fingerprint(layout_of(15)) == _fingerprint(layout_of(15))


def _fingerprint(layout):
    return (
        [(p.person.id, round(p.x, 3), round(p.y, 3), p.label) for p in layout.people.values()],
        [(r.start, r.end, r.control) for r in layout.routes],
        sorted(layout.badges.items()),
    )
