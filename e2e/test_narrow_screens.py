"""On a phone (360 px wide) pages scroll down, never sideways: wide tables scroll inside their
own box, maps shrink to fit, and forms with tables in them stay within the screen."""

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from e2e.conftest import axe_check, login
from e2e.restorative_setting import kowhai_whanau, member, referred_process
from hononga.accounts.models import Role
from hononga.advisories import services as advisories
from hononga.factories import TEST_PASSWORD, UserFactory
from hononga.relationships import services as relationships

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 360


@pytest.fixture
def phone(browser: Browser) -> Any:
    context = browser.new_context(viewport={"width": WIDTH, "height": 740}, locale="en-NZ")
    yield context.new_page()
    context.close()


def sideways_scroll(page: Page) -> int:
    return int(page.evaluate("() => document.documentElement.scrollWidth")) - WIDTH


def test_case_pages_fit_a_phone_screen(phone: Page, live_server: Any) -> None:
    setting = kowhai_whanau()
    priya = UserFactory(username="priya", preferred_name="Priya", role=Role.ADMIN)
    process = referred_process(setting)
    whanau = setting["whanau"]
    # A map drawn wider than the phone: Mere and the people around her.
    around = [setting["ariki"]] + [
        member(whanau, name, "whanaunga")
        for name in ("Hine", "Tama", "Rangi", "Wai", "Manaia", "Kiri", "Tipene", "Aroaro")
    ]
    for person in around:
        relationships.relationship_create(
            actor=setting["aroha"],
            whanau_id=whanau.pk,
            person_a=setting["mere"].pk,
            person_b=person.pk,
            fields={"kind": "whanau"},
        )
    advisories.advisory_create(  # so the measles screening page has its form
        actor=priya,
        data={
            "title": "Measles outbreak",
            "condition": "measles",
            "starts": date(2020, 1, 1),
            "guidance": "Screen before home visits.",
        },
        region_ids=[whanau.team.region_id],
    )
    base = live_server.url
    pages = {
        "aroha": [
            "/",
            f"/whanau/{whanau.pk}/",
            f"/whanau/{whanau.pk}/map/",
            f"/whanau/{whanau.pk}/screen/",
            "/reflection/",
        ],
        "mereana": ["/", f"/processes/{process.pk}/", f"/processes/{process.pk}/conference/"],
        "priya": ["/facilitator-credentials/", "/accounts/manage/allocations/"],
    }
    for username, paths in pages.items():  # axe also checks that scrolling tables are reachable
        phone.context.clear_cookies()
        login(phone, base, username, TEST_PASSWORD)
        for path in paths:
            response = phone.goto(base + path)
            assert response is not None and response.status == 200, path
            assert sideways_scroll(phone) <= 0, path
            axe_check(phone, f"phone-{username}-{path.strip('/').replace('/', '-') or 'home'}")
            if path.endswith("/map/"):
                drawn = phone.locator("svg.ecomap__svg")
                assert float(drawn.get_attribute("width") or 0) > WIDTH  # it shrank to fit


def test_a_table_that_scrolls_can_be_reached_and_scrolled_by_keyboard(
    phone: Page, live_server: Any
) -> None:
    process = referred_process(kowhai_whanau())
    login(phone, live_server.url, "mereana", TEST_PASSWORD)
    phone.goto(f"{live_server.url}/processes/{process.pk}/")
    wrap = phone.locator(".table-wrap").first
    assert wrap.evaluate("w => w.scrollWidth > w.clientWidth")
    assert wrap.get_attribute("tabindex") == "0"
    assert wrap.get_attribute("aria-label")  # its caption
    wrap.focus()
    phone.keyboard.press("ArrowRight")
    phone.keyboard.press("ArrowRight")
    phone.wait_for_function(
        "() => document.querySelector('.table-wrap').scrollLeft > 0", timeout=3000
    )
