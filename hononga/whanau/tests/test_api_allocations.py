"""API: /api/v1/allocations — administrators and the team's supervisor allocate staff."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hononga.audit.models import Action, AuditEvent
from hononga.factories import AllocationFactory, UserFactory, WhanauFactory
from hononga.whanau.models import Allocation
from hononga.whanau.tests.test_api_whanau import Api, fields


@pytest.fixture
def allocation(whanau, practitioner):
    return Allocation.objects.get(whanau=whanau, user=practitioner)


def test_practitioner_lists_allocations_of_their_whanau(practitioner, allocation, team_south):
    AllocationFactory(whanau=WhanauFactory(team=team_south))
    response = Api(practitioner).get("/allocations")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(a["id"], a["user"]["username"], a["is_current"]) for a in items] == [
        (allocation.pk, "practitioner", True)
    ]
    assert AuditEvent.objects.filter(action=Action.LIST).count() == 1


def test_admin_lists_every_allocation_and_filters(admin_user, allocation, team_south, outsider):
    other = AllocationFactory(whanau=WhanauFactory(team=team_south), user=outsider)
    api = Api(admin_user)
    assert api.get("/allocations").json()["count"] == 2
    assert [a["id"] for a in api.get("/allocations", user=outsider.pk).json()["items"]] == [
        other.pk
    ]
    assert api.get("/allocations", whanau=allocation.whanau_id).json()["count"] == 1


def test_current_filter(admin_user, allocation, whanau):
    old = timezone.localdate() - timedelta(days=100)
    AllocationFactory(whanau=whanau, started=old, ended=old + timedelta(days=5))
    api = Api(admin_user)
    assert api.get("/allocations").json()["count"] == 2
    assert [a["id"] for a in api.get("/allocations", current="true").json()["items"]] == [
        allocation.pk
    ]


def test_list_query_count_is_bounded(admin_user, whanau, django_assert_max_num_queries):
    for _ in range(20):
        AllocationFactory(whanau=whanau)
    api = Api(admin_user)
    with django_assert_max_num_queries(12):
        response = api.get("/allocations", page_size=50)
    assert response.json()["count"] == 21


def test_pagination(admin_user, whanau):
    for _ in range(4):
        AllocationFactory(whanau=whanau)
    body = Api(admin_user).get("/allocations", page=3, page_size=2).json()
    assert (body["count"], body["pages"], len(body["items"])) == (5, 3, 1)


@pytest.mark.parametrize("who", ["supervisor", "admin_user"])
def test_supervisor_or_admin_allocates(request, who, whanau, facilitator):
    response = Api(request.getfixturevalue(who)).post(
        "/allocations", {"whanau_id": whanau.pk, "user_id": facilitator.pk}
    )
    assert response.status_code == 201, response.content
    assert response.json()["started"] == timezone.localdate().isoformat()
    assert Allocation.objects.current().filter(whanau=whanau, user=facilitator).exists()
    assert AuditEvent.objects.filter(action=Action.CREATE, whanau_id=whanau.pk).exists()


def test_practitioner_cannot_allocate(practitioner, whanau, facilitator):
    before = Allocation.objects.count()
    response = Api(practitioner).post(
        "/allocations", {"whanau_id": whanau.pk, "user_id": facilitator.pk}
    )
    assert response.status_code == 403
    assert Allocation.objects.count() == before


def test_other_teams_supervisor_gets_a_field_error(supervisor_south, whanau, facilitator):
    before = Allocation.objects.count()
    response = Api(supervisor_south).post(
        "/allocations", {"whanau_id": whanau.pk, "user_id": facilitator.pk}
    )
    assert response.status_code == 422
    assert "whanau_id" in fields(response)
    assert Allocation.objects.count() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"user_id": 999999}, "user_id"),
        ({"started": "2026-02-30"}, "started"),
        ({"started": "2026-05-01", "ended": "2026-04-01"}, "ended"),
        ({"whanau_id": "abc"}, "whanau_id"),
        ({"shift": "night"}, "shift"),
    ],
)
def test_bad_bodies_write_nothing(admin_user, whanau, facilitator, body, field):
    api = Api(admin_user)
    before = (Allocation.objects.count(), AuditEvent.objects.count())
    response = api.post("/allocations", {"whanau_id": whanau.pk, "user_id": facilitator.pk, **body})
    assert response.status_code == 422, response.content
    assert field in fields(response)
    assert (Allocation.objects.count(), AuditEvent.objects.count()) == before


def test_admins_cannot_be_allocated_and_overlaps_are_refused(admin_user, whanau, practitioner):
    api = Api(admin_user)
    other_admin = UserFactory(role="admin")
    response = api.post("/allocations", {"whanau_id": whanau.pk, "user_id": other_admin.pk})
    assert "user_id" in fields(response)
    response = api.post("/allocations", {"whanau_id": whanau.pk, "user_id": practitioner.pk})
    assert response.status_code == 422
    assert "user_id" in fields(response)
    assert Allocation.objects.filter(whanau=whanau).count() == 1


def test_end_an_allocation(supervisor, allocation, practitioner, whanau):
    today = timezone.localdate()
    response = Api(supervisor).post(f"/allocations/{allocation.pk}/end", {"version": 1})
    assert response.status_code == 200, response.content
    assert response.json()["ended"] == today.isoformat()
    assert response.json()["version"] == 2
    assert AuditEvent.objects.filter(action=Action.UPDATE, whanau_id=whanau.pk).exists()


def test_patch_stale_version_is_409(supervisor, allocation):
    api = Api(supervisor)
    new_start = (allocation.started - timedelta(days=1)).isoformat()
    assert (
        api.patch(f"/allocations/{allocation.pk}", {"version": 1, "started": new_start}).status_code
        == 200
    )
    response = api.patch(f"/allocations/{allocation.pk}", {"version": 1, "ended": None})
    assert response.status_code == 409
    assert (response.json()["your_version"], response.json()["current_version"]) == (1, 2)
    assert response.json()["current"]["started"] == new_start


def test_ending_before_the_start_is_refused(supervisor, allocation):
    before = (allocation.started - timedelta(days=1)).isoformat()
    response = Api(supervisor).post(
        f"/allocations/{allocation.pk}/end", {"version": 1, "ended": before}
    )
    assert response.status_code == 422
    assert "ended" in fields(response)
    allocation.refresh_from_db()
    assert (allocation.ended, allocation.version) == (None, 1)


def test_practitioner_cannot_change_their_allocation(practitioner, allocation):
    response = Api(practitioner).post(f"/allocations/{allocation.pk}/end", {"version": 1})
    assert response.status_code == 403
    allocation.refresh_from_db()
    assert allocation.ended is None


def test_outsider_gets_404(outsider, supervisor_south, allocation):
    for user in (outsider, supervisor_south):
        response = Api(user).post(f"/allocations/{allocation.pk}/end", {"version": 1})
        assert response.status_code == 404
    assert Api(outsider).get("/allocations", whanau=allocation.whanau_id).json()["count"] == 0
    allocation.refresh_from_db()
    assert allocation.ended is None
