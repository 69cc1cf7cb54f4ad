"""What is typed during a conference survives an expired session: the facilitator's screen keeps
a draft on the device, restores it after logging in again, and drops it once it is saved."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import axe_check, login
from e2e.restorative_setting import kowhai_whanau, referred_process
from hononga.factories import TEST_PASSWORD
from hononga.restorative import services
from hononga.restorative.models import Response, State
from hononga.restorative.tests.conftest import walk_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = "I took the car without asking. Kei te pōuri ahau — I want to put it right."
QUESTION = "Tell us in your own words what happened."


@pytest.fixture
def process() -> Any:
    return walk_to(referred_process(kowhai_whanau()), State.READY)


def draft_keys(page: Page) -> list[str]:
    return page.evaluate(
        "() => Object.keys(localStorage).filter(k => k.startsWith('draft:conference:'))"
    )


def type_on_the_conference_screen(page: Page, base: str, process: Any, words: str) -> str:
    """Mereana opens the conference screen and types `words`; waits until the draft is kept."""
    conference_url = f"{base}/processes/{process.pk}/conference/"
    login(page, base, "mereana", TEST_PASSWORD)
    page.goto(conference_url)
    page.get_by_label(QUESTION).first.fill(words)
    page.wait_for_function(
        "() => Object.keys(localStorage).some(k => k.startsWith('draft:conference:'))"
    )
    assert len(draft_keys(page)) == 1
    return conference_url


def test_answers_typed_before_the_session_expired_come_back_and_are_saved(
    page: Page, live_server: Any, process: Any
) -> None:
    conference_url = type_on_the_conference_screen(page, live_server.url, process, WORDS)

    # The session expires during the kōrero; saving sends the facilitator to log in again.
    page.context.clear_cookies(name="sessionid")
    page.get_by_role("button", name="Save answers").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Log in")
    assert not Response.objects.filter(participant__process=process).exists()
    page.get_by_label("Username").fill("mereana")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()  # back to where they were
    page.wait_for_url(conference_url)

    # Back on the conference screen: what was typed is there, and the page says so.
    expect(page.locator("#draft-notice")).to_be_visible()
    expect(page.get_by_label(QUESTION).first).to_have_value(WORDS)
    axe_check(page, "conference-draft")
    page.get_by_role("button", name="Save answers").click()
    expect(page.get_by_text("1 answer saved.")).to_be_visible()
    expect(page.locator("#draft-notice")).to_be_hidden()
    expect(page.get_by_label(QUESTION).first).to_have_value(WORDS)
    assert draft_keys(page) == []
    saved = Response.objects.get(participant__process=process, question="happened")
    assert saved.answer == WORDS


def test_a_draft_older_than_the_saved_answers_is_not_restored(
    page: Page, live_server: Any, process: Any
) -> None:
    conference_url = type_on_the_conference_screen(
        page, live_server.url, process, "An old draft from this tablet."
    )
    # Meanwhile the answers are saved from another device.
    ariki = process.participants.get(role="responsible")
    services.responses_record(
        actor=process.facilitator,
        process_id=process.pk,
        answers={ariki.pk: {"happened": WORDS}},
    )
    page.goto(conference_url)
    expect(page.get_by_label(QUESTION).first).to_have_value(WORDS)
    expect(page.locator("#draft-notice")).to_be_hidden()
    assert draft_keys(page) == []
