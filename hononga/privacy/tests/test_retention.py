"""Retention: a dry run first, disposal after the notice, legal holds kept and reported, the
change history disposed of too, and the audit chain still verifiable."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from hononga.audit.models import AuditEvent
from hononga.audit.verify import audit_verify
from hononga.checkins.models import CheckIn, CheckInLink
from hononga.checkins.tests.factories import checkin, relationship_between, staff_person
from hononga.contacts.tests.factories import make_contact
from hononga.privacy.models import (
    Disposal,
    DisposalRun,
    LegalHold,
    RetentionRule,
    RetentionTarget,
)
from hononga.privacy.retention import retention_run
from hononga.whanau.models import Person, Whanau, WhanauStatus

pytestmark = pytest.mark.django_db
LONG_AGO = timedelta(days=4000)


@pytest.fixture
def old_link(person, whanau, practitioner):
    rel = relationship_between(whanau, person, staff_person(practitioner))
    link = CheckInLink.objects.create(
        token_hash="a" * 64,
        relationship=rel,
        rater=person,
        created_by=practitioner,
        expires_at=timezone.now() - timedelta(days=100),
    )
    answered = checkin(rel, person)
    CheckIn.objects.filter(pk=answered.pk).update(link=link)
    return link


def test_the_default_schedule_cites_its_disposal_authority():
    rules = {r.target: r for r in RetentionRule.objects.all()}
    assert set(rules) == set(RetentionTarget.values)
    assert all(r.authority and r.authority_class for r in rules.values())
    assert not rules[RetentionTarget.CLOSED_WHANAU].active  # until the agency configures it


def test_dry_run_reports_and_changes_nothing(old_link):
    call_command("retention", "--dry-run")
    run = DisposalRun.objects.get()
    assert run.dry_run
    links = next(r for r in run.report["rules"] if r["rule"] == "checkin_links")
    assert links["due"] == 1 and links["disposed"] == 0
    assert CheckInLink.objects.filter(pk=old_link.pk).exists()


def test_a_real_run_waits_for_the_notice_then_deletes_links_keeping_answers(old_link, settings):
    settings.RETENTION_NOTICE_DAYS = 30  # due 10 days ago: still within the notice
    retention_run(dry_run=False)
    assert CheckInLink.objects.filter(pk=old_link.pk).exists()
    settings.RETENTION_NOTICE_DAYS = 7
    retention_run(dry_run=False)
    assert not CheckInLink.objects.filter(pk=old_link.pk).exists()
    assert CheckIn.objects.filter(link__isnull=True).count() == 1  # the answers stay
    assert Disposal.objects.filter(record_type="checkinlink", record_id=old_link.pk).exists()


@pytest.fixture
def closed(person, whanau, practitioner, settings):
    settings.RETENTION_NOTICE_DAYS = 0
    RetentionRule.objects.filter(target=RetentionTarget.CLOSED_WHANAU).update(active=True)
    rel = relationship_between(whanau, person, staff_person(practitioner), notes="PRIVATE-NOTE")
    make_contact(whanau=whanau, practitioner=practitioner, participants=[person], note="VISIT")
    person.phone = "0211234567"
    person.save()  # a change in the history
    from hononga.audit.services import record_event

    record_event(
        actor=practitioner,
        action="view",
        target=person,
        whanau_id=whanau.pk,
        summary="Viewed Mere Kōwhai",
    )
    whanau.status = WhanauStatus.CLOSED
    whanau.save()
    Whanau.objects.filter(pk=whanau.pk).update(updated_at=timezone.now() - LONG_AGO)
    return rel


def test_a_legal_hold_keeps_a_closed_whanau_and_is_reported(closed, whanau, person, practitioner):
    LegalHold.objects.create(person=person, reason="Court proceedings", placed_by=practitioner)
    run = retention_run(dry_run=False)
    report = next(r for r in run.report["rules"] if r["rule"] == "closed_whanau")
    assert report["disposed"] == 0
    dry = retention_run(dry_run=True)
    held = next(r for r in dry.report["rules"] if r["rule"] == "closed_whanau")
    assert held["held"] == [whanau.pk]
    person.refresh_from_db()
    assert person.preferred_name == "Mere"


def test_disposal_deidentifies_history_included_and_the_audit_chain_verifies(
    closed, whanau, person, practitioner
):
    from hononga.goals.models import GoalStep
    from hononga.goals.tests.factories import goal
    from hononga.privacy.models import Correction

    own_goal = goal(whanau, person, "MERE-GOAL-WORDS", why="MERE-WHY")
    GoalStep.objects.create(goal=own_goal, what="MERE-STEP", who="Mere")
    Correction.objects.create(
        person=person,
        whanau=whanau,
        record_type="goal",
        record_id=own_goal.pk,
        record_label="MERE-GOAL-WORDS",
        what_is_wrong="MERE-CORRECTION",
        statement="MERE-STATEMENT",
        due_on=timezone.localdate(),
    )
    Whanau.objects.filter(pk=whanau.pk).update(updated_at=timezone.now() - LONG_AGO)
    assert person.history.count() >= 2
    run = retention_run(dry_run=False)
    report = next(r for r in run.report["rules"] if r["rule"] == "closed_whanau")
    assert report["disposed"] == 1
    person.refresh_from_db()
    whanau.refresh_from_db()
    closed.refresh_from_db()
    assert person.preferred_name == "[disposed]" and person.phone == "" and not person.other_names
    assert person.history.count() == 0 and whanau.history.count() == 0
    assert closed.notes == "" and "Kōwhai" not in whanau.name
    own_goal.refresh_from_db()
    assert own_goal.wording == "[disposed]" and own_goal.why == ""
    assert own_goal.history.count() == 0
    assert not GoalStep.objects.filter(what="MERE-STEP").exists()
    correction = Correction.objects.get(record_id=own_goal.pk)
    assert correction.statement == "" and "MERE" not in correction.what_is_wrong
    assert Disposal.objects.filter(record_type="person", record_id=person.pk).exists()
    # The audit trail's events about them are redacted by its own service, and still verify.
    assert report["audit_redacted"] >= 1 and report["note"] == ""
    viewed = AuditEvent.objects.get(action="view", target_type="person", target_id=str(person.pk))
    assert viewed.summary == "" and viewed.redaction_rule.startswith("closed_whanau")
    assert audit_verify().ok
    # Idempotent: a second run disposes of nothing more.
    again = retention_run(dry_run=False)
    assert next(r for r in again.report["rules"] if r["rule"] == "closed_whanau")["disposed"] == 0
    assert not Person.objects.filter(preferred_name="Mere").exists()


def test_retention_page_places_and_lifts_holds_for_privacy_officers_only(
    person, admin_user, django_assert_max_num_queries
):
    from django.contrib.auth.models import Permission
    from django.urls import reverse

    from hononga.conftest import client_for

    assert client_for(admin_user).get(reverse("privacy:retention")).status_code == 404
    admin_user.user_permissions.add(Permission.objects.get(codename="privacy_officer"))
    client = client_for(admin_user)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("privacy:retention")).content.decode()
    assert "GDA 7" in page
    bad = client.post(reverse("privacy:retention"), {"kind": "person", "subject_id": "x"})
    assert bad.status_code == 422 and not LegalHold.objects.exists()
    client.post(
        reverse("privacy:retention"),
        {"kind": "person", "subject_id": person.pk, "reason": "Court proceedings"},
    )
    hold = LegalHold.objects.get()
    assert hold.person == person and hold.placed_by == admin_user
    client.post(reverse("privacy:hold_lift", args=[hold.pk]))
    hold.refresh_from_db()
    assert hold.lifted_at is not None
