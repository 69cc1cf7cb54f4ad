"""API: one membership (/api/v1/memberships/{id}) and one allocation (/api/v1/allocations/{id}).

Read like the other single records: whoever can see the whānau (for allocations: whoever may
list them) gets it and a VIEW event is recorded; everyone else gets the same 404 as for a record
that does not exist.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from hononga.audit.models import Action, AuditEvent
from hononga.factories import AllocationFactory, MembershipFactory, PersonFactory, WhanauFactory
from hononga.whanau.models import Allocation, Membership
from hononga.whanau.tests.test_api_whanau import PROBLEM, Api


@pytest.fixture
def membership(person):
    return Membership.objects.get(person=person)


@pytest.fixture
def allocation(whanau, practitioner):
    return Allocation.objects.get(whanau=whanau, user=practitioner)


def _not_found(response):
    assert response.status_code == 404, response.content
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == "There is no such record."


# --- Memberships ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["practitioner", "supervisor"])
def test_get_membership_for_those_who_see_the_whanau(request, who, membership, whanau, person):
    response = Api(request.getfixturevalue(who)).get(f"/memberships/{membership.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == membership.pk
    assert body["person"] == {"id": person.pk, "full_name": "Mere Kōwhai"}
    assert body["whanau"] == {"id": whanau.pk, "name": "Kōwhai whānau"}
    assert (body["role"], body["version"], body["archived_at"]) == ("mother", 1, None)
    event = AuditEvent.objects.get(action=Action.VIEW)
    assert (event.whanau_id, event.target_type, event.target_id) == (
        whanau.pk,
        "membership",
        str(membership.pk),
    )
    assert event.actor_username == who


def test_get_archived_membership(practitioner, membership):
    Membership.objects.filter(pk=membership.pk).update(archived_at=timezone.now())
    response = Api(practitioner).get(f"/memberships/{membership.pk}")
    assert response.status_code == 200
    assert response.json()["archived_at"] is not None


@pytest.mark.parametrize("who", ["outsider", "supervisor_south", "admin_user", "facilitator"])
def test_outsiders_get_404_for_a_membership_and_no_view_event(request, who, membership):
    api = Api(request.getfixturevalue(who))
    _not_found(api.get(f"/memberships/{membership.pk}"))
    _not_found(api.get("/memberships/999999"))
    assert not AuditEvent.objects.filter(action=Action.VIEW).exists()


def test_membership_of_a_person_you_see_in_a_whanau_you_do_not(practitioner, person, team_south):
    hidden = MembershipFactory(whanau=WhanauFactory(team=team_south), person=person)
    _not_found(Api(practitioner).get(f"/memberships/{hidden.pk}"))


# --- Allocations ----------------------------------------------------------------------------------


def test_practitioner_gets_an_allocation_of_their_whanau(practitioner, allocation, whanau):
    response = Api(practitioner).get(f"/allocations/{allocation.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["whanau_id"], body["is_current"]) == (allocation.pk, whanau.pk, True)
    assert body["user"]["username"] == "practitioner"
    assert body["started"] == allocation.started.isoformat()
    event = AuditEvent.objects.get(action=Action.VIEW)
    assert (event.whanau_id, event.target_type, event.target_id) == (
        whanau.pk,
        "allocation",
        str(allocation.pk),
    )


def test_admin_gets_any_allocation_even_ended(admin_user, team_south):
    old = timezone.localdate() - timedelta(days=100)
    ended = AllocationFactory(
        whanau=WhanauFactory(team=team_south), started=old, ended=old + timedelta(days=5)
    )
    response = Api(admin_user).get(f"/allocations/{ended.pk}")
    assert response.status_code == 200
    assert (response.json()["ended"], response.json()["is_current"]) == (
        (old + timedelta(days=5)).isoformat(),
        False,
    )


@pytest.mark.parametrize("who", ["outsider", "supervisor_south", "facilitator"])
def test_outsiders_get_404_for_an_allocation_and_no_view_event(request, who, allocation):
    api = Api(request.getfixturevalue(who))
    _not_found(api.get(f"/allocations/{allocation.pk}"))
    _not_found(api.get("/allocations/999999"))
    assert not AuditEvent.objects.filter(action=Action.VIEW).exists()


# --- Bad ids --------------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", ["memberships", "allocations"])
@pytest.mark.parametrize("bad", ["abc", "0", "-1", "1.5", "99999999999999999999999"])
def test_bad_ids_are_problem_json_not_500(practitioner, resource, bad):
    response = Api(practitioner).get(f"/{resource}/{bad}")
    assert response.status_code in {404, 422}, response.content
    assert response["Content-Type"] == PROBLEM


def test_huge_id_is_a_field_error(practitioner):
    response = Api(practitioner).get(f"/memberships/{2**63}")
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"]


def test_single_reads_stay_cheap(practitioner, whanau, django_assert_max_num_queries):
    people = [PersonFactory(preferred_name=f"T{n}") for n in range(3)]
    memberships = [MembershipFactory(whanau=whanau, person=p) for p in people]
    api = Api(practitioner)
    with django_assert_max_num_queries(12):
        assert api.get(f"/memberships/{memberships[0].pk}").status_code == 200
