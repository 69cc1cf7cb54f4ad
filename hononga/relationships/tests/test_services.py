"""Relationship and consent rules: each refused with a field error, nothing half-saved."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from hononga.audit.models import Action, AuditEvent
from hononga.core.errors import ConflictError, NotFound, PracticeError
from hononga.factories import UserFactory
from hononga.relationships import services
from hononga.relationships.models import Consent, ConsentPurpose, Relationship, Support
from hononga.relationships.selectors import consent_current
from hononga.whanau.models import Person

pytestmark = pytest.mark.django_db


def create(actor, whanau, a, b, **fields):
    fields.setdefault("kind", "whanau")
    return services.relationship_create(
        actor=actor, whanau_id=whanau.pk, person_a=a, person_b=b, fields=fields
    )


def errors_of(excinfo):
    return excinfo.value.errors


def test_create_orders_the_pair_and_keeps_the_meaning_of_support(
    practitioner, whanau, person, child
):
    rel = create(practitioner, whanau, child.pk, person.pk, support="a_to_b")
    assert (rel.person_a_id, rel.person_b_id) == (person.pk, child.pk)
    assert rel.support == Support.B_TO_A  # still: Ariki supports Mere
    assert AuditEvent.objects.filter(action=Action.CREATE, target_id=str(rel.pk)).count() == 1
    assert rel.history.count() == 1


def test_no_relationship_with_oneself(practitioner, whanau, person):
    with pytest.raises(PracticeError) as excinfo:
        create(practitioner, whanau, person.pk, person.pk)
    assert "person_b" in errors_of(excinfo)
    assert not Relationship.objects.exists()


def test_no_two_active_of_the_same_kind(practitioner, whanau, person, child, relationship):
    with pytest.raises(PracticeError) as excinfo:
        create(practitioner, whanau, child.pk, person.pk)
    assert "kind" in errors_of(excinfo)
    # Another kind is fine, and so is the same kind once the first has ended.
    create(practitioner, whanau, child.pk, person.pk, kind="community")
    services.relationship_end(
        actor=practitioner, relationship_id=relationship.pk, expected_version=1
    )
    create(practitioner, whanau, child.pk, person.pk)
    assert Relationship.objects.count() == 3


def test_database_also_refuses_two_active_of_the_same_kind(relationship):
    with pytest.raises(IntegrityError), transaction.atomic():
        Relationship.objects.create(
            whanau=relationship.whanau,
            person_a=relationship.person_a,
            person_b=relationship.person_b,
            kind=relationship.kind,
        )


def test_ended_not_before_started(practitioner, whanau, person, child):
    today = timezone.localdate()
    with pytest.raises(PracticeError) as excinfo:
        create(practitioner, whanau, person.pk, child.pk, started=today, ended=today - timedelta(1))
    assert "ended" in errors_of(excinfo)
    assert not Relationship.objects.exists()


def test_people_must_be_visible(practitioner, whanau, person, stranger):
    with pytest.raises(PracticeError) as excinfo:
        create(practitioner, whanau, person.pk, stranger.pk)
    assert "person_b" in errors_of(excinfo)
    with pytest.raises(PracticeError) as excinfo:
        create(practitioner, whanau, person.pk, "not a number")
    assert "person_b" in errors_of(excinfo)


def test_bad_choices_are_field_errors(practitioner, whanau, person, child):
    with pytest.raises(PracticeError) as excinfo:
        create(practitioner, whanau, person.pk, child.pk, strength="huge", stress="x")
    assert set(errors_of(excinfo)) == {"strength", "stress"}


def test_practitioner_person_is_made_for_allocated_staff(practitioner, whanau, person):
    rel = create(practitioner, whanau, f"u{practitioner.pk}", person.pk, kind="professional")
    worker = Person.objects.get(user=practitioner)
    assert worker.kind == "practitioner"
    assert worker.pk in {rel.person_a_id, rel.person_b_id}


def test_staff_not_allocated_cannot_be_added(practitioner, whanau, person, practitioner2):
    with pytest.raises(PracticeError) as excinfo:
        create(practitioner, whanau, f"u{practitioner2.pk}", person.pk)
    assert "person_a" in errors_of(excinfo)
    assert not Person.objects.filter(user=practitioner2).exists()


def test_outsider_gets_not_found_and_readers_cannot_write(
    outsider, admin_user, facilitator, whanau, person, child
):
    with pytest.raises(NotFound):
        create(outsider, whanau, person.pk, child.pk)
    with pytest.raises(NotFound):
        create(admin_user, whanau, person.pk, child.pk)
    with pytest.raises(NotFound):
        create(facilitator, whanau, person.pk, child.pk)  # not allocated


def test_supervisor_of_the_team_may_write(supervisor, whanau, person, child):
    assert create(supervisor, whanau, person.pk, child.pk).pk


def test_update_with_stale_version_is_a_conflict(practitioner, relationship):
    services.relationship_update(
        actor=practitioner,
        relationship_id=relationship.pk,
        expected_version=1,
        changes={"stress": "high"},
    )
    with pytest.raises(ConflictError) as excinfo:
        services.relationship_update(
            actor=practitioner,
            relationship_id=relationship.pk,
            expected_version=1,
            changes={"strength": "tenuous"},
        )
    assert excinfo.value.current_version == 2
    relationship.refresh_from_db()
    assert (relationship.strength, relationship.stress, relationship.version) == (
        "strong",
        "high",
        2,
    )


def test_update_cannot_change_the_people(practitioner, relationship, stranger):
    with pytest.raises(PracticeError) as excinfo:
        services.relationship_update(
            actor=practitioner,
            relationship_id=relationship.pk,
            expected_version=1,
            changes={"person_b": stranger.pk},
        )
    assert "person_b" in errors_of(excinfo)


def test_end_keeps_the_relationship_and_its_history(practitioner, relationship):
    ended = services.relationship_end(
        actor=practitioner, relationship_id=relationship.pk, expected_version=1, reason="Moved"
    )
    assert ended.ended == timezone.localdate()
    assert Relationship.objects.filter(pk=relationship.pk).exists()
    assert relationship.history.count() == 2
    with pytest.raises(PracticeError):
        services.relationship_end(
            actor=practitioner, relationship_id=relationship.pk, expected_version=2
        )


def test_end_before_start_is_refused(practitioner, whanau, person, child):
    today = timezone.localdate()
    rel = create(practitioner, whanau, person.pk, child.pk, started=today)
    with pytest.raises(PracticeError) as excinfo:
        services.relationship_end(
            actor=practitioner,
            relationship_id=rel.pk,
            expected_version=1,
            ended=today - timedelta(days=3),
        )
    assert "ended" in errors_of(excinfo)
    rel.refresh_from_db()
    assert rel.ended is None and rel.version == 1


def test_consent_is_recorded_per_purpose_with_history(practitioner, person):
    services.consent_record(
        actor=practitioner, person_id=person.pk, purpose="check_ins", status="given"
    )
    assert consent_current(person, ConsentPurpose.CHECK_INS)
    assert not consent_current(person, ConsentPurpose.IMMUNISATION)
    services.consent_record(
        actor=practitioner, person_id=person.pk, purpose="check_ins", status="withdrawn"
    )
    assert not consent_current(person, ConsentPurpose.CHECK_INS)
    assert Consent.objects.filter(person=person).count() == 2


def test_immunisation_consent_satisfies_the_advisories_check(practitioner, person):
    from hononga.advisories.immunisation import consent_ok

    assert not consent_ok(person)
    services.consent_record(
        actor=practitioner, person_id=person.pk, purpose="immunisation", status="given"
    )
    assert consent_ok(person)


def test_consent_bad_input_and_access(practitioner, outsider, person):
    with pytest.raises(PracticeError) as excinfo:
        services.consent_record(
            actor=practitioner,
            person_id=person.pk,
            purpose="everything",
            status="maybe",
            day=timezone.localdate() + timedelta(days=1),
        )
    assert set(errors_of(excinfo)) == {"purpose", "status", "date"}
    with pytest.raises(NotFound):
        services.consent_record(
            actor=outsider, person_id=person.pk, purpose="check_ins", status="given"
        )
    reader = UserFactory(role="admin")
    with pytest.raises(NotFound):
        services.consent_record(
            actor=reader, person_id=person.pk, purpose="check_ins", status="given"
        )
    assert not Consent.objects.exists()
