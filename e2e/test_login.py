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


def test_logging_out_removes_drafts_from_this_device(page, live_server):
    UserFactory(username="aroha", preferred_name="Aroha")
    login(page, live_server.url, "aroha", TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kia ora, Aroha")
    page.evaluate(
        """() => {
        localStorage.setItem("draft:contact:1:3:new", "{}");
        localStorage.setItem("draft:conference:1:7", "{}");
        localStorage.setItem("other-setting", "keep");
    }"""
    )
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Log in")
    keys = page.evaluate("() => Object.keys(localStorage)")
    assert keys == ["other-setting"]


def test_repeated_failures_lock_the_login_with_a_clear_message(page, live_server):
    UserFactory(username="aroha")
    for _n in range(5):
        login(page, live_server.url, "aroha", "not-the-password")
    expect(page.get_by_role("heading", level=1)).to_contain_text("login is locked for 15 minutes")
    expect(page.get_by_role("alert")).to_contain_text("too many failed attempts")
    axe_check(page, "locked-out")


def test_switching_to_te_reo_maori(page, live_server):
    UserFactory(username="aroha", preferred_name="Aroha")
    login(page, live_server.url, "aroha", TEST_PASSWORD)
    page.get_by_label("Language").select_option("mi")
    page.get_by_role("button", name="Change language").click()
    nav = page.get_by_role("navigation", name="Matua")
    expect(nav.get_by_role("link", name="Kāinga")).to_be_visible()
    expect(nav.get_by_role("link", name="Tāngata")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "mi")
    axe_check(page, "home-mi")
