"""A whānau member sees exactly what the rules allow, and nothing about other people beyond what
their own copy of an agreement names: every record type probed."""

import pytest
from django.urls import reverse

from hononga.checkins.models import Perspective
from hononga.checkins.tests.factories import checkin, relationship_between, staff_person
from hononga.contacts.tests.factories import make_contact
from hononga.privacy import services
from hononga.privacy.models import RecordType
from hononga.relationships.models import RelationshipKind
from hononga.restorative.models import ParticipantRole, State
from hononga.restorative.tests.conftest import walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(space_person, whanau, practitioner, child, aunt, process):
    """Mere's records, and other people's around them, each with a marker to look for."""
    worker = staff_person(practitioner)
    own_rel = relationship_between(whanau, space_person, worker, notes="NOTE-ON-MERE-REL")
    others_rel = relationship_between(
        whanau, child, aunt, kind=RelationshipKind.WHANAU, notes="NOTE-ON-OTHERS-REL"
    )
    child_rel = relationship_between(whanau, child, worker)
    own = checkin(own_rel, space_person, comment="MERE-OWN-ANSWER")
    mirror = checkin(
        own_rel,
        worker,
        perspective=Perspective.MIRROR,
        comment="MIRROR-ABOUT-MERE",
        recorded_by=practitioner,
    )
    childs = checkin(child_rel, child, comment="ARIKI-OWN-ANSWER")
    contact = make_contact(
        whanau=whanau,
        practitioner=practitioner,
        participants=[space_person, child],
        note="CONTACT-NOTE",
        own_words="CONTACT-OWN-WORDS",
    )
    child.date_of_birth = child.date_of_birth.replace(day=4)
    child.phone = "0270000001"
    child.save()
    process = walk_to(process, State.MONITORING)
    return {
        "own_rel": own_rel,
        "others_rel": others_rel,
        "child_rel": child_rel,
        "own": own,
        "mirror": mirror,
        "childs": childs,
        "contact": contact,
        "process": process,
    }


def test_home_shows_own_records_and_nothing_private_about_others(
    records, space_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(25):
        page = space_client.get(reverse("privacy:space_home")).content.decode()
    # Own: details, the relationship with their worker, the agreement and its items.
    assert "mere@example.org" in page
    assert "You and Aroha" in page
    assert "Pay for the repair of the car" in page
    assert "Aroha" in page  # their practitioner
    # Never: practitioners' notes, contact notes, other people's relationships or details,
    # safety assessments, what people said at the conference, the harm's description.
    for secret in (
        "NOTE-ON-MERE-REL",
        "NOTE-ON-OTHERS-REL",
        "CONTACT-NOTE",
        "CONTACT-OWN-WORDS",
        "0270000001",
        "2011",
        "Both are ready to meet.",
        "kōrero about",
        "took Mere",
        "You and Hine",
    ):
        assert secret not in page, secret


def test_checkins_page_shows_only_their_own_answers(records, space_client):
    page = space_client.get(reverse("privacy:space_checkins")).content.decode()
    assert "MERE-OWN-ANSWER" in page
    assert "MIRROR-ABOUT-MERE" not in page
    assert "ARIKI-OWN-ANSWER" not in page


def test_correction_form_for_anything_not_theirs_is_404(records, space_client, space_person):
    probes = [
        (RecordType.CHECKIN, records["mirror"].pk),
        (RecordType.CHECKIN, records["childs"].pk),
        (RecordType.RELATIONSHIP, records["others_rel"].pk),
        (RecordType.RELATIONSHIP, records["child_rel"].pk),
        (RecordType.PERSON, records["childs"].rater_id),
        (RecordType.CONTACT, records["contact"].pk),
        ("harm", 1),
        (RecordType.CHECKIN, 999999),
    ]
    for record_type, record_id in probes:
        url = reverse("privacy:space_correct", args=[record_type, record_id])
        assert space_client.get(url).status_code == 404, (record_type, record_id)
    # Their own are fine.
    for record_type, record_id in [
        (RecordType.CHECKIN, records["own"].pk),
        (RecordType.RELATIONSHIP, records["own_rel"].pk),
        (RecordType.PERSON, space_person.pk),
    ]:
        url = reverse("privacy:space_correct", args=[record_type, record_id])
        assert space_client.get(url).status_code == 200


def test_their_own_copy_of_the_agreement_and_no_one_elses(records, space_client, space_person):
    process = records["process"]
    mine = process.participants.get(person=space_person)
    theirs = process.participants.get(role=ParticipantRole.RESPONSIBLE)
    response = space_client.get(reverse("privacy:space_agreement_pdf", args=[mine.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    other = space_client.get(reverse("privacy:space_agreement_pdf", args=[theirs.pk]))
    assert other.status_code == 404


def test_a_record_marked_not_for_sharing_disappears_and_is_404(
    records, space_client, space_person, practitioner
):
    services.withhold(
        actor=practitioner,
        person=space_person,
        record_type=RecordType.RELATIONSHIP,
        record_id=records["own_rel"].pk,
        reason="Under review with the supervisor.",
    )
    page = space_client.get(reverse("privacy:space_home")).content.decode()
    assert "You and Aroha" not in page
    url = reverse("privacy:space_correct", args=[RecordType.RELATIONSHIP, records["own_rel"].pk])
    assert space_client.get(url).status_code == 404


def test_practitioner_preview_shows_what_they_see_and_can_withhold(
    records, space_person, practitioner_client, outsider_client
):
    url = reverse("privacy:space_preview", args=[space_person.pk])
    assert outsider_client.get(url).status_code == 404
    page = practitioner_client.get(url).content.decode()
    assert "Pay for the repair of the car" in page
    response = practitioner_client.post(
        reverse("privacy:withhold", args=[space_person.pk]),
        {"record_type": RecordType.RELATIONSHIP, "record_id": records["own_rel"].pk, "reason": ""},
    )
    assert response.status_code == 302  # refused with a message: a reason is needed
    from hononga.privacy.models import Withholding

    assert not Withholding.objects.exists()


def test_a_whole_process_marked_not_for_sharing_leaves_the_space_with_its_copy_and_meetings(
    records, space_client, space_person, practitioner_client, practitioner
):
    from hononga.privacy.models import Withholding

    process = records["process"]
    mine = process.participants.get(person=space_person)
    preview = reverse("privacy:space_preview", args=[space_person.pk])
    page = practitioner_client.get(preview).content.decode()
    assert "Mark the whole process not for sharing" in page
    response = practitioner_client.post(
        reverse("privacy:withhold", args=[space_person.pk]),
        {
            "record_type": RecordType.PROCESS,
            "record_id": process.pk,
            "reason": "Safety: the responsible person is still in the house.",
        },
        follow=True,
    )
    assert "Marked not for sharing." in response.content.decode()
    page = response.content.decode()
    assert f"A restorative process #{process.pk}" in page
    assert "Mark the whole process not for sharing" not in page
    home = space_client.get(reverse("privacy:space_home")).content.decode()
    assert "Pay for the repair of the car" not in home
    assert "You are not part of an agreement." in home
    pdf = space_client.get(reverse("privacy:space_agreement_pdf", args=[mine.pk]))
    assert pdf.status_code == 404
    # Shared again: all of it is back.
    row = Withholding.objects.get(record_type=RecordType.PROCESS)
    practitioner_client.post(reverse("privacy:share_again", args=[row.pk]))
    assert (
        "Pay for the repair of the car"
        in space_client.get(reverse("privacy:space_home")).content.decode()
    )
    assert (
        space_client.get(reverse("privacy:space_agreement_pdf", args=[mine.pk])).status_code == 200
    )


def test_a_process_being_arranged_and_not_for_sharing_is_not_coming_up(
    space_person, space_client, practitioner, process
):
    from datetime import timedelta

    from django.utils import timezone

    process = walk_to(process, State.PREPARING)
    mine = process.participants.get(person=space_person)
    mine.invited_on = timezone.localdate()
    mine.save(update_fields=["invited_on"])
    process.conference_planned_on = timezone.localdate() + timedelta(days=5)
    process.save(update_fields=["conference_planned_on"])
    kind = process.get_kind_display()
    assert f"{kind}, with you" in space_client.get(reverse("privacy:space_home")).content.decode()
    services.withhold(
        actor=practitioner,
        person=space_person,
        record_type=RecordType.PROCESS,
        record_id=process.pk,
        reason="Not yet told about the conference.",
    )
    assert (
        f"{kind}, with you" not in space_client.get(reverse("privacy:space_home")).content.decode()
    )


@pytest.mark.parametrize("record_id", ["", "x", "0", "-3", str(2**63), "9" * 40])
def test_marking_a_record_with_a_bad_id_is_404_and_writes_nothing(
    record_id, space_person, practitioner_client
):
    from hononga.privacy.models import Withholding

    response = practitioner_client.post(
        reverse("privacy:withhold", args=[space_person.pk]),
        {"record_type": RecordType.PROCESS, "record_id": record_id, "reason": "A reason."},
    )
    assert response.status_code == 404
    assert not Withholding.objects.exists()
