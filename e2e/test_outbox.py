"""An administrator checks that mail can go out: the outbox, a test message, the worker."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import axe_check, login
from hononga.accounts.models import Role
from hononga.factories import TEST_PASSWORD, UserFactory
from hononga.tasks.runner import Worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_sends_a_test_message_and_reads_it_in_the_outbox(page, live_server, settings):
    settings.TASKS_SCHEDULE = "hononga.tasks.tests.sample_schedule.NONE"
    settings.EMAIL_BACKEND = "hononga.messaging.transports.OutboxEmailBackend"
    UserFactory(username="kaiwhakahaere", preferred_name="Mere", role=Role.ADMIN)
    login(page, live_server.url, "kaiwhakahaere", TEST_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Outbox").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outbox")
    expect(page.get_by_text("No messages yet.")).to_be_visible()
    expect(page.get_by_text("Development outbox.")).to_be_visible()
    axe_check(page, "outbox-empty")

    # A landline cannot take a text message: the error is beside the field and in the summary.
    page.get_by_label("Text message").check()
    page.get_by_label("To").fill("09 379 0000")
    page.get_by_role("button", name="Send test message").click()
    expect(page.get_by_role("alert")).to_contain_text("landline or service number")
    axe_check(page, "outbox-error")
    page.get_by_label("Email").check()
    page.get_by_label("To").fill("kaimahi@example.org")
    page.get_by_role("button", name="Send test message").click()
    expect(page.get_by_role("status")).to_contain_text("Test message queued")
    expect(page.get_by_role("cell", name="Queued", exact=True)).to_be_visible()

    # The worker sends it (here, in the test's process); the outbox shows it sent.
    assert Worker().run_pending() == 1
    page.reload()
    expect(page.get_by_role("cell", name="Sent", exact=True)).to_be_visible()
    axe_check(page, "outbox")
    page.get_by_role("link", name="Hononga test message").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hononga test message")
    expect(page.locator("pre").first).to_contain_text("sent by Mere to check that messages can go")
    axe_check(page, "outbox-message")
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= 360")
    page.screenshot(path="e2e/artifacts/outbox-message-360.png", full_page=True)
