"""A whānau member on a phone: the practitioner opens her space after a safety check; she signs
in with a code, reads her agreement, asks for a correction; the practitioner decides it; she sees
the statement of correction with the record. axe on every page, in English and te reo Māori."""

import re

import pytest
from playwright.sync_api import Browser, expect

from e2e.conftest import axe_check, login
from e2e.restorative_setting import kowhai_whanau, referred_process
from hononga.factories import TEST_PASSWORD
from hononga.messaging.models import Message
from hononga.relationships.models import Consent, ConsentPurpose, ConsentStatus
from hononga.restorative.models import State
from hononga.restorative.tests.conftest import walk_to
from hononga.tasks.runner import Worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_whanau_member_signs_in_reads_agreement_and_asks_for_a_correction(
    browser: Browser, page, live_server, settings
):
    settings.TASKS_SCHEDULE = "hononga.tasks.tests.sample_schedule.NONE"
    settings.EMAIL_BACKEND = "hononga.messaging.transports.OutboxEmailBackend"
    settings.MESSAGES_SHOW_SECRETS = True
    base = live_server.url
    setting = kowhai_whanau()
    mere = setting["mere"]
    mere.email = "mere@example.org"
    mere.save()
    Consent.objects.create(
        person=mere,
        purpose=ConsentPurpose.CONTACT_EMAIL,
        status=ConsentStatus.GIVEN,
        date="2026-01-10",
        recorded_by=setting["aroha"],
    )
    walk_to(referred_process(setting), State.MONITORING)
    # Her goal, rated twice, with a step due: on the phone with a table of ratings.
    from datetime import timedelta

    from django.utils import timezone

    from hononga.goals.models import GoalStep
    from hononga.goals.tests.factories import goal, rate

    licence = goal(mere.memberships.first().whanau, mere, "Get my full licence")
    rate(licence, 3, timezone.now() - timedelta(days=30))
    rate(licence, 6)
    GoalStep.objects.create(
        goal=licence,
        what="Book the practical test",
        who="Mere",
        by_when=timezone.localdate() + timedelta(days=5),
    )

    # Closed until the practitioner opens it, after a safety check.
    login(page, base, "aroha", TEST_PASSWORD)
    page.goto(f"{base}/people/{mere.pk}/")
    page.get_by_role("link", name="Open the whānau space").click()
    axe_check(page, "space-open")
    page.get_by_role("button", name="Open the whānau space").click()
    expect(page.get_by_role("alert")).to_contain_text("Confirm the safety check first.")
    page.get_by_label("I have checked with them").check()
    page.get_by_label("What you checked").fill("Her own phone and email; she lives alone.")
    page.get_by_role("button", name="Open the whānau space").click()
    expect(page.get_by_role("status")).to_contain_text("The whānau space is open for Mere.")

    # Mere, on her phone.
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-NZ")
    mine = phone.new_page()
    mine.goto(f"{base}/whanau-space/")
    axe_check(mine, "space-sign-in")
    mine.get_by_label("Your mobile number or email address").fill("mere@example.org")
    mine.get_by_role("button", name="Send me a code").click()
    expect(mine.get_by_role("heading", level=1)).to_have_text("Enter your code")
    Worker().run_pending()
    code = re.search(r"\b(\d{6})\b", Message.objects.get(purpose="sign_in_code").body_text)[1]
    mine.get_by_label("Code").fill("000000" if code != "000000" else "111111")
    mine.get_by_role("button", name="Sign in").click()
    expect(mine.get_by_role("alert")).to_contain_text("That code is not right")
    axe_check(mine, "space-code-error")
    mine.get_by_label("Code").fill(code)
    mine.get_by_role("button", name="Sign in").click()
    expect(mine.get_by_role("heading", level=1)).to_have_text("Kia ora, Mere")
    axe_check(mine, "space-home")
    assert mine.evaluate("document.documentElement.scrollWidth <= 360")
    goals = mine.locator("#goals")
    expect(goals).to_contain_text("Get my full licence")
    expect(goals.get_by_role("table")).to_contain_text("6")
    expect(mine.locator("#coming")).to_contain_text("Book the practical test")
    mine.screenshot(path="e2e/artifacts/space-home-360.png", full_page=True)

    # Her agreement, her own copy.
    agreement = mine.locator("#agreements")
    expect(agreement).to_contain_text("Pay for the repair of the car")
    pdf_link = agreement.get_by_role("link", name="Your copy of the agreement (PDF)")
    response = mine.request.get(base + pdf_link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"

    # "This is not right" on the agreement item.
    agreement.get_by_role("link", name=re.compile("This is not right.*Pay for the repair")).click()
    axe_check(mine, "space-correct")
    mine.get_by_role("button", name="Send").click()
    expect(mine.get_by_role("alert")).to_contain_text("Tell us what is not right.")
    axe_check(mine, "space-correct-error")
    mine.get_by_label("What is not right?").fill("Ariki and I agreed he pays half, not all.")
    mine.get_by_role("button", name="Send").click()
    expect(mine.get_by_role("status")).to_contain_text("We have your request")
    axe_check(mine, "space-asked")

    # In te reo Māori.
    mine.get_by_role("button", name="Kōrero Māori").click()
    expect(mine.get_by_role("heading", level=1)).to_have_text("Tō tono kia whakatikaina")
    axe_check(mine, "space-asked-mi")
    mine.get_by_role("link", name="Hoki ki tō wāhi whānau").click()
    expect(mine.get_by_role("heading", name="Ōu taipitopito")).to_be_visible()
    axe_check(mine, "space-home-mi")
    mine.get_by_role("button", name="In English").click()

    # The practitioner decides.
    page.goto(f"{base}/")
    page.get_by_role("link", name=re.compile("Mere: An agreement item")).click()
    axe_check(page, "correction")
    page.get_by_label("Not corrected").check()
    page.get_by_label("What was changed, or why it was not").fill(
        "The agreement was signed for the full cost; your words are now attached to it."
    )
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("status")).to_contain_text("Decision recorded")
    Worker().run_pending()
    assert Message.objects.filter(purpose="correction_decided", person=mere).exists()

    # Mere sees the statement with the record.
    mine.goto(f"{base}/whanau-space/home/")
    expect(mine.locator("#agreements .statement")).to_contain_text("he pays half, not all")
    axe_check(mine, "space-home-statement")
    phone.close()
