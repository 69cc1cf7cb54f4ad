"""One access decision per request (access.whanau_access, access.get_whanau_for_request): the
same answers as the record-level rules it stands for, and the whānau page's panels still
showing a reader who may see but not change a whānau no way to change it."""

from datetime import timedelta
from typing import Any

import pytest
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from hononga.accounts.models import Role, User
from hononga.checkins.tests import factories as f
from hononga.conftest import client_for
from hononga.contacts.tests.factories import make_contact
from hononga.factories import AllocationFactory, UserFactory, WhanauFactory
from hononga.goals.tests import factories as gf
from hononga.whanau import access, services
from hononga.whanau.models import Person, Whanau


def _request(user: Any) -> Any:
    request = RequestFactory().get("/")
    request.user = user
    return request


def _cases(
    whanau: Whanau,
    practitioner: User,
    outsider: User,
    facilitator: User,
    supervisor: User,
    supervisor_south: User,
    admin_user: User,
) -> list[User]:
    """Everyone the rules tell apart, each in a different position towards the whānau."""
    glass = UserFactory(role=Role.PRACTITIONER)  # broke glass: sees, may not change
    services.break_glass(actor=glass, whanau_id=whanau.pk, reason="Urgent safety concern.")
    services.break_glass(
        actor=supervisor_south, whanau_id=whanau.pk, reason="Covering the north tonight."
    )
    services.break_glass(actor=admin_user, whanau_id=whanau.pk, reason="Police request today.")
    expired = UserFactory(role=Role.PRACTITIONER)
    services.break_glass(actor=expired, whanau_id=whanau.pk, reason="Urgent safety concern.")
    expired.break_glass_grants.update(expires_at=timezone.now() - timedelta(minutes=1))
    ended = UserFactory(role=Role.PRACTITIONER)
    AllocationFactory(
        whanau=whanau,
        user=ended,
        started=timezone.localdate() - timedelta(days=30),
        ended=timezone.localdate() - timedelta(days=1),
    )
    future = UserFactory(role=Role.PRACTITIONER)
    AllocationFactory(whanau=whanau, user=future, started=timezone.localdate() + timedelta(days=2))
    AllocationFactory(whanau=whanau, user=facilitator)
    lead = UserFactory(role=Role.PRACTICE_LEAD)
    lead.teams.add(whanau.team)
    allocated_supervisor = UserFactory(role=Role.SUPERVISOR)  # allocated, not in the team
    AllocationFactory(whanau=whanau, user=allocated_supervisor)
    inactive = UserFactory(role=Role.PRACTITIONER, is_active=False)
    AllocationFactory(whanau=whanau, user=inactive)
    return [
        practitioner,
        outsider,
        facilitator,
        supervisor,
        supervisor_south,
        admin_user,
        glass,
        expired,
        ended,
        future,
        lead,
        allocated_supervisor,
        inactive,
    ]


@pytest.mark.parametrize("archived", [False, True])
def test_the_request_decision_agrees_with_the_rules_for_everyone(
    archived: bool,
    whanau: Whanau,
    practitioner: User,
    outsider: User,
    facilitator: User,
    supervisor: User,
    supervisor_south: User,
    admin_user: User,
) -> None:
    users = _cases(
        whanau, practitioner, outsider, facilitator, supervisor, supervisor_south, admin_user
    )
    if archived:
        Whanau.objects.filter(pk=whanau.pk).update(archived_at=timezone.now())
        whanau.refresh_from_db()
    seen = 0
    for user in users:
        visible = access.whanau_for_user(user).filter(pk=whanau.pk).exists()
        decided = access.whanau_access(_request(user), whanau)
        assert decided.can_see == visible, user
        assert decided.can_edit == access.can_edit_whanau(user, whanau), user
        assert decided.can_write == (
            whanau.archived_at is None and access.can_edit_whanau(user, whanau)
        ), user
        assert decided.can_manage_allocations == access.can_manage_allocations(user, whanau), user
        assert decided.supervises == (
            user.role == Role.SUPERVISOR and user.teams.filter(pk=whanau.team_id).exists()
        ), user
        if visible:
            seen += 1
            assert decided.needs_break_glass == access.needs_break_glass(user, whanau), user
            found, page_decision = access.get_whanau_for_request(_request(user), whanau.pk)
            assert found == access.get_whanau_for_user(user, whanau.pk)
            assert page_decision == decided
        else:
            with pytest.raises(Http404):
                access.get_whanau_for_request(_request(user), whanau.pk)
    assert seen == 7  # enough of each kind to mean something


def test_one_decision_per_request_and_whanau(
    whanau: Whanau, practitioner: User, django_assert_num_queries: Any
) -> None:
    other = WhanauFactory(team=whanau.team)
    request = _request(practitioner)
    with django_assert_num_queries(2):
        for _ in range(3):
            assert access.whanau_access(request, whanau).can_edit
            assert not access.whanau_access(request, other).can_see
    # A new request decides again (an allocation that ended since is not remembered).
    whanau.allocations.update(ended=timezone.localdate() - timedelta(days=1))
    assert not access.whanau_access(_request(practitioner), whanau).can_see


def test_bad_ids_are_404_on_the_request_path_too(practitioner: User, whanau: Whanau) -> None:
    for bad in ["abc", None, "99999999999999999999999", -1, whanau.pk + 1000]:
        with pytest.raises(Http404):
            access.get_whanau_for_request(_request(practitioner), bad)


WRITE_ACTIONS = [
    "Change details",  # the page itself
    "Add a new person",
    "Set a goal",  # goals
    "Rate together now",
    "Start a check-in",  # check-ins
    "Send a link",
    "Record a contact",  # contacts
    "Record harm",  # restorative
]


def test_a_reader_who_may_see_but_not_change_gets_no_way_to_change_it(
    practitioner_client: Client,
    practitioner: User,
    whanau: Whanau,
    person: Person,
    facilitator: User,
) -> None:
    worker = f.staff_person(practitioner)
    relationship = f.relationship_between(whanau, person, worker)
    f.checkin(relationship, person, answers=f.items(8))
    goal = gf.goal(whanau, person, "Back at kura every day")
    gf.rate(goal, 4)
    make_contact(whanau=whanau, practitioner=practitioner, participants=[person])
    url = reverse("whanau:detail", args=[whanau.pk])
    writer = practitioner_client.get(url).content.decode()
    for action in WRITE_ACTIONS:
        assert action in writer, action
    # Allowed to see through break glass, never to change.
    services.break_glass(actor=facilitator, whanau_id=whanau.pk, reason="Urgent safety concern.")
    reader = client_for(facilitator).get(url).content.decode()
    assert "through break glass" in reader
    for shown in ("Back at kura every day", "Catch-up about school", "Relationship and outcomes"):
        assert shown in reader, shown  # the panels still show what the reader may see
    for action in WRITE_ACTIONS:
        assert action not in reader, action
