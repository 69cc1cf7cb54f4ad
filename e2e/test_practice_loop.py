"""The practice loop in a browser (issue 16): a practitioner sends a check-in link by email from
the relationship page; the worker sends it; an administrator finds it in the development outbox;
the whānau member opens it and answers; the practitioner sees the notification on the bell, reads
it (HTMX), and finds their week. axe-core on every staff page visited."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from e2e.conftest import axe_check, login
from hononga.accounts.models import Role
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
from hononga.messaging.tests.conftest import give_consent
from hononga.relationships.models import ConsentPurpose
from hononga.tasks.runner import Worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting(settings, live_server):
    settings.TASKS_SCHEDULE = "hononga.tasks.tests.sample_schedule.NONE"
    settings.EMAIL_BACKEND = "hononga.messaging.transports.OutboxEmailBackend"
    settings.SITE_URL = live_server.url
    team = TeamFactory(name="Kirikiriroa team")
    aroha = UserFactory(username="aroha", preferred_name="Aroha", teams=[team])
    UserFactory(username="kaiwhakahaere", role=Role.ADMIN)
    whanau = WhanauFactory(name="Kōwhai whānau", team=team)
    AllocationFactory(whanau=whanau, user=aroha, started=timezone.localdate() - timedelta(days=90))
    hine = PersonFactory(
        preferred_name="Hine", other_names="Kōwhai", kind="rangatahi", email="hine@example.org"
    )
    MembershipFactory(person=hine, whanau=whanau)
    relationship = f.relationship_between(whanau, hine, f.staff_person(aroha))
    f.give_consent(hine, aroha)
    give_consent(hine, ConsentPurpose.CONTACT_EMAIL, aroha)
    return {"relationship": relationship}


def test_send_a_link_by_email_answer_it_and_read_the_notification(
    browser: Browser, page: Page, live_server, setting
):
    base = live_server.url
    relationship = setting["relationship"]
    login(page, base, "aroha", TEST_PASSWORD)
    page.goto(f"{base}/relationships/{relationship.pk}/check-ins/")
    page.get_by_role("link", name="Send a link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send a check-in link")
    page.get_by_label("Hononga sends it by email").check()
    axe_check(page, "loop-link-new")
    page.get_by_role("button", name="Make and send the link").click()
    expect(page.get_by_role("status")).to_contain_text("on its way to Hine by email")
    expect(page.get_by_text("By email, by Aroha")).to_be_visible()
    expect(page.get_by_role("cell", name="Queued")).to_be_visible()
    axe_check(page, "loop-relationship-queued")

    assert Worker().run_pending() == 1  # the worker, here in the test's process
    page.reload()
    expect(page.locator(".delivery--sent")).to_have_text("Sent")

    # The administrator opens it from the development outbox, which shows the link in full.
    admin = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-NZ")
    outbox = admin.new_page()
    login(outbox, base, "kaiwhakahaere", TEST_PASSWORD)
    outbox.goto(f"{base}/messaging/outbox/")
    outbox.get_by_role("link", name="Aroha would like to hear how things are going").click()
    body = outbox.locator("pre").first.inner_text()
    assert "Kia ora Hine" in body
    link = next(word for word in body.split() if "/c/" in word)
    axe_check(outbox, "loop-outbox-message")
    admin.close()

    # Hine answers on her phone.
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-NZ")
    mobile = phone.new_page()
    mobile.goto(link)
    expect(mobile.get_by_role("heading", level=1)).to_have_text("How are we working together?")
    for key in f.ALL_EIGHT:
        mobile.locator(f"label[class*='scale__option']:has(#{key}-9)").click()
        if mobile.get_by_role("button", name="Next").is_visible():
            mobile.get_by_role("button", name="Next").click()
    # Then "how are things" (not part of the score), and the last step: a comment and send.
    mobile.locator("#q-overall label[class*='scale__option']:has(#overall-8)").click()
    mobile.get_by_role("button", name="Next").click()
    mobile.get_by_role("button", name="Send my answers").click()
    expect(mobile.get_by_role("heading", level=1)).to_contain_text("Thank you")
    phone.close()

    # Aroha's bell counts it; the list reads it (HTMX swaps the row and the bell).
    page.goto(f"{base}/")
    bell = page.locator("#notification-bell")
    expect(bell).to_contain_text("1")
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.get_by_role("link", name="A check-in link you sent was answered.")).to_be_visible()
    axe_check(page, "loop-notifications")
    page.get_by_role("button", name="Mark as read").click()
    expect(page.locator(".bell__count")).to_have_count(0)
    expect(page.locator(".notification--unread")).to_have_count(0)
    axe_check(page, "loop-notifications-read")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My week").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My week")
    axe_check(page, "loop-my-week")
    page.goto(f"{base}/notifications/settings/")
    axe_check(page, "loop-notification-settings")
