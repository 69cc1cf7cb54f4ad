"""Browser: the second factor — enrolment when the agency requires it (QR code, key, a code,
recovery codes shown once), then logging in with the password and a code; axe on every page."""

import base64
import re
import time

import pytest
from playwright.sync_api import expect

from e2e.conftest import axe_check, login
from hononga.accounts.tests.test_second_factor import totp
from hononga.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _next_window_code(key: bytes) -> str:
    """A code from the next 30-second window (a code is accepted once: the one used at
    enrolment cannot log in again)."""
    return totp(key, at=time.time() + 30)


def test_enrolment_then_logging_in_with_a_code(page, live_server, settings):
    settings.SECOND_FACTOR_REQUIRED = True
    UserFactory(username="aroha", preferred_name="Aroha")

    login(page, live_server.url, "aroha", TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up a second factor")
    expect(page.get_by_role("status")).to_contain_text("requires a second factor")
    expect(page.locator(".qr-code svg")).to_be_visible()
    axe_check(page, "second-factor-enrol")

    key_text = page.locator("#second-factor-key").inner_text()
    key = base64.b32decode(re.sub(r"\s", "", key_text))

    page.get_by_label("Code from the app").fill("000000" if totp(key) != "000000" else "111111")
    page.get_by_role("button", name="Turn on the second factor").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    axe_check(page, "second-factor-enrol-error")

    time.sleep(2.1)  # django-otp makes the next try wait after a wrong code
    page.get_by_label("Code from the app").fill(totp(key))
    page.get_by_role("button", name="Turn on the second factor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    axe_check(page, "second-factor-codes")
    page.get_by_role("link", name="I have kept them — continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kia ora, Aroha")

    page.get_by_role("button", name="Log out").click()
    login(page, live_server.url, "aroha", TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    axe_check(page, "second-factor-code")
    page.get_by_label("Code").fill(_next_window_code(key))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kia ora, Aroha")

    page.goto(f"{live_server.url}/accounts/me/")
    expect(
        page.get_by_text("9 recovery codes left").or_(page.get_by_text("10 recovery codes left"))
    ).to_be_visible()
    axe_check(page, "account-with-second-factor")
