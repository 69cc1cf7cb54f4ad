"""Each transition and each rule of the lifecycle: allowed and refused."""

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hononga.audit.models import AuditEvent
from hononga.core.errors import ConflictError, InvalidTransition, PracticeError
from hononga.restorative import lifecycle, services
from hononga.restorative.models import (
    CredentialLevel,
    HarmStatus,
    ItemStatus,
    ParticipantRole,
    ProcessKind,
    RestorativeProcess,
    SafetyOutcome,
    State,
)
from hononga.restorative.tests.conftest import (
    add_item,
    assess,
    give_credential,
    move,
    prepare_everyone,
    record_voices,
    refer,
    walk_to,
)

pytestmark = pytest.mark.django_db


def refused(process: Any, target: str, **kwargs: Any) -> list[str]:
    with pytest.raises(InvalidTransition) as caught:
        move(process, target, **kwargs)
    process.refresh_from_db()
    return caught.value.errors["state"]


# --- FGC review date ---------------------------------------------------------------------------


def test_it_gives_six_months_when_the_youngest_child_is_6_years_364_days() -> None:
    plan = date(2026, 3, 3)
    born = date(2019, 3, 4)  # turns 7 tomorrow
    assert lifecycle.fgc_review_date(plan, born) == date(2026, 9, 3)


def test_it_gives_twelve_months_when_the_youngest_child_is_exactly_7() -> None:
    plan = date(2026, 3, 4)
    born = date(2019, 3, 4)
    assert lifecycle.fgc_review_date(plan, born) == date(2027, 3, 4)


def test_it_keeps_review_dates_inside_short_months() -> None:
    assert lifecycle.fgc_review_date(date(2026, 8, 31), date(2024, 1, 1)) == date(2027, 2, 28)
    assert lifecycle.birthday(date(2020, 2, 29), 7) == date(2027, 2, 28)


# --- Referral ---------------------------------------------------------------------------------


def test_it_refers_a_harm_with_its_people_as_participants(process: Any, harm: Any) -> None:
    roles = sorted(process.participants.values_list("role", flat=True))
    assert roles == [ParticipantRole.HARMED, ParticipantRole.RESPONSIBLE]
    assert process.state == State.REFERRED
    harm.refresh_from_db()
    assert harm.status == HarmStatus.IN_PROCESS
    assert AuditEvent.objects.filter(target_type="restorativeprocess").exists()


def test_it_refuses_a_referral_by_an_outsider(outsider: Any, harm: Any, facilitator: Any) -> None:
    with pytest.raises(PracticeError) as caught:
        refer(outsider, harm, facilitator)
    assert caught.value.status == 404


def test_it_refuses_a_referral_to_someone_who_is_not_a_facilitator(
    practitioner: Any, harm: Any, supervisor: Any
) -> None:
    with pytest.raises(PracticeError) as caught:
        refer(practitioner, harm, supervisor)
    assert "facilitator" in caught.value.errors


# --- referred → preparing ---------------------------------------------------------------------


def test_it_moves_to_preparing_with_a_current_credential(process: Any) -> None:
    assert move(process, State.PREPARING).state == State.PREPARING


def test_it_refuses_a_formal_conference_without_a_credential(
    practitioner: Any, harm: Any, facilitator: Any
) -> None:
    process = refer(practitioner, harm, facilitator)
    problems = refused(process, State.PREPARING)
    assert any("no Formal conference credential" in p for p in problems)
    assert process.state == State.REFERRED


def test_it_refuses_an_expired_credential(practitioner: Any, harm: Any, facilitator: Any) -> None:
    today = timezone.localdate()
    give_credential(
        facilitator, issued=today - timedelta(days=800), expires=today - timedelta(days=1)
    )
    process = refer(practitioner, harm, facilitator)
    assert any("not current" in p for p in refused(process, State.PREPARING))


def test_it_needs_the_family_group_conference_level_for_an_fgc(
    practitioner: Any, harm: Any, facilitator: Any, credential: Any
) -> None:
    process = refer(practitioner, harm, facilitator, kind=ProcessKind.FAMILY_GROUP_CONFERENCE)
    assert any("Family group conference credential" in p for p in refused(process, "preparing"))
    give_credential(facilitator, CredentialLevel.FAMILY_GROUP_CONFERENCE)
    assert move(process, State.PREPARING).state == State.PREPARING


def test_it_needs_no_credential_for_a_restorative_conversation(
    practitioner: Any, harm: Any, facilitator: Any
) -> None:
    process = refer(practitioner, harm, facilitator, kind=ProcessKind.IMPROMPTU_CONVERSATION)
    assert move(process, State.PREPARING).state == State.PREPARING


def test_it_refuses_skipping_a_stage(process: Any) -> None:
    problems = refused(process, State.HELD)
    assert problems == ["A process that is referred cannot move to held."]


def test_it_refuses_an_unknown_stage(process: Any) -> None:
    assert "not a stage" in refused(process, "finished")[0]


def test_only_the_facilitator_moves_a_process(process: Any, practitioner: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.process_transition(
            actor=practitioner, process_id=process.pk, expected_version=1, target="preparing"
        )


def test_it_refuses_a_stale_version(process: Any) -> None:
    move(process, State.PREPARING)
    with pytest.raises(ConflictError):
        services.process_transition(
            actor=process.facilitator, process_id=process.pk, expected_version=1, target="ready"
        )


# --- preparing → ready ------------------------------------------------------------------------


def test_it_lists_every_unmet_condition_for_ready(process: Any) -> None:
    move(process, State.PREPARING)
    problems = refused(process, State.READY)
    assert "Record Mere Kōwhai's consent to take part." in problems
    assert "Hold and record the preparation meeting with Ariki Kōwhai." in problems
    assert "Record a safety assessment." in problems
    assert len(problems) == 5


def test_it_moves_to_ready_when_everyone_is_prepared_and_it_is_safe(process: Any) -> None:
    move(process, State.PREPARING)
    prepare_everyone(process)
    assess(process, SafetyOutcome.SAFEGUARDS, safeguards="A support person sits with Mere.")
    assert move(process, State.READY).state == State.READY


def test_it_refuses_ready_when_the_assessment_is_not_suitable(process: Any) -> None:
    move(process, State.PREPARING)
    prepare_everyone(process)
    assess(process, SafetyOutcome.NOT_SUITABLE, reason="Ariki does not accept responsibility.")
    assert any("not suitable" in p for p in refused(process, State.READY))


def test_it_records_who_recorded_consent(process: Any) -> None:
    prepare_everyone(process)
    participant = process.participants.first()
    assert participant.consent_recorded_by == process.facilitator


def test_safeguards_and_reasons_are_required(process: Any) -> None:
    with pytest.raises(PracticeError) as caught:
        assess(process, SafetyOutcome.SAFEGUARDS)
    assert "safeguards" in caught.value.errors
    with pytest.raises(PracticeError) as caught:
        assess(process, SafetyOutcome.NOT_SUITABLE)
    assert "reason" in caught.value.errors
    assert not process.safety_assessments.exists()


# --- ready → held -----------------------------------------------------------------------------


def test_it_needs_every_voice_before_held(process: Any) -> None:
    walk_to(process, State.READY)
    problems = refused(process, State.HELD)
    assert len(problems) == 2
    assert any("Ariki Kōwhai" in p for p in problems)
    record_voices(process)
    assert move(process, State.HELD).held_on == timezone.localdate()


def test_answers_to_questions_not_asked_of_the_role_are_refused(process: Any) -> None:
    walk_to(process, State.READY)
    harmed = process.participants.get(role=ParticipantRole.HARMED)
    with pytest.raises(PracticeError):
        services.responses_record(
            actor=process.facilitator,
            process_id=process.pk,
            answers={harmed.pk: {"happened": "Kua pōuri au.", "affected": "Everyone."}},
        )
    assert not harmed.responses.exists()  # nothing half saved


def test_answers_for_someone_else_s_participant_are_refused(process: Any, stranger: Any) -> None:
    walk_to(process, State.READY)
    with pytest.raises(PracticeError):
        services.responses_record(
            actor=process.facilitator, process_id=process.pk, answers={999999: {"happened": "x"}}
        )


# --- held → monitoring ------------------------------------------------------------------------


def test_it_needs_an_agreement_before_monitoring(process: Any) -> None:
    walk_to(process, State.HELD)
    assert any("agreement" in p for p in refused(process, State.MONITORING))
    add_item(process)
    assert move(process, State.MONITORING).state == State.MONITORING


def test_an_item_needs_an_owner_and_a_date(process: Any) -> None:
    walk_to(process, State.READY)
    with pytest.raises(PracticeError) as caught:
        services.item_create(
            actor=process.facilitator,
            process_id=process.pk,
            what="Say sorry",
            owner_id=None,
            for_whom_id=None,
            due=None,
        )
    assert set(caught.value.errors) == {"owner", "due"}
    assert not process.agreement_items.exists()


def test_an_item_owner_must_be_a_participant(process: Any, practitioner: Any, harm: Any) -> None:
    walk_to(process, State.READY)
    with pytest.raises(PracticeError) as caught:
        services.item_create(
            actor=process.facilitator,
            process_id=process.pk,
            what="Say sorry",
            owner_id=999999,
            for_whom_id=None,
            due=timezone.localdate(),
        )
    assert "owner" in caught.value.errors


def test_an_fgc_plan_gets_its_review_date(
    practitioner: Any, harm: Any, facilitator: Any, child: Any
) -> None:
    give_credential(facilitator, CredentialLevel.FAMILY_GROUP_CONFERENCE)
    process = refer(practitioner, harm, facilitator, kind=ProcessKind.FAMILY_GROUP_CONFERENCE)
    walk_to(process, State.HELD)
    services.process_set_fgc_stage(actor=facilitator, process_id=process.pk, stage="private_time")
    add_item(process)
    # The plan is made at the conference: the review counts from the day it was held.
    RestorativeProcess.objects.filter(pk=process.pk).update(held_on=date(2026, 5, 10))
    process = move(process, State.MONITORING)
    # Ariki (born 2011) is over 7: a 12-month review.
    assert process.plan_review_date == date(2027, 5, 10)


def test_an_fgc_plan_needs_a_child_s_date_of_birth(
    practitioner: Any, harm: Any, facilitator: Any, child: Any
) -> None:
    child.date_of_birth = None
    child.save()
    give_credential(facilitator, CredentialLevel.FAMILY_GROUP_CONFERENCE)
    process = refer(practitioner, harm, facilitator, kind=ProcessKind.FAMILY_GROUP_CONFERENCE)
    walk_to(process, State.HELD)
    add_item(process)
    assert any("date of birth" in p for p in refused(process, State.MONITORING))


# --- monitoring → closed ----------------------------------------------------------------------


def test_it_refuses_closure_with_open_items_and_no_follow_up(process: Any) -> None:
    walk_to(process, State.MONITORING)
    problems = refused(process, State.CLOSED, outcome_summary="")
    assert any("1 still open" in p for p in problems)
    assert any("Follow up with Mere Kōwhai" in p for p in problems)
    assert "Write the outcome summary." in problems
    assert process.outcome_summary == ""  # nothing half saved


def test_a_follow_up_before_the_last_item_was_resolved_does_not_count(process: Any) -> None:
    walk_to(process, State.MONITORING)
    harmed = process.participants.get(role=ParticipantRole.HARMED)
    follow_up = services.follow_up_schedule(
        actor=process.facilitator,
        process_id=process.pk,
        participant_id=harmed.pk,
        scheduled_for=timezone.localdate(),
    )
    services.follow_up_record(
        actor=process.facilitator, follow_up_id=follow_up.pk, rating=5, own_words="Getting there."
    )
    item = process.agreement_items.get()
    services.item_update(
        actor=process.facilitator,
        item_id=item.pk,
        expected_version=item.version,
        changes={"status": ItemStatus.VARIED, "status_reason": "Paid in instalments instead."},
    )
    problems = refused(process, State.CLOSED, outcome_summary="Repaired.")
    assert len(problems) == 1 and "Follow up with Mere Kōwhai" in problems[0]


def test_it_closes_when_nothing_is_left_undone(process: Any, harm: Any) -> None:
    process = walk_to(process, State.CLOSED)
    assert process.state == State.CLOSED
    assert process.closed_on == timezone.localdate()
    harm.refresh_from_db()
    assert harm.status == HarmStatus.RESOLVED


def test_varied_or_not_done_items_need_a_reason(process: Any) -> None:
    walk_to(process, State.MONITORING)
    item = process.agreement_items.get()
    with pytest.raises(PracticeError) as caught:
        services.item_update(
            actor=process.facilitator,
            item_id=item.pk,
            expected_version=item.version,
            changes={"status": ItemStatus.NOT_DONE},
        )
    assert "status_reason" in caught.value.errors
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN


def test_two_facilitators_editing_one_item_do_not_overwrite(process: Any) -> None:
    walk_to(process, State.MONITORING)
    item = process.agreement_items.get()
    services.item_update(
        actor=process.facilitator,
        item_id=item.pk,
        expected_version=item.version,
        changes={"what": "Pay for the repair, half now"},
    )
    with pytest.raises(ConflictError):
        services.item_update(
            actor=process.facilitator,
            item_id=item.pk,
            expected_version=item.version,
            changes={"what": "Something else"},
        )
    item.refresh_from_db()
    assert item.what == "Pay for the repair, half now"


def test_a_harmed_person_s_follow_up_needs_a_rating(process: Any) -> None:
    walk_to(process, State.HELD)
    harmed = process.participants.get(role=ParticipantRole.HARMED)
    follow_up = services.follow_up_schedule(
        actor=process.facilitator,
        process_id=process.pk,
        participant_id=harmed.pk,
        scheduled_for=timezone.localdate(),
    )
    with pytest.raises(PracticeError) as caught:
        services.follow_up_record(
            actor=process.facilitator, follow_up_id=follow_up.pk, rating=None, own_words=""
        )
    assert set(caught.value.errors) == {"rating", "own_words"}
    with pytest.raises(PracticeError):
        services.follow_up_record(
            actor=process.facilitator, follow_up_id=follow_up.pk, rating=11, own_words="x"
        )


# --- not proceeding ---------------------------------------------------------------------------


def test_it_stops_before_held_with_a_reason(process: Any, harm: Any) -> None:
    assert refused(process, State.NOT_PROCEEDING) == ["Give the reason it is not proceeding."]
    process = move(process, State.NOT_PROCEEDING, reason="Mere does not wish to meet.")
    assert process.state == State.NOT_PROCEEDING
    harm.refresh_from_db()
    assert harm.status == HarmStatus.OPEN


def test_after_held_it_stops_only_on_safety_grounds(process: Any) -> None:
    walk_to(process, State.HELD)
    assert any("safety grounds" in p for p in refused(process, "not_proceeding", reason="x"))
    process = move(
        process, State.NOT_PROCEEDING, reason="New threats reported.", on_safety_grounds=True
    )
    assert process.stopped_on_safety_grounds


def test_an_ended_process_cannot_move_or_change(process: Any) -> None:
    move(process, State.NOT_PROCEEDING, reason="Withdrawn.")
    assert refused(process, State.PREPARING)
    with pytest.raises(PracticeError):
        assess(process)


# --- harm -------------------------------------------------------------------------------------


def test_a_harm_needs_people_from_the_whanau(
    practitioner: Any, whanau: Any, person: Any, stranger: Any
) -> None:
    with pytest.raises(PracticeError) as caught:
        services.harm_create(
            actor=practitioner,
            whanau_id=whanau.pk,
            fields={"what": "", "occurred_on": timezone.localdate(), "severity": "minor"},
            harmed_ids=[stranger.pk],
            responsible_ids=[],
        )
    assert {"what", "harmed"} <= set(caught.value.errors)


def test_a_facilitator_cannot_record_harm_in_a_whanau_they_do_not_hold(
    facilitator: Any, whanau: Any, person: Any
) -> None:
    with pytest.raises(PracticeError) as caught:
        services.harm_create(
            actor=facilitator,
            whanau_id=whanau.pk,
            fields={"what": "x", "occurred_on": timezone.localdate(), "severity": "minor"},
            harmed_ids=[person.pk],
            responsible_ids=[],
        )
    assert caught.value.status == 404


def test_participants_come_from_the_whanau(process: Any, stranger: Any, aunt: Any) -> None:
    with pytest.raises(PracticeError) as caught:
        services.participant_add(
            actor=process.facilitator,
            process_id=process.pk,
            person_id=stranger.pk,
            role="community",
        )
    assert "person" in caught.value.errors
    added = services.participant_add(
        actor=process.facilitator,
        process_id=process.pk,
        person_id=aunt.pk,
        role=ParticipantRole.SUPPORTER_HARMED,
    )
    assert added.process_id == process.pk


def test_a_credential_that_expires_mid_process_stops_it_becoming_ready(process: Any) -> None:
    move(process, State.PREPARING)
    prepare_everyone(process)
    assess(process)
    with time_machine.travel(timezone.localdate() + timedelta(days=400)):
        assert any("not current" in p for p in refused(process, State.READY))
    assert move(process, State.READY).state == State.READY


@pytest.mark.parametrize(
    ("born", "review"),
    [
        (date(2019, 5, 11), date(2026, 11, 10)),  # 6 years 364 days on the plan's day: 6 months
        (date(2019, 5, 10), date(2027, 5, 10)),  # exactly 7: 12 months
    ],
)
def test_an_fgc_plan_review_follows_the_youngest_child(
    practitioner: Any, harm: Any, facilitator: Any, child: Any, aunt: Any, born: date, review: date
) -> None:
    aunt.kind = "tamariki"
    aunt.date_of_birth = born
    aunt.save()
    give_credential(facilitator, CredentialLevel.FAMILY_GROUP_CONFERENCE)
    process = refer(practitioner, harm, facilitator, kind=ProcessKind.FAMILY_GROUP_CONFERENCE)
    services.participant_add(
        actor=facilitator, process_id=process.pk, person_id=aunt.pk, role="community"
    )
    walk_to(process, State.HELD)
    add_item(process)
    RestorativeProcess.objects.filter(pk=process.pk).update(held_on=date(2026, 5, 10))
    process = move(process, State.MONITORING)
    assert process.plan_review_date == review


def test_consent_withdrawn_elsewhere_stops_ready(process: Any, practitioner: Any) -> None:
    from hononga.relationships.models import Consent
    from hononga.relationships.services import consent_record

    move(process, State.PREPARING)
    prepare_everyone(process)
    assess(process)
    mere = process.participants.get(role=ParticipantRole.HARMED).person
    assert Consent.objects.filter(person=mere, purpose="restorative", status="given").exists()
    consent_record(actor=practitioner, person_id=mere.pk, purpose="restorative", status="withdrawn")
    assert any("withdrawn consent" in p for p in refused(process, State.READY))
