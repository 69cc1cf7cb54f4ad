"""API: /api/v1/people — list, search, likely duplicates, create, read, change, archive."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from hononga.audit.models import Action, AuditEvent
from hononga.factories import MembershipFactory, PersonFactory, WhanauFactory
from hononga.whanau import services
from hononga.whanau.models import Membership, Person
from hononga.whanau.tests.test_api_whanau import Api, fields


@pytest.fixture
def api(practitioner):
    return Api(practitioner)


def _new(whanau, **extra):
    return {"whanau_id": whanau.pk, "preferred_name": "Tama", "kind": "tamariki", **extra}


# --- List -----------------------------------------------------------------------------------------


def test_list_shows_people_of_visible_whanau_only(api, person, team_south):
    hidden = WhanauFactory(team=team_south)
    MembershipFactory(whanau=hidden, person=PersonFactory(preferred_name="Hūhana"))
    response = api.get("/people")
    assert response.status_code == 200
    assert [p["full_name"] for p in response.json()["items"]] == ["Mere Kōwhai"]
    assert AuditEvent.objects.filter(action=Action.LIST).count() == 1


@pytest.mark.parametrize("q", ["mere kowhai", "MERE", "kōwhai", "KOWHAI"])
def test_search_ignores_macrons_and_case(api, person, q):
    assert [p["id"] for p in api.get("/people", q=q).json()["items"]] == [person.pk]


def test_filters_by_kind_and_whanau(supervisor, person, whanau, team_north):
    other = WhanauFactory(team=team_north)
    child = PersonFactory(preferred_name="Tama", kind="tamariki")
    MembershipFactory(whanau=other, person=child)
    api = Api(supervisor)
    assert [p["id"] for p in api.get("/people", kind="tamariki").json()["items"]] == [child.pk]
    assert [p["id"] for p in api.get("/people", whanau=whanau.pk).json()["items"]] == [person.pk]
    assert api.get("/people", kind="dragon").status_code == 422


def test_whanau_filter_cannot_reveal_memberships_of_hidden_whanau(api, person, team_south):
    hidden = WhanauFactory(team=team_south)
    MembershipFactory(whanau=hidden, person=person)
    assert api.get("/people", whanau=hidden.pk).json()["count"] == 0


def test_list_query_count_is_bounded(api, whanau, django_assert_max_num_queries):
    for n in range(25):
        MembershipFactory(whanau=whanau, person=PersonFactory(preferred_name=f"Tangata {n}"))
    with django_assert_max_num_queries(12):
        response = api.get("/people", page_size=100)
    assert response.json()["count"] == 25


def test_pagination(api, whanau):
    for n in range(5):
        MembershipFactory(whanau=whanau, person=PersonFactory(preferred_name=f"Tangata {n}"))
    body = api.get("/people", page=3, page_size=2).json()
    assert (body["count"], body["pages"], len(body["items"])) == (5, 3, 1)


# --- Likely duplicates ----------------------------------------------------------------------------


def test_likely_duplicates_by_name_date_of_birth_or_phone(api, whanau):
    mere = PersonFactory(
        preferred_name="Mere", other_names="Kōwhai", date_of_birth=date(1990, 4, 12)
    )
    MembershipFactory(whanau=whanau, person=mere)
    phoned = PersonFactory(preferred_name="Rangi", other_names="Tui", phone="021 555 0199")
    MembershipFactory(whanau=whanau, person=phoned)

    def ids(**params):
        response = api.get("/people/likely-duplicates", **params)
        assert response.status_code == 200, response.content
        return [p["id"] for p in response.json()["items"]]

    assert ids(name="mere kowhai") == [mere.pk]
    assert ids(name="Mere Smith", date_of_birth="1990-04-12") == [mere.pk]
    assert ids(name="Someone Else", phone="+64 21 555 0199") == [phoned.pk]
    assert ids(name="Someone Else") == []
    assert AuditEvent.objects.filter(action=Action.LIST).count() == 4


def test_likely_duplicates_never_shows_people_you_cannot_see(api, whanau, team_south):
    hidden = WhanauFactory(team=team_south)
    MembershipFactory(whanau=hidden, person=PersonFactory(preferred_name="Mere", other_names="X"))
    assert api.get("/people/likely-duplicates", name="Mere X").json()["items"] == []


def test_likely_duplicates_needs_a_name(api):
    response = api.get("/people/likely-duplicates", phone="021")
    assert response.status_code == 422
    assert "name" in fields(response)


# --- Create ---------------------------------------------------------------------------------------


def test_create_adds_the_person_to_the_whanau_and_audits(api, whanau):
    response = api.post(
        "/people",
        _new(whanau, other_names="Kōwhai", date_of_birth="2015-02-01", membership_role="pōtiki"),
    )
    assert response.status_code == 201, response.content
    person = Person.objects.get(pk=response.json()["id"])
    assert person.full_name == "Tama Kōwhai"
    assert Membership.objects.get(person=person).role == "pōtiki"
    assert AuditEvent.objects.filter(action=Action.CREATE, target_id=str(person.pk)).exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"kind": "dragon"}, "kind"),
        ({"preferred_name": ""}, "preferred_name"),
        ({"preferred_name": "x" * 201}, "preferred_name"),
        ({"email": "not-an-email"}, "email"),
        ({"phone": "1" * 31}, "phone"),
        ({"date_of_birth": "2015-13-01"}, "date_of_birth"),
        ({"date_of_birth": 1700000000}, "date_of_birth"),
        ({"membership_role": "x" * 101}, "membership_role"),
        ({"measles_status": "maybe"}, "measles_status"),
        ({"nickname": "T"}, "nickname"),
        ({"whanau_id": "1"}, "whanau_id"),
    ],
)
def test_bad_bodies_write_nothing(api, whanau, extra, field):
    before = (Person.objects.count(), Membership.objects.count(), AuditEvent.objects.count())
    response = api.post("/people", _new(whanau, **extra))
    assert response.status_code == 422, response.content
    assert field in fields(response)
    after = (Person.objects.count(), Membership.objects.count(), AuditEvent.objects.count())
    assert after == before


def test_date_of_birth_cannot_be_in_the_future(api, whanau):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = api.post("/people", _new(whanau, date_of_birth=tomorrow))
    assert "date_of_birth" in fields(response)
    assert not Person.objects.filter(preferred_name="Tama").exists()


def test_create_in_a_whanau_you_cannot_see_is_a_field_error(api, team_south):
    hidden = WhanauFactory(team=team_south)
    response = api.post("/people", _new(hidden))
    assert response.status_code == 422
    assert "whanau_id" in fields(response)
    missing = api.post("/people", {**_new(hidden), "whanau_id": 999999})
    assert missing.json()["errors"] == response.json()["errors"]
    assert not Person.objects.filter(preferred_name="Tama").exists()


def test_break_glass_reader_cannot_create(admin_user, whanau):
    services.break_glass(actor=admin_user, whanau_id=whanau.pk, reason="Urgent safety check today")
    response = Api(admin_user).post("/people", _new(whanau))
    assert response.status_code == 403
    assert not Person.objects.filter(preferred_name="Tama").exists()


def test_script_text_is_kept_as_data(api, whanau):
    name = "<img src=x onerror=alert(1)>"
    response = api.post("/people", _new(whanau, preferred_name=name, iwi="Ngāti Porou"))
    assert response.status_code == 201
    got = api.get(f"/people/{response.json()['id']}").json()
    assert (got["preferred_name"], got["iwi"]) == (name, "Ngāti Porou")


# --- Read, change, archive ------------------------------------------------------------------------


def test_get_person_audits_a_view_for_each_whanau(api, person, whanau, team_north):
    other = WhanauFactory(team=team_north)
    MembershipFactory(whanau=other, person=person)
    response = api.get(f"/people/{person.pk}")
    assert response.status_code == 200
    assert response.json()["full_name"] == "Mere Kōwhai"
    views = AuditEvent.objects.filter(action=Action.VIEW, target_id=str(person.pk))
    assert set(views.values_list("whanau_id", flat=True)) == {whanau.pk, other.pk}


def test_outsider_gets_404_on_every_person_endpoint(outsider, person):
    api = Api(outsider)
    assert api.get(f"/people/{person.pk}").status_code == 404
    assert api.patch(f"/people/{person.pk}", {"version": 1, "iwi": "x"}).status_code == 404
    response = api.post(f"/people/{person.pk}/archive", {"version": 1, "reason": "x"})
    assert response.status_code == 404
    person.refresh_from_db()
    assert (person.iwi, person.archived_at) == ("", None)
    assert not AuditEvent.objects.filter(target_type="person", target_id=str(person.pk)).exists()


def test_patch_and_stale_patch(api, person, supervisor):
    response = api.patch(f"/people/{person.pk}", {"version": 1, "phone": "021 555 0199"})
    assert response.status_code == 200, response.content
    assert response.json()["phone"] == "0215550199"
    assert response.json()["version"] == 2
    services.person_update(
        actor=supervisor, person_id=person.pk, expected_version=2, changes={"iwi": "Tainui"}
    )
    response = api.patch(f"/people/{person.pk}", {"version": 2, "iwi": "Ngāpuhi"})
    assert response.status_code == 409
    body = response.json()
    assert (body["your_version"], body["current_version"]) == (2, 3)
    assert body["current"]["iwi"] == "Tainui"
    person.refresh_from_db()
    assert person.iwi == "Tainui"


def test_patch_can_clear_a_nullable_date_but_not_a_name(api, person):
    person.date_of_birth = date(1990, 1, 1)
    person.save()
    assert (
        api.patch(f"/people/{person.pk}", {"version": 1, "preferred_name": None}).status_code == 422
    )
    response = api.patch(f"/people/{person.pk}", {"version": 1, "date_of_birth": None})
    assert response.status_code == 200
    assert response.json()["date_of_birth"] is None


def test_supervisor_of_another_team_cannot_see_or_change(supervisor_south, person):
    api = Api(supervisor_south)
    assert api.patch(f"/people/{person.pk}", {"version": 1, "iwi": "x"}).status_code == 404


def test_archive_person(api, person):
    response = api.post(f"/people/{person.pk}/archive", {"version": 1, "reason": "Duplicate"})
    assert response.status_code == 200
    assert response.json()["archived_at"]
    assert AuditEvent.objects.filter(action=Action.ARCHIVE, target_id=str(person.pk)).exists()
    again = api.post(f"/people/{person.pk}/archive", {"version": 2, "reason": "Duplicate"})
    assert again.status_code == 422
