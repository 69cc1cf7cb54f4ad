"""Whānau and people in the browser: find a whānau without typing macrons, open a person, meet a
conflict on a stale edit, check for duplicates, break glass as an administrator; every page
passes axe and is usable at 360 px wide."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import axe_check, login
from hononga.accounts.models import Role
from hononga.factories import (
    TEST_PASSWORD,
    AllocationFactory,
    MembershipFactory,
    PersonFactory,
    RegionFactory,
    TeamFactory,
    UserFactory,
    WhanauFactory,
)
from hononga.whanau import services
from hononga.whanau.models import BreakGlassGrant, Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting() -> dict[str, Any]:
    team = TeamFactory(name="Ōtautahi team", region=RegionFactory(name="Waitaha"))
    aroha = UserFactory(username="aroha", preferred_name="Aroha", teams=[team])
    hemi = UserFactory(username="hemi", preferred_name="Hēmi", role=Role.SUPERVISOR, teams=[team])
    admin = UserFactory(username="kaiwhakahaere", preferred_name="Rangi", role=Role.ADMIN)
    whanau = WhanauFactory(name="Pōhutukawa whānau", team=team, summary="Kōrero about mahi.")
    AllocationFactory(whanau=whanau, user=aroha)
    WhanauFactory(name="Rātā whānau", team=team)
    mere = PersonFactory(preferred_name="Mere", other_names="Pōhutukawa", phone="021 555 0101")
    MembershipFactory(person=mere, whanau=whanau, role="whaea")
    return {"team": team, "aroha": aroha, "hemi": hemi, "admin": admin, "whanau": whanau}


def fits_width(page: Page) -> None:
    """Nothing scrolls sideways at the current viewport width."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"page is {overflow}px wider than the screen"


def test_find_a_whanau_open_a_person_and_meet_a_conflict(page: Page, live_server, setting):
    base = live_server.url
    login(page, base, "aroha", TEST_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Whānau").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Whānau")
    axe_check(page, "whanau-list")
    page.get_by_label("Search by name").fill("pohutukawa WHANAU")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Pōhutukawa whānau")).to_be_visible()
    axe_check(page, "whanau-list-search")
    page.get_by_role("link", name="Pōhutukawa whānau").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pōhutukawa whānau")
    axe_check(page, "whanau-detail")
    page.get_by_role("link", name="Mere Pōhutukawa", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mere Pōhutukawa")
    axe_check(page, "person-detail")
    page.get_by_role("link", name="Change details").click()
    axe_check(page, "person-edit")
    page.get_by_label("Languages").fill("te reo Māori")
    # Meanwhile the supervisor saves a change to the same person.
    mere = Person.objects.get(preferred_name="Mere")
    services.person_update(
        actor=setting["hemi"],
        person_id=mere.pk,
        expected_version=mere.version,
        changes={"languages": "English"},
    )
    page.get_by_role("button", name="Save changes").click()
    conflict = page.get_by_role("region", name="Someone else changed this record")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("te reo Māori")
    expect(conflict).to_contain_text("English")
    expect(conflict).to_contain_text("Hēmi")
    axe_check(page, "person-conflict")
    mere.refresh_from_db()
    assert mere.languages == "English"
    # Having compared the two, the user saves again on purpose: now theirs is replaced.
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Changes saved.")).to_be_visible()
    mere.refresh_from_db()
    assert mere.languages == "te reo Māori"


def test_a_new_person_is_checked_for_duplicates(page: Page, live_server, setting):
    base = live_server.url
    login(page, base, "aroha", TEST_PASSWORD)
    page.goto(f"{base}/whanau/{setting['whanau'].pk}/")
    page.get_by_role("link", name="Add a new person").click()
    axe_check(page, "person-create")
    page.get_by_label("Preferred name").fill("Mere")
    page.get_by_label("Other names").fill("Pohutukawa")
    page.get_by_label("Who they are").select_option("parent")
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("heading", name="Is this someone already on record?")).to_be_visible()
    axe_check(page, "person-duplicates")
    assert Person.objects.count() == 1
    page.get_by_label("None of these is the person: create a new record").check()
    page.get_by_role("button", name="Create a new person").click()
    expect(page.get_by_text("Mere Pohutukawa added.")).to_be_visible()
    assert Person.objects.count() == 2


def test_admin_breaks_glass_and_the_supervisor_sees_it(page: Page, live_server, setting):
    base = live_server.url
    whanau = setting["whanau"]
    login(page, base, "kaiwhakahaere", TEST_PASSWORD)
    assert page.goto(f"{base}/whanau/{whanau.pk}/").status == 404  # type: ignore[union-attr]
    page.goto(f"{base}/")
    page.get_by_role("link", name="Break glass").click()
    axe_check(page, "break-glass")
    page.get_by_label("Whānau reference number").fill(str(whanau.pk + 500))
    page.get_by_label("Reason").fill("Urgent call from the school about tamariki")
    page.get_by_role("button", name="Break glass and open the whānau").click()
    expect(page.get_by_role("alert")).to_contain_text("no whānau with that reference number")
    axe_check(page, "break-glass-error")
    page.get_by_label("Whānau reference number").fill(str(whanau.pk))
    page.get_by_role("button", name="Break glass and open the whānau").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pōhutukawa whānau")
    expect(page.get_by_text("through break glass")).to_be_visible()
    expect(page.get_by_role("link", name="Change details")).to_have_count(0)
    axe_check(page, "whanau-by-glass")
    assert BreakGlassGrant.objects.filter(user=setting["admin"]).exists()
    page.get_by_role("button", name="Log out").click()
    login(page, base, "hemi", TEST_PASSWORD)
    page.goto(f"{base}/whanau/{whanau.pk}/")
    glass = page.get_by_role("region", name="Break-glass access")
    expect(glass).to_contain_text("Urgent call from the school about tamariki")
    expect(glass).to_contain_text("Rangi")
    axe_check(page, "whanau-supervisor")


def test_pages_fit_a_small_phone(page: Page, live_server, setting):
    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, base, "aroha", TEST_PASSWORD)
    whanau = setting["whanau"]
    mere = Person.objects.get(preferred_name="Mere")
    for path in (
        "/whanau/",
        f"/whanau/{whanau.pk}/",
        f"/whanau/{whanau.pk}/edit/",
        "/people/",
        f"/people/{mere.pk}/",
        f"/people/{mere.pk}/edit/",
        "/break-glass/",
    ):
        page.goto(base + path)
        fits_width(page)
        axe_check(page, "narrow" + path.replace("/", "-"))
