"""The reliable-change floor, the thresholds kept with each check-in (a refresh changes later
flags only; an administrator can re-flag history on purpose), and unrounded means."""

import json
from decimal import Decimal
from math import sqrt

import numpy as np
import pytest
from django.urls import reverse
from django.utils import timezone

from hononga.audit.models import AuditEvent
from hononga.checkins import scoring, selectors, services, statistics
from hononga.checkins.models import CheckIn, CheckInSettings, FlagThresholds
from hononga.checkins.scoring import Thresholds
from hononga.checkins.tests import factories as f
from hononga.conftest import bearer

D = Decimal
EIGHT = f.ALL_EIGHT


def answers(*values):
    return dict(zip(EIGHT, values, strict=False))


def eighths(total):
    """Eight answers whose mean is total/8 (e.g. 67 → 8.375, shown as 8.4)."""
    base, extra = divmod(total, 8)
    return answers(*([base + 1] * extra + [base] * (8 - extra)))


def flags(checkin):
    fresh = CheckIn.objects.select_related("counterpart", "flagged_with__in_effect").get(
        pk=checkin.pk
    )
    return selectors.flags_of(fresh)


def days_ago(days):
    return timezone.localdate() - timezone.timedelta(days=days)


# --- 12: a floor under the reliable-change threshold ---------------------------------------------

# An SD and alpha that put the statistical threshold at 0.83 points, as the issue found near the
# top of the scale: 1.96 · √2 · SD · √(1 − alpha) = 0.83 with alpha 0.90.
SMALL_SD = 0.83 / (1.96 * sqrt(2) * sqrt(0.1))


def test_the_floor_keeps_a_one_point_rise_from_being_reliable():
    t = Thresholds(sd=SMALL_SD, alpha=0.9)
    assert t.statistical_change == pytest.approx(0.83)
    assert t.reliable_change == 1.0 and t.floor_applies
    # 8.4 → 9.4 (67/8 → 75/8: exactly one point) is not reliable; a little more is.
    before = scoring.mean(eighths(67))
    assert scoring.change_flags(scoring.mean(eighths(75)), before, t) == set()
    assert scoring.change_flags(scoring.mean(eighths(76)), before, t) == {scoring.RELIABLE_RISE}
    # Without a floor the statistics alone would call the one-point rise reliable.
    no_floor = Thresholds(sd=SMALL_SD, alpha=0.9, reliable_change_floor=D("0.0"))
    assert scoring.change_flags(scoring.mean(eighths(75)), before, no_floor) == {
        scoring.RELIABLE_RISE
    }


def test_the_floor_does_not_lower_a_larger_statistical_threshold():
    t = Thresholds()  # SD 1.5, alpha 0.90: 1.315
    assert t.reliable_change == pytest.approx(1.3148, abs=1e-4) and not t.floor_applies


def agency_estimates(sd, alpha, n=200):
    """Agency estimates in force, as the daily job leaves them."""
    settings = services.settings_get()
    CheckInSettings.objects.filter(pk=1).update(
        estimated_n=n, estimated_sd=sd, estimated_alpha=alpha, estimated_at=timezone.now()
    )
    settings.refresh_from_db()
    return services._put_in_force(settings, FlagThresholds.Reason.ESTIMATES)


def test_near_the_top_of_the_scale_a_one_point_rise_is_not_flagged(
    client, practitioner, relationship, person
):
    agency_estimates(SMALL_SD, 0.9)
    f.checkin(relationship, person, answers=eighths(67), when=days_ago(30))
    rise = f.checkin(relationship, person, answers=eighths(75))
    assert (rise.score, rise.previous_score) == (D("9.4"), D("8.4"))
    assert flags(rise) == ()
    listed = client.get("/api/v1/check-ins?flag=reliable_rise", **bearer(practitioner)).json()
    assert listed["count"] == 0


def test_the_floor_is_configurable_and_explained_on_the_settings_page(
    admin_client_, admin_user, relationship, person
):
    agency_estimates(SMALL_SD, 0.9)
    html = admin_client_.get(reverse("checkins:settings")).content.decode()
    assert "Reliable change: never less than (points)" in html
    assert "within what one answer more or less explains" in html
    assert "(the floor)" in html
    current = services.settings_get()
    services.settings_update(
        actor=admin_user,
        expected_version=current.version,
        changes={"reliable_change_floor": D("0.5")},
    )
    assert services.thresholds().reliable_change == pytest.approx(0.83)
    f.checkin(relationship, person, answers=eighths(67), when=days_ago(30))
    assert flags(f.checkin(relationship, person, answers=eighths(75))) == (scoring.RELIABLE_RISE,)


# --- 14: changes from unrounded means -------------------------------------------------------------

SIX_ITEMS_7667 = answers(8, 8, 8, 8, 7, 7, None, None)  # 46/6 = 7.667, shown as 7.7


def test_a_fall_from_9_to_7667_is_reliable_though_the_scores_shown_differ_by_13():
    assert scoring.score(SIX_ITEMS_7667) == D("7.7")
    assert scoring.mean(SIX_ITEMS_7667) == pytest.approx(7.6667, abs=1e-4)
    t = Thresholds()  # threshold 1.315: 9.0 − 7.7 = 1.3 is below it, 9.0 − 7.667 = 1.333 above
    flagged = scoring.change_flags(scoring.mean(SIX_ITEMS_7667), scoring.mean(f.items(9)), t)
    assert flagged == {scoring.RELIABLE_DROP, scoring.DROPPED}
    assert scoring.change_flags(D("7.7"), D("9.0"), t) == {scoring.DROPPED}  # what rounding did


def test_recorded_check_ins_are_flagged_from_unrounded_means(
    client, practitioner, relationship, person
):
    services.checkin_record(
        actor=practitioner,
        relationship_id=relationship.pk,
        rater_id=person.pk,
        perspective="self",
        form="adult",
        channel="in_session",
        items=f.items(9),
        answered_at=timezone.now() - timezone.timedelta(days=20),
    )
    response = client.post(
        "/api/v1/check-ins",
        json.dumps(
            {
                "relationship": relationship.pk,
                "rater": person.pk,
                "perspective": "self",
                "form": "adult",
                "channel": "in_session",
                **SIX_ITEMS_7667,
            }
        ),
        content_type="application/json",
        **bearer(practitioner),
    )
    data = response.json()
    assert (data["score"], data["previous_score"]) == (7.7, 9.0)
    assert data["mean"] == pytest.approx(46 / 6)
    assert data["flags"] == ["reliable_drop", "dropped", "low"]
    listed = client.get("/api/v1/check-ins?flag=reliable_drop", **bearer(practitioner)).json()
    assert [item["id"] for item in listed["items"]] == [data["id"]]
    items, _total = selectors.relationships_needing_attention(user=practitioner)
    assert "fell from 9.0 to 7.7" in items[0].reasons[0]


def test_the_mean_gap_uses_unrounded_means():
    # Self 47/6 = 7.833 (shown 7.8), mirror 74/8 = 9.25 (shown 9.3): the gap is 1.417 < 1.5,
    # though the rounded scores differ by 1.5.
    own = answers(8, 8, 8, 8, 8, 7, None, None)
    mirror = eighths(74)
    t = Thresholds(gap_item=D("5.0"))
    assert scoring.score(mirror) - scoring.score(own) == D("1.5")
    assert scoring.perception_gap(own, mirror, t) is False


# --- 13: each check-in keeps the thresholds it was flagged with -----------------------------------


@pytest.fixture
def consistent_baselines(whanau, worker):
    """Six people whose first answers are all 9s and 10s: the agency's SD comes out small, so
    once estimated the threshold is the floor (1.0) instead of the defaults' 1.315."""
    rows = [
        [9] * 8,
        [10] * 8,
        [9] * 4 + [10] * 4,
        [9] * 7 + [10],
        [10] * 7 + [9],
        [9] * 6 + [10] * 2,
    ]
    for index, row in enumerate(rows):
        member = f.member(whanau, f"Rangi {index}")
        relationship = f.relationship_between(whanau, member, worker)
        f.checkin(relationship, member, answers=answers(*row), when=days_ago(300))
    CheckInSettings.objects.filter(pk=services.settings_get().pk).update(min_sample=2)
    return rows


def fall(relationship, person, days):
    """9.0 then 63/8 = 7.875: a fall of 1.125 (reliable at 1.0, not at 1.315)."""
    f.checkin(relationship, person, answers=f.items(9), when=days_ago(days + 10))
    return f.checkin(relationship, person, answers=eighths(63), when=days_ago(days))


def test_a_refresh_of_the_estimates_changes_only_later_flags(
    client, practitioner, relationship, person, whanau, worker, consistent_baselines
):
    earlier = fall(relationship, person, days=40)
    assert flags(earlier) == (scoring.DROPPED, scoring.LOW)
    settings = services.estimates_refresh()
    assert settings.uses_agency_estimates
    assert services.thresholds().reliable_change == 1.0
    # A re-estimate with nothing new keeps the same thresholds in force (no new row).
    count = FlagThresholds.objects.count()
    services.estimates_refresh()
    assert FlagThresholds.objects.count() == count
    other = f.member(whanau, "Tui")
    later = fall(f.relationship_between(whanau, other, worker), other, days=1)
    assert flags(later) == (scoring.RELIABLE_DROP, scoring.DROPPED, scoring.LOW)
    assert flags(earlier) == (scoring.DROPPED, scoring.LOW)  # as it was when it was flagged
    stored_earlier = CheckIn.objects.get(pk=earlier.pk).flagged_with
    stored_later = CheckIn.objects.get(pk=later.pk).flagged_with
    assert stored_earlier.reliable_change == pytest.approx(1.3148, abs=1e-4)
    assert stored_later.reliable_change == 1.0 and stored_later.uses_agency_estimates
    # The SQL filter agrees, check-in by check-in.
    listed = client.get("/api/v1/check-ins?flag=reliable_drop", **bearer(practitioner)).json()
    assert [item["id"] for item in listed["items"]] == [later.pk]


def test_a_back_dated_check_in_keeps_everyone_elses_thresholds(
    practitioner, relationship, person, consistent_baselines
):
    earlier = fall(relationship, person, days=40)
    services.estimates_refresh()
    f.give_consent(person, practitioner)
    services.checkin_record(
        actor=practitioner,
        relationship_id=relationship.pk,
        rater_id=person.pk,
        perspective="self",
        form="adult",
        channel="phone",
        items=f.items(9),
        answered_at=timezone.now() - timezone.timedelta(days=45),
    )
    # The earlier fall now follows the back-dated 9.0 (re-derived), still with its thresholds.
    assert flags(earlier) == (scoring.DROPPED, scoring.LOW)
    assert CheckIn.objects.get(pk=earlier.pk).flagged_with.reliable_change > 1.3


def test_an_administrator_re_flags_history_on_purpose(
    client, admin_client_, admin_user, practitioner, relationship, person, consistent_baselines
):
    earlier = fall(relationship, person, days=40)
    services.estimates_refresh()
    url = reverse("checkins:reflag")
    page = admin_client_.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Re-flag earlier check-ins" in html and "1 earlier set of thresholds" in html
    in_force = services.flag_thresholds_in_force()
    # Not without the box ticked.
    unticked = admin_client_.post(url, {"thresholds": in_force.pk})
    assert unticked.status_code == 422 and "Tick the box" in unticked.content.decode()
    assert flags(earlier) == (scoring.DROPPED, scoring.LOW)
    # Not if the thresholds in force changed since the page was opened.
    stale = admin_client_.post(url, {"thresholds": in_force.pk + 99, "confirm": "yes"})
    assert stale.status_code == 422 and "changed after you opened" in stale.content.decode()
    assert flags(earlier) == (scoring.DROPPED, scoring.LOW)
    done = admin_client_.post(url, {"thresholds": in_force.pk, "confirm": "yes"})
    assert done.status_code == 302
    assert flags(earlier) == (scoring.RELIABLE_DROP, scoring.DROPPED, scoring.LOW)
    listed = client.get("/api/v1/check-ins?flag=reliable_drop", **bearer(practitioner)).json()
    assert [item["id"] for item in listed["items"]] == [earlier.pk]
    event = AuditEvent.objects.filter(action="settings").latest("id")
    assert event.actor_id == admin_user.pk and "Re-flagged" in event.summary
    assert event.data["flag_thresholds"] == in_force.pk
    # The original thresholds are kept, with who re-flagged them and when.
    original = CheckIn.objects.get(pk=earlier.pk).flagged_with
    assert original.reliable_change > 1.3 and original.in_effect_id == in_force.pk
    assert original.reflagged_by_id == admin_user.pk
    assert "None: every check-in is already read" in admin_client_.get(url).content.decode()


def test_only_administrators_re_flag(practitioner_client, supervisor_client, practitioner):
    url = reverse("checkins:reflag")
    in_force = services.flag_thresholds_in_force()
    for client_ in (practitioner_client, supervisor_client):
        assert client_.get(url).status_code == 404
        assert client_.post(url, {"thresholds": in_force.pk, "confirm": "yes"}).status_code == 404
    with pytest.raises(services.NotFound):
        services.history_reflag(actor=practitioner, expected_thresholds=in_force.pk)


def test_changing_a_threshold_applies_to_later_check_ins(
    admin_user, relationship, person, whanau, worker
):
    before = f.checkin(relationship, person, answers=eighths(65))  # 8.125: not low
    current = services.settings_get()
    services.settings_update(
        actor=admin_user, expected_version=current.version, changes={"low_score": D("8.5")}
    )
    other = f.member(whanau, "Nikau")
    after = f.checkin(f.relationship_between(whanau, other, worker), other, answers=eighths(65))
    assert flags(before) == () and flags(after) == (scoring.LOW,)


def test_statistics_from_sums_match_the_row_by_row_functions():
    rng = np.random.default_rng(5)
    rows = rng.integers(0, 11, size=(57, 8)).tolist()
    estimate = statistics.estimate_from_sums(
        n=len(rows),
        item_sums=[sum(r[j] for r in rows) for j in range(8)],
        item_squares=[sum(r[j] ** 2 for r in rows) for j in range(8)],
        total_sum=sum(sum(r) for r in rows),
        total_squares=sum(sum(r) ** 2 for r in rows),
    )
    assert estimate.alpha == pytest.approx(statistics.cronbach_alpha(rows), abs=1e-12)
    assert estimate.sd_of_means == pytest.approx(
        statistics.sd([statistics.mean(r) for r in rows]), abs=1e-12
    )
    assert (
        statistics.estimate_from_sums(
            n=3, item_sums=[9, 9], item_squares=[27, 27], total_sum=18, total_squares=108
        )
        is None
    )
