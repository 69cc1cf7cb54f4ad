"""Practice advisories in the browser: an admin publishes a measles advisory; a practitioner
plans a home visit for a whānau in the affected region, is screened, is told to switch to phone
or video, and records a phone contact instead. Every page passes axe."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import axe_check, login
from hononga.accounts.models import Role
from hononga.advisories.models import Advisory, Screening
from hononga.contacts.models import Contact
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
    waikato = RegionFactory(name="Waikato")
    team = TeamFactory(name="Kirikiriroa team", region=waikato)
    aroha = UserFactory(username="aroha", preferred_name="Aroha", teams=[team])
    priya = UserFactory(username="priya", preferred_name="Priya", role=Role.ADMIN)
    whanau = WhanauFactory(name="Kōwhai whānau", team=team)
    AllocationFactory(whanau=whanau, user=aroha)
    mere = PersonFactory(preferred_name="Mere", other_names="Kōwhai")
    MembershipFactory(person=mere, whanau=whanau, role="mother")
    return {"aroha": aroha, "priya": priya, "whanau": whanau, "mere": mere, "region": waikato}


def test_admin_publishes_and_practitioner_switches_to_phone(
    page: Page, live_server: Any, setting: dict[str, Any]
) -> None:
    base = live_server.url
    login(page, base, "priya", TEST_PASSWORD)
    page.goto(f"{base}/advisories/")
    axe_check(page, "advisories-list-empty")
    page.get_by_role("link", name="Publish an advisory").click()
    axe_check(page, "advisory-form")
    page.get_by_label("Title").fill("Measles outbreak — Waikato")
    page.get_by_label("Disease", exact=True).select_option("measles")
    page.get_by_label("Waikato").check()
    page.get_by_label("Starts").fill("2020-01-01")
    page.get_by_label("Guidance for practitioners").fill("Screen before every home visit.")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", name="Measles outbreak — Waikato")).to_be_visible()
    axe_check(page, "advisory-detail")
    assert Advisory.objects.count() == 1
    page.goto(f"{base}/advisories/rules/")
    axe_check(page, "advisory-rules")
    page.goto(f"{base}/advisories/report/")
    axe_check(page, "advisory-report")
    page.context.clear_cookies()

    login(page, base, "aroha", TEST_PASSWORD)
    axe_check(page, "home-with-advisory")
    whanau = setting["whanau"]
    page.goto(f"{base}/whanau/{whanau.pk}/")
    expect(page.get_by_text("Practice advisory:")).to_be_visible()
    axe_check(page, "whanau-with-banner")
    page.get_by_role("link", name="Plan a contact").first.click()
    axe_check(page, "screening-form")
    page.get_by_label("Planned contact").select_option("home_visit")
    for name in [
        "fever",
        "cough",
        "runny_nose_sore_eyes",
        "rash",
        "pepi",
        "pregnant",
        "immunocompromised",
        "housing",
    ]:
        page.check(f"input[name={name}][value=no]")
    page.check("input[name=exposure][value=yes]")
    page.get_by_label("Mere will be present").check()
    page.get_by_label("Anything people told you about immunity").fill("Everyone is immune.")
    page.check("input[name=practitioner_immunisation][value=immune]")
    page.get_by_role("button", name="Get the recommendation").click()
    expect(
        page.get_by_role("heading", name="Recommendation: Switch to phone or video")
    ).to_be_visible()
    axe_check(page, "screening-recommendation")
    page.get_by_role("link", name="Record the contact").click()
    expect(page.get_by_label("How", exact=True)).to_have_value("phone")
    # Exactly the people the screening listed are ticked, and the form says why.
    expect(page.get_by_label("Mere Kōwhai")).to_be_checked()
    expect(page.get_by_text("the people the screening listed")).to_be_visible()
    axe_check(page, "contact-form-after-screening")
    page.set_viewport_size({"width": 360, "height": 800})
    axe_check(page, "contact-form-after-screening-360px")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_label("Mere Kōwhai").check()
    page.get_by_label("Purpose").fill("Check in by phone instead of visiting")
    page.get_by_label("Support you gave (0–10)").fill("8")
    page.get_by_label("Control you exercised (0–10)").fill("6")
    page.get_by_label("Yes — decisions were made with them").check()
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("heading", name="Record a contact")).to_have_count(0)
    contact = Contact.objects.get()
    assert contact.mode == "phone"
    screening = Screening.objects.get()
    assert screening.contact_id == contact.pk and screening.recommended_mode == "remote"
    assert screening.immunity_claim == "Everyone is immune."
    axe_check(page, "contact-detail-after-screening")


def test_an_urgent_in_person_contact_without_screening_needs_one_stated_reason(
    page: Page, live_server: Any, setting: dict[str, Any]
) -> None:
    from datetime import date

    from hononga.advisories.models import Override

    advisory = Advisory.objects.create(
        title="Measles outbreak",
        condition="measles",
        starts=date(2020, 1, 1),
        guidance="Screen before home visits.",
        published_by=setting["priya"],
    )
    advisory.regions.set([setting["region"]])
    base = live_server.url
    login(page, base, "aroha", TEST_PASSWORD)
    page.goto(f"{base}/whanau/{setting['whanau'].pk}/contacts/new/")
    expect(page.locator("[name=urgent_reason]")).to_have_count(1)
    page.get_by_label("How", exact=True).select_option("home_visit")
    page.get_by_label("Mere Kōwhai").check()
    page.get_by_label("Purpose").fill("Safety visit after a call from school")
    page.get_by_label("Support you gave (0–10)").fill("7")
    page.get_by_label("Control you exercised (0–10)").fill("7")
    page.get_by_label("Yes — decisions were made with them").check()
    page.get_by_role("button", name="Save contact").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Screen first, or give the urgent reason.")
    axe_check(page, "contact-form-urgent-reason-error")
    summary.get_by_role("link", name="Screen first, or give the urgent reason.").click()
    reason = page.get_by_label("Urgent reason it could not wait for a screening")
    expect(reason).to_be_focused()
    reason.fill("The child's immediate safety: a call from school")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("heading", name="Record a contact")).to_have_count(0)
    assert Override.objects.get().reason == "The child's immediate safety: a call from school"
    assert Contact.objects.get().mode == "home_visit"


def test_a_whooping_cough_screening_asks_its_own_questions(
    page: Page, live_server: Any, setting: dict[str, Any]
) -> None:
    from datetime import date

    advisory = Advisory.objects.create(
        title="Whooping cough — Waikato",
        condition="pertussis",
        starts=date(2020, 1, 1),
        guidance="Screen before home visits.",
        published_by=setting["priya"],
    )
    advisory.regions.set([setting["region"]])
    base = live_server.url
    login(page, base, "aroha", TEST_PASSWORD)
    page.goto(f"{base}/whanau/{setting['whanau'].pk}/screen/")
    expect(page.get_by_text("coughing fits")).to_be_visible()
    expect(page.locator("input[name=rash]")).to_have_count(0)
    axe_check(page, "screening-form-whooping-cough")
    page.set_viewport_size({"width": 360, "height": 800})
    axe_check(page, "screening-form-whooping-cough-360px")
