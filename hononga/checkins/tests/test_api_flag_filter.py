"""GET /api/v1/check-ins?flag=…: only the check-ins that carry a flag, filtered in the database.

The filter must agree with the flags each check-in shows (selectors.flags_of), page and count
correctly, and refuse a flag that does not exist with a problem naming the ones that do.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hononga.checkins import selectors, services
from hononga.checkins.models import CheckIn
from hononga.checkins.tests import factories as f
from hononga.conftest import bearer

PROBLEM = "application/problem+json"
FLAGS = ["low", "reliable_drop", "reliable_rise", "dropped", "perception_gap"]


def ago(days):
    return timezone.localdate() - timedelta(days=days)


@pytest.fixture
def story(relationship, person, worker, whanau):
    return make_story(relationship, person, worker, whanau)


def make_story(relationship, person, worker, whanau, aunty_name="Ngaio"):
    """Mere's check-ins a month apart, Aroha's mirror beside one of them, and an aunty's
    unfinished one (default thresholds: low < 8.0 or an item ≤ 5, dropped ≥ 1.0, reliable
    change > 1.31, gap ≥ 2 on an item). Scores: 9.0, 8.4, 7.0, 8.6 (mirror 9.0), 4.1, 3.1."""
    aunty = f.member(whanau, aunty_name)
    c = {}
    c["steady"] = f.checkin(relationship, person, answers=f.items(9), when=ago(150))  # 9.0
    c["unsafe"] = f.checkin(relationship, person, answers=f.items(9, safety=4), when=ago(120))
    c["fall"] = f.checkin(relationship, person, answers=f.items(7), when=ago(90))  # 8.4 → 7.0
    c["rise"] = f.checkin(relationship, person, answers=f.items(9, trust=6), when=ago(60))  # 8.6
    c["mirror"] = f.checkin(
        relationship, worker, answers=f.items(9), perspective="mirror", when=ago(60)
    )
    c["dip"] = f.checkin(relationship, person, answers=f.items(4, heard=5), when=ago(30))  # 4.1
    # 4.1 → 3.1 fell by exactly 1.0, which SQLite's floating point makes 0.99999…
    c["edge"] = f.checkin(relationship, person, answers=f.items(3, heard=4), when=ago(5))  # 3.1
    c["unfinished"] = f.checkin(
        relationship,
        aunty,
        answers=f.items(None, safety=2, trust=2, respect=2, empathy=2, honesty=2),
        perspective="collateral",
        when=ago(5),
    )
    return {name: CheckIn.objects.get(pk=obj.pk) for name, obj in c.items()}


def listed(client, user, **params):
    response = client.get("/api/v1/check-ins", {"page_size": 100, **params}, **bearer(user))
    assert response.status_code == 200, response.content
    return response.json()


def test_the_story_has_the_flags_we_expect(story):
    t = services.thresholds()
    flags = {name: selectors.flags_of(c, t) for name, c in story.items()}
    assert flags == {
        "steady": (),
        "unsafe": ("low",),
        "fall": ("reliable_drop", "dropped", "low"),
        "rise": ("perception_gap", "reliable_rise"),
        "mirror": ("perception_gap",),
        "dip": ("reliable_drop", "dropped", "low"),
        "edge": ("dropped", "low"),
        "unfinished": (),
    }


@pytest.mark.parametrize(
    ("flag", "names"),
    [
        ("low", ["edge", "dip", "fall", "unsafe"]),
        ("dropped", ["edge", "dip", "fall"]),
        ("reliable_drop", ["dip", "fall"]),
        ("reliable_rise", ["rise"]),
        ("perception_gap", ["mirror", "rise"]),  # same moment: the newer id first
    ],
)
def test_each_flag_lists_exactly_its_check_ins(client, practitioner, story, flag, names):
    body = listed(client, practitioner, flag=flag)
    assert [item["id"] for item in body["items"]] == [story[name].pk for name in names]
    assert body["count"] == len(names)
    assert all(flag in item["flags"] for item in body["items"])


def test_flag_combines_with_other_filters_and_pages(client, practitioner, story, person):
    body = listed(client, practitioner, flag="low", since=ago(100).isoformat())
    assert [item["id"] for item in body["items"]] == [
        story["edge"].pk,
        story["dip"].pk,
        story["fall"].pk,
    ]
    assert listed(client, practitioner, flag="perception_gap", perspective="self")["count"] == 1
    first = listed(client, practitioner, flag="low", page_size=3)
    second = listed(client, practitioner, flag="low", page_size=3, page=2)
    assert (first["count"], first["pages"], second["count"]) == (4, 2, 4)
    assert [i["id"] for i in first["items"] + second["items"]] == [
        story["edge"].pk,
        story["dip"].pk,
        story["fall"].pk,
        story["unsafe"].pk,
    ]


SETTINGS = [
    {},
    {"low_score": Decimal("8.5"), "low_item": 3, "dropped": Decimal("0.5")},
    {"dropped": Decimal("1.1"), "gap_item": Decimal("3.5"), "gap_mean": Decimal("0.3")},
    {"default_sd": Decimal("0.50"), "default_alpha": Decimal("0.50"), "rci_z": Decimal("2")},
    {"reliable_change_floor": Decimal("0.0"), "default_sd": Decimal("0.50")},
    {"default_sd": Decimal("10"), "default_alpha": Decimal("0.10")},  # nothing is reliable
]


def change_settings(admin, changes):
    current = services.settings_get()
    services.settings_update(actor=admin, expected_version=current.version, changes=changes)


def agrees(client, practitioner, checkins, label):
    for flag in FLAGS:
        expected = {c.pk for c in checkins if flag in selectors.flags_of(c)}
        body = listed(client, practitioner, flag=flag)
        assert {item["id"] for item in body["items"]} == expected, (flag, label)
        assert body["count"] == len(expected)


def fresh(story):
    return [
        CheckIn.objects.select_related("counterpart", "flagged_with__in_effect").get(pk=c.pk)
        for c in story.values()
    ]


@pytest.mark.parametrize("settings", SETTINGS)
def test_the_filter_agrees_with_the_flags_shown(
    client, practitioner, admin_user, relationship, person, worker, whanau, settings
):
    change_settings(admin_user, settings)
    story = make_story(relationship, person, worker, whanau)
    agrees(client, practitioner, fresh(story), settings)


def test_the_filter_reads_each_check_in_with_its_own_thresholds(
    client, practitioner, admin_user, relationship, person, worker, whanau
):
    """Half the check-ins flagged under the defaults, half under other thresholds: the SQL
    filter follows each check-in's own, as the flags shown do."""
    earlier = make_story(relationship, person, worker, whanau)
    before = {c.pk: selectors.flags_of(c) for c in fresh(earlier)}
    change_settings(admin_user, SETTINGS[1] | SETTINGS[3])
    other = f.member(whanau, "Tama")
    later = make_story(f.relationship_between(whanau, other, worker), other, worker, whanau, "Ari")
    everything = fresh(earlier) + fresh(later)
    assert {c.pk: selectors.flags_of(c) for c in fresh(earlier)} == before
    assert {c.flagged_with_id for c in fresh(later)} != {c.flagged_with_id for c in fresh(earlier)}
    agrees(client, practitioner, everything, "mixed")


def test_outsiders_see_no_flagged_check_ins(client, outsider, story):
    assert listed(client, outsider, flag="low")["count"] == 0


@pytest.mark.parametrize("bad", ["Low", "overdue", "", "low,dropped", "x" * 300])
def test_an_unknown_flag_is_a_problem_naming_the_flags(client, practitioner, story, bad):
    response = client.get("/api/v1/check-ins", {"flag": bad}, **bearer(practitioner))
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert set(errors) == {"flag"}
    for flag in FLAGS:
        assert flag in errors["flag"]


def test_filtering_does_not_load_more_as_the_list_grows(
    client, practitioner, relationship, person, django_assert_max_num_queries
):
    headers = bearer(practitioner)

    def low(page_size):
        response = client.get(
            "/api/v1/check-ins", {"flag": "low", "page_size": page_size}, **headers
        )
        return response.json()

    f.checkin(relationship, person, answers=f.items(5))
    low(5)  # the settings row is made on first use
    with CaptureQueriesContext(connection) as few:
        low(5)
    for _ in range(30):
        f.checkin(relationship, person, answers=f.items(5), refresh=False)
    with django_assert_max_num_queries(len(few)):
        body = low(50)
    assert (body["count"], len(body["items"])) == (31, 31)
