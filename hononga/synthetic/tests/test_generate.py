"""The generator: refuses real data, and keeps the invariants the application relies on."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Q
from django.utils import timezone

from hononga.accounts.models import User
from hononga.audit.verify import audit_verify
from hononga.checkins import services as checkin_services
from hononga.checkins.models import CheckIn
from hononga.contacts.models import Contact, quadrant
from hononga.factories import UserFactory
from hononga.goals import learning
from hononga.goals import services as goal_services
from hononga.goals.models import Goal, GoalRating, GoalStatus, GoalStep
from hononga.relationships.models import Relationship
from hononga.restorative import lifecycle
from hononga.restorative.models import RestorativeProcess, State
from hononga.synthetic.generator import RealDataError, Size, generate
from hononga.synthetic.models import SyntheticDataset
from hononga.whanau.models import Allocation, Person, Whanau

TINY = Size("tiny", 60)


@pytest.fixture
def agency(db):
    return generate(TINY, seed=7)


def test_it_refuses_a_database_with_users_it_did_not_write(db):
    UserFactory(username="real-person")
    with pytest.raises(RealDataError):
        generate(TINY)
    assert not SyntheticDataset.objects.exists()
    assert not Whanau.objects.exists() and User.objects.count() == 1


def test_the_command_says_why_it_refuses(db):
    UserFactory(username="real-person")
    with pytest.raises(CommandError, match="did not write"):
        call_command("generate", "--size", "small", stdout=StringIO())


def test_it_refuses_to_run_twice_without_replace_and_replaces_with_it(agency):
    whanau = Whanau.objects.count()
    with pytest.raises(RealDataError, match="--replace"):
        generate(TINY)
    assert Whanau.objects.count() == whanau
    generate(TINY, seed=7, replace=True)
    assert Whanau.objects.count() == whanau == TINY.whanau
    assert SyntheticDataset.objects.count() == 1


def test_every_table_that_matters_has_rows(agency):
    counts = agency.counts
    for table in (
        "whanau_whanau",
        "whanau_person",
        "whanau_membership",
        "whanau_allocation",
        "relationships_relationship",
        "relationships_consent",
        "checkins_checkin",
        "contacts_contact",
        "contacts_contact_participants",
        "advisories_immunisation",
        "advisories_advisory",
        "restorative_harm",
        "restorative_restorativeprocess",
        "audit_auditevent",
        "whanau_historicalwhanau",
        "checkins_historicalcheckin",
        "contacts_historicalcontact",
    ):
        assert counts.get(table, 0) > 0, table
    # Roughly the agency's proportions: about 100 contacts and 60 check-ins a whānau.
    assert 50 * TINY.whanau < counts["contacts_contact"] < 150 * TINY.whanau
    assert 25 * TINY.whanau < counts["checkins_checkin"] < 90 * TINY.whanau


def test_case_records_have_a_version_and_their_history(agency):
    for model in (Whanau, Person, Allocation, Relationship, CheckIn, Contact, GoalStep):
        assert not model.objects.exclude(version=1).exists()
        assert model.history.count() == model.objects.count()  # type: ignore[attr-defined]


def test_check_in_derived_fields_are_what_the_services_compute(agency):
    """refresh_derived recomputes a relationship's derived fields from scratch: on generated
    data it finds nothing to change."""
    fields = ["previous_score", "previous_mean", "is_latest", "is_baseline", "counterpart_id"]
    fields += ["mean", "score", "flagged_with_id"]
    before = {row["id"]: row for row in CheckIn.objects.values("id", *fields)}
    for relationship_id in (
        Relationship.objects.filter(checkins__isnull=False).values_list("pk", flat=True).distinct()
    ):
        checkin_services.refresh_derived(relationship_id)
    after = {row["id"]: row for row in CheckIn.objects.values("id", *fields)}
    assert after == before
    in_force = checkin_services.flag_thresholds_in_force().pk
    assert set(CheckIn.objects.values_list("flagged_with_id", flat=True)) == {in_force}
    assert CheckIn.objects.filter(is_baseline=True).count() > 0


def test_quadrants_follow_the_ratings(agency):
    for support, control, stored in Contact.objects.values_list("support", "control", "quadrant")[
        :2000
    ]:
        assert stored == quadrant(support, control)


def test_open_whanau_have_one_current_practitioner(agency):
    today = timezone.localdate()
    open_whanau = Whanau.objects.filter(status="open").annotate(
        current=Count(
            "allocations",
            filter=Q(allocations__started__lte=today)
            & (Q(allocations__ended__isnull=True) | Q(allocations__ended__gte=today)),
        )
    )
    assert open_whanau.exists()
    assert set(open_whanau.values_list("current", flat=True)) == {1}
    assert not Allocation.objects.filter(ended__lt=F("started")).exists()


def test_relationships_are_stored_in_order(agency):
    assert not Relationship.objects.filter(person_a__gte=F("person_b")).exists()


def test_restorative_processes_meet_the_rules_of_their_stage(agency):
    today = timezone.localdate()
    processes = RestorativeProcess.objects.all()
    assert processes.exists()
    for process in processes:
        if process.state in (State.READY, State.CLOSED):
            assert lifecycle._principal_problems(process) == []
            assert lifecycle._safety_problem(process) is None
        if process.state == State.CLOSED:
            assert lifecycle._voice_problems(process) == []
            assert lifecycle._closure_problems(process) == []
        assert lifecycle.credential_problem(process, today=today) is None


def test_the_audit_trail_verifies(agency):
    result = audit_verify()
    assert result.ok, result.message
    assert result.checked == agency.counts["audit_auditevent"]
    assert result.unsealed == 0 and result.last_seal == result.checked


def test_the_synthetic_practitioner_can_log_in_and_sees_their_whanau(agency, client):
    user = User.objects.get(username="syn-practitioner-0001")
    assert user.check_password("hononga-synthetic")
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    mine = Whanau.objects.filter(
        allocations__user__username="syn-practitioner-0001", status="open"
    ).first()
    assert mine is not None
    assert client.get(f"/whanau/{mine.pk}/").status_code == 200


def test_the_command_refuses_production_settings(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("generate", "--size", "small", stdout=StringIO())


def test_contacts_name_members_of_their_own_whanau(agency):
    """Participants and relationships are made by the database from the contacts written."""
    contacts = Contact.objects.count()
    participants = Contact.participants.through.objects
    assert participants.values("contact_id").distinct().count() == contacts
    assert not participants.exclude(person__memberships__whanau_id=F("contact__whanau_id")).exists()
    about = Contact.relationships.through.objects
    assert about.exists()
    assert not about.exclude(relationship__whanau_id=F("contact__whanau_id")).exists()


def test_goals_keep_what_the_services_keep(agency):
    goals = Goal.objects.all()
    assert agency.counts["goals_goal"] == goals.count() > TINY.whanau
    assert agency.counts["goals_goalrating"] > 4 * goals.count()
    assert GoalStep.objects.exists()
    assert set(goals.values_list("status", flat=True)) == set(GoalStatus.values)
    fields = ["rating_count", "baseline_rating", "baseline_at", "latest_rating"]
    fields += ["latest_rated_at", "baseline_practitioner_id"]
    before = {row["id"]: row for row in goals.values("id", *fields)}
    Goal.objects.update(baseline_practitioner=None)
    for goal_id in before:
        goal_services.refresh_goal(goal_id)
    assert {row["id"]: row for row in goals.values("id", *fields)} == before
    # Holders are members of the whānau the practitioner checks in with, and rate their own.
    held = goals.filter(holder__isnull=False)
    assert held.exists() and goals.filter(holder__isnull=True).exists()
    assert not held.exclude(holder__memberships__whanau_id=F("whanau_id")).exists()
    assert (
        not GoalRating.objects.exclude(rated_by_id=F("goal__holder_id"))
        .filter(goal__holder__isnull=False)
        .exists()
    )
    assert not GoalRating.objects.filter(goal__holder__isnull=True, rated_by__isnull=False).exists()


def test_closed_goals_have_their_change_in_the_history(agency):
    for goal in Goal.objects.all():
        history = list(goal.history.order_by("history_date").values_list("status", "version"))
        if goal.status == GoalStatus.ACTIVE:
            assert goal.version == 1 and history == [(GoalStatus.ACTIVE, 1)]
            assert goal.closed_on is None
        else:
            assert goal.version == 2 and history == [(GoalStatus.ACTIVE, 1), (goal.status, 2)]
            assert goal.closed_on is not None and goal.rating_count >= 2
            assert timezone.localtime(goal.latest_rated_at).date() == goal.closed_on
        if goal.status == GoalStatus.SET_ASIDE:
            assert goal.status_reason
        if goal.status == GoalStatus.CHANGED:
            new = Goal.objects.get(replaces=goal)
            assert new.holder_id == goal.holder_id and new.wording != goal.wording


def test_the_agency_learns_from_the_generated_goals(agency):
    assert learning.rebuild() > TINY.whanau // 2


@pytest.mark.django_db(transaction=True)
def test_a_bulk_load_keeps_the_invariants_and_the_indexes():
    """Outside a transaction (as `hononga generate` runs) the load drops the secondary indexes,
    writes each chunk from a thread on its own connection while the next is made, makes the
    history and contact links in SQL beside the audit trail, and builds the indexes again on
    two connections. The result is what the checked load inside a transaction gives."""
    if connection.vendor != "postgresql":
        pytest.skip("the bulk load is PostgreSQL's")

    def indexes() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
            return {row[0] for row in cursor.fetchall()}

    before = indexes()
    result = generate(TINY, seed=7)
    assert indexes() == before
    counts = result.counts
    assert counts["whanau_whanau"] == Whanau.objects.count() == TINY.whanau
    assert counts["contacts_contact"] == Contact.objects.count() > 50 * TINY.whanau
    assert counts["checkins_checkin"] == CheckIn.objects.count() > 25 * TINY.whanau
    assert Contact.history.count() == Contact.objects.count()  # type: ignore[attr-defined]
    assert CheckIn.history.count() == CheckIn.objects.count()  # type: ignore[attr-defined]
    assert (
        Contact.participants.through.objects.values("contact_id").distinct().count()
        == Contact.objects.count()
    )
    verified = audit_verify()
    assert verified.ok, verified.message
    assert verified.checked == counts["audit_auditevent"] == verified.last_seal
    fields = ["previous_score", "previous_mean", "is_latest", "is_baseline", "counterpart_id"]
    relationships = list(
        Relationship.objects.filter(checkins__isnull=False).values_list("pk", flat=True)[:20]
    )
    sample = CheckIn.objects.filter(relationship__in=relationships)
    stored = {row["id"]: row for row in sample.values("id", *fields)}
    for relationship_id in relationships:
        checkin_services.refresh_derived(relationship_id)
    assert {row["id"]: row for row in sample.values("id", *fields)} == stored
