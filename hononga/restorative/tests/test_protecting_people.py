"""Rules that protect the people in a restorative process (issue 14, points 1–6), through the
service, the pages and the API: consent re-checked at held, new principals prepared, someone
harmed always taking part, the FGC review date, one open process per harm, and nothing typed
lost when a move is refused."""

import importlib
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hononga.conftest import bearer
from hononga.core.errors import InvalidTransition, PracticeError
from hononga.factories import MembershipFactory, PersonFactory
from hononga.relationships.models import ConsentPurpose, ConsentStatus
from hononga.relationships.services import consent_record
from hononga.restorative import services
from hononga.restorative.models import (
    CredentialLevel,
    Harm,
    HarmStatus,
    ParticipantRole,
    ProcessKind,
    RestorativeProcess,
    State,
)
from hononga.restorative.tests.conftest import (
    add_item,
    give_credential,
    move,
    record_voices,
    refer,
    walk_to,
)
from hononga.whanau.models import Allocation, PersonKind

pytestmark = pytest.mark.django_db
NZ = ZoneInfo("Pacific/Auckland")


def url(name: str, *args: Any) -> str:
    return reverse(f"restorative:{name}", args=args)


def api(client: Client, method: str, path: str, user: Any, data: Any = None) -> Any:
    return getattr(client, method)(
        f"/api/v1{path}", data, content_type="application/json", **bearer(user)
    )


def held_refusal(process: RestorativeProcess) -> list[str]:
    with pytest.raises(InvalidTransition) as caught:
        move(process, State.HELD)
    process.refresh_from_db()
    assert process.state == State.READY
    return caught.value.errors["state"]


def withdraw(practitioner: Any, person: Any) -> None:
    consent_record(
        actor=practitioner,
        person_id=person.pk,
        purpose=ConsentPurpose.RESTORATIVE,
        status=ConsentStatus.WITHDRAWN,
        note="Mere no longer wants to meet.",
    )


# --- 1. Held re-checks consent, preparation and safety -----------------------------------------


def test_withdrawn_consent_blocks_held(process: Any, practitioner: Any, person: Any) -> None:
    process = walk_to(process, State.READY)
    record_voices(process)
    withdraw(practitioner, person)
    problems = held_refusal(process)
    assert problems == ["Mere Kōwhai has withdrawn consent to take part in a restorative process."]


def test_preparation_undone_after_ready_blocks_held(process: Any) -> None:
    process = walk_to(process, State.READY)
    record_voices(process)
    harmed = process.participants.get(role=ParticipantRole.HARMED)
    services.participant_prepare(
        actor=process.facilitator,
        participant_id=harmed.pk,
        expected_version=harmed.version,
        changes={"prepared_on": None},
    )
    assert held_refusal(process) == ["Hold and record the preparation meeting with Mere Kōwhai."]


def test_withdrawn_consent_blocks_held_on_the_page(
    facilitator_client: Client, process: Any, practitioner: Any, person: Any
) -> None:
    process = walk_to(process, State.READY)
    record_voices(process)
    withdraw(practitioner, person)
    response = facilitator_client.post(
        url("transition", process.pk), {"version": process.version, "target": "held"}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Mere Kōwhai has withdrawn consent" in page
    process.refresh_from_db()
    assert process.state == State.READY


def test_withdrawn_consent_blocks_held_in_the_api(
    client: Client, process: Any, practitioner: Any, person: Any
) -> None:
    process = walk_to(process, State.READY)
    record_voices(process)
    withdraw(practitioner, person)
    response = api(
        client,
        "post",
        f"/processes/{process.pk}/transitions",
        process.facilitator,
        {"version": process.version, "to": "held"},
    )
    assert response.status_code == 409
    messages = [e["message"] for e in response.json()["errors"]]
    assert "Mere Kōwhai has withdrawn consent to take part in a restorative process." in messages
    detail = api(client, "get", f"/processes/{process.pk}", process.facilitator).json()
    held = next(s for s in detail["next_steps"] if s["to"] == "held")
    assert any("withdrawn consent" in m for m in held["unmet_conditions"])


# --- 2. A person harmed or responsible who joins while ready ------------------------------------


def test_a_person_harmed_added_while_ready_sends_it_back_to_preparing(
    process: Any, aunt: Any
) -> None:
    process = walk_to(process, State.READY)
    added = services.participant_add(
        actor=process.facilitator,
        process_id=process.pk,
        person_id=aunt.pk,
        role=ParticipantRole.HARMED,
    )
    process.refresh_from_db()
    assert process.state == State.PREPARING
    with pytest.raises(InvalidTransition) as caught:
        move(process, State.READY)
    assert "Record Hine Kōwhai's consent to take part." in caught.value.errors["state"]
    services.participant_prepare(
        actor=process.facilitator,
        participant_id=added.pk,
        expected_version=added.version,
        changes={"consented_on": timezone.localdate(), "prepared_on": timezone.localdate()},
    )
    assert move(process, State.READY).state == State.READY


def test_a_supporter_added_while_ready_leaves_it_ready(process: Any, aunt: Any) -> None:
    process = walk_to(process, State.READY)
    services.participant_add(
        actor=process.facilitator,
        process_id=process.pk,
        person_id=aunt.pk,
        role=ParticipantRole.SUPPORTER_HARMED,
    )
    process.refresh_from_db()
    assert process.state == State.READY


def test_a_person_harmed_added_while_ready_on_the_page(
    facilitator_client: Client, process: Any, aunt: Any
) -> None:
    process = walk_to(process, State.READY)
    form = facilitator_client.get(url("participant_add", process.pk)).content.decode()
    assert "sends it back to preparing" in form
    response = facilitator_client.post(
        url("participant_add", process.pk), {"person": aunt.pk, "role": "harmed"}, follow=True
    )
    page = response.content.decode()
    assert "The process is back to preparing: Hine Kōwhai must consent and be prepared" in page
    process.refresh_from_db()
    assert process.state == State.PREPARING
    # Neither ready nor held can be reached until Hine has consented and been prepared.
    refused = facilitator_client.post(
        url("transition", process.pk), {"version": process.version, "target": "ready"}
    )
    assert refused.status_code == 409
    assert "Record Hine Kōwhai&#x27;s consent to take part." in refused.content.decode()


def test_a_person_harmed_added_while_ready_through_the_api(
    client: Client, process: Any, aunt: Any
) -> None:
    process = walk_to(process, State.READY)
    record_voices(process)
    added = api(
        client,
        "post",
        f"/processes/{process.pk}/participants",
        process.facilitator,
        {"person_id": aunt.pk, "role": "harmed"},
    )
    assert added.status_code == 201
    participant_id = added.json()["id"]
    api(
        client,
        "post",
        f"/processes/{process.pk}/responses",
        process.facilitator,
        {"answers": [{"participant_id": participant_id, "question": "happened", "answer": "x"}]},
    )
    process.refresh_from_db()
    assert process.state == State.PREPARING
    response = api(
        client,
        "post",
        f"/processes/{process.pk}/transitions",
        process.facilitator,
        {"version": process.version, "to": "held"},
    )
    assert response.status_code == 409
    process.refresh_from_db()
    assert process.state == State.PREPARING


# --- 3. Someone harmed always takes part -------------------------------------------------------


def test_the_only_person_harmed_cannot_be_removed(process: Any, person: Any) -> None:
    process = walk_to(process, State.READY)
    harmed = process.participants.get(role=ParticipantRole.HARMED)
    with pytest.raises(PracticeError) as caught:
        services.participant_remove(
            actor=process.facilitator,
            participant_id=harmed.pk,
            expected_version=harmed.version,
            reason="Added by mistake",
        )
    assert "the only person harmed taking part" in caught.value.message
    assert process.participants.filter(role=ParticipantRole.HARMED).count() == 1


def test_a_person_harmed_can_be_replaced_by_adding_first(
    process: Any, person: Any, aunt: Any
) -> None:
    harmed = process.participants.get(role=ParticipantRole.HARMED)
    services.participant_add(
        actor=process.facilitator, process_id=process.pk, person_id=aunt.pk, role="harmed"
    )
    services.participant_remove(
        actor=process.facilitator,
        participant_id=harmed.pk,
        expected_version=harmed.version,
        reason="Mere was recorded by mistake; Hine was harmed.",
    )
    assert list(
        process.participants.filter(role=ParticipantRole.HARMED).values_list("person", flat=True)
    ) == [aunt.pk]


def test_without_anyone_harmed_a_process_neither_holds_nor_closes(process: Any) -> None:
    from hononga.restorative import lifecycle

    process = walk_to(process, State.MONITORING)
    # Data from before this rule (or written around the services) without anyone harmed.
    process.participants.filter(role=ParticipantRole.HARMED).update(removed_at=timezone.now())
    problems = lifecycle.unmet_conditions(process, State.CLOSED, today=timezone.localdate())
    assert "Add the person or people harmed as participants." in problems


def test_the_only_person_harmed_cannot_be_removed_on_the_page(
    facilitator_client: Client, process: Any
) -> None:
    process = walk_to(process, State.READY)
    harmed = process.participants.get(role=ParticipantRole.HARMED)
    response = facilitator_client.post(
        url("participant_remove", harmed.pk),
        {"version": harmed.version, "reason": "Added by mistake"},
    )
    assert response.status_code == 200
    assert "the only person harmed taking part" in response.content.decode()
    harmed.refresh_from_db()
    assert harmed.removed_at is None


def test_the_only_person_harmed_cannot_be_removed_through_the_api(
    client: Client, process: Any
) -> None:
    process = walk_to(process, State.READY)
    harmed = process.participants.get(role=ParticipantRole.HARMED)
    response = api(
        client,
        "post",
        f"/participants/{harmed.pk}/remove",
        process.facilitator,
        {"version": harmed.version, "reason": "Added by mistake"},
    )
    assert response.status_code == 422
    assert "the only person harmed" in response.json()["detail"]
    process.refresh_from_db()
    assert process.state == State.READY


# --- 4. The FGC plan's review date --------------------------------------------------------------


@pytest.fixture
def fgc_held_14_june(practitioner: Any, whanau: Any, person: Any, facilitator: Any) -> Any:
    """A family group conference held on 14 June 2026 about Pēpe, who is then 6 years and 363
    days old (she turns 7 on 16 June 2026); the plan is agreed at the conference."""
    pepe = PersonFactory(
        preferred_name="Pēpe",
        other_names="Kōwhai",
        kind=PersonKind.TAMARIKI,
        date_of_birth=date(2019, 6, 16),
    )
    MembershipFactory(person=pepe, whanau=whanau, role="daughter")
    Allocation.objects.filter(whanau=whanau).update(started=date(2026, 1, 5))
    with time_machine.travel(datetime(2026, 6, 1, 10, tzinfo=NZ), tick=False):
        give_credential(facilitator, CredentialLevel.FAMILY_GROUP_CONFERENCE)
        harm = services.harm_create(
            actor=practitioner,
            whanau_id=whanau.pk,
            fields={
                "what": "Pēpe was left alone overnight.",
                "occurred_on": date(2026, 5, 20),
                "severity": "serious",
            },
            harmed_ids=[pepe.pk],
            responsible_ids=[person.pk],
        )
        process = refer(practitioner, harm, facilitator, kind=ProcessKind.FAMILY_GROUP_CONFERENCE)
        process = walk_to(process, State.READY)
    with time_machine.travel(datetime(2026, 6, 14, 10, tzinfo=NZ), tick=False):
        record_voices(process)
        add_item(process)
        process = move(process, State.HELD)
    return process


def test_the_review_date_counts_from_the_conference_with_the_age_then(
    fgc_held_14_june: Any,
) -> None:
    with time_machine.travel(datetime(2026, 6, 17, 10, tzinfo=NZ), tick=False):
        process = move(fgc_held_14_june, State.MONITORING)
    assert process.held_on == date(2026, 6, 14)
    # Under 7 on the day of the conference: review within 6 months of it.
    assert process.plan_review_date == date(2026, 12, 14)


def test_the_review_date_through_the_api_and_the_page(
    client: Client, fgc_held_14_june: Any
) -> None:
    process = fgc_held_14_june
    with time_machine.travel(datetime(2026, 6, 17, 10, tzinfo=NZ), tick=False):
        response = api(
            client,
            "post",
            f"/processes/{process.pk}/transitions",
            process.facilitator,
            {"version": process.version, "to": "monitoring"},
        )
        assert response.status_code == 200, response.content
        assert response.json()["plan_review_date"] == "2026-12-14"
        facilitator = Client()
        facilitator.force_login(process.facilitator)
        page = facilitator.get(url("process", process.pk)).content.decode()
    assert "14 December 2026" in page


def test_the_migration_corrects_review_dates_stored_the_old_way(fgc_held_14_june: Any) -> None:
    process = fgc_held_14_june
    with time_machine.travel(datetime(2026, 6, 17, 10, tzinfo=NZ), tick=False):
        process = move(process, State.MONITORING)
    # What the old rule stored: a year from the move to monitoring.
    RestorativeProcess.objects.filter(pk=process.pk).update(plan_review_date=date(2027, 6, 17))
    migration = importlib.import_module(
        "hononga.restorative.migrations.0003_one_open_process_fgc_review"
    )
    migration.recount_review_dates(django_apps, None)
    process.refresh_from_db()
    assert process.plan_review_date == date(2026, 12, 14)
    assert migration.review_date(date(2026, 6, 16), date(2019, 6, 16)) == date(2027, 6, 16)


# --- 5. One harm, one open process --------------------------------------------------------------


def test_a_second_referral_is_refused_while_one_is_open(
    process: Any, practitioner: Any, harm: Any, facilitator: Any
) -> None:
    with pytest.raises(PracticeError) as caught:
        refer(practitioner, harm, facilitator)
    assert caught.value.status == 409
    assert RestorativeProcess.objects.filter(harm=harm).count() == 1


def test_the_database_refuses_two_open_processes_for_one_harm(process: Any, harm: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        RestorativeProcess.objects.create(
            harm=harm,
            whanau=harm.whanau,
            kind=ProcessKind.CIRCLE,
            facilitator=process.facilitator,
            referred_by=process.referred_by,
        )


def test_a_harm_can_be_referred_again_once_its_process_ended(
    process: Any, practitioner: Any, harm: Any, facilitator: Any
) -> None:
    move(process, State.NOT_PROCEEDING, reason="The facilitator fell ill.")
    harm.refresh_from_db()
    assert harm.status == HarmStatus.OPEN
    second = refer(practitioner, harm, facilitator)
    harm.refresh_from_db()
    assert second.state == State.REFERRED and harm.status == HarmStatus.IN_PROCESS


def test_the_harm_shows_resolved_only_when_no_process_is_open(
    process: Any, practitioner: Any, harm: Any, facilitator: Any
) -> None:
    walk_to(process, State.CLOSED)
    harm.refresh_from_db()
    assert harm.status == HarmStatus.RESOLVED
    second = refer(practitioner, harm, facilitator)
    harm.refresh_from_db()
    assert harm.status == HarmStatus.IN_PROCESS
    move(second, State.NOT_PROCEEDING, reason="Mere feels it is already put right.")
    harm.refresh_from_db()
    assert harm.status == HarmStatus.RESOLVED


def test_the_migration_fixes_a_harm_shown_resolved_while_a_process_is_open(
    process: Any, harm: Any
) -> None:
    Harm.objects.filter(pk=harm.pk).update(status=HarmStatus.RESOLVED)
    migration = importlib.import_module(
        "hononga.restorative.migrations.0003_one_open_process_fgc_review"
    )
    migration.recount_harm_statuses(django_apps, None)
    harm.refresh_from_db()
    assert harm.status == HarmStatus.IN_PROCESS


def test_a_second_referral_is_refused_on_the_page(
    practitioner_client: Client, process: Any, harm: Any, facilitator: Any
) -> None:
    page = practitioner_client.get(url("harm", harm.pk)).content.decode()
    assert url("refer", harm.pk) not in page
    assert "one restorative process under way at a time" in page
    response = practitioner_client.post(
        url("refer", harm.pk), {"kind": "circle", "facilitator": facilitator.pk}
    )
    assert response.status_code == 409
    assert "already has a restorative process under way" in response.content.decode()
    assert RestorativeProcess.objects.filter(harm=harm).count() == 1


def test_a_second_referral_is_refused_through_the_api(
    client: Client, process: Any, practitioner: Any, harm: Any, facilitator: Any
) -> None:
    response = api(
        client,
        "post",
        "/processes",
        practitioner,
        {"harm_id": harm.pk, "kind": "circle", "facilitator_id": facilitator.pk},
    )
    assert response.status_code == 409
    assert "already has a restorative process under way" in response.json()["detail"]
    assert RestorativeProcess.objects.filter(harm=harm).count() == 1


# --- 6. A refused move keeps what was typed -----------------------------------------------------


def test_a_refused_close_keeps_the_outcome_summary(
    facilitator_client: Client, process: Any
) -> None:
    process = walk_to(process, State.MONITORING)
    typed = "Ariki paid for half the repair; Mere wants to talk again in a month."
    response = facilitator_client.post(
        url("transition", process.pk),
        {"version": process.version, "target": "closed", "outcome_summary": typed},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Follow up with Mere Kōwhai" in page
    assert f">{typed}</textarea>" in page.replace("&#x27;", "'")
    process.refresh_from_db()
    assert process.state == State.MONITORING and process.outcome_summary == ""


def test_a_refused_stop_keeps_the_reason_and_the_tick(
    facilitator_client: Client, process: Any
) -> None:
    process = walk_to(process, State.HELD)
    response = facilitator_client.post(
        url("transition", process.pk),
        {
            "version": process.version - 1,  # stale: someone else saved meanwhile
            "target": "not_proceeding",
            "reason": "Threats made after the conference.",
            "on_safety_grounds": "on",
        },
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert ">Threats made after the conference.</textarea>" in page
    assert 'id="id_on_safety_grounds" required checked' in page
    assert '<details class="panel" open>' in page


def test_a_refused_close_through_the_api_saves_nothing(client: Client, process: Any) -> None:
    process = walk_to(process, State.MONITORING)
    response = api(
        client,
        "post",
        f"/processes/{process.pk}/transitions",
        process.facilitator,
        {"version": process.version, "to": "closed", "outcome_summary": "Nearly there."},
    )
    assert response.status_code == 409
    process.refresh_from_db()
    assert process.state == State.MONITORING
