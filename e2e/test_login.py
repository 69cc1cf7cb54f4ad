import pytest
from playwright.sync_api import expect

from e2e.conftest import axe_check, login
from hononga.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_logs_in_and_shows_the_home_page(page, live_server):
    UserFactory(username="aroha", preferred_name="Aroha")
    page.goto(f"{live_server.url}/accounts/login/")
    axe_check(page, "login")
    login(page, live_server.url, "aroha", TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kia ora, Aroha")
    axe_check(page, "home")


def test_a_wrong_password_gets_a_clear_message(page, live_server):
    UserFactory(username="aroha")
    login(page, live_server.url, "aroha", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("username or password is not right")
    axe_check(page, "login-error")
