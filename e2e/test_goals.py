"""Goals in a browser: a practitioner sets a goal with a whānau member, sends a link, the
member rates it on a 360 px phone, and the practitioner sees it on the whānau page beside the
relationship score. axe-core on every page visited."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from e2e.conftest import axe_check, login
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
from hononga.goals.models import Goal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting():
    team = TeamFactory(name="Kirikiriroa team")
    aroha = UserFactory(username="aroha", preferred_name="Aroha", teams=[team])
    whanau = WhanauFactory(name="Kōwhai whānau", team=team)
    AllocationFactory(whanau=whanau, user=aroha, started=timezone.localdate() - timedelta(days=90))
    hine = PersonFactory(preferred_name="Hine", other_names="Kōwhai", kind="rangatahi")
    MembershipFactory(person=hine, whanau=whanau)
    relationship = f.relationship_between(whanau, hine, f.staff_person(aroha))
    f.give_consent(hine, aroha)
    f.checkin(relationship, hine, answers=f.items(8), when=timezone.now() - timedelta(days=20))
    return {"aroha": aroha, "hine": hine, "whanau": whanau}


def test_a_goal_is_set_rated_on_a_phone_and_seen_beside_the_relationship(
    browser: Browser, page: Page, live_server, setting
):
    base = live_server.url
    whanau = setting["whanau"]
    login(page, base, "aroha", TEST_PASSWORD)
    page.goto(f"{base}/whanau/{whanau.pk}/")
    plan = page.locator("section:has(#plan-title)")
    expect(plan).to_contain_text("No goals yet")
    axe_check(page, "goals-whanau-empty")

    plan.get_by_role("link", name="Set a goal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set a goal")
    axe_check(page, "goals-new")
    page.get_by_label("Whose goal is it?").select_option(label="Hine Kōwhai")
    page.get_by_role("button", name="Save the goal").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "The goal, in their own words: Write the goal as the person said it."
    )
    axe_check(page, "goals-new-error")
    page.get_by_label("The goal, in their own words").fill("Go to kura every day this term")
    page.get_by_role("button", name="Save the goal").click()
    expect(plan).to_contain_text("“Go to kura every day this term”")
    expect(plan).to_contain_text("Not rated yet")
    goal = Goal.objects.get()

    plan.get_by_role("link", name="Send a link to rate goals").click()
    axe_check(page, "goals-link-new")
    page.get_by_label("Who is the link for?").select_option(label="Hine Kōwhai")
    page.get_by_label("Show me the link, and I will send it myself").check()
    page.get_by_role("button", name="Make the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Link ready")
    axe_check(page, "goals-link-made")
    url = page.locator("#link-url").input_value()

    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-NZ")
    mobile = phone.new_page()
    mobile.goto(url)
    expect(mobile.get_by_role("heading", level=1)).to_have_text("Your goals")
    expect(mobile.get_by_text("“Go to kura every day this term”")).to_be_visible()
    assert "Kōwhai" not in mobile.content()
    axe_check(mobile, "goals-link-360")
    mobile.get_by_role("button", name="Send").click()
    expect(mobile.locator(".error-summary")).to_contain_text("at least one goal")
    axe_check(mobile, "goals-link-360-error")
    mobile.locator(f"label[class*='scale__option']:has(#goal-{goal.pk}-7)").click()
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 360
    mobile.get_by_role("button", name="Send").click()
    expect(mobile.get_by_role("heading", level=1)).to_have_text("Thank you")
    axe_check(mobile, "goals-thanks")
    mobile.goto(url)
    expect(mobile.get_by_role("heading", level=1)).to_have_text("You've already answered")
    phone.close()

    page.goto(f"{base}/whanau/{whanau.pk}/")
    expect(plan).to_contain_text("Now 7 out of 10 (first 7)")
    side = plan.locator("figure.side-by-side")
    expect(side.locator("svg.side-chart")).to_be_visible()
    side.get_by_text("The numbers behind the chart").click()
    expect(side.locator("table")).to_contain_text("Check-in score")
    expect(side.locator("table")).to_contain_text("Goal: “Go to kura every day this term”")
    axe_check(page, "goals-whanau-side-by-side")

    page.get_by_role("link", name="“Go to kura every day this term”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hine's goal")
    axe_check(page, "goals-detail")
    page.get_by_role("link", name="Rate together now").click()
    axe_check(page, "goals-rate-in-session")


@pytest.fixture
def reachable(setting):
    """Hine has a goal, a mobile number and agreed to be texted."""
    from hononga.goals.tests import factories as gf
    from hononga.messaging.tests.conftest import give_consent as give_channel_consent
    from hononga.relationships.models import ConsentPurpose

    hine = setting["hine"]
    hine.phone = "021 123 4567"
    hine.save()
    give_channel_consent(hine, ConsentPurpose.CONTACT_TEXT, setting["aroha"])
    setting["goal"] = gf.goal(setting["whanau"], hine, "Get my learner licence")
    return setting


def test_the_device_is_handed_over_for_ratings_and_only_the_password_gives_it_back(
    page: Page, live_server, reachable
):
    base = live_server.url
    whanau, hine = reachable["whanau"], reachable["hine"]
    login(page, base, "aroha", TEST_PASSWORD)
    page.goto(f"{base}/goals/{reachable['goal'].pk}/")
    page.get_by_role("link", name="Rate together now").click()
    handover = page.locator("section:has(#handover-title)")
    handover.get_by_label("Faces (for a child)").check()
    handover.get_by_role("button", name="Hand over").click()
    # Only the rating form: no navigation, nobody's records, a way to give the device back.
    expect(page.get_by_text("“Get my learner licence”")).to_be_visible()
    expect(page.get_by_role("link", name="Give back to Aroha")).to_be_visible()
    assert page.locator("nav a:has-text('Whānau')").count() == 0
    axe_check(page, "goals-handover-form")
    page.goto(f"{base}/whanau/{whanau.pk}/")  # trying to look behind the form
    assert "Kōwhai whānau" not in page.content()
    page.goto(f"{base}/goals/hand-over/")
    page.locator(f"label[class*='scale__option']:has(#goal-{reachable['goal'].pk}-6)").click()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    axe_check(page, "goals-handover-thanks")
    page.get_by_role("link", name="Give the device back").click()
    page.get_by_label("Password").fill("not-her-password")
    page.get_by_role("button", name="Sign back in").click()
    expect(page.locator(".error-message")).to_contain_text("That is not the password")
    axe_check(page, "goals-handover-leave-error")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign back in").click()
    expect(page.locator(".messages")).to_contain_text("The ratings were saved. Welcome back.")
    rating = reachable["goal"].ratings.get()
    assert (rating.value, rating.rated_by_id, rating.channel) == (6, hine.pk, "in_session")


def test_a_goal_link_is_sent_by_text_and_its_delivery_shown(page: Page, live_server, reachable):
    from hononga.messaging.models import Message, MessageStatus
    from hononga.tasks.runner import Worker

    base = live_server.url
    whanau = reachable["whanau"]
    login(page, base, "aroha", TEST_PASSWORD)
    page.goto(f"{base}/whanau/{whanau.pk}/")
    page.locator("section:has(#plan-title)").get_by_role(
        "link", name="Send a link to rate goals"
    ).click()
    page.get_by_label("Who is the link for?").select_option(label="Hine Kōwhai")
    expect(page.get_by_label("Hononga sends it by text message to their mobile")).to_be_checked()
    page.get_by_role("button", name="Make the link").click()
    expect(page.locator(".messages")).to_contain_text(
        "The link is on its way to Hine by text message."
    )
    links = page.locator("section:has(#goal-links-title)")
    expect(links).to_contain_text("By text message, by Aroha")
    expect(links.locator(".delivery")).to_have_text("Queued")
    axe_check(page, "goals-link-sent")
    assert Worker().run_pending() >= 1  # the task worker sends it
    message = Message.objects.get()
    assert message.status == MessageStatus.SENT and message.to == "+64211234567"
    assert "/g/" in message.body_text
    page.reload()
    expect(links.locator(".delivery")).to_have_text("Sent")
