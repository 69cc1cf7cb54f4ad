"""The Django admin shows the audit trail read-only, and never deletes users or teams."""

import pytest
from django.contrib import admin
from django.test import Client

from hononga.accounts.models import ApiToken, Team, User
from hononga.audit.models import Action, AuditEvent
from hononga.audit.services import record_event
from hononga.factories import UserFactory


@pytest.fixture
def superuser_client(db):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


def test_models_are_registered():
    for model in (User, Team, ApiToken, AuditEvent):
        assert model in admin.site._registry


def test_audit_events_are_read_only_even_for_a_superuser(superuser_client, admin_user):
    event = record_event(actor=admin_user, action=Action.SETTINGS, summary="kept as written")
    url = "/django-admin/audit/auditevent/"
    assert superuser_client.get(url).status_code == 200
    detail = superuser_client.get(f"{url}{event.pk}/change/")
    assert detail.status_code == 200
    assert "kept as written" in detail.content.decode()
    assert 'name="_save"' not in detail.content.decode()
    assert superuser_client.get(f"{url}add/").status_code == 403
    assert superuser_client.post(f"{url}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    superuser_client.post(f"{url}{event.pk}/change/", {"summary": "tampered"})
    response = superuser_client.post(
        url, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    assert response.status_code in {200, 302}
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.summary == "kept as written"
    model_admin = admin.site._registry[AuditEvent]
    request = response.wsgi_request
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, stored)
    assert not model_admin.has_delete_permission(request, stored)


def test_users_and_teams_are_never_deleted_in_the_admin(superuser_client, practitioner, team_north):
    assert superuser_client.get("/django-admin/accounts/user/").status_code == 200
    assert (
        superuser_client.post(
            f"/django-admin/accounts/user/{practitioner.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert (
        superuser_client.post(
            f"/django-admin/accounts/team/{team_north.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert User.objects.filter(pk=practitioner.pk).exists()
    assert Team.objects.filter(pk=team_north.pk).exists()


def test_staff_without_admin_rights_cannot_open_it(practitioner_client):
    response = practitioner_client.get("/django-admin/audit/auditevent/")
    assert response.status_code == 302


def test_changes_in_the_admin_are_audited(superuser_client, team_north):
    response = superuser_client.post(
        f"/django-admin/accounts/team/{team_north.pk}/change/",
        {"name": "Team Te Tai Tokerau", "region": team_north.region_id},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(target_type="team", action=Action.UPDATE)
    assert event.actor_username == "root"
    assert event.data == {"fields": ["name"]}


def test_the_admin_shows_no_case_content_in_audit_events(superuser_client, practitioner, whanau):
    """Administrators see case events as type and ids only, in the Django admin as on the
    audit page; events about accounts and settings keep their words."""
    case = record_event(
        actor=practitioner,
        action=Action.VIEW,
        target=whanau,
        whanau_id=whanau.pk,
        summary="Viewed Mere Kōwhai's relationship with Ariki",
        reason="MERE-IS-AT-RISK",
        data={"note": "ARIKI-DATA"},
    )
    goal_event = record_event(
        actor=practitioner, action=Action.UPDATE, summary="Changed Mere's goal: GOAL-WORDS"
    )
    goal_event.target_type = "goal"
    AuditEvent.objects.filter(pk=goal_event.pk).update(target_type="goal")
    settings_event = record_event(
        actor=practitioner, action=Action.SETTINGS, summary="Changed the flag thresholds"
    )
    url = "/django-admin/audit/auditevent/"
    for event in (case, goal_event):
        page = superuser_client.get(f"{url}{event.pk}/change/").content.decode()
        for words in ("Mere", "Ariki", "MERE-IS-AT-RISK", "ARIKI-DATA", "GOAL-WORDS"):
            assert words not in page, (event.pk, words)
        assert "Details behind break glass" in page
        assert event.digest in page  # the chain's fields are still there to compare
    page = superuser_client.get(f"{url}{settings_event.pk}/change/").content.decode()
    assert "Changed the flag thresholds" in page
    listing = superuser_client.get(url).content.decode()
    assert "Mere" not in listing and "GOAL-WORDS" not in listing
    # Searching the words finds nothing: no event tells by being found that it names someone.
    found = superuser_client.get(url, {"q": "Mere"}).content.decode()
    assert f"{url}{case.pk}/change/" not in found
    found = superuser_client.get(url, {"q": str(whanau.pk)})
    assert found.status_code == 200


def test_no_case_records_are_registered_in_the_admin():
    registered = {model._meta.app_label for model in admin.site._registry}
    case_apps = {
        "whanau",
        "relationships",
        "checkins",
        "contacts",
        "restorative",
        "advisories",
        "goals",
        "privacy",
        "messaging",
        "notifications",
    }
    assert registered & case_apps == set()
