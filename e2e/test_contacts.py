"""Contacts in the browser: recorded by keyboard alone, found in the team reflection; drafts
survive a reload; every contacts page passes axe."""

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from e2e.conftest import axe_check, login
from hononga.accounts.models import Role
from hononga.contacts.models import Contact
from hononga.contacts.tests.factories import make_contact
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

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting() -> dict[str, Any]:
    team = TeamFactory(name="Kirikiriroa team", region=RegionFactory(name="Waikato"))
    aroha = UserFactory(username="aroha", preferred_name="Aroha", teams=[team])
    hemi = UserFactory(username="hemi", preferred_name="Hēmi", role=Role.SUPERVISOR, teams=[team])
    whanau = WhanauFactory(name="Kōwhai whānau", team=team)
    AllocationFactory(whanau=whanau, user=aroha)
    mere = PersonFactory(preferred_name="Mere", other_names="Kōwhai")
    MembershipFactory(person=mere, whanau=whanau, role="mother")
    return {"team": team, "aroha": aroha, "hemi": hemi, "whanau": whanau, "mere": mere}


def tab_to(page: Page, selector: str, *, limit: int = 80, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the element matching `selector` has the focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if page.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
        page.keyboard.press(key)
    raise AssertionError(f"Could not reach {selector} with the keyboard")


def keyboard_login(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    tab_to(page, "input[name=username]")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base_url}/")


def test_a_contact_is_recorded_by_keyboard_alone_and_found_in_the_team_reflection(
    page: Page, live_server, setting
):
    base = live_server.url
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    keyboard_login(page, base, "aroha")
    axe_check(page, "home-with-contacts-panel")
    # From the home page to the form in one step.
    tab_to(page, f"main a[href='/whanau/{setting['whanau'].pk}/contacts/new/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record a contact")
    axe_check(page, "contact-form")
    # The defaults: now, the last mode used (a home visit for a first contact), and nobody
    # ticked: who took part is chosen, never pre-ticked silently (issue 14).
    expect(page.get_by_label("Mere Kōwhai")).not_to_be_checked()
    tab_to(page, "#" + page.get_by_label("Mere Kōwhai").get_attribute("id"))
    page.keyboard.press("Space")
    expect(page.get_by_label("Mere Kōwhai")).to_be_checked()
    tab_to(page, "#id_purpose")
    page.keyboard.type("Kōrero about the school trip")
    tab_to(page, "#id_support")
    page.keyboard.type("8")
    page.keyboard.press("Tab")
    page.keyboard.type("7")
    live = page.locator("#quadrant-live")
    expect(live).to_contain_text("WITH")
    expect(live).to_contain_text("What helped the whānau lead")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Control+a")
    page.keyboard.type("3")  # support 3, control 7: TO
    expect(live).to_contain_text("holding the limits")
    page.keyboard.press("Control+a")
    page.keyboard.type("9")
    expect(live).to_contain_text("WITH")
    tab_to(page, "#id_decisions_with_0")
    page.keyboard.press("Space")
    tab_to(page, "#id_own_words")
    page.keyboard.type("Ariki: I want to go with my cousins.")
    tab_to(page, "button[type=submit].button")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Contact recorded.")).to_be_visible()
    axe_check(page, "contact-detail")
    contact = Contact.objects.get()
    assert (contact.support, contact.control, contact.quadrant) == (9, 7, "with")
    assert contact.decisions_with == "yes" and list(contact.participants.all()) == [setting["mere"]]

    # To the team reflection through the navigation, still by keyboard.
    tab_to(page, "nav a[href='/reflection/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/reflection/practitioners/**")
    tab_to(page, f".subnav a[href='/reflection/teams/{setting['team'].pk}/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/reflection/teams/**")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kirikiriroa team")
    month = timezone.localdate().strftime("%b %Y")
    row = page.locator("table.figures-table tbody tr", has_text=month)
    expect(row.locator("td").nth(0)).to_have_text("1 (100%)")  # one WITH contact
    expect(row.locator("td").nth(5)).to_contain_text("100%")  # decided with them
    expect(row.locator("td").nth(6)).to_contain_text("100%")  # own words
    expect(page.locator("canvas[data-chart-drawn]")).to_have_count(2)
    axe_check(page, "team-reflection")
    # No CSP violations or script errors (the favicon's 404 is the only failed request).
    errors = [e for e in page.console_errors if "Failed to load resource" not in e]  # type: ignore[attr-defined]
    assert not errors
    assert [u for u in failed if not u.endswith("/favicon.ico")] == []


def test_a_draft_survives_a_reload_and_is_cleared_on_save(page: Page, live_server, setting):
    base = live_server.url
    login(page, base, "aroha", TEST_PASSWORD)
    url = f"{base}/whanau/{setting['whanau'].pk}/contacts/new/"
    page.goto(url)
    page.get_by_label("Purpose").fill("Planning the hui")
    page.get_by_label("Note").fill("Half-written when the session ran out")
    page.wait_for_timeout(500)  # the draft is saved after a short pause in typing
    page.goto(url)
    expect(page.locator("#draft-notice")).to_be_visible()
    expect(page.get_by_label("Purpose")).to_have_value("Planning the hui")
    expect(page.get_by_label("Note")).to_have_value("Half-written when the session ran out")
    axe_check(page, "contact-form-draft")
    page.get_by_label("Mere Kōwhai").check()
    page.get_by_label("Support you gave (0–10)").fill("4")
    page.get_by_label("Control you exercised (0–10)").fill("2")
    page.get_by_label("No decisions were made").check()
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("Contact recorded.")).to_be_visible()
    page.goto(url)
    expect(page.locator("#draft-notice")).to_be_hidden()
    expect(page.get_by_label("Purpose")).to_have_value("")


def test_every_contacts_page_is_accessible(page: Page, live_server, setting):
    base = live_server.url
    contact = make_contact(
        whanau=setting["whanau"],
        practitioner=setting["aroha"],
        participants=[setting["mere"]],
        own_words="Mere: ka pai.",
    )
    login(page, base, "aroha", TEST_PASSWORD)
    pages = [
        ("contacts-list", "/contacts/"),
        ("contacts-list-filtered", f"/contacts/?whanau={setting['whanau'].pk}&quadrant=with"),
        ("contacts-list-error", "/contacts/?date_from=2026-05-01&date_to=2026-01-01"),
        ("contact-edit", f"/contacts/{contact.pk}/edit/"),
        ("contact-archive", f"/contacts/{contact.pk}/archive/"),
        ("reflection-own", f"/reflection/practitioners/{setting['aroha'].pk}/"),
    ]
    for name, path in pages:
        page.goto(base + path)
        axe_check(page, name)
    page.goto(f"{base}/whanau/{setting['whanau'].pk}/contacts/new/")
    page.get_by_role("button", name="Save contact").click()
    expect(page.locator(".error-summary")).to_be_focused()
    axe_check(page, "contact-form-errors")
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{base}/whanau/{setting['whanau'].pk}/contacts/new/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    axe_check(page, "contact-form-narrow")
    page.set_viewport_size({"width": 1200, "height": 900})
    page.context.clear_cookies()
    login(page, base, "hemi", TEST_PASSWORD)
    for name, path in [
        ("home-supervisor", "/"),
        ("supervision-index", "/supervision/"),
        ("supervision", f"/supervision/{setting['aroha'].pk}/"),
        ("contact-detail-supervisor", f"/contacts/{contact.pk}/"),
    ]:
        page.goto(base + path)
        axe_check(page, name)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()


def test_an_edit_draft_is_dropped_once_someone_else_saves_a_newer_version(
    page: Page, live_server, setting
):
    from hononga.contacts import services

    contact = make_contact(
        whanau=setting["whanau"], practitioner=setting["aroha"], participants=[setting["mere"]]
    )
    login(page, live_server.url, "aroha", TEST_PASSWORD)
    url = f"{live_server.url}/contacts/{contact.pk}/edit/"
    page.goto(url)
    page.get_by_label("Purpose").fill("My unsaved wording")
    page.wait_for_timeout(500)
    page.goto(url)
    expect(page.locator("#draft-notice")).to_be_visible()
    expect(page.get_by_label("Purpose")).to_have_value("My unsaved wording")
    services.contact_update(
        actor=setting["aroha"],
        contact_id=contact.pk,
        expected_version=1,
        changes={"purpose": "Saved from another device"},
    )
    page.goto(url)
    expect(page.locator("#draft-notice")).to_be_hidden()
    expect(page.get_by_label("Purpose")).to_have_value("Saved from another device")
