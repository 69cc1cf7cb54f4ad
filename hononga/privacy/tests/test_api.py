"""The privacy API: exports (privacy officer), corrections (list, decide), retention rules."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from hononga.accounts.models import Role
from hononga.conftest import bearer
from hononga.factories import UserFactory
from hononga.privacy.models import Correction, CorrectionStatus, SubjectAccessRequest
from hononga.tasks.runner import Worker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shared(settings, tmp_path):
    settings.SHARED_STORAGE_DIR = tmp_path / "shared"


@pytest.fixture
def officer(db):
    user = UserFactory(username="ngaire", role=Role.ADMIN)
    user.user_permissions.add(Permission.objects.get(codename="privacy_officer"))
    return user


@pytest.fixture
def correction(person, whanau):
    return Correction.objects.create(
        person=person,
        whanau=whanau,
        record_type="person",
        record_id=person.pk,
        what_is_wrong="My name is spelt wrong",
        due_on=timezone.localdate(),
    )


def call(method, path, user, data=None):
    client = Client()
    kwargs = bearer(user)
    if data is not None:
        return getattr(client, method)(
            path, data=json.dumps(data), content_type="application/json", **kwargs
        )
    return getattr(client, method)(path, **kwargs)


def test_export_needs_the_privacy_officer_permission(person, admin_user, supervisor, officer):
    for user in (admin_user, supervisor):
        response = call("post", f"/api/v1/people/{person.pk}/export", user, {"reason": "asked"})
        assert response.status_code == 403
        assert response["Content-Type"] == "application/problem+json"
    assert not SubjectAccessRequest.objects.exists()
    response = call("post", f"/api/v1/people/{person.pk}/export", officer, {"reason": ""})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "reason"
    response = call("post", "/api/v1/people/999999/export", officer, {"reason": "asked"})
    assert response.status_code == 404
    response = call(
        "post", f"/api/v1/people/{person.pk}/export", officer, {"reason": "asked", "x": 1}
    )
    assert response.status_code == 422
    response = call("post", f"/api/v1/people/{person.pk}/export", officer, {"reason": "asked"})
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["person_id"] == person.pk
    Worker().run_pending()
    got = call("get", f"/api/v1/exports/{body['id']}", officer).json()
    assert got["status"] == "ready" and got["progress"] == got["total"]
    listed = call("get", "/api/v1/exports", officer).json()
    assert listed["count"] == 1


def test_corrections_list_and_decide_with_access_rules(
    correction, practitioner, outsider, admin_user
):
    assert call("get", "/api/v1/corrections", outsider).json()["count"] == 0
    assert call("get", f"/api/v1/corrections/{correction.pk}", outsider).status_code == 404
    listed = call("get", "/api/v1/corrections?status=open", practitioner).json()
    assert [c["id"] for c in listed["items"]] == [correction.pk]
    assert call("get", "/api/v1/corrections?status=maybe", practitioner).status_code == 422
    path = f"/api/v1/corrections/{correction.pk}/decision"
    bad = call("post", path, practitioner, {"outcome": "corrected", "note": "", "version": 1})
    assert bad.status_code == 422
    stale = call("post", path, practitioner, {"outcome": "corrected", "note": "x", "version": 9})
    assert stale.status_code == 409
    ok = call(
        "post",
        path,
        practitioner,
        {"outcome": "not_corrected", "note": "It was spelt as you wrote it.", "version": 1},
    )
    assert ok.status_code == 200
    assert ok.json()["status"] == "not_corrected" and ok.json()["statement"]
    again = call("post", path, practitioner, {"outcome": "corrected", "note": "x", "version": 2})
    assert again.status_code == 409
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.NOT_CORRECTED


def test_retention_rules_for_the_privacy_officer(officer, practitioner):
    assert call("get", "/api/v1/retention/rules", practitioner).status_code == 403
    rules = call("get", "/api/v1/retention/rules", officer).json()
    assert rules["count"] >= 0


def test_the_privacy_officer_downloads_the_export_through_the_api(
    person, officer, supervisor, admin_user
):
    from datetime import timedelta

    from pypdf import PdfReader

    from hononga.audit.models import AuditEvent

    started = call("post", f"/api/v1/people/{person.pk}/export", officer, {"reason": "asked"})
    body = started.json()
    assert body["json_url"] is None and body["pdf_url"] is None
    # While it is being built: 409, problem+json.
    early = call("get", f"/api/v1/exports/{body['id']}/export.json", officer)
    assert early.status_code == 409 and early["Content-Type"] == "application/problem+json"
    Worker().run_pending()
    got = call("get", f"/api/v1/exports/{body['id']}", officer).json()
    assert got["json_url"] == f"/api/v1/exports/{body['id']}/export.json"
    assert got["pdf_url"] == f"/api/v1/exports/{body['id']}/export.pdf"
    # Nobody else: not an administrator, not the whānau's supervisor.
    for user in (admin_user, supervisor):
        assert call("get", got["json_url"], user).status_code == 403
    assert call("get", "/api/v1/exports/999999/export.json", officer).status_code == 404
    before = AuditEvent.objects.filter(action="export").count()
    response = call("get", got["json_url"], officer)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(b"".join(response.streaming_content))
    assert document["request"]["id"] == body["id"]
    assert [s["person_id"] for s in document["subjects"]] == [person.pk]
    response = call("get", got["pdf_url"], officer)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    import io

    pdf = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    assert len(pdf.pages) >= 1
    events = AuditEvent.objects.filter(action="export").order_by("id")
    assert events.count() == before + 2
    assert [e.data["format"] for e in events[before:]] == ["json", "pdf"]
    assert all(e.actor_id == officer.pk and e.data["privacy_officer"] for e in events[before:])
    # Expired: 410, and the links are gone.
    SubjectAccessRequest.objects.filter(pk=body["id"]).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    gone = call("get", got["pdf_url"], officer)
    assert gone.status_code == 410 and gone["Content-Type"] == "application/problem+json"
    again = call("get", f"/api/v1/exports/{body['id']}", officer).json()
    assert again["json_url"] is None and again["pdf_url"] is None
