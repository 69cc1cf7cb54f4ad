"""The practice lead role is managed on the Manage pages, and every change is audited."""

from hononga.accounts.models import Role, Team, User
from hononga.audit.models import Action, AuditEvent
from hononga.factories import AllocationFactory, WhanauFactory

PASSWORD = "a-long-enough-password-1"


def test_an_administrator_makes_a_practice_lead_for_a_region(
    admin_client_, team_north: Team
) -> None:
    response = admin_client_.post(
        "/accounts/manage/users/new/",
        {
            "username": "rangi",
            "role": "practice_lead",
            "password": PASSWORD,
            "lead_regions": [team_north.region_id],
        },
    )
    assert response.status_code == 302
    lead = User.objects.get(username="rangi")
    assert lead.role == Role.PRACTICE_LEAD
    assert list(lead.lead_regions.all()) == [team_north.region]
    event = AuditEvent.objects.get(action=Action.CREATE, target_type="user")
    assert event.data["lead_regions"] == [team_north.region_id]


def test_changing_the_role_or_regions_is_audited_and_regions_go_with_the_role(
    admin_client_, team_north: Team, team_south: Team
) -> None:
    lead = User.objects.create(username="rangi", role=Role.PRACTICE_LEAD)
    url = f"/accounts/manage/users/{lead.pk}/"
    form = {"role": "practice_lead", "is_active": "on", "lead_regions": [team_south.region_id]}
    assert admin_client_.post(url, form).status_code == 302
    event = AuditEvent.objects.filter(action=Action.UPDATE, target_type="user").latest("id")
    assert event.data["changes"]["lead_regions"] == [[], [team_south.region_id]]
    assert admin_client_.post(url, {**form, "role": "practitioner"}).status_code == 302
    lead.refresh_from_db()
    assert lead.role == Role.PRACTITIONER
    assert not lead.lead_regions.exists()  # a practitioner leads no region


def test_a_practice_lead_cannot_be_allocated_a_whanau(admin_client_, team_north: Team) -> None:
    lead = User.objects.create(username="rangi", role=Role.PRACTICE_LEAD)
    whanau = WhanauFactory(team=team_north)
    AllocationFactory(whanau=whanau)
    response = admin_client_.post(
        "/accounts/manage/allocations/new/",
        {"whanau": whanau.pk, "user": lead.pk, "started": "2026-11-01"},
    )
    assert response.status_code == 400
    assert not whanau.allocations.filter(user=lead).exists()
