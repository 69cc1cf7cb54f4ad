"""Check-ins in a browser: a whānau member answers a one-time link on a 360 px phone, then the
practitioner sees the flag on their home page. axe-core on every page visited."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from e2e.conftest import axe_check, login
from hononga.accounts.models import Role
from hononga.checkins import services
from hononga.checkins.tests import factories as f
from hononga.factories import (
    TEST_PASSWORD,
    AllocationFactory,
    MembershipFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
    WhanauFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOW = {
    "safety": 3,
    "trust": 4,
    "respect": 5,
    "empathy": 3,
    "honesty": 4,
    "responsibility": 2,
    "power_sharing": None,  # skipped
    "heard": 3,
}


@pytest.fixture
def setting():
    team = TeamFactory(name="Kirikiriroa team")
    aroha = UserFactory(username="aroha", preferred_name="Aroha", teams=[team])
    whanau = WhanauFactory(name="Kōwhai whānau", team=team)
    AllocationFactory(whanau=whanau, user=aroha, started=timezone.localdate() - timedelta(days=90))
    hine = PersonFactory(preferred_name="Hine", other_names="Kōwhai", kind="rangatahi")
    MembershipFactory(person=hine, whanau=whanau)
    worker = f.staff_person(aroha)
    relationship = f.relationship_between(whanau, hine, worker)
    f.give_consent(hine, aroha)
    f.checkin(relationship, hine, answers=f.items(9), when=timezone.now() - timedelta(days=30))
    return {"aroha": aroha, "hine": hine, "relationship": relationship, "whanau": whanau}


def test_a_whanau_member_answers_a_link_on_a_phone_and_the_practitioner_sees_the_flag(
    browser: Browser, page: Page, live_server, setting
):
    _link, raw = services.link_create(
        actor=setting["aroha"],
        relationship_id=setting["relationship"].pk,
        rater_id=setting["hine"].pk,
    )
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-NZ")
    mobile = phone.new_page()
    mobile.goto(f"{live_server.url}/c/{raw}/")
    expect(mobile.get_by_role("heading", level=1)).to_have_text("How are we working together?")
    expect(mobile.get_by_text("I feel safe when I work with Aroha.")).to_be_visible()
    assert "Kōwhai" not in mobile.content()
    axe_check(mobile, "checkin-link-360")
    # One question per screen on a small screen, with progress shown; no "Back" on the first,
    # and "Send my answers" only on the last.
    expect(mobile.get_by_role("button", name="Back")).to_have_count(0)
    expect(mobile.get_by_role("button", name="Send my answers")).to_have_count(0)
    for key, value in LOW.items():
        question = mobile.locator(f"#q-{key}")
        expect(question).to_be_visible()
        if value is None:
            question.get_by_label("Skip this one").check()
        else:
            question.locator(f"label[class*='scale__option']:has(#{key}-{value})").click()
        mobile.get_by_role("button", name="Next").click()
    # Then one more, not part of the score: "how are things" (an outcome for every whānau).
    overall = mobile.locator("#q-overall")
    expect(overall).to_contain_text("How are things for you and your whānau?")
    overall.locator("label[class*='scale__option']:has(#overall-4)").click()
    mobile.get_by_role("button", name="Next").click()
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 360
    # The last step shows only "Send my answers" (and Back), never "Next" beside it.
    expect(mobile.get_by_role("button", name="Next")).to_have_count(0)
    expect(mobile.locator(".stepper-actions button:visible")).to_have_text(
        ["Back", "Send my answers"]
    )
    mobile.get_by_label("What would make our work together better?").fill(
        "Please ring before you come."
    )
    axe_check(mobile, "checkin-link-360-comment")
    mobile.get_by_role("button", name="Send my answers").click()
    expect(mobile.get_by_role("heading", level=1)).to_have_text("Thank you")
    axe_check(mobile, "checkin-thanks")
    # The link works once: a second visit gets a kind page.
    mobile.goto(f"{live_server.url}/c/{raw}/")
    expect(mobile.get_by_role("heading", level=1)).to_have_text("You've already answered")
    axe_check(mobile, "checkin-link-used")
    mobile.goto(f"{live_server.url}/c/{'x' * 43}/")
    expect(mobile.get_by_role("heading", level=1)).to_have_text("This link doesn't work")
    axe_check(mobile, "checkin-link-forged")
    phone.close()

    login(page, live_server.url, "aroha", TEST_PASSWORD)
    attention = page.locator("section.attention")
    expect(attention).to_contain_text("Relationships needing attention")
    expect(attention).to_contain_text("Hine Kōwhai")
    expect(attention.locator(".flag--reliable_drop")).to_have_text("Reliable drop")
    expect(attention.locator(".flag--low")).to_have_text("Low")
    axe_check(page, "home-attention")
    attention.get_by_role("link", name="Open the relationship with Hine").click()
    expect(page.get_by_text("Please ring before you come.")).to_be_visible()
    expect(page.locator("canvas[data-chart]").first).to_be_visible()
    expect(page.locator("canvas[data-chart-drawn]")).to_have_count(2)  # Chart.js drew both
    axe_check(page, "checkin-relationship")


def test_staff_pages_are_accessible(browser: Browser, page: Page, live_server, setting):
    relationship = setting["relationship"]
    base = live_server.url
    login(page, base, "aroha", TEST_PASSWORD)
    page.goto(f"{base}/check-ins/attention/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Relationships needing attention")
    axe_check(page, "checkin-attention")
    page.goto(f"{base}/relationships/{relationship.pk}/check-in-links/new/")
    axe_check(page, "checkin-link-new")
    page.get_by_label("Show me the link, and I will send it myself").check()
    page.get_by_role("button", name="Make and send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check-in link ready")
    axe_check(page, "checkin-link-made")
    page.goto(f"{base}/relationships/{relationship.pk}/check-ins/mirror/")
    axe_check(page, "checkin-mirror")
    page.goto(
        f"{base}/relationships/{relationship.pk}/check-ins/phone/?rater={setting['hine'].pk}&form=adult"
    )
    axe_check(page, "checkin-phone")
    page.get_by_role("button", name="Save their answers").click()
    expect(page.locator(".error-summary")).to_contain_text("at least 6 of the 8")
    axe_check(page, "checkin-phone-error")
    # In session: the hand-over screen, the child form, and back with the password.
    page.goto(f"{base}/relationships/{relationship.pk}/check-ins/new/")
    axe_check(page, "checkin-start")
    page.get_by_label("Child (faces)").check()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("I feel safe with Aroha.")).to_be_visible()
    expect(page.locator("nav[aria-label='Main']")).to_have_count(0)
    axe_check(page, "checkin-handover-child")
    for key in ("safety", "trust", "respect", "empathy", "honesty", "responsibility"):
        page.locator(f"label.scale__option:has(#{key}-8)").click()
    page.get_by_role("button", name="Send my answers").click()
    axe_check(page, "checkin-handover-done")
    page.get_by_role("link", name="Give the device back").click()
    axe_check(page, "checkin-handover-leave")
    page.get_by_label("Your password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign back in").click()
    expect(page.get_by_text("The check-in was saved. Welcome back.")).to_be_visible()
    axe_check(page, "checkin-relationship-after")

    admin = UserFactory(username="priya", role=Role.ADMIN)
    del admin
    other = browser.new_context(viewport={"width": 1200, "height": 900})
    admin_page = other.new_page()
    login(admin_page, base, "priya", TEST_PASSWORD)
    admin_page.goto(f"{base}/check-ins/settings/")
    expect(admin_page.get_by_role("heading", level=1)).to_contain_text("thresholds")
    axe_check(admin_page, "checkin-settings")
    admin_page.get_by_role("link", name="Re-flag earlier check-ins with these thresholds").click()
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Re-flag earlier check-ins")
    axe_check(admin_page, "checkin-reflag")
    admin_page.get_by_role("button", name="Re-flag every earlier check-in").click()
    expect(admin_page.locator(".error-summary")).to_contain_text("Tick the box")
    axe_check(admin_page, "checkin-reflag-error")
    admin_page.get_by_label("I understand that flags on earlier check-ins may change").check()
    admin_page.get_by_role("button", name="Re-flag every earlier check-in").click()
    expect(admin_page.get_by_text("Every earlier check-in is now flagged")).to_be_visible()
    other.close()


def test_the_te_reo_child_form_and_the_kind_pages_are_accessible(
    browser: Browser, live_server, setting
):
    import time_machine

    _link, raw = services.link_create(
        actor=setting["aroha"],
        relationship_id=setting["relationship"].pk,
        rater_id=setting["hine"].pk,
        form="child",
        language="mi",
    )
    _old, expired = services.link_create(
        actor=setting["aroha"],
        relationship_id=setting["relationship"].pk,
        rater_id=setting["hine"].pk,
        expires_in_days=1,
    )
    phone = browser.new_context(viewport={"width": 360, "height": 740})
    page = phone.new_page()
    page.goto(f"{live_server.url}/c/{raw}/")
    expect(page.locator("html")).to_have_attribute("lang", "mi")
    expect(page.get_by_text("Ka haumaru ahau i te taha o Aroha.")).to_be_visible()
    axe_check(page, "checkin-link-mi-child")
    page.get_by_role("button", name="Panuku").click()  # next, with nothing chosen: allowed
    page.get_by_role("link", name="In English").click()
    expect(page.get_by_text("I feel safe with Aroha.")).to_be_visible()
    axe_check(page, "checkin-link-en-child")
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=True):
        page.goto(f"{live_server.url}/c/{expired}/")
        expect(page.get_by_role("heading", level=1)).to_have_text("This link has expired")
        axe_check(page, "checkin-link-expired")
    phone.close()


def test_a_supervisor_sees_the_relationships_needing_attention_in_supervision(
    page: Page, live_server, setting
):
    f.checkin(
        setting["relationship"],
        setting["hine"],
        answers=f.items(4),
        when=timezone.now() - timedelta(days=1),
    )
    team = setting["aroha"].teams.first()
    UserFactory(username="wiremu", role=Role.SUPERVISOR, teams=[team])
    login(page, live_server.url, "wiremu", TEST_PASSWORD)
    page.goto(f"{live_server.url}/supervision/{setting['aroha'].pk}/")
    attention = page.locator("section.attention")
    expect(attention).to_contain_text("Hine Kōwhai")
    expect(attention.locator(".flag--low")).to_have_text("Low")
    expect(attention.get_by_role("link", name="Send Hine a link")).to_have_count(0)
    axe_check(page, "supervision-attention")
    # The team's list, grouped by practitioner.
    page.goto(f"{live_server.url}/check-ins/attention/")
    expect(page.get_by_role("heading", level=2, name="Aroha")).to_be_visible()
    expect(page.locator(".attention__group")).to_contain_text("Hine Kōwhai")
    axe_check(page, "team-attention")
