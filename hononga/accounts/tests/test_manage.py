"""Administrators' pages: users, teams and allocations. Only administrators; nothing deleted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hononga.accounts.models import Role, Team, User
from hononga.audit.models import Action, AuditEvent
from hononga.conftest import client_for
from hononga.core.models import Region
from hononga.factories import AllocationFactory, UserFactory, WhanauFactory
from hononga.whanau.models import Allocation

NEW_PASSWORD = "rākau-tū-tonu-2026"

PAGES = [
    "/accounts/manage/",
    "/accounts/manage/users/",
    "/accounts/manage/users/new/",
    "/accounts/manage/teams/",
    "/accounts/manage/teams/new/",
    "/accounts/manage/allocations/",
    "/accounts/manage/allocations/new/",
]


@pytest.mark.parametrize("url", PAGES)
def test_admin_opens_every_manage_page(admin_client_, whanau, url):
    response = admin_client_.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["practitioner", "facilitator", "supervisor"])
def test_other_roles_get_404_and_cannot_write(request, role, whanau, practitioner, team_north):
    client = client_for(request.getfixturevalue(role))
    for url in PAGES:
        assert client.get(url).status_code == 404, url
    allocation = Allocation.objects.get()
    writes = [
        (
            "/accounts/manage/users/new/",
            {"username": "x", "password": NEW_PASSWORD, "role": "admin"},
        ),
        (f"/accounts/manage/users/{practitioner.pk}/", {"role": "admin", "is_active": "on"}),
        (f"/accounts/manage/users/{practitioner.pk}/deactivate/", {}),
        ("/accounts/manage/teams/new/", {"name": "Sneaky", "region": team_north.region_id}),
        (f"/accounts/manage/teams/{team_north.pk}/", {"name": "Renamed"}),
        (
            f"/accounts/manage/allocations/{allocation.pk}/end/",
            {"version": 1, "ended": "2026-01-01"},
        ),
    ]
    for url, data in writes:
        assert client.post(url, data).status_code == 404, url
    assert not User.objects.filter(username="x").exists()
    practitioner.refresh_from_db()
    assert practitioner.role == Role.PRACTITIONER and practitioner.is_active
    assert not Team.objects.filter(name__in=["Sneaky", "Renamed"]).exists()
    assert Allocation.objects.get().ended is None


def test_anonymous_is_sent_to_log_in(client, db):
    response = client.get("/accounts/manage/users/")
    assert response.status_code == 302


def test_manage_page_shows_other_apps_panels(admin_client_):
    text = admin_client_.get("/accounts/manage/").content.decode()
    assert "Relationship check-ins" in text  # the checkins app's "manage" panel
    assert 'aria-current="page"' in text


def test_user_list_search_filters_and_pagination(
    admin_client_, practitioner, supervisor, team_north, django_assert_max_num_queries
):
    for n in range(60):
        UserFactory(username=f"kaimahi-extra-{n:02d}", teams=[team_north])
    with django_assert_max_num_queries(10):
        response = admin_client_.get("/accounts/manage/users/")
    text = response.content.decode()
    assert "Page 1 of 2" in text
    text = admin_client_.get("/accounts/manage/users/", {"q": "AROHA"}).content.decode()
    assert "practitioner" in text and "kaimahi-extra-01" not in text
    UserFactory(username="hemi-k", preferred_name="Hēmi Kōwhai")
    for query in ("hemi kowhai", "HĒMI", "kōwhai"):
        text = admin_client_.get("/accounts/manage/users/", {"q": query}).content.decode()
        assert "hemi-k" in text and "kaimahi-extra-01" not in text, query
    text = admin_client_.get("/accounts/manage/users/", {"role": "supervisor"}).content.decode()
    assert ">supervisor<" in text and "kaimahi-extra-01" not in text
    response = admin_client_.get("/accounts/manage/users/", {"role": "boss", "team": "x"})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_admin_creates_a_user_with_teams(admin_client_, team_north):
    response = admin_client_.post(
        "/accounts/manage/users/new/",
        {
            "username": "hemi",
            "preferred_name": "Hēmi",
            "role": "supervisor",
            "teams": [team_north.pk],
            "password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="hemi")
    assert user.role == Role.SUPERVISOR
    assert list(user.teams.all()) == [team_north]
    assert user.check_password(NEW_PASSWORD)
    assert user.password.startswith("argon2") or user.password.startswith("md5")
    event = AuditEvent.objects.get(action=Action.CREATE, target_type="user")
    assert event.actor_username == "admin"
    assert NEW_PASSWORD not in str(event.data) + event.summary


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"username": "", "password": NEW_PASSWORD, "role": "practitioner"}, "required"),
        ({"username": "practitioner", "password": NEW_PASSWORD, "role": "practitioner"}, "already"),
        ({"username": "new one!", "password": NEW_PASSWORD, "role": "practitioner"}, "valid"),
        ({"username": "hemi", "password": "short", "role": "practitioner"}, "too short"),
        ({"username": "hemi", "password": NEW_PASSWORD, "role": "boss"}, "valid choice"),
        ({"username": "x" * 300, "password": NEW_PASSWORD, "role": "practitioner"}, "at most"),
        (
            {
                "username": "hemi",
                "password": NEW_PASSWORD,
                "role": "practitioner",
                "teams": ["9999"],
            },
            "valid choice",
        ),
        (
            {"username": "hemi", "password": NEW_PASSWORD, "role": "practitioner", "email": "no"},
            "email",
        ),
    ],
)
def test_bad_user_input_gets_a_clear_message_and_nothing_saved(
    admin_client_, practitioner, data, field_message
):
    before = User.objects.count()
    response = admin_client_.post("/accounts/manage/users/new/", data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text
    assert field_message in text.lower() or field_message in text
    assert User.objects.count() == before


def test_script_in_names_is_shown_escaped(admin_client_):
    admin_client_.post(
        "/accounts/manage/users/new/",
        {
            "username": "tama",
            "preferred_name": "<script>alert(1)</script>",
            "role": "practitioner",
            "password": NEW_PASSWORD,
        },
    )
    text = admin_client_.get("/accounts/manage/users/").content.decode()
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;" in text


def test_admin_edits_role_teams_and_password(admin_client_, practitioner, team_south):
    response = admin_client_.post(
        f"/accounts/manage/users/{practitioner.pk}/",
        {
            "preferred_name": "Aroha",
            "role": "supervisor",
            "teams": [team_south.pk],
            "is_active": "on",
            "password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.role == Role.SUPERVISOR
    assert list(practitioner.teams.all()) == [team_south]
    assert practitioner.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action=Action.UPDATE, target_type="user")
    assert event.data["changes"]["role"] == ["practitioner", "supervisor"]
    assert "password" not in event.data["changes"]


def test_deactivate_never_deletes(admin_client_, practitioner):
    response = admin_client_.post(f"/accounts/manage/users/{practitioner.pk}/deactivate/")
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.is_active is False
    assert AuditEvent.objects.filter(summary="Deactivated user practitioner").exists()
    assert client_for(practitioner).get("/").status_code == 302  # logged out
    # Reactivate through the edit form.
    admin_client_.post(
        f"/accounts/manage/users/{practitioner.pk}/",
        {"role": "practitioner", "is_active": "on", "preferred_name": "Aroha"},
    )
    practitioner.refresh_from_db()
    assert practitioner.is_active
    # Deactivation only by POST.
    assert (
        admin_client_.get(f"/accounts/manage/users/{practitioner.pk}/deactivate/").status_code
        == 405
    )


def test_admin_cannot_lock_themself_out(admin_client_, admin_user):
    response = admin_client_.post(f"/accounts/manage/users/{admin_user.pk}/deactivate/")
    assert response.status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.is_active
    response = admin_client_.post(
        f"/accounts/manage/users/{admin_user.pk}/", {"role": "practitioner", "is_active": "on"}
    )
    assert response.status_code == 400
    admin_user.refresh_from_db()
    assert admin_user.role == Role.ADMIN


@pytest.mark.parametrize("bad", ["999999", "abc", "-1", "9" * 40])
def test_unknown_ids_get_404(admin_client_, bad):
    assert admin_client_.get(f"/accounts/manage/users/{bad}/").status_code == 404
    assert admin_client_.get(f"/accounts/manage/teams/{bad}/").status_code == 404
    assert admin_client_.get(f"/accounts/manage/allocations/{bad}/end/").status_code == 404


def test_admin_creates_and_edits_a_team(admin_client_, team_north):
    response = admin_client_.post(
        "/accounts/manage/teams/new/", {"name": "Ōtautahi team", "new_region": "Waitaha"}
    )
    assert response.status_code == 302
    team = Team.objects.get(name="Ōtautahi team")
    assert team.region.name == "Waitaha"
    response = admin_client_.post(
        f"/accounts/manage/teams/{team.pk}/",
        {"name": "Ōtautahi rōpū", "region": team_north.region_id},
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.name == "Ōtautahi rōpū" and team.region == team_north.region
    assert AuditEvent.objects.filter(target_type="team").count() == 2
    text = admin_client_.get("/accounts/manage/teams/").content.decode()
    assert "Ōtautahi rōpū" in text


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "new_region": "Waitaha"},
        {"name": "Team North", "new_region": "Waitaha"},
        {"name": "No region"},
        {"name": "x" * 200, "new_region": "Waitaha"},
        {"name": "Bad region", "region": "abc"},
        {"name": "Long region", "new_region": "r" * 101},
    ],
)
def test_bad_team_input(admin_client_, team_north, data):
    before = Team.objects.count(), Region.objects.count()
    response = admin_client_.post("/accounts/manage/teams/new/", data)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert (Team.objects.count(), Region.objects.count()) == before


def test_allocation_list_filters_and_pagination(
    admin_client_, whanau, team_north, team_south, practitioner, django_assert_max_num_queries
):
    south = WhanauFactory(name="Tōtara whānau", team=team_south)
    for _n in range(55):
        AllocationFactory(whanau=south)
    # Page, count, filter choices, session and user, and the audit event for the look.
    with django_assert_max_num_queries(16):
        response = admin_client_.get("/accounts/manage/allocations/")
    assert "Page 1 of 2" in response.content.decode()
    text = admin_client_.get(
        "/accounts/manage/allocations/", {"team": team_north.pk}
    ).content.decode()
    assert "Kōwhai whānau" in text and "Tōtara whānau" not in text
    text = admin_client_.get(
        "/accounts/manage/allocations/", {"user": practitioner.pk, "current": "on"}
    ).content.decode()
    assert "Kōwhai whānau" in text and "Tōtara whānau" not in text
    response = admin_client_.get("/accounts/manage/allocations/", {"team": "nope"})
    assert response.status_code == 400


def test_admin_allocates_and_ends_an_allocation(admin_client_, whanau, facilitator):
    today = timezone.localdate()
    response = admin_client_.post(
        "/accounts/manage/allocations/new/",
        {"whanau": whanau.pk, "user": facilitator.pk, "started": str(today)},
    )
    assert response.status_code == 302
    allocation = Allocation.objects.get(user=facilitator)
    assert AuditEvent.objects.filter(
        action=Action.CREATE, target_type="allocation", whanau_id=whanau.pk
    ).exists()
    # Allocating again for the same dates is refused by the service, shown as a form error.
    response = admin_client_.post(
        "/accounts/manage/allocations/new/",
        {"whanau": whanau.pk, "user": facilitator.pk, "started": str(today)},
    )
    assert response.status_code == 400
    assert "Already allocated" in response.content.decode()
    url = f"/accounts/manage/allocations/{allocation.pk}/end/"
    assert admin_client_.get(url).status_code == 200
    response = admin_client_.post(url, {"version": allocation.version, "ended": str(today)})
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert allocation.ended == today
    assert allocation.version == 2


def test_ending_a_stale_allocation_is_a_conflict(admin_client_, whanau):
    allocation = Allocation.objects.get()
    today = timezone.localdate()
    admin_client_.post(
        f"/accounts/manage/allocations/{allocation.pk}/end/",
        {"version": 1, "ended": str(today + timedelta(days=5))},
    )
    response = admin_client_.post(
        f"/accounts/manage/allocations/{allocation.pk}/end/", {"version": 1, "ended": str(today)}
    )
    assert response.status_code == 400
    assert "Someone else saved" in response.content.decode()
    allocation.refresh_from_db()
    assert allocation.ended == today + timedelta(days=5)


@pytest.mark.parametrize(
    "data",
    [
        {"version": "1", "ended": "not a date"},
        {"version": "abc", "ended": "2026-01-01"},
        {"version": "1", "ended": "1990-01-01"},
    ],
)
def test_bad_allocation_end_input(admin_client_, whanau, data):
    allocation = Allocation.objects.get()
    response = admin_client_.post(f"/accounts/manage/allocations/{allocation.pk}/end/", data)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    allocation.refresh_from_db()
    assert allocation.ended is None and allocation.version == 1


@pytest.mark.parametrize(
    "data",
    [
        {"whanau": "", "user": "", "started": ""},
        {"whanau": "abc", "user": "1", "started": "2026-01-01"},
        {"whanau": "WHANAU", "user": "ADMIN", "started": "2026-01-01"},
        {"whanau": "WHANAU", "user": "USER", "started": "2026-02-01", "ended": "2026-01-01"},
    ],
)
def test_bad_allocation_input(admin_client_, whanau, admin_user, facilitator, data):
    data = {
        k: {"WHANAU": str(whanau.pk), "ADMIN": str(admin_user.pk), "USER": str(facilitator.pk)}.get(
            v, v
        )
        for k, v in data.items()
    }
    before = Allocation.objects.count()
    response = admin_client_.post("/accounts/manage/allocations/new/", data)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert Allocation.objects.count() == before


def test_looking_at_allocations_is_on_the_record(admin_client_, whanau):
    admin_client_.get("/accounts/manage/allocations/", {"team": whanau.team_id})
    admin_client_.get("/accounts/manage/allocations/new/")
    events = AuditEvent.objects.filter(action=Action.LIST, actor_username="admin")
    assert events.count() == 2
    assert events.filter(data__filters={"team": str(whanau.team_id)}).exists()
