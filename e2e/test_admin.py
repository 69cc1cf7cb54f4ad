"""An administrator adds a team and a user, then reads and filters the audit trail."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import axe_check, login
from hononga.accounts.models import Role, Team, User
from hononga.factories import TEST_PASSWORD, RegionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_creates_a_team_and_a_user_then_filters_the_audit_trail(page, live_server):
    UserFactory(username="kaiwhakahaere", preferred_name="Mere", role=Role.ADMIN)
    RegionFactory(name="Waikato")
    login(page, live_server.url, "kaiwhakahaere", TEST_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Manage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Manage users, teams and allocations")
    axe_check(page, "manage")

    # A team in a region.
    page.get_by_role("link", name="Add a team").click()
    axe_check(page, "team-form")
    page.get_by_role("button", name="Add team").click()
    expect(page.get_by_role("alert")).to_contain_text("This field is required")
    axe_check(page, "team-form-errors")
    page.get_by_label("Team name").fill("Kirikiriroa rōpū")
    page.locator("#id_region").select_option(label="Waikato")
    page.get_by_role("button", name="Add team").click()
    expect(page.get_by_role("status")).to_contain_text("Saved team Kirikiriroa rōpū")
    expect(page.get_by_role("cell", name="Kirikiriroa rōpū")).to_be_visible()
    axe_check(page, "teams")

    # A user in that team.
    page.goto(f"{live_server.url}/accounts/manage/users/new/")
    page.get_by_label("Username").fill("hemi")
    page.get_by_label("Preferred name").fill("Hēmi")
    page.get_by_label("Role").select_option("supervisor")
    page.get_by_label("Kirikiriroa rōpū").check()
    page.get_by_label("First password").fill("he-kupu-huna-2026")
    axe_check(page, "user-form")
    page.get_by_role("button", name="Add user").click()
    expect(page.get_by_role("status")).to_contain_text("Hēmi can now log in as hemi")
    user = User.objects.get(username="hemi")
    assert user.role == Role.SUPERVISOR
    assert list(user.teams.values_list("name", flat=True)) == ["Kirikiriroa rōpū"]
    assert Team.objects.filter(name="Kirikiriroa rōpū", region__name="Waikato").exists()
    page.get_by_role("textbox", name="Search").fill("hēmi")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("link", name="hemi")).to_be_visible()
    axe_check(page, "users")

    # The audit trail shows both changes and the chain check; filter to the user's creation.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    expect(page.get_by_text("Chain check: intact.")).to_be_visible()
    expect(page.get_by_text("Created team Kirikiriroa rōpū in Waikato")).to_be_visible()
    axe_check(page, "audit")
    page.get_by_label("What").select_option("create")
    page.get_by_label("Who").fill("kaiwhakahaere")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("Created user hemi (supervisor)")).to_be_visible()
    expect(page.get_by_text("Logged in", exact=True)).to_have_count(0)
    axe_check(page, "audit-filtered")
    page.get_by_label("From").fill("2020-02-01")
    page.get_by_label("Until").fill("2020-01-01")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("alert")).to_contain_text("The end date is before the start date")
    axe_check(page, "audit-errors")
