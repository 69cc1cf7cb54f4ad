"""Every way to answer, and every kind of bad input: a clear error and nothing half saved."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from hononga.audit.models import AuditEvent
from hononga.checkins import scoring, services
from hononga.checkins.models import CheckIn, CheckInLink, CheckInSettings
from hononga.checkins.tests import factories as f
from hononga.core.errors import ConflictError, NotFound, PracticeError
from hononga.relationships.models import ConsentStatus
from hononga.whanau.models import WhanauStatus


def record(actor, relationship, rater, **overrides):
    kwargs = {
        "actor": actor,
        "relationship_id": relationship.pk,
        "rater_id": rater.pk,
        "perspective": "self",
        "form": "adult",
        "channel": "in_session",
        "items": f.items(9),
        "comment": "",
    }
    kwargs.update(overrides)
    return services.checkin_record(**kwargs)


# --- Ways to answer ------------------------------------------------------------------------------


def test_it_records_an_in_session_check_in_with_its_score_and_audit(
    practitioner, relationship, person
):
    checkin = record(
        practitioner, relationship, person, items=f.items(9, heard=7), comment="Kia ora"
    )
    assert checkin.score == Decimal("8.8")
    assert checkin.channel == "in_session"
    assert checkin.recorded_by == practitioner
    assert checkin.is_latest and checkin.previous_score is None
    event = AuditEvent.objects.get(target_type="checkin", target_id=str(checkin.pk))
    assert event.whanau_id == relationship.whanau_id


def test_it_records_a_child_form_in_te_reo(practitioner, relationship, person):
    checkin = record(practitioner, relationship, person, form="child", language="mi")
    assert (checkin.form, checkin.language) == ("child", "mi")


def test_a_phone_check_in_needs_contact_consent(practitioner, relationship, person):
    with pytest.raises(PracticeError) as error:
        record(practitioner, relationship, person, channel="phone")
    assert "consent" in error.value.message
    assert CheckIn.objects.count() == 0
    f.give_consent(person, practitioner)
    checkin = record(practitioner, relationship, person, channel="phone")
    assert checkin.channel == "phone"


def test_withdrawn_consent_stops_phone_check_ins(practitioner, relationship, person):
    f.give_consent(person, practitioner)
    f.give_consent(person, practitioner, status=ConsentStatus.WITHDRAWN)
    with pytest.raises(PracticeError):
        record(practitioner, relationship, person, channel="phone")


def test_the_practitioner_records_their_mirror(practitioner, relationship, worker):
    checkin = record(practitioner, relationship, worker, perspective="mirror", form="mirror")
    assert checkin.perspective == "mirror"


def test_a_collateral_rater_from_the_whanau_can_answer(practitioner, relationship, whanau):
    aunty = f.member(whanau, "Ngaio", kind="other_whanau")
    checkin = record(practitioner, relationship, aunty, perspective="collateral")
    assert checkin.perspective == "collateral"


def test_it_answers_through_a_one_time_link(practitioner, relationship, consented):
    link, raw = services.link_create(
        actor=practitioner, relationship_id=relationship.pk, rater_id=consented.pk
    )
    assert len(raw) >= 22  # ≥ 128 bits of randomness, URL-safe
    assert link.token_hash == services.hash_token(raw) and raw not in link.token_hash
    assert link.expires_at - timezone.now() > timedelta(days=13, hours=23)
    checkin = services.link_answer(raw_token=raw, items=f.items(6), comment="More time")
    link.refresh_from_db()
    assert link.used_at is not None
    assert checkin.channel == "link" and checkin.link == link and checkin.score == Decimal("6.0")


def test_previous_score_and_latest_follow_the_same_rater(practitioner, relationship, person):
    first = record(practitioner, relationship, person, items=f.items(9))
    second = record(practitioner, relationship, person, items=f.items(7))
    first.refresh_from_db()
    assert not first.is_latest and second.is_latest
    assert second.previous_score == Decimal("9.0")


def test_a_back_dated_phone_entry_takes_its_place_in_time(practitioner, relationship, person):
    f.give_consent(person, practitioner)
    now = record(practitioner, relationship, person, items=f.items(9))
    earlier = record(
        practitioner,
        relationship,
        person,
        channel="phone",
        items=f.items(5),
        answered_at=timezone.now() - timedelta(days=10),
    )
    now.refresh_from_db()
    earlier.refresh_from_db()
    assert now.is_latest and not earlier.is_latest
    assert now.previous_score == Decimal("5.0")


def test_a_mirror_is_paired_with_the_own_answer_nearest_in_time(
    practitioner, relationship, person, worker
):
    own = record(practitioner, relationship, person, items=f.items(6))
    mirror = record(
        practitioner, relationship, worker, perspective="mirror", form="mirror", items=f.items(9)
    )
    own.refresh_from_db()
    assert own.counterpart_id == mirror.pk and mirror.counterpart_id == own.pk
    flags = scoring.checkin_flags(
        mean_value=own.mean,
        items=own.items(),
        previous=None,
        perspective="self",
        counterpart_items=mirror.items(),
    )
    assert scoring.PERCEPTION_GAP in flags


def test_archiving_a_check_in_restores_the_previous_as_latest(practitioner, relationship, person):
    first = record(practitioner, relationship, person, items=f.items(9))
    second = record(practitioner, relationship, person, items=f.items(3))
    services.checkin_archive(actor=practitioner, checkin_id=second.pk, reason="Wrong person")
    first.refresh_from_db()
    assert first.is_latest
    with pytest.raises(PracticeError):
        services.checkin_archive(actor=practitioner, checkin_id=first.pk, reason="  ")


# --- Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [11, -1, 5.5, "7", True, [7], 10**9],
)
def test_it_refuses_answers_that_are_not_whole_numbers_0_to_10(
    practitioner, relationship, person, bad
):
    with pytest.raises(PracticeError) as error:
        record(practitioner, relationship, person, items=f.items(8, trust=bad))
    assert error.value.errors["trust"] == ["Choose a whole number from 0 to 10."]
    assert CheckIn.objects.count() == 0


@pytest.mark.parametrize(("answered", "ok"), [(5, False), (6, True)])
def test_it_needs_six_of_eight_answers(practitioner, relationship, person, answered, ok):
    values = f.items(None)
    for key in list(values)[:answered]:
        values[key] = 8
    if ok:
        assert record(practitioner, relationship, person, items=values).score == Decimal("8.0")
    else:
        with pytest.raises(PracticeError) as error:
            record(practitioner, relationship, person, items=values)
        assert "at least 6 of the 8" in error.value.message
        assert "You have answered 5" in error.value.message
        assert CheckIn.objects.count() == 0


def test_it_refuses_unknown_questions_and_long_comments(practitioner, relationship, person):
    with pytest.raises(PracticeError) as error:
        record(practitioner, relationship, person, items={**f.items(8), "mood": 3})
    assert "mood" in error.value.errors
    with pytest.raises(PracticeError) as error:
        record(practitioner, relationship, person, comment="x" * 5001)
    assert "comment" in error.value.errors
    with pytest.raises(PracticeError) as error:
        record(practitioner, relationship, person, comment="nul\x00here")
    assert "comment" in error.value.errors
    assert CheckIn.objects.count() == 0


def test_a_rater_outside_the_relationship_is_refused(practitioner, relationship, team_south):
    from hononga.factories import PersonFactory

    stranger = PersonFactory(preferred_name="Tauhou")
    for perspective in ("self", "collateral"):
        with pytest.raises(PracticeError) as error:
            record(practitioner, relationship, stranger, perspective=perspective)
        assert "rater" in error.value.errors
    with pytest.raises(PracticeError):
        record(practitioner, relationship, stranger, perspective="mirror", form="mirror")
    assert CheckIn.objects.count() == 0


def test_only_the_member_gives_their_own_view_and_only_the_worker_a_mirror(
    practitioner, relationship, person, worker, whanau
):
    aunty = f.member(whanau, "Ngaio")
    with pytest.raises(PracticeError):
        record(practitioner, relationship, aunty, perspective="self")
    with pytest.raises(PracticeError):
        record(practitioner, relationship, person, perspective="mirror", form="mirror")
    with pytest.raises(PracticeError):
        record(practitioner, relationship, worker, perspective="self")
    with pytest.raises(PracticeError):
        record(practitioner, relationship, person, form="mirror")


def test_a_future_answer_time_is_refused(practitioner, relationship, person):
    with pytest.raises(PracticeError) as error:
        record(practitioner, relationship, person, answered_at=timezone.now() + timedelta(days=1))
    assert "answered_at" in error.value.errors


def test_an_ended_or_non_practitioner_relationship_cannot_be_checked_in_on(
    practitioner, relationship, person, whanau
):
    relationship.ended = timezone.localdate()
    relationship.save()
    with pytest.raises(PracticeError):
        record(practitioner, relationship, person)
    sibling = f.member(whanau, "Tama")
    family = f.relationship_between(whanau, person, sibling, kind="whanau")
    with pytest.raises(PracticeError) as error:
        record(practitioner, family, person)
    assert "practitioner" in error.value.message


def test_outsiders_get_not_found_and_readers_cannot_write(
    outsider, admin_user, relationship, person
):
    with pytest.raises(NotFound):
        record(outsider, relationship, person)
    from hononga.whanau.models import BreakGlassGrant

    BreakGlassGrant.objects.create(
        user=admin_user,
        whanau=relationship.whanau,
        reason="Audit",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    with pytest.raises(services.ReadOnlyError):
        record(admin_user, relationship, person)
    assert CheckIn.objects.count() == 0


# --- Links ---------------------------------------------------------------------------------------


def test_a_link_needs_contact_consent(practitioner, relationship, person):
    with pytest.raises(PracticeError) as error:
        services.link_create(
            actor=practitioner, relationship_id=relationship.pk, rater_id=person.pk
        )
    assert "consent" in error.value.message
    assert CheckInLink.objects.count() == 0


def test_a_link_works_once(practitioner, relationship, consented):
    _link, raw = services.link_create(
        actor=practitioner, relationship_id=relationship.pk, rater_id=consented.pk
    )
    services.link_answer(raw_token=raw, items=f.items(8))
    with pytest.raises(services.LinkUnavailable) as error:
        services.link_answer(raw_token=raw, items=f.items(2))
    assert error.value.state == "used"
    assert CheckIn.objects.count() == 1


def test_an_expired_link_is_refused(practitioner, relationship, consented):
    _link, raw = services.link_create(
        actor=practitioner, relationship_id=relationship.pk, rater_id=consented.pk
    )
    later = timezone.now() + timedelta(days=14, minutes=1)
    with time_machine.travel(later), pytest.raises(services.LinkUnavailable) as error:
        services.link_answer(raw_token=raw, items=f.items(8))
    assert error.value.state == "expired"
    with time_machine.travel(timezone.now() + timedelta(days=13, hours=23)):
        services.link_open(raw)  # still open just before
    assert CheckIn.objects.count() == 0


def test_a_revoked_link_is_refused(practitioner, relationship, consented):
    link, raw = services.link_create(
        actor=practitioner, relationship_id=relationship.pk, rater_id=consented.pk
    )
    services.link_revoke(actor=practitioner, link_id=link.pk)
    with pytest.raises(services.LinkUnavailable) as error:
        services.link_answer(raw_token=raw, items=f.items(8))
    assert error.value.state == "closed"
    assert CheckIn.objects.count() == 0


@pytest.mark.parametrize("token", ["", "short", "x" * 43, "y" * 500, None])
def test_a_forged_link_is_unknown_and_says_nothing(token, practitioner, relationship, consented):
    services.link_create(actor=practitioner, relationship_id=relationship.pk, rater_id=consented.pk)
    with pytest.raises(services.LinkUnavailable) as error:
        services.link_answer(raw_token=token, items=f.items(8))
    assert error.value.state == "unknown"
    assert "Kōwhai" not in error.value.message and "Aroha" not in error.value.message
    assert CheckIn.objects.count() == 0


def test_a_link_for_an_archived_relationship_or_closed_whanau_is_closed(
    practitioner, relationship, consented
):
    _link, raw = services.link_create(
        actor=practitioner, relationship_id=relationship.pk, rater_id=consented.pk
    )
    relationship.archived_at = timezone.now()
    relationship.save()
    with pytest.raises(services.LinkUnavailable) as error:
        services.link_answer(raw_token=raw, items=f.items(8))
    assert error.value.state == "closed"
    relationship.archived_at = None
    relationship.save()
    relationship.whanau.status = WhanauStatus.CLOSED
    relationship.whanau.save()
    with pytest.raises(services.LinkUnavailable):
        services.link_open(raw)
    assert CheckIn.objects.count() == 0


def test_withdrawing_consent_closes_an_open_link(practitioner, relationship, consented):
    _link, raw = services.link_create(
        actor=practitioner, relationship_id=relationship.pk, rater_id=consented.pk
    )
    f.give_consent(consented, practitioner, status=ConsentStatus.WITHDRAWN)
    with pytest.raises(services.LinkUnavailable) as error:
        services.link_open(raw)
    assert error.value.state == "closed"


def test_bad_answers_through_a_link_leave_it_usable(practitioner, relationship, consented):
    link, raw = services.link_create(
        actor=practitioner, relationship_id=relationship.pk, rater_id=consented.pk
    )
    with pytest.raises(PracticeError):
        services.link_answer(raw_token=raw, items=f.items(None, safety=3))
    link.refresh_from_db()
    assert link.used_at is None and CheckIn.objects.count() == 0


def test_link_expiry_is_bounded(practitioner, relationship, consented):
    for days in (0, 61):
        with pytest.raises(PracticeError):
            services.link_create(
                actor=practitioner,
                relationship_id=relationship.pk,
                rater_id=consented.pk,
                expires_in_days=days,
            )
    with pytest.raises(PracticeError):
        services.link_create(
            actor=practitioner,
            relationship_id=relationship.pk,
            rater_id=consented.pk,
            perspective="mirror",
        )
    assert CheckInLink.objects.count() == 0


# --- Settings and estimates ----------------------------------------------------------------------


def test_an_admin_changes_thresholds_with_an_audit_event(admin_user):
    current = services.settings_get()
    updated = services.settings_update(
        actor=admin_user, expected_version=current.version, changes={"low_score": Decimal("7.5")}
    )
    assert updated.low_score == Decimal("7.5") and updated.version == current.version + 1
    event = AuditEvent.objects.filter(action="settings").latest("at")
    assert event.data["changes"]["low_score"] == ["8.0", "7.5"]
    assert services.thresholds().low_score == Decimal("7.5")


def test_a_stale_threshold_edit_is_refused(admin_user):
    current = services.settings_get()
    services.settings_update(
        actor=admin_user, expected_version=current.version, changes={"overdue_days": 30}
    )
    with pytest.raises(ConflictError):
        services.settings_update(
            actor=admin_user, expected_version=current.version, changes={"overdue_days": 50}
        )
    assert CheckInSettings.objects.get().overdue_days == 30


def test_only_admins_change_thresholds_and_within_limits(practitioner, admin_user):
    with pytest.raises(NotFound):
        services.settings_update(actor=practitioner, expected_version=1, changes={"low_item": 3})
    with pytest.raises(PracticeError):
        services.settings_update(actor=admin_user, expected_version=1, changes={"low_item": 11})
    with pytest.raises(PracticeError):
        services.settings_update(actor=admin_user, expected_version=1, changes={"version": 9})
    assert CheckInSettings.objects.get().low_item == 5
