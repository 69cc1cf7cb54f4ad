"""API: /api/v1/memberships — list, add someone to another whānau, change, remove."""

import pytest

from hononga.audit.models import Action, AuditEvent
from hononga.factories import MembershipFactory, PersonFactory, WhanauFactory
from hononga.whanau import services
from hononga.whanau.models import Membership
from hononga.whanau.tests.test_api_whanau import Api, fields


@pytest.fixture
def api(practitioner):
    return Api(practitioner)


@pytest.fixture
def membership(person):
    return Membership.objects.get(person=person)


@pytest.fixture
def second_whanau(whanau, practitioner):
    # Another whānau the practitioner works with.
    other = WhanauFactory(name="Rimu whānau", team=whanau.team)
    services.allocation_create(
        actor=_admin(), whanau=other, user=practitioner, started=whanau.created_at.date()
    )
    return other


def _admin():
    from hononga.factories import UserFactory

    return UserFactory(role="admin")


def test_list_by_whanau_and_person(api, membership, whanau, person, second_whanau):
    response = api.get("/memberships", whanau=whanau.pk)
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(m["person"]["full_name"], m["whanau"]["name"], m["role"]) for m in items] == [
        ("Mere Kōwhai", "Kōwhai whānau", "mother")
    ]
    assert api.get("/memberships", person=person.pk).json()["count"] == 1
    assert api.get("/memberships", whanau=second_whanau.pk).json()["count"] == 0
    assert AuditEvent.objects.filter(action=Action.LIST).count() == 3


def test_list_hides_memberships_of_whanau_you_cannot_see(api, person, team_south):
    hidden = WhanauFactory(team=team_south)
    MembershipFactory(whanau=hidden, person=person)
    assert api.get("/memberships", person=person.pk).json()["count"] == 1
    assert api.get("/memberships", whanau=hidden.pk).json()["count"] == 0


def test_list_query_count_is_bounded(api, whanau, django_assert_max_num_queries):
    for n in range(20):
        MembershipFactory(whanau=whanau, person=PersonFactory(preferred_name=f"T{n}"))
    with django_assert_max_num_queries(12):
        response = api.get("/memberships", page_size=50)
    assert response.json()["count"] == 20


def test_pagination(api, whanau):
    for n in range(3):
        MembershipFactory(whanau=whanau, person=PersonFactory(preferred_name=f"T{n}"))
    body = api.get("/memberships", page=2, page_size=2).json()
    assert (body["count"], body["pages"], len(body["items"])) == (3, 2, 1)


def test_add_someone_to_another_whanau(api, person, second_whanau):
    response = api.post(
        "/memberships", {"whanau_id": second_whanau.pk, "person_id": person.pk, "role": "kuia"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["whanau"]["name"] == "Rimu whānau"
    assert AuditEvent.objects.filter(action=Action.CREATE, whanau_id=second_whanau.pk).exists()


def test_adding_twice_is_a_field_error(api, person, whanau):
    before = Membership.objects.count()
    response = api.post("/memberships", {"whanau_id": whanau.pk, "person_id": person.pk})
    assert response.status_code == 422
    assert "person_id" in fields(response)
    assert Membership.objects.count() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"person_id": 999999}, "person_id"),
        ({"whanau_id": 999999}, "whanau_id"),
        ({"role": "x" * 101}, "role"),
        ({"started": "yesterday"}, "started"),
        ({"ended": "2026-01-01"}, "ended"),
        ({"person_id": None}, "person_id"),
    ],
)
def test_bad_bodies_write_nothing(api, person, second_whanau, body, field):
    before = (Membership.objects.count(), AuditEvent.objects.count())
    response = api.post(
        "/memberships", {"whanau_id": second_whanau.pk, "person_id": person.pk, **body}
    )
    assert response.status_code == 422, response.content
    assert field in fields(response)
    assert (Membership.objects.count(), AuditEvent.objects.count()) == before


def test_people_you_cannot_see_cannot_be_added(api, second_whanau, team_south):
    stranger = PersonFactory(preferred_name="Hidden")
    MembershipFactory(whanau=WhanauFactory(team=team_south), person=stranger)
    response = api.post("/memberships", {"whanau_id": second_whanau.pk, "person_id": stranger.pk})
    assert response.status_code == 422
    assert "person_id" in fields(response)
    assert not Membership.objects.filter(whanau=second_whanau).exists()


def test_outsider_gets_404_and_break_glass_reader_403(outsider, admin_user, membership, whanau):
    response = Api(outsider).patch(f"/memberships/{membership.pk}", {"version": 1, "role": "x"})
    assert response.status_code == 404
    services.break_glass(actor=admin_user, whanau_id=whanau.pk, reason="Urgent safety check today")
    reader = Api(admin_user)
    assert reader.get("/memberships", whanau=whanau.pk).json()["count"] == 1
    assert (
        reader.patch(f"/memberships/{membership.pk}", {"version": 1, "role": "x"}).status_code
        == 403
    )
    response = reader.post(f"/memberships/{membership.pk}/archive", {"version": 1, "reason": "x"})
    assert response.status_code == 403
    membership.refresh_from_db()
    assert (membership.role, membership.archived_at) == ("mother", None)


def test_change_and_stale_change(api, membership, supervisor):
    response = api.patch(f"/memberships/{membership.pk}", {"version": 1, "role": "whaea"})
    assert response.status_code == 200
    assert response.json()["role"] == "whaea"
    response = api.patch(f"/memberships/{membership.pk}", {"version": 1, "role": "kōkā"})
    assert response.status_code == 409
    assert (response.json()["your_version"], response.json()["current_version"]) == (1, 2)
    assert response.json()["current"]["role"] == "whaea"


def test_end_before_start_is_a_field_error(api, membership):
    response = api.patch(
        f"/memberships/{membership.pk}",
        {"version": 1, "started": "2026-05-01", "ended": "2026-04-01"},
    )
    assert response.status_code == 422
    assert "ended" in fields(response)
    membership.refresh_from_db()
    assert membership.started is None


def test_archive_membership(api, membership):
    response = api.post(f"/memberships/{membership.pk}/archive", {"version": 1, "reason": "Moved"})
    assert response.status_code == 200
    assert response.json()["archived_at"]
    # Archived memberships leave the list (unless asked for) and can't be changed again.
    assert api.get("/memberships").json()["count"] == 0
    assert api.get("/memberships", include_archived="true").json()["count"] == 1
    response = api.patch(f"/memberships/{membership.pk}", {"version": 2, "role": "x"})
    assert response.status_code == 404


def test_an_admin_cannot_add_members(admin_user, person, whanau):
    services.break_glass(actor=admin_user, whanau_id=whanau.pk, reason="Urgent safety check today")
    api = Api(admin_user)
    before = Membership.objects.count()
    response = api.post("/memberships", {"whanau_id": whanau.pk, "person_id": person.pk})
    assert response.status_code == 403
    assert response.json()["detail"] == "Your role cannot change case records."
    assert Membership.objects.count() == before
