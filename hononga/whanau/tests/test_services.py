import pytest

from hononga.audit.models import Action, AuditEvent
from hononga.core.errors import ConflictError, NotFound, PracticeError
from hononga.whanau import services
from hononga.whanau.models import Allocation, Membership, Person, Whanau


def test_creating_a_whanau_allocates_the_practitioner_and_audits(practitioner, team_north):
    whanau = services.whanau_create(actor=practitioner, name="Tūī whānau", team=team_north)
    assert whanau.region == team_north.region
    assert Allocation.objects.current().filter(whanau=whanau, user=practitioner).exists()
    event = AuditEvent.objects.get(action=Action.CREATE, whanau_id=whanau.pk)
    assert event.actor_username == "practitioner"


def test_a_whanau_can_only_be_created_in_your_own_team(practitioner, team_south):
    with pytest.raises(PracticeError) as error:
        services.whanau_create(actor=practitioner, name="Tūī whānau", team=team_south)
    assert "team" in error.value.errors
    assert not Whanau.objects.exists()


def test_an_admin_cannot_create_case_records(admin_user, team_north):
    admin_user.teams.add(team_north)
    with pytest.raises(PracticeError):
        services.whanau_create(actor=admin_user, name="Tūī whānau", team=team_north)


def test_an_update_keeps_history_and_bumps_the_version(whanau, practitioner):
    updated = services.whanau_update(
        actor=practitioner,
        whanau_id=whanau.pk,
        expected_version=1,
        changes={"name": "Kōwhai-Rimu whānau"},
    )
    assert updated.version == 2
    history = list(updated.history.order_by("history_date"))
    assert [h.name for h in history][-2:] == ["Kōwhai whānau", "Kōwhai-Rimu whānau"]
    assert history[-1].history_user == practitioner
    event = AuditEvent.objects.get(action=Action.UPDATE, whanau_id=whanau.pk)
    assert event.data["changes"]["name"] == ["Kōwhai whānau", "Kōwhai-Rimu whānau"]


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(whanau, practitioner, supervisor):
    services.whanau_update(
        actor=supervisor,
        whanau_id=whanau.pk,
        expected_version=1,
        changes={"summary": "Supervisor's note"},
    )
    with pytest.raises(ConflictError) as error:
        services.whanau_update(
            actor=practitioner,
            whanau_id=whanau.pk,
            expected_version=1,
            changes={"summary": "Practitioner's note"},
        )
    assert error.value.current["summary"] == "Supervisor's note"
    assert error.value.current_version == 2
    whanau.refresh_from_db()
    assert whanau.summary == "Supervisor's note"


def test_an_outsider_cannot_change_a_whanau_and_learns_nothing(whanau, outsider):
    with pytest.raises(NotFound):
        services.whanau_update(
            actor=outsider, whanau_id=whanau.pk, expected_version=1, changes={"name": "Hacked"}
        )
    with pytest.raises(NotFound):
        services.whanau_update(
            actor=outsider, whanau_id=987654, expected_version=1, changes={"name": "Hacked"}
        )
    whanau.refresh_from_db()
    assert whanau.name == "Kōwhai whānau"


def test_a_break_glass_viewer_cannot_change_anything(whanau, admin_user):
    services.break_glass(
        actor=admin_user,
        whanau_id=whanau.pk,
        reason="Checking a complaint about this whānau's file",
    )
    with pytest.raises(PracticeError):
        services.whanau_update(
            actor=admin_user, whanau_id=whanau.pk, expected_version=1, changes={"name": "Changed"}
        )


def test_invalid_fields_give_field_messages_and_write_nothing(whanau, practitioner):
    with pytest.raises(PracticeError) as error:
        services.whanau_update(
            actor=practitioner, whanau_id=whanau.pk, expected_version=1, changes={"name": "x" * 201}
        )
    assert "name" in error.value.errors
    with pytest.raises(PracticeError):
        services.whanau_update(
            actor=practitioner,
            whanau_id=whanau.pk,
            expected_version=1,
            changes={"archived_at": None},
        )
    whanau.refresh_from_db()
    assert whanau.version == 1


def test_archiving_needs_a_reason_and_keeps_the_record(whanau, practitioner):
    with pytest.raises(PracticeError):
        services.whanau_archive(
            actor=practitioner, whanau_id=whanau.pk, expected_version=1, reason="  "
        )
    services.whanau_archive(
        actor=practitioner,
        whanau_id=whanau.pk,
        expected_version=1,
        reason="Whānau moved out of the region",
    )
    whanau.refresh_from_db()
    assert whanau.archived_at is not None
    assert AuditEvent.objects.filter(action=Action.ARCHIVE, whanau_id=whanau.pk).exists()


def test_creating_a_person_makes_them_a_member(whanau, practitioner):
    person = services.person_create(
        actor=practitioner,
        whanau=whanau,
        fields={
            "preferred_name": "Ātaahua",
            "other_names": "Kōwhai",
            "kind": "tamariki",
            "phone": "021 555 0101",
        },
        membership_role="pōtiki",
    )
    assert Membership.objects.get(person=person).role == "pōtiki"
    assert person.search_key == "ataahua kowhai"
    assert person.phone == "0215550101"


def test_a_bad_person_is_not_half_written(whanau, practitioner):
    with pytest.raises(PracticeError) as error:
        services.person_create(
            actor=practitioner, whanau=whanau, fields={"preferred_name": "", "kind": "dragon"}
        )
    assert {"preferred_name", "kind"} <= set(error.value.errors)
    assert not Person.objects.exists()
    assert not Membership.objects.exists()


def test_a_person_cannot_join_the_same_whanau_twice(whanau, person, practitioner):
    with pytest.raises(PracticeError):
        services.membership_create(actor=practitioner, whanau=whanau, person=person)


def test_allocations_need_admin_or_the_teams_supervisor(
    whanau, practitioner, outsider, supervisor, supervisor_south
):
    from django.utils import timezone

    today = timezone.localdate()
    with pytest.raises(PracticeError):
        services.allocation_create(actor=practitioner, whanau=whanau, user=outsider, started=today)
    with pytest.raises(PracticeError):
        services.allocation_create(
            actor=supervisor_south, whanau=whanau, user=outsider, started=today
        )
    services.allocation_create(actor=supervisor, whanau=whanau, user=outsider, started=today)
    with pytest.raises(PracticeError):  # overlapping
        services.allocation_create(actor=supervisor, whanau=whanau, user=outsider, started=today)


def test_break_glass_needs_a_real_reason_and_is_audited(whanau, outsider):
    with pytest.raises(PracticeError) as error:
        services.break_glass(actor=outsider, whanau_id=whanau.pk, reason="because")
    assert "reason" in error.value.errors
    services.break_glass(
        actor=outsider, whanau_id=whanau.pk, reason="Duty cover: school rang about Ātaahua"
    )
    event = AuditEvent.objects.get(action=Action.BREAK_GLASS)
    assert event.whanau_id == whanau.pk
    assert "Ātaahua" in event.reason


def test_a_name_that_lengthens_when_folded_is_still_saved(practitioner, team_north):
    # "ﷺ" folds to 18 letters: the search key must not overflow its column (PostgreSQL).
    whanau = services.whanau_create(actor=practitioner, name="ﷺ" * 150, team=team_north)
    whanau.refresh_from_db()
    assert whanau.name == "ﷺ" * 150
    assert len(whanau.search_key) <= 200
