"""Putting mistakes and changes right: correcting and ending facilitator credentials early,
reassigning a process to another facilitator, removing a participant added by mistake.

Each through the services (rules), the pages and the API (access, bad input, nothing half saved).
"""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hononga.accounts.models import Role
from hononga.audit.models import Action, AuditEvent
from hononga.conftest import bearer, client_for
from hononga.core.errors import ConflictError, NotFound, PracticeError
from hononga.factories import UserFactory
from hononga.restorative import access, lifecycle, services
from hononga.restorative.models import (
    CredentialLevel,
    FacilitatorCredential,
    Participant,
    ParticipantRole,
    ProcessKind,
    State,
)
from hononga.restorative.tests.conftest import (
    give_credential,
    move,
    prepare_everyone,
    record_voices,
    refer,
    walk_to,
)

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


@pytest.fixture
def other_facilitator(team_north: Any) -> Any:
    return UserFactory(
        username="facilitator2", preferred_name="Wiremu", role=Role.FACILITATOR, teams=[team_north]
    )


def api(client: Client, path: str, user: Any, data: Any) -> Any:
    return client.post(f"/api/v1{path}", data, content_type="application/json", **bearer(user))


# --- Credentials: correct and end early ---------------------------------------------------------


def test_an_administrator_corrects_a_credential_and_its_history_keeps_both(
    admin_user: Any, credential: Any
) -> None:
    new_expiry = credential.expires + timedelta(days=365)
    services.credential_update(
        actor=admin_user,
        credential_id=credential.pk,
        expected_version=1,
        changes={"expires": new_expiry},
    )
    credential.refresh_from_db()
    assert credential.expires == new_expiry
    assert credential.version == 2
    assert list(credential.history.order_by("history_date").values_list("expires", flat=True))[
        -2:
    ] == [new_expiry - timedelta(days=365), new_expiry]
    event = AuditEvent.objects.filter(action=Action.SETTINGS).latest("id")
    assert event.target_id == str(credential.pk) and "expires" in event.data["changed"]


def test_a_credential_correction_is_refused_when_stale_or_wrong(
    admin_user: Any, facilitator: Any, credential: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.credential_update(
            actor=facilitator,
            credential_id=credential.pk,
            expected_version=1,
            changes={"level": CredentialLevel.FAMILY_GROUP_CONFERENCE},
        )
    with pytest.raises(PracticeError, match="expires after it was issued"):
        services.credential_update(
            actor=admin_user,
            credential_id=credential.pk,
            expected_version=1,
            changes={"expires": credential.issued - timedelta(days=1)},
        )
    with pytest.raises(ConflictError):
        services.credential_update(
            actor=admin_user,
            credential_id=credential.pk,
            expected_version=7,
            changes={"level": CredentialLevel.FAMILY_GROUP_CONFERENCE},
        )
    with pytest.raises(NotFound):
        services.credential_update(
            actor=admin_user, credential_id=10**9, expected_version=1, changes={}
        )
    credential.refresh_from_db()
    assert (credential.level, credential.version) == (CredentialLevel.CONFERENCE, 1)


def test_ending_a_credential_early_stops_the_processes_that_need_it(
    admin_user: Any, process: Any, credential: Any
) -> None:
    today = timezone.localdate()
    assert lifecycle.unmet_conditions(process, State.PREPARING, today=today) == []

    services.credential_end(
        actor=admin_user,
        credential_id=credential.pk,
        expected_version=1,
        ended_on=today,
        reason="The facilitator has left the agency.",
    )
    credential.refresh_from_db()
    assert credential.ended_on == today and not credential.is_current(today)
    assert credential.is_current(today - timedelta(days=1))
    problems = lifecycle.unmet_conditions(process, State.PREPARING, today=today)
    assert any("not current" in p and "ended early" in p for p in problems)
    assert list(services.processes_needing_credential(credential)) == [process]
    event = AuditEvent.objects.filter(action=Action.SETTINGS).latest("id")
    assert event.reason == "The facilitator has left the agency."


def test_ending_a_credential_needs_a_reason_and_a_day_within_its_term(
    admin_user: Any, credential: Any
) -> None:
    with pytest.raises(PracticeError) as refused:
        services.credential_end(
            actor=admin_user,
            credential_id=credential.pk,
            expected_version=1,
            ended_on=credential.expires + timedelta(days=1),
            reason="  ",
        )
    assert set(refused.value.errors) == {"ended_on", "reason"}
    credential.refresh_from_db()
    assert credential.ended_on is None and credential.version == 1

    services.credential_end(
        actor=admin_user,
        credential_id=credential.pk,
        expected_version=1,
        ended_on=None,
        reason="Withdrawn after review.",
    )
    with pytest.raises(PracticeError, match="already ended"):
        services.credential_end(
            actor=admin_user,
            credential_id=credential.pk,
            expected_version=2,
            ended_on=None,
            reason="Again.",
        )


def test_a_credential_ending_tomorrow_is_current_today(facilitator: Any) -> None:
    today = timezone.localdate()
    credential = give_credential(facilitator)
    FacilitatorCredential.objects.filter(pk=credential.pk).update(
        ended_on=today + timedelta(days=1)
    )
    assert (
        lifecycle.facilitator_credential_problem(
            facilitator.pk, ProcessKind.FORMAL_CONFERENCE, today=today
        )
        is None
    )
    assert lifecycle.facilitator_credential_problem(
        facilitator.pk, ProcessKind.FORMAL_CONFERENCE, today=today + timedelta(days=1)
    )


def test_credential_pages_for_administrators_only(
    admin_user: Any, facilitator: Any, credential: Any, process: Any
) -> None:
    client = client_for(admin_user)
    url = reverse("restorative:credential", args=[credential.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "End the credential early" in html
    assert reverse("restorative:reassign", args=[process.pk]) in html  # it relies on it

    bad = client.post(
        reverse("restorative:credential_end", args=[credential.pk]),
        {"end-version": 1, "end-ended_on": "", "end-reason": ""},
    )
    assert bad.status_code == 422
    assert "Give the day it ends." in bad.content.decode()
    assert "Say why the credential ends early." in bad.content.decode()

    saved = client.post(
        url,
        {
            "edit-version": 1,
            "edit-level": CredentialLevel.CONFERENCE,
            "edit-issued": str(credential.issued),
            "edit-expires": str(credential.expires + timedelta(days=30)),
        },
    )
    assert saved.status_code == 302
    stale = client.post(
        url,
        {
            "edit-version": 1,
            "edit-level": CredentialLevel.CONFERENCE,
            "edit-issued": str(credential.issued),
            "edit-expires": str(credential.expires),
        },
    )
    assert stale.status_code == 422 and "Someone else saved" in stale.content.decode()

    ended = client.post(
        reverse("restorative:credential_end", args=[credential.pk]),
        {"end-version": 2, "end-ended_on": str(timezone.localdate()), "end-reason": "Left."},
    )
    assert ended.status_code == 302
    listing = client.get(reverse("restorative:credentials")).content.decode()
    assert "ended early" in listing

    assert client_for(facilitator).get(url).status_code == 404
    assert client_for(facilitator).get(reverse("restorative:credentials")).status_code == 404


# --- Reassigning a process ----------------------------------------------------------------------


def test_a_supervisor_reassigns_a_process_and_its_history_shows_it(
    supervisor: Any, facilitator: Any, other_facilitator: Any, process: Any
) -> None:
    give_credential(other_facilitator)
    services.process_reassign(
        actor=supervisor,
        process_id=process.pk,
        expected_version=process.version,
        facilitator_id=other_facilitator.pk,
        reason="Aroha is on leave for three months.",
    )
    process.refresh_from_db()
    assert process.facilitator == other_facilitator
    assert access.can_run_process(other_facilitator, process)
    assert not access.can_run_process(facilitator, process)
    latest = process.history.order_by("-history_date").first()
    assert latest.facilitator_id == other_facilitator.pk
    assert latest.history_user == supervisor
    event = AuditEvent.objects.filter(target_id=process.pk, action=Action.UPDATE).latest("id")
    assert event.data["facilitator"] == [facilitator.pk, other_facilitator.pk]
    assert event.reason == "Aroha is on leave for three months."


def test_reassigning_needs_a_current_credential_a_reason_and_a_different_facilitator(
    supervisor: Any, facilitator: Any, other_facilitator: Any, process: Any
) -> None:
    with pytest.raises(PracticeError) as refused:
        services.process_reassign(
            actor=supervisor,
            process_id=process.pk,
            expected_version=process.version,
            facilitator_id=other_facilitator.pk,
            reason="",
        )
    assert "no Formal conference credential" in refused.value.errors["facilitator"][0]
    assert "reason" in refused.value.errors
    with pytest.raises(PracticeError, match="already the process's facilitator"):
        services.process_reassign(
            actor=supervisor,
            process_id=process.pk,
            expected_version=process.version,
            facilitator_id=facilitator.pk,
            reason="No change.",
        )
    give_credential(other_facilitator)
    with pytest.raises(ConflictError):
        services.process_reassign(
            actor=supervisor,
            process_id=process.pk,
            expected_version=process.version + 5,
            facilitator_id=other_facilitator.pk,
            reason="Stale.",
        )
    process.refresh_from_db()
    assert process.facilitator == facilitator


def test_who_may_reassign(
    practitioner: Any,
    supervisor_south: Any,
    admin_user: Any,
    facilitator: Any,
    other_facilitator: Any,
    process: Any,
) -> None:
    give_credential(other_facilitator)
    kwargs = {
        "process_id": process.pk,
        "expected_version": process.version,
        "facilitator_id": other_facilitator.pk,
        "reason": "Workload.",
    }
    with pytest.raises(PermissionDenied):
        services.process_reassign(actor=practitioner, **kwargs)
    with pytest.raises(PermissionDenied):
        services.process_reassign(actor=facilitator, **kwargs)
    with pytest.raises(NotFound):
        services.process_reassign(actor=supervisor_south, **kwargs)
    services.process_reassign(actor=admin_user, **kwargs)
    process.refresh_from_db()
    assert process.facilitator == other_facilitator


def test_an_ended_process_cannot_be_reassigned(
    supervisor: Any, other_facilitator: Any, process: Any
) -> None:
    move(process, State.NOT_PROCEEDING, reason="Mere chose not to take part.")
    process.refresh_from_db()
    give_credential(other_facilitator)
    with pytest.raises(PracticeError, match="has ended"):
        services.process_reassign(
            actor=supervisor,
            process_id=process.pk,
            expected_version=process.version,
            facilitator_id=other_facilitator.pk,
            reason="Too late.",
        )


def test_the_reassign_page(
    supervisor: Any,
    practitioner: Any,
    outsider: Any,
    other_facilitator: Any,
    process: Any,
    django_assert_max_num_queries: Any,
) -> None:
    give_credential(other_facilitator)
    client = client_for(supervisor)
    url = reverse("restorative:reassign", args=[process.pk])
    process_page = client.get(reverse("restorative:process", args=[process.pk])).content.decode()
    assert url in process_page
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
    refused = client.post(url, {"version": process.version, "facilitator": "", "reason": ""})
    assert refused.status_code == 200
    assert "Choose the new facilitator." in refused.content.decode()
    done = client.post(
        url,
        {"version": process.version, "facilitator": other_facilitator.pk, "reason": "Leave."},
    )
    assert done.status_code == 302
    page = client.get(reverse("restorative:process", args=[process.pk])).content.decode()
    assert other_facilitator.display_name in page
    assert "Leave." in page  # the history's reason column

    assert client_for(practitioner).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 404


def test_an_administrator_sees_a_facilitators_processes_to_reassign(
    admin_user: Any, facilitator: Any, process: Any, credential: Any
) -> None:
    client = client_for(admin_user)
    url = reverse("restorative:facilitator_processes", args=[facilitator.pk])
    html = client.get(url).content.decode()
    assert reverse("restorative:reassign", args=[process.pk]) in html
    assert client.get(reverse("restorative:reassign", args=[process.pk])).status_code == 200
    assert client_for(facilitator).get(url).status_code == 404


def test_the_reassign_api(
    client: Client,
    supervisor: Any,
    practitioner: Any,
    facilitator: Any,
    other_facilitator: Any,
    process: Any,
) -> None:
    path = f"/processes/{process.pk}/facilitator"
    body = {"version": process.version, "facilitator_id": other_facilitator.pk, "reason": "Leave."}
    uncredentialled = api(client, path, supervisor, body)
    assert uncredentialled.status_code == 422
    assert uncredentialled["Content-Type"] == PROBLEM
    errors = {e["field"]: e["message"] for e in uncredentialled.json()["errors"]}
    assert "credential" in errors["facilitator"]

    give_credential(other_facilitator)
    forbidden = api(client, path, practitioner, body)
    assert forbidden.status_code == 403 and forbidden["Content-Type"] == PROBLEM
    no_reason = api(client, path, supervisor, {**body, "reason": ""})
    assert no_reason.status_code == 422
    done = api(client, path, supervisor, body)
    assert done.status_code == 200
    assert done.json()["facilitator_id"] == other_facilitator.pk
    stale = api(client, path, supervisor, {**body, "facilitator_id": facilitator.pk})
    assert stale.status_code == 409
    missing = api(client, "/processes/999999/facilitator", supervisor, body)
    assert missing.status_code == 404


# --- Removing a participant added by mistake ----------------------------------------------------


@pytest.fixture
def mistake(process: Any, aunt: Any) -> Participant:
    return services.participant_add(
        actor=process.facilitator,
        process_id=process.pk,
        person_id=aunt.pk,
        role=ParticipantRole.SUPPORTER_HARMED,
    )


def test_the_facilitator_removes_a_participant_added_by_mistake(
    process: Any, mistake: Participant, aunt: Any
) -> None:
    services.participant_remove(
        actor=process.facilitator,
        participant_id=mistake.pk,
        expected_version=mistake.version,
        reason="Added the wrong Hine.",
    )
    assert not process.participants.filter(pk=mistake.pk).exists()
    kept = Participant.all_objects.get(pk=mistake.pk)
    assert kept.removed_by == process.facilitator and kept.removal_reason == "Added the wrong Hine."
    event = AuditEvent.objects.filter(action=Action.ARCHIVE).latest("id")
    assert event.target_id == str(mistake.pk) and event.reason == "Added the wrong Hine."
    # The right person can be added again.
    again = services.participant_add(
        actor=process.facilitator,
        process_id=process.pk,
        person_id=aunt.pk,
        role=ParticipantRole.SUPPORTER_HARMED,
    )
    assert again.pk != mistake.pk


def test_removing_the_only_person_harmed_shows_in_what_is_left(process: Any) -> None:
    harmed = process.participants.get(role=ParticipantRole.HARMED)
    services.participant_remove(
        actor=process.facilitator,
        participant_id=harmed.pk,
        expected_version=harmed.version,
        reason="Wrong person recorded at referral.",
    )
    problems = lifecycle.unmet_conditions(process, State.PREPARING, today=timezone.localdate())
    assert "Add the person or people harmed as participants." in problems


def test_a_participant_cannot_be_removed_once_they_have_spoken_or_the_conference_is_held(
    process: Any, mistake: Participant
) -> None:
    prepare_everyone(process)
    from hononga.restorative.tests.conftest import assess

    assess(process)
    move(process, State.PREPARING)
    move(process, State.READY)
    record_voices(process)
    responsible = process.participants.get(role=ParticipantRole.RESPONSIBLE)
    with pytest.raises(PracticeError, match="answers at the conference are recorded"):
        services.participant_remove(
            actor=process.facilitator,
            participant_id=responsible.pk,
            expected_version=responsible.version,
            reason="Changed our minds.",
        )
    move(process, State.HELD)
    mistake.refresh_from_db()
    with pytest.raises(PracticeError, match="conference has been held"):
        services.participant_remove(
            actor=process.facilitator,
            participant_id=mistake.pk,
            expected_version=mistake.version,
            reason="Late change.",
        )
    assert process.participants.count() == 3


def test_removal_needs_a_reason_and_the_facilitator(
    process: Any, mistake: Participant, practitioner: Any, outsider: Any
) -> None:
    with pytest.raises(PracticeError) as refused:
        services.participant_remove(
            actor=process.facilitator,
            participant_id=mistake.pk,
            expected_version=mistake.version,
            reason=" ",
        )
    assert "reason" in refused.value.errors
    with pytest.raises(PermissionDenied):
        services.participant_remove(
            actor=practitioner,
            participant_id=mistake.pk,
            expected_version=mistake.version,
            reason="Not mine to remove.",
        )
    with pytest.raises(NotFound):
        services.participant_remove(
            actor=outsider,
            participant_id=mistake.pk,
            expected_version=mistake.version,
            reason="Not mine to see.",
        )
    assert process.participants.filter(pk=mistake.pk).exists()


def test_the_remove_participant_page(
    facilitator_client: Client, practitioner_client: Client, process: Any, mistake: Participant
) -> None:
    page = facilitator_client.get(reverse("restorative:process", args=[process.pk]))
    url = reverse("restorative:participant_remove", args=[mistake.pk])
    assert url in page.content.decode()
    refused = facilitator_client.post(url, {"version": mistake.version, "reason": ""})
    assert "Say why this participant is removed." in refused.content.decode()
    done = facilitator_client.post(url, {"version": mistake.version, "reason": "Added twice."})
    assert done.status_code == 302
    html = facilitator_client.get(reverse("restorative:process", args=[process.pk])).content
    assert "Removed participants" in html.decode() and "Added twice." in html.decode()
    assert practitioner_client.get(url).status_code == 404  # removed: no longer found


def test_the_remove_participant_api(
    client: Client, process: Any, mistake: Participant, practitioner: Any
) -> None:
    path = f"/participants/{mistake.pk}/remove"
    forbidden = api(client, path, practitioner, {"version": mistake.version, "reason": "No."})
    assert forbidden.status_code == 403
    empty = api(client, path, process.facilitator, {"version": mistake.version, "reason": ""})
    assert empty.status_code == 422 and empty["Content-Type"] == PROBLEM
    done = api(client, path, process.facilitator, {"version": mistake.version, "reason": "Oops."})
    assert done.status_code == 200
    assert done.json()["removal_reason"] == "Oops." and done.json()["removed_at"]
    listed = client.get(f"/api/v1/processes/{process.pk}/participants", **bearer(practitioner))
    assert mistake.pk not in [p["id"] for p in listed.json()["items"]]
    again = api(client, path, process.facilitator, {"version": 2, "reason": "Twice."})
    assert again.status_code == 404


def test_a_process_walks_to_closure_after_a_removal(
    process: Any, mistake: Participant, practitioner: Any, harm: Any, facilitator: Any
) -> None:
    services.participant_remove(
        actor=process.facilitator,
        participant_id=mistake.pk,
        expected_version=mistake.version,
        reason="Not needed.",
    )
    closed = walk_to(process, State.CLOSED)
    assert closed.state == State.CLOSED
    fgc = refer(practitioner, harm, facilitator, kind=ProcessKind.RESTORATIVE_MEETING)
    assert fgc.participants.count() == 2


def test_the_reassign_page_says_when_there_is_no_other_facilitator(
    supervisor: Any, process: Any
) -> None:
    page = client_for(supervisor).get(reverse("restorative:reassign", args=[process.pk]))
    assert "There is no other active facilitator" in page.content.decode()


def test_the_credentials_api(
    client: Client, admin_user: Any, facilitator: Any, other_facilitator: Any, practitioner: Any
) -> None:
    today = timezone.localdate()
    body = {
        "user_id": other_facilitator.pk,
        "level": "fgc",
        "issued": str(today - timedelta(days=10)),
        "expires": str(today + timedelta(days=700)),
    }
    assert api(client, "/facilitator-credentials", practitioner, body).status_code == 403
    backwards = api(
        client, "/facilitator-credentials", admin_user, {**body, "expires": "2020-01-01"}
    )
    assert backwards.status_code == 422 and backwards["Content-Type"] == PROBLEM
    not_a_facilitator = api(
        client, "/facilitator-credentials", admin_user, {**body, "user_id": practitioner.pk}
    )
    assert not_a_facilitator.status_code == 422
    created = api(client, "/facilitator-credentials", admin_user, body)
    assert created.status_code == 201
    made = created.json()
    assert made["is_current"] and made["level"] == "fgc" and made["version"] == 1

    patched = client.patch(
        f"/api/v1/facilitator-credentials/{made['id']}",
        {"version": 1, "level": "conference"},
        content_type="application/json",
        **bearer(admin_user),
    )
    assert patched.status_code == 200 and patched.json()["level"] == "conference"
    stale = client.patch(
        f"/api/v1/facilitator-credentials/{made['id']}",
        {"version": 1, "level": "fgc"},
        content_type="application/json",
        **bearer(admin_user),
    )
    assert stale.status_code == 409

    end_path = f"/facilitator-credentials/{made['id']}/end"
    assert api(client, end_path, facilitator, {"version": 2, "reason": "No."}).status_code == 403
    no_reason = api(client, end_path, admin_user, {"version": 2, "reason": ""})
    assert no_reason.status_code == 422
    ended = api(client, end_path, admin_user, {"version": 2, "reason": "Withdrawn."})
    assert ended.status_code == 200
    assert ended.json()["ended_on"] == str(today) and not ended.json()["is_current"]

    mine = client.get("/api/v1/facilitator-credentials", **bearer(other_facilitator)).json()
    assert [c["id"] for c in mine["items"]] == [made["id"]]
    everyone = client.get("/api/v1/facilitator-credentials", **bearer(admin_user)).json()
    assert made["id"] in [c["id"] for c in everyone["items"]]
    unknown = client.get("/api/v1/facilitator-credentials?colour=red", **bearer(admin_user))
    assert unknown.status_code == 422
    missing = api(
        client, "/facilitator-credentials/999999/end", admin_user, {"version": 1, "reason": "x"}
    )
    assert missing.status_code == 404
