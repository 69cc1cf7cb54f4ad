"""The ecomap layout: rings by graph distance, practitioners apart, no overlapping labels."""

from hononga.relationships.layout import (
    MapPerson,
    compute_layout,
    jagged_path,
    shorten,
    straight_path,
)


def people(n, practitioners=0, name="Tangata"):
    found = [MapPerson(id=i + 1, name=f"{name} {i + 1}", detail="mokopuna") for i in range(n)]
    found += [
        MapPerson(id=100 + i, name=f"Kaimahi {i}", detail="Practitioner", is_practitioner=True)
        for i in range(practitioners)
    ]
    return found


def assert_no_overlaps(layout):
    boxes = [
        (pid, kind, box)
        for pid, p in layout.people.items()
        for kind, box in (("label", p.label), ("circle", p.circle))
    ]
    for i, (pid, _kind, box) in enumerate(boxes):
        for other_pid, _other_kind, other in boxes[i + 1 :]:
            if pid != other_pid:
                assert not box.overlaps(other), (pid, other_pid)


def test_empty_map():
    layout = compute_layout([], [])
    assert layout.people == {} and layout.centre_id is None


def test_rings_follow_graph_distance_and_practitioners_sit_apart():
    everyone = people(5, practitioners=1)
    edges = [(1, 2), (1, 3), (3, 4), (100, 2)]  # 5 is unconnected
    layout = compute_layout(everyone, edges, centre_id=1)
    rings = {pid: p.ring for pid, p in layout.people.items()}
    assert rings[1] == 0 and rings[2] == rings[3] == 1 and rings[4] == 2
    assert rings[5] == 3  # the outer ring: no path to the centre
    assert rings[100] == -1
    assert layout.people[100].y > max(p.y for pid, p in layout.people.items() if pid != 100)


def test_default_centre_is_the_best_connected_non_practitioner():
    layout = compute_layout(people(4, practitioners=1), [(2, 1), (2, 3), (2, 100), (100, 1)])
    assert layout.centre_id == 2


def test_deterministic():
    everyone = people(12, practitioners=2)
    edges = [(i, i + 1) for i in range(1, 12)] + [(100, 3), (101, 7)]
    first = compute_layout(everyone, edges)
    second = compute_layout(list(reversed(everyone)), list(reversed(edges)))
    assert {k: (p.x, p.y) for k, p in first.people.items()} == {
        k: (p.x, p.y) for k, p in second.people.items()
    }


def test_thirty_long_names_do_not_overlap():
    everyone = people(27, practitioners=3, name="Wharerangi-Pōhutukawa")
    edges = [(1, i) for i in range(2, 12)] + [(i, i + 10) for i in range(2, 18)]
    edges += [(100, 1), (101, 2), (102, 3)]
    layout = compute_layout(everyone, edges)
    assert len(layout.people) == 30
    assert_no_overlaps(layout)


def test_long_names_are_shortened_on_the_map():
    assert shorten("Short") == "Short"
    long = shorten("Wharerangi-Pōhutukawa Te Whatu-Manawa")
    assert long.endswith("…") and len(long) <= 22


def test_jagged_lines_zig_zag_and_short_ones_stay_straight():
    jagged = jagged_path(0, 0, 200, 0, amplitude=5)
    ys = {float(part.split()[1]) for part in jagged[1:].replace("M", "").split("L")}
    assert {5.0, -5.0} <= ys
    assert jagged_path(0, 0, 20, 0) == straight_path(0, 0, 20, 0)
