"""Goals, ratings and what is coming up in the whānau space: only the person's own goals (or
goals their whānau holds together that name them), only their own ratings, nothing marked not
for sharing, and meetings they are part of; every record type probed for other people's data."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hononga.audit.models import AuditEvent
from hononga.goals.models import GoalStatus, GoalStep
from hononga.goals.tests.factories import goal, rate
from hononga.privacy import services
from hononga.privacy.models import RecordType
from hononga.restorative.models import (
    FollowUp,
    ParticipantRole,
    ProcessKind,
    RestorativeProcess,
    State,
)
from hononga.restorative.tests.conftest import record_harm, refer, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def goals(space_person, whanau, child, aunt, practitioner):
    today = timezone.localdate()
    own = goal(whanau, space_person, "MERE-OWN-GOAL", why="MERE-WHY")
    rate(own, 3, timezone.now() - timedelta(days=40))
    rate(own, 6)
    GoalStep.objects.create(
        goal=own, what="MERE-STEP-DUE", who="Mere", by_when=today + timedelta(3)
    )
    together_named = goal(whanau, None, "WHANAU-GOAL-NAMING-MERE")
    together_named.concerns_people.add(space_person, child)
    rate(together_named, 5)
    together_other = goal(whanau, None, "WHANAU-GOAL-WITHOUT-MERE")
    together_other.concerns_people.add(child)
    childs = goal(whanau, child, "ARIKI-OWN-GOAL", why="ARIKI-WHY")
    rate(childs, 2)
    GoalStep.objects.create(goal=childs, what="ARIKI-STEP-DUE", who="Ariki", by_when=today)
    aunts = goal(whanau, aunt, "HINE-OWN-GOAL")
    changed = goal(whanau, space_person, "MERE-OLD-WORDING", status=GoalStatus.CHANGED)
    archived = goal(whanau, space_person, "MERE-ARCHIVED-GOAL", archived_at=timezone.now())
    return {
        "own": own,
        "together_named": together_named,
        "together_other": together_other,
        "childs": childs,
        "aunts": aunts,
        "changed": changed,
        "archived": archived,
    }


@pytest.fixture
def meetings(space_person, child, aunt, whanau, practitioner, facilitator, process):
    """Mere's monitoring process with follow-ups (hers and Ariki's), as a family group
    conference with a review date; a second process she is invited to; a third without her."""
    today = timezone.localdate()
    process = walk_to(process, State.MONITORING)
    RestorativeProcess.objects.filter(pk=process.pk).update(
        kind=ProcessKind.FAMILY_GROUP_CONFERENCE, plan_review_date=today + timedelta(days=60)
    )
    mine = process.participants.get(person=space_person)
    his = process.participants.get(role=ParticipantRole.RESPONSIBLE)
    FollowUp.objects.create(
        process=process,
        participant=mine,
        scheduled_for=today + timedelta(7),
        recorded_by=facilitator,
    )
    FollowUp.objects.create(
        process=process,
        participant=his,
        scheduled_for=today + timedelta(8),
        recorded_by=facilitator,
    )
    second = refer(
        practitioner, record_harm(practitioner, whanau, space_person, child), facilitator
    )
    second.participants.filter(person=space_person).update(invited_on=today)
    third = refer(
        practitioner,
        record_harm(practitioner, whanau, aunt, child),
        facilitator,
        kind=ProcessKind.RESTORATIVE_MEETING,
    )
    third.participants.update(invited_on=today)
    return {"process": process, "second": second, "third": third}


def test_home_shows_own_goals_ratings_and_steps_and_nobody_elses(
    goals, space_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        page = space_client.get(reverse("privacy:space_home")).content.decode()
    for shown in ("MERE-OWN-GOAL", "MERE-WHY", "MERE-STEP-DUE", "WHANAU-GOAL-NAMING-MERE"):
        assert shown in page, shown
    assert "6 now (first: 3)" in page
    for hidden in (
        "WHANAU-GOAL-WITHOUT-MERE",
        "ARIKI-OWN-GOAL",
        "ARIKI-WHY",
        "ARIKI-STEP-DUE",
        "HINE-OWN-GOAL",
        "MERE-OLD-WORDING",
        "MERE-ARCHIVED-GOAL",
    ):
        assert hidden not in page, hidden


def test_only_her_own_and_the_whanau_ratings_are_shown(goals, space_client, aunt):
    from hononga.goals.models import GoalRating, RatingChannel

    GoalRating.objects.create(
        goal=goals["own"], value=9, rated_by=aunt, channel=RatingChannel.IN_SESSION
    )
    page = space_client.get(reverse("privacy:space_home")).content.decode()
    # Her table holds 3 and 6; the whānau goal 5; Hine's 9 on Mere's goal never.
    assert "<td>9</td>" not in page
    assert "<td>6</td>" in page and "<td>5</td>" in page


def test_the_home_page_is_audited_as_viewed_by_the_person(goals, space_client, space_person):
    before = AuditEvent.objects.count()
    space_client.get(reverse("privacy:space_home"))
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert event.data == {"viewed_by_person": space_person.pk}
    assert event.actor_username == f"person:{space_person.pk}"


def test_a_goal_marked_not_for_sharing_disappears_with_its_steps_and_is_404(
    goals, space_client, space_person, practitioner
):
    services.withhold(
        actor=practitioner,
        person=space_person,
        record_type=RecordType.GOAL,
        record_id=goals["own"].pk,
        reason="Being reworded with her at the next visit.",
    )
    page = space_client.get(reverse("privacy:space_home")).content.decode()
    assert "MERE-OWN-GOAL" not in page and "MERE-STEP-DUE" not in page
    url = reverse("privacy:space_correct", args=[RecordType.GOAL, goals["own"].pk])
    assert space_client.get(url).status_code == 404


def test_asking_to_correct_a_goal_works_for_hers_and_is_404_for_anyone_elses(goals, space_client):
    for key in ("own", "together_named"):
        url = reverse("privacy:space_correct", args=[RecordType.GOAL, goals[key].pk])
        assert space_client.get(url).status_code == 200, key
    for key in ("together_other", "childs", "aunts", "changed", "archived"):
        url = reverse("privacy:space_correct", args=[RecordType.GOAL, goals[key].pk])
        assert space_client.get(url).status_code == 404, key
    response = space_client.post(
        reverse("privacy:space_correct", args=[RecordType.GOAL, goals["own"].pk]),
        {"what_is_wrong": "I said my licence, not a car."},
    )
    assert response.status_code == 302


def test_coming_up_shows_her_meetings_and_nothing_of_others(
    meetings, goals, space_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        page = space_client.get(reverse("privacy:space_home")).content.decode()
    coming = page.split('id="coming-title"')[1].split("</section>")[0]
    today = timezone.localdate()
    assert f"{today + timedelta(7):%d/%m/%Y}: Follow-up about your agreement" in coming
    assert f"{today + timedelta(60):%d/%m/%Y}: Review of the family group conference plan" in coming
    assert "Formal conference: being arranged with you" in coming
    # Once the date is planned, it is shown.
    planned = today + timedelta(days=12)
    RestorativeProcess.objects.filter(pk=meetings["second"].pk).update(
        conference_planned_on=planned
    )
    page = space_client.get(reverse("privacy:space_home")).content.decode()
    coming_now = page.split('id="coming-title"')[1].split("</section>")[0]
    assert f"{planned:%d/%m/%Y}: Formal conference, with you" in coming_now
    assert "MERE-STEP-DUE" in coming
    # Ariki's follow-up, Ariki's step, and the process Mere is not part of: never.
    assert f"{today + timedelta(8):%d/%m/%Y}" not in coming
    assert "ARIKI-STEP-DUE" not in coming
    assert "Restorative meeting" not in page


def test_a_process_she_was_not_invited_to_yet_is_not_shown(space_person, space_client, process):
    page = space_client.get(reverse("privacy:space_home")).content.decode()
    assert "being arranged" not in page


def test_the_practitioner_sees_her_goals_and_can_withhold_one(
    goals, space_person, practitioner_client
):
    page = practitioner_client.get(
        reverse("privacy:space_preview", args=[space_person.pk])
    ).content.decode()
    assert "MERE-OWN-GOAL" in page and "ARIKI-OWN-GOAL" not in page
    response = practitioner_client.post(
        reverse("privacy:withhold", args=[space_person.pk]),
        {"record_type": RecordType.GOAL, "record_id": goals["own"].pk, "reason": "Rewording."},
    )
    assert response.status_code == 302
    page = practitioner_client.get(
        reverse("privacy:space_preview", args=[space_person.pk])
    ).content.decode()
    assert "Rewording." in page


def test_a_statement_on_a_goal_is_shown_on_its_page_and_the_person_page(
    goals, space_client, practitioner, practitioner_client, space_person
):
    from hononga.privacy.models import Correction, CorrectionStatus

    space_client.post(
        reverse("privacy:space_correct", args=[RecordType.GOAL, goals["own"].pk]),
        {"what_is_wrong": "GOAL-WAS-MY-LICENCE"},
    )
    correction = Correction.objects.get()
    services.correction_decide(
        actor=practitioner,
        correction_id=correction.pk,
        outcome=CorrectionStatus.NOT_CORRECTED,
        note="The wording is as she gave it.",
    )
    goal_page = practitioner_client.get(reverse("goals:detail", args=[goals["own"].pk]))
    assert "GOAL-WAS-MY-LICENCE" in goal_page.content.decode()
    person_page = practitioner_client.get(reverse("whanau:person", args=[space_person.pk]))
    assert "GOAL-WAS-MY-LICENCE" in person_page.content.decode()
    space = space_client.get(reverse("privacy:space_home")).content.decode()
    assert "Your statement of correction" in space and "GOAL-WAS-MY-LICENCE" in space
