from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hononga.audit.models import Action, AuditEvent
from hononga.contacts import hooks, services
from hononga.contacts.models import Contact, DecisionsWith, Mode, Quadrant
from hononga.contacts.tests.factories import relationship_between, staff_person
from hononga.core.errors import ConflictError, NotFound, PracticeError
from hononga.factories import earlier_today


def fields(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "occurred_at": earlier_today(hours=2),
        "mode": Mode.HOME_VISIT,
        "purpose": "Talk about the school transition",
        "note": "Met at the kitchen table.",
        "own_words": "Ariki: I want to go to the big school with my cousins.",
        "decisions_with": DecisionsWith.YES,
        "support": 8,
        "control": 6,
    }
    values.update(overrides)
    return values


def create(actor, whanau, people, **kwargs):
    return services.contact_create(
        actor=actor,
        whanau_id=whanau.pk,
        fields=kwargs.pop("fields", fields()),
        participant_ids=[p.pk for p in people],
        **kwargs,
    )


def test_it_records_a_contact_with_history_and_audit(practitioner, whanau, person, child):
    contact = create(practitioner, whanau, [person, child])
    assert contact.quadrant == Quadrant.WITH
    assert contact.practitioner == practitioner
    assert set(contact.participants.all()) == {person, child}
    assert contact.history.count() == 1  # one row, with the people in it
    row = contact.history.get()
    assert row.history_user == practitioner and row.history_type == "+"
    assert {p.person_id for p in row.participants.all()} == {person.pk, child.pk}
    event = AuditEvent.objects.get(action=Action.CREATE, target_type="contact")
    assert event.whanau_id == whanau.pk and event.target_id == str(contact.pk)


def test_it_records_the_relationships_touched(practitioner, whanau, person, child):
    relationship = relationship_between(whanau, person, child)
    contact = create(practitioner, whanau, [person], relationship_ids=[relationship.pk])
    assert list(contact.relationships.all()) == [relationship]


def test_it_calls_the_hooks_before_and_after_saving(recorded_hooks, practitioner, whanau, person):
    seen_rows: list[int] = []
    recorded_hooks_before = hooks.BEFORE_SAVE[-1]

    def counting_before(**kwargs: Any) -> None:
        seen_rows.append(Contact.objects.count())

    hooks.BEFORE_SAVE.append(counting_before)
    try:
        contact = create(practitioner, whanau, [person], screening_id=42, urgent_reason=" pēpi ")
    finally:
        hooks.BEFORE_SAVE.remove(counting_before)
    assert seen_rows == [0]  # nothing written yet when the gate runs
    assert [name for name, _ in recorded_hooks] == ["before", "after"]
    before, after = recorded_hooks[0][1], recorded_hooks[1][1]
    assert before["actor"] == practitioner and before["whanau"] == whanau
    assert before["screening_id"] == 42 and before["urgent_reason"] == "pēpi"
    assert before["fields"]["mode"] == Mode.HOME_VISIT and "occurred_at" in before["fields"]
    assert before["fields"]["participant_ids"] == [person.pk]
    assert after == {
        "actor": practitioner,
        "contact": contact,
        "screening_id": 42,
        "urgent_reason": "pēpi",
    }
    assert recorded_hooks_before in hooks.BEFORE_SAVE


def test_a_hook_that_refuses_leaves_nothing_saved(practitioner, whanau, person):
    def gate(**kwargs: Any) -> None:
        raise PracticeError("Screen first.", errors={"screening": ["Screen first."]})

    hooks.BEFORE_SAVE.append(gate)
    try:
        with pytest.raises(PracticeError) as caught:
            create(practitioner, whanau, [person])
    finally:
        hooks.BEFORE_SAVE.remove(gate)
    assert caught.value.errors == {"screening": ["Screen first."]}
    assert Contact.objects.count() == 0


def test_an_after_hook_failure_rolls_everything_back(practitioner, whanau, person):
    def broken(**kwargs: Any) -> None:
        raise PracticeError("The screening could not be linked.")

    hooks.AFTER_SAVE.append(broken)
    try:
        with pytest.raises(PracticeError):
            create(practitioner, whanau, [person])
    finally:
        hooks.AFTER_SAVE.remove(broken)
    assert Contact.objects.count() == 0
    assert not AuditEvent.objects.filter(target_type="contact").exists()


# --- Bad input -------------------------------------------------------------------------------


def assert_nothing_saved() -> None:
    assert Contact.objects.count() == 0
    assert Contact.participants.through.objects.count() == 0
    assert not AuditEvent.objects.filter(target_type="contact").exists()


def test_it_refuses_a_contact_in_the_future(practitioner, whanau, person):
    with pytest.raises(PracticeError) as caught:
        create(
            practitioner,
            whanau,
            [person],
            fields=fields(occurred_at=timezone.now() + timedelta(days=1)),
        )
    assert "cannot be in the future" in caught.value.errors["occurred_at"][0]
    assert_nothing_saved()


def test_it_refuses_participants_from_outside_the_whanau(practitioner, whanau, person, stranger):
    with pytest.raises(PracticeError) as caught:
        create(practitioner, whanau, [person, stranger])
    assert caught.value.errors["participants"] == [
        "One of the people chosen is not a member of this whānau: choose people from this whānau."
    ]
    assert_nothing_saved()


def test_it_refuses_a_relationship_from_another_whanau(practitioner, whanau, person, stranger):
    other_whanau = stranger.memberships.get().whanau
    other = relationship_between(other_whanau, stranger, staff_person(practitioner))
    with pytest.raises(PracticeError) as caught:
        create(practitioner, whanau, [person], relationship_ids=[other.pk])
    assert "relationships" in caught.value.errors
    assert_nothing_saved()


@pytest.mark.parametrize(
    ("support", "control", "field"), [(11, 5, "support"), (-1, 5, "support"), (5, 12, "control")]
)
def test_it_refuses_ratings_out_of_range(practitioner, whanau, person, support, control, field):
    with pytest.raises(PracticeError) as caught:
        create(practitioner, whanau, [person], fields=fields(support=support, control=control))
    assert "from 0 to 10" in caught.value.errors[field][0]
    assert_nothing_saved()


def test_an_empty_record_gets_a_message_for_every_field(practitioner, whanau):
    empty = {
        "occurred_at": None,
        "mode": "",
        "purpose": "",
        "decisions_with": "",
        "support": None,
        "control": None,
    }
    with pytest.raises(PracticeError) as caught:
        services.contact_create(
            actor=practitioner, whanau_id=whanau.pk, fields=empty, participant_ids=[]
        )
    assert set(caught.value.errors) >= {
        "occurred_at",
        "mode",
        "purpose",
        "decisions_with",
        "support",
        "control",
        "participants",
    }
    assert "things need correcting" in caught.value.message
    assert_nothing_saved()


def test_a_whanau_the_user_cannot_see_is_not_found(outsider, whanau, person):
    with pytest.raises(NotFound):
        create(outsider, whanau, [person])
    assert_nothing_saved()


def test_an_administrator_cannot_record_contacts(admin_user, whanau, person):
    with pytest.raises(PermissionDenied):
        create(admin_user, whanau, [person])
    assert_nothing_saved()


def test_a_supervisor_records_their_own_contact(supervisor, whanau, person):
    contact = create(supervisor, whanau, [person])
    assert contact.practitioner == supervisor


# --- Changes and archiving ----------------------------------------------------------------------


def test_it_changes_a_contact_and_rederives_the_quadrant(practitioner, whanau, person, child):
    contact = create(practitioner, whanau, [person])
    changed = services.contact_update(
        actor=practitioner,
        contact_id=contact.pk,
        expected_version=1,
        changes={"support": 2, "control": 9},
        participant_ids=[person.pk, child.pk],
    )
    assert changed.version == 2 and changed.quadrant == Quadrant.TO
    assert set(changed.participants.all()) == {person, child}
    assert changed.history.count() == 2
    latest = changed.history.order_by("-history_id").first()
    assert latest.history_user == practitioner and latest.history_type == "~"
    assert {p.person_id for p in latest.participants.all()} == {person.pk, child.pk}
    event = AuditEvent.objects.get(action=Action.UPDATE, target_type="contact")
    assert event.data["changes"]["support"] == [8, 2]
    assert event.data["changes"]["participants"] == [[person.pk], sorted([person.pk, child.pk])]


def test_a_stale_change_is_refused_with_both_versions(practitioner, whanau, person):
    contact = create(practitioner, whanau, [person])
    services.contact_update(
        actor=practitioner, contact_id=contact.pk, expected_version=1, changes={"support": 9}
    )
    with pytest.raises(ConflictError) as caught:
        services.contact_update(
            actor=practitioner, contact_id=contact.pk, expected_version=1, changes={"support": 1}
        )
    assert caught.value.current_version == 2
    assert "version 1" in caught.value.message and "version 2" in caught.value.message
    contact.refresh_from_db()
    assert contact.support == 9


def test_a_bad_change_leaves_the_contact_as_it_was(practitioner, whanau, person, stranger):
    contact = create(practitioner, whanau, [person])
    with pytest.raises(PracticeError):
        services.contact_update(
            actor=practitioner,
            contact_id=contact.pk,
            expected_version=1,
            changes={"support": 1},
            participant_ids=[stranger.pk],
        )
    contact.refresh_from_db()
    assert contact.support == 8 and contact.version == 1
    assert list(contact.participants.all()) == [person]


def test_only_the_recorder_changes_a_contact(practitioner, supervisor, whanau, person):
    contact = create(practitioner, whanau, [person])
    with pytest.raises(PermissionDenied):
        services.contact_update(
            actor=supervisor, contact_id=contact.pk, expected_version=1, changes={"support": 1}
        )


def test_it_archives_with_a_reason(practitioner, supervisor, whanau, person):
    contact = create(practitioner, whanau, [person])
    with pytest.raises(PracticeError):
        services.contact_archive(
            actor=supervisor, contact_id=contact.pk, expected_version=1, reason=" "
        )
    archived = services.contact_archive(
        actor=supervisor, contact_id=contact.pk, expected_version=1, reason="Wrong whānau"
    )
    assert archived.archived_at is not None and archived.version == 2
    assert AuditEvent.objects.filter(action=Action.ARCHIVE, reason="Wrong whānau").exists()
    with pytest.raises(PracticeError):
        services.contact_update(
            actor=practitioner, contact_id=contact.pk, expected_version=2, changes={"support": 1}
        )


def test_an_outsider_cannot_change_or_archive(practitioner, outsider, whanau, person):
    contact = create(practitioner, whanau, [person])
    with pytest.raises(NotFound):
        services.contact_update(
            actor=outsider, contact_id=contact.pk, expected_version=1, changes={"support": 1}
        )
    with pytest.raises(NotFound):
        services.contact_archive(
            actor=outsider, contact_id=contact.pk, expected_version=1, reason="x"
        )
