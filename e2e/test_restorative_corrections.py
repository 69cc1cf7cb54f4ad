"""Putting things right in the browser: a facilitator removes a participant added by mistake, a
supervisor reassigns the process to another facilitator, an administrator ends a credential
early and finds the processes that relied on it. axe-core on each new page."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import axe_check, login
from e2e.restorative_setting import (
    credentialled_facilitator,
    kowhai_whanau,
    member,
    referred_process,
)
from hononga.accounts.models import Role
from hononga.factories import TEST_PASSWORD, UserFactory
from hononga.restorative import services
from hononga.restorative.models import ParticipantRole

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting() -> dict[str, Any]:
    kowhai = kowhai_whanau()
    team = kowhai["team"]
    UserFactory(username="hemi", preferred_name="Hēmi", role=Role.SUPERVISOR, teams=[team])
    UserFactory(username="priya", preferred_name="Priya", role=Role.ADMIN)
    credentialled_facilitator("wiremu", "Wiremu", team)
    hine = member(kowhai["whanau"], "Hine", "aunt")
    process = referred_process(kowhai)
    services.participant_add(
        actor=kowhai["mereana"],
        process_id=process.pk,
        person_id=hine.pk,
        role=ParticipantRole.SUPPORTER_HARMED,
    )
    return {"process": process}


def test_remove_reassign_and_end_a_credential(
    page: Page, live_server: Any, setting: dict[str, Any]
) -> None:
    base = live_server.url
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    process_url = f"{base}/processes/{setting['process'].pk}/"

    # The facilitator removes Hine, added by mistake.
    login(page, base, "mereana", TEST_PASSWORD)
    page.goto(process_url)
    page.get_by_role("link", name="Remove Hine Kōwhai").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Remove Hine Kōwhai")
    axe_check(page, "participant-remove")
    page.get_by_role("button", name="Remove participant").click()
    expect(page.get_by_text("Say why this participant is removed.").first).to_be_visible()
    page.get_by_label("Why this participant is removed").fill("Added by mistake at referral.")
    page.get_by_role("button", name="Remove participant").click()
    expect(page.get_by_text("Hine Kōwhai is no longer a participant.")).to_be_visible()
    removed = page.get_by_role("listitem").filter(
        has_text="Hine Kōwhai (Supporter of a person harmed)"
    )
    expect(removed).to_contain_text("Added by mistake at referral.")
    page.get_by_role("button", name="Log out").click()

    # The supervisor gives the process to Wiremu.
    login(page, base, "hemi", TEST_PASSWORD)
    page.goto(process_url)
    page.get_by_role("link", name="Reassign").click()
    axe_check(page, "reassign")
    page.get_by_label("New facilitator").select_option(label="Wiremu (wiremu)")
    page.get_by_label("Why the process is reassigned").fill("Mereana is on leave.")
    page.get_by_role("button", name="Reassign").click()
    expect(page.get_by_text("Wiremu now facilitates this process.")).to_be_visible()
    axe_check(page, "process-after-reassign")
    page.get_by_role("button", name="Log out").click()

    # The administrator ends Wiremu's credential early and sees the process that needs it.
    login(page, base, "priya", TEST_PASSWORD)
    page.goto(f"{base}/facilitator-credentials/")
    page.get_by_role("link", name="Change or end Wiremu Formal conference").click()
    axe_check(page, "credential")
    page.get_by_label("Why it ends early").fill("Credential withdrawn after review.")
    page.get_by_role("button", name="End the credential").click()
    expect(page.get_by_text("The credential has ended.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("ended early")
    # Administrators see process numbers, never the whānau (no case content without break glass).
    expect(page.locator("main")).not_to_contain_text("Kōwhai")
    page.get_by_role("link", name="Reassign: Formal conference, process").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reassign the process")
    expect(page.locator("main")).not_to_contain_text("Kōwhai")
    axe_check(page, "reassign-admin")
    assert not failed, failed
