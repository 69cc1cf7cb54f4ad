"""Asking for a correction, deciding it, and the statement of correction following its record."""

import pytest
from django.urls import reverse
from django.utils import timezone

from hononga.audit.models import AuditEvent
from hononga.checkins.tests.factories import relationship_between, staff_person
from hononga.core.errors import ConflictError, PracticeError
from hononga.messaging.models import Message
from hononga.privacy import services
from hononga.privacy.models import Correction, CorrectionStatus, RecordType
from hononga.privacy.working_days import add_working_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_rel(space_person, whanau, practitioner):
    return relationship_between(whanau, space_person, staff_person(practitioner))


def ask(space_client, record_type, record_id, **data):
    url = reverse("privacy:space_correct", args=[record_type, record_id])
    return space_client.post(url, data)


def test_asking_from_the_space_records_it_with_a_20_working_day_limit(
    space_client, space_person, own_rel, practitioner_client
):
    response = ask(
        space_client,
        RecordType.RELATIONSHIP,
        own_rel.pk,
        what_is_wrong="We have known each other since 2019, not 2023.",
        should_say="Since 2019.",
    )
    assert response.status_code == 302
    correction = Correction.objects.get()
    assert correction.person == space_person and correction.status == CorrectionStatus.OPEN
    assert correction.due_on == add_working_days(timezone.localtime(correction.asked_at).date(), 20)
    assert AuditEvent.objects.filter(target_type="correction", action="create").exists()
    # It reaches the practitioner: on their home page and the list.
    home = practitioner_client.get(reverse("home")).content.decode()
    assert "Correction requests to decide" in home
    listing = practitioner_client.get(reverse("privacy:corrections")).content.decode()
    assert "Mere" in listing


def test_an_empty_request_is_a_form_error_and_nothing_is_saved(space_client, own_rel):
    response = ask(space_client, RecordType.RELATIONSHIP, own_rel.pk, what_is_wrong="  ")
    assert response.status_code == 422
    assert "Tell us what is not right." in response.content.decode()
    assert not Correction.objects.exists()


def test_asking_twice_about_the_same_item_is_refused_while_open(space_client, own_rel):
    ask(space_client, RecordType.RELATIONSHIP, own_rel.pk, what_is_wrong="Wrong date")
    response = ask(space_client, RecordType.RELATIONSHIP, own_rel.pk, what_is_wrong="Again")
    assert response.status_code == 422
    assert "You have already asked" in response.content.decode()
    assert Correction.objects.count() == 1


def test_not_corrected_attaches_the_statement_everywhere_and_tells_the_person(
    space_client, space_person, own_rel, practitioner, practitioner_client, supervisor_client
):
    ask(space_client, RecordType.RELATIONSHIP, own_rel.pk, what_is_wrong="STRESS-IS-NOT-HIGH")
    correction = Correction.objects.get()
    url = reverse("privacy:correction", args=[correction.pk])
    # Bad input: a form error, nothing decided.
    response = practitioner_client.post(url, {"outcome": "not_corrected", "note": ""})
    assert response.status_code == 422
    correction.refresh_from_db()
    assert correction.is_open
    response = practitioner_client.post(
        url,
        {
            "outcome": "not_corrected",
            "note": "We saw the stress at our last visits.",
            "version": correction.version,
        },
    )
    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.NOT_CORRECTED
    assert "STRESS-IS-NOT-HIGH" in correction.statement
    # The person is told, without case detail.
    message = Message.objects.get(purpose="correction_decided")
    assert message.person == space_person and "STRESS" not in message.body_text
    # The statement is shown with the record: staff relationship page, the space.
    rel_page = practitioner_client.get(reverse("relationships:detail", args=[own_rel.pk]))
    assert "STRESS-IS-NOT-HIGH" in rel_page.content.decode()
    space = space_client.get(reverse("privacy:space_home")).content.decode()
    assert "Your statement of correction" in space and "STRESS-IS-NOT-HIGH" in space
    # Deciding again is refused: a conflict, nothing changed.
    with pytest.raises(ConflictError):
        services.correction_decide(
            actor=practitioner, correction_id=correction.pk, outcome="corrected", note="x"
        )


def test_corrected_records_what_changed(space_client, space_person, practitioner):
    ask(space_client, RecordType.PERSON, space_person.pk, what_is_wrong="My iwi is Ngāti Porou")
    correction = Correction.objects.get()
    services.correction_decide(
        actor=practitioner,
        correction_id=correction.pk,
        outcome=CorrectionStatus.CORRECTED,
        note="Iwi changed to Ngāti Porou.",
    )
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.CORRECTED and correction.statement == ""
    page = space_client.get(reverse("privacy:space_asked", args=[correction.pk])).content.decode()
    assert "Iwi changed to Ngāti Porou." in page


def test_only_the_whanau_staff_decide(space_client, own_rel, outsider, outsider_client, admin_user):
    ask(space_client, RecordType.RELATIONSHIP, own_rel.pk, what_is_wrong="Wrong")
    correction = Correction.objects.get()
    url = reverse("privacy:correction", args=[correction.pk])
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, {"outcome": "corrected", "note": "x"}).status_code == 404
    with pytest.raises(PracticeError):
        services.correction_decide(
            actor=admin_user, correction_id=correction.pk, outcome="corrected", note="x"
        )
    correction.refresh_from_db()
    assert correction.is_open


def test_a_person_cannot_read_someone_elses_request(space_client, own_rel, whanau):
    from hononga.factories import PersonFactory

    other = PersonFactory()
    theirs = Correction.objects.create(
        person=other,
        whanau=whanau,
        record_type="person",
        record_id=other.pk,
        what_is_wrong="x",
        due_on=add_working_days(own_rel.created_at.date(), 20),
    )
    assert space_client.get(reverse("privacy:space_asked", args=[theirs.pk])).status_code == 404


def test_corrections_list_is_bounded_in_queries(
    space_client, own_rel, practitioner_client, django_assert_max_num_queries
):
    ask(space_client, RecordType.RELATIONSHIP, own_rel.pk, what_is_wrong="Wrong")
    with django_assert_max_num_queries(20):
        response = practitioner_client.get(reverse("privacy:corrections"))
    assert response.status_code == 200


def test_staff_are_reminded_once_a_day_of_requests_due_soon(
    space_client, own_rel, practitioner, supervisor
):
    from django.core.management import call_command

    practitioner.email = "aroha@example.org"
    practitioner.save()
    supervisor.email = "supervisor@example.org"
    supervisor.save()
    ask(space_client, RecordType.RELATIONSHIP, own_rel.pk, what_is_wrong="Wrong")
    correction = Correction.objects.get()
    # Not yet: due in 20 working days.
    assert services.corrections_remind() == 0
    Correction.objects.update(due_on=timezone.localdate())
    call_command("privacy", "remind")
    reminders = Message.objects.filter(purpose="correction_reminder")
    assert {m.to for m in reminders} == {"aroha@example.org", "supervisor@example.org"}
    assert f"/corrections/{correction.pk}/" in reminders[0].body_text
    assert "Wrong" not in reminders[0].body_text  # no case detail
    assert services.corrections_remind() == 0  # once a day


def _pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_statement_on_an_agreement_item_follows_it_into_every_copy_of_the_pdf(
    space_client, space_person, process, practitioner, practitioner_client
):
    from hononga.restorative.models import ParticipantRole, State
    from hononga.restorative.tests.conftest import walk_to

    process = walk_to(process, State.MONITORING)
    item = process.agreement_items.get()
    ask(
        space_client,
        RecordType.AGREEMENT_ITEM,
        item.pk,
        what_is_wrong="ITEM-WAS-AGREED-FOR-MAY",
        should_say="By the end of May.",
    )
    correction = Correction.objects.get()
    services.correction_decide(
        actor=practitioner,
        correction_id=correction.pk,
        outcome=CorrectionStatus.NOT_CORRECTED,
        note="The conference agreed on thirty days.",
    )
    mine = process.participants.get(person=space_person)
    response = space_client.get(reverse("privacy:space_agreement_pdf", args=[mine.pk]))
    text = _pdf_text(response.content)
    assert "Statement of correction from Mere Kōwhai" in text
    assert "ITEM-WAS-AGREED-FOR-MAY" in text and "By the end of May." in text
    # Everyone's copy carries it (it is attached to the item), and so does the process page.
    theirs = process.participants.get(role=ParticipantRole.RESPONSIBLE)
    staff_copy = practitioner_client.get(
        reverse("restorative:agreement_pdf", args=[process.pk]), {"participant": theirs.pk}
    )
    assert "ITEM-WAS-AGREED-FOR-MAY" in _pdf_text(staff_copy.content)
    page = practitioner_client.get(reverse("restorative:process", args=[process.pk]))
    assert "ITEM-WAS-AGREED-FOR-MAY" in page.content.decode()
    # A request still open, or one that was corrected, adds nothing to the PDF.
    other = Correction.objects.create(
        person=space_person,
        whanau=correction.whanau,
        record_type=RecordType.AGREEMENT_ITEM,
        record_id=item.pk,
        what_is_wrong="STILL-OPEN-REQUEST",
        due_on=timezone.localdate(),
    )
    assert other.is_open
    text = _pdf_text(
        space_client.get(reverse("privacy:space_agreement_pdf", args=[mine.pk])).content
    )
    assert "STILL-OPEN-REQUEST" not in text


def test_her_copy_of_the_agreement_in_te_reo_maori(space_client, space_person, process):
    from django.conf import settings as django_settings

    from hononga.restorative.models import State
    from hononga.restorative.tests.conftest import walk_to

    process = walk_to(process, State.MONITORING)
    mine = process.participants.get(person=space_person)
    space_client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "mi"
    text = _pdf_text(
        space_client.get(reverse("privacy:space_agreement_pdf", args=[mine.pk])).content
    )
    assert "Tā mātou whakaaetanga" in text and "Mō: Mere Kōwhai" in text
    for english in ("Who does it", "will keep in touch", "Nothing has been agreed"):
        assert english not in text, english
