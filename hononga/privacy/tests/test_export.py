"""Subject access exports: a privacy officer's permission, audited and shown to supervisors;
complete, other people withheld, statements of correction included, files on shared storage that
expire."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from hononga.accounts.models import Role
from hononga.audit.models import AuditEvent
from hononga.checkins.tests.factories import checkin, relationship_between, staff_person
from hononga.conftest import client_for
from hononga.contacts.tests.factories import make_contact
from hononga.core.errors import PracticeError
from hononga.factories import UserFactory
from hononga.privacy import services
from hononga.privacy.export import export_dir
from hononga.privacy.models import Correction, CorrectionStatus, ExportStatus, SubjectAccessRequest
from hononga.privacy.working_days import add_working_days
from hononga.tasks.runner import Worker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shared(settings, tmp_path):
    settings.SHARED_STORAGE_DIR = tmp_path / "shared"
    return settings.SHARED_STORAGE_DIR


@pytest.fixture
def officer(db):
    user = UserFactory(username="ngaire", preferred_name="Ngaire", role=Role.ADMIN)
    user.user_permissions.add(Permission.objects.get(codename="privacy_officer"))
    return user


@pytest.fixture
def held(person, whanau, practitioner, child):
    worker = staff_person(practitioner)
    rel = relationship_between(whanau, person, worker, notes="NOTE-ON-REL")
    checkin(rel, person, comment="MERE-ANSWER")
    make_contact(
        whanau=whanau, practitioner=practitioner, participants=[person, child], note="VISIT-NOTE"
    )
    Correction.objects.create(
        person=person,
        whanau=whanau,
        record_type="relationship",
        record_id=rel.pk,
        what_is_wrong="STATEMENT-WORDS",
        due_on=timezone.localdate(),
        status=CorrectionStatus.NOT_CORRECTED,
        statement="STATEMENT-WORDS",
        decided_at=timezone.now(),
    )
    return rel


def test_only_a_privacy_officer_may_export_not_an_administrator(person, admin_user, officer):
    with pytest.raises(PracticeError, match="privacy officer"):
        services.export_request(actor=admin_user, reason="asked", person_id=person.pk)
    assert client_for(admin_user).get(reverse("privacy:exports")).status_code == 404
    assert client_for(officer).get(reverse("privacy:exports")).status_code == 200


def test_export_is_complete_withholds_others_and_is_audited(
    person, child, held, officer, supervisor_client, practitioner_client, whanau, shared
):
    assert practitioner_client.get(reverse("whanau:person", args=[person.pk])).status_code == 200
    client = client_for(officer)
    url = reverse("privacy:export_new") + f"?person={person.pk}"
    response = client.post(
        url,
        {
            "kind": "person",
            "subject_id": person.pk,
            "reason": "",
            "received_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 422 and not SubjectAccessRequest.objects.exists()
    response = client.post(
        url,
        {
            "kind": "person",
            "subject_id": person.pk,
            "reason": "Mere asked at the office, 2 March, in writing.",
            "received_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    sar = SubjectAccessRequest.objects.get()
    assert sar.due_on == add_working_days(timezone.localdate(), 20)
    assert sar.status == ExportStatus.QUEUED
    # Audited against the whānau, and shown to its supervisor like break glass.
    event = AuditEvent.objects.get(action="export", target_type="subjectaccessrequest")
    assert event.whanau_id == whanau.pk and event.data["privacy_officer"] is True
    page = supervisor_client.get(reverse("whanau:detail", args=[whanau.pk])).content.decode()
    assert "Subject access exports" in page and "Mere asked at the office" in page

    Worker().run_pending()
    sar.refresh_from_db()
    assert sar.status == ExportStatus.READY and sar.progress == sar.total > 0
    folder = export_dir(sar)
    assert folder.parent.parent == shared  # shared storage, not a host's disk
    data = json.loads((folder / "export.json").read_text())
    records = data["subjects"][0]["records"]
    text = json.dumps(data, ensure_ascii=False)
    assert records["details"][0]["preferred_name"] == "Mere"
    assert records["checkins"][0]["comment"] == "MERE-ANSWER"
    assert records["contacts"][0]["note"] == "VISIT-NOTE" and records["contacts"][0]["review"]
    assert records["relationships"][0]["corrections"][0]["statement"] == "STATEMENT-WORDS"
    assert "Ariki" not in text and "withheld: another person" in text
    viewed = [e for e in records["audit"] if e["who"] == "practitioner" and e["action"] == "view"]
    assert viewed  # who viewed the record
    assert (folder / "export.pdf").read_bytes().startswith(b"%PDF")

    response = client.get(reverse("privacy:export_download", args=[sar.pk, "json"]))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(
        summary__contains="downloaded a subject access export"
    ).exists()


def test_an_expired_export_cannot_be_downloaded(person, officer):
    sar = services.export_request(actor=officer, reason="asked", person_id=person.pk)
    Worker().run_pending()
    SubjectAccessRequest.objects.filter(pk=sar.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = client_for(officer).get(reverse("privacy:export_download", args=[sar.pk, "pdf"]))
    assert response.status_code == 410


def test_a_whole_whanau_export(person, child, whanau, officer):
    sar = services.export_request(actor=officer, reason="The whānau asked", whanau_id=whanau.pk)
    Worker().run_pending()
    sar.refresh_from_db()
    data = json.loads((export_dir(sar) / "export.json").read_text())
    assert data["subjects"][0]["whanau"]["name"] == whanau.name
    names = {s["records"]["details"][0]["preferred_name"] for s in data["subjects"][1:]}
    assert names == {"Mere", "Ariki"}


def test_export_pages_are_bounded_in_queries(person, officer, django_assert_max_num_queries):
    for _ in range(3):
        services.export_request(actor=officer, reason="asked", person_id=person.pk)
    client = client_for(officer)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("privacy:exports") + "?q=Mer").status_code == 200


def test_the_export_holds_their_goals_ratings_steps_and_those_that_name_them(
    person, child, whanau, officer
):
    from hononga.goals.models import GoalStep
    from hononga.goals.tests.factories import goal, rate

    own = goal(whanau, person, "MERE-GOAL")
    rate(own, 4)
    GoalStep.objects.create(goal=own, what="MERE-STEP", who="Mere")
    together = goal(whanau, None, "WHANAU-GOAL")
    together.concerns_people.add(person)
    childs = goal(whanau, child, "ARIKI-GOAL")
    rate(childs, 7)
    sar = services.export_request(actor=officer, reason="asked", person_id=person.pk)
    Worker().run_pending()
    sar.refresh_from_db()
    records = json.loads((export_dir(sar) / "export.json").read_text())["subjects"][0]["records"]
    assert [g["wording"] for g in records["goals"]] == ["MERE-GOAL"]
    assert [(g["wording"], g["review"]) for g in records["goals_naming"]] == [("WHANAU-GOAL", True)]
    assert [s["what"] for s in records["goal_steps"]] == ["MERE-STEP"]
    assert [r["value"] for r in records["goal_ratings"]] == [4]
    assert "ARIKI-GOAL" not in json.dumps(records, ensure_ascii=False)


def test_a_process_not_for_sharing_is_withheld_in_the_export_with_its_reason(
    person, officer, practitioner, process
):
    from hononga.privacy.models import RecordType
    from hononga.restorative.models import State
    from hononga.restorative.tests.conftest import walk_to

    process = walk_to(process, State.MONITORING)
    assert process.participants.filter(person=person).exists()
    services.withhold(
        actor=practitioner,
        person=person,
        record_type=RecordType.PROCESS,
        record_id=process.pk,
        reason="PROCESS-WITHHELD-REASON",
    )
    sar = services.export_request(actor=officer, reason="asked", person_id=person.pk)
    Worker().run_pending()
    sar.refresh_from_db()
    records = json.loads((export_dir(sar) / "export.json").read_text())["subjects"][0]["records"]
    for section in ("participations", "agreement_items"):
        assert records[section], section
        for row in records[section]:
            assert row == {"id": row["id"], "withheld": True, "reason": "PROCESS-WITHHELD-REASON"}
    assert "Pay for the repair of the car" not in json.dumps(records, ensure_ascii=False)
