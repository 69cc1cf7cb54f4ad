"""A restorative process in the browser, from harm to closure: the practitioner records the harm
and refers it; the facilitator prepares everyone, checks safety, runs the conference screen,
builds the agreement, prints it (PDF text checked), follows up and closes. axe-core on each page."""

import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from e2e.conftest import axe_check, login
from e2e.restorative_setting import kowhai_whanau
from hononga.factories import TEST_PASSWORD
from hononga.restorative.models import RestorativeProcess, State

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting() -> dict[str, Any]:
    return kowhai_whanau()


def submit(page: Page, name: str) -> None:
    page.get_by_role("button", name=name).click()


def test_a_facilitator_takes_a_process_from_harm_to_closure(
    page: Page, live_server: Any, setting: dict[str, Any]
) -> None:
    base = live_server.url
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    today = timezone.localdate()

    # The practitioner records the harm and refers it.
    login(page, base, "aroha", TEST_PASSWORD)
    page.goto(f"{base}/processes/")
    axe_check(page, "process-list")
    page.get_by_text("Record harm").click()
    page.get_by_role("link", name="Kōwhai whānau").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record harm")
    axe_check(page, "harm-form")
    submit(page, "Save the harm")  # empty: errors, nothing saved
    expect(page.locator(".error-summary")).to_contain_text("Say what happened.")
    page.get_by_label("What happened").fill("Ariki took Mere's car without asking and dented it.")
    page.get_by_label("When it happened").fill(str(today - timedelta(days=3)))
    page.locator("#field-harmed").get_by_label("Mere Kōwhai").check()
    page.locator("#field-responsible").get_by_label("Ariki Kōwhai").check()
    page.get_by_label("Severity").select_option("moderate")
    submit(page, "Save the harm")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Harm")
    axe_check(page, "harm")
    page.get_by_role("link", name="Refer for a restorative process").click()
    page.get_by_label("Type of process").select_option("formal_conference")
    page.get_by_label("Facilitator").select_option(label="Mereana")
    axe_check(page, "refer")
    submit(page, "Refer")
    process = RestorativeProcess.objects.get()
    process_url = f"{base}/processes/{process.pk}/"
    page.wait_for_url(process_url)
    page.context.clear_cookies()

    # The facilitator runs it.
    login(page, base, "mereana", TEST_PASSWORD)
    facilitating = page.locator("section", has=page.locator("#restorative-facilitating"))
    expect(facilitating.get_by_role("row")).to_have_count(2)  # the header and the referral
    expect(facilitating).to_contain_text("Referred")
    axe_check(page, "home-facilitating")
    facilitating.get_by_role("link").first.click()
    page.wait_for_url(process_url)
    axe_check(page, "process-referred")
    submit(page, "Mark as preparing")
    expect(page.locator("[data-stage]")).to_have_text("Preparing")
    # "Ready" is refused until everyone is prepared and it is safe: the page says what is left.
    expect(page.locator(".what-is-left")).to_contain_text("Record a safety assessment.")
    submit(page, "Mark as ready")
    expect(page.locator(".error-summary")).to_contain_text("Record Mere Kōwhai's consent")

    for name in ("Mere Kōwhai", "Ariki Kōwhai"):
        page.get_by_role("link", name=name, exact=True).click()
        axe_check(page, "preparation")
        page.get_by_label("Invited on").fill(str(today))
        page.get_by_label("Consented on").fill(str(today))
        page.get_by_label("Preparation meeting held on").fill(str(today))
        page.get_by_label("Karakia").check()
        page.get_by_label("Venue").fill("Te Puna marae")
        submit(page, "Save preparation")
        page.wait_for_url(process_url)

    page.get_by_role("link", name="Record a safety assessment").click()
    axe_check(page, "safety")
    page.locator("#field-risk_of_further_harm").get_by_label("Low").check()
    page.locator("#field-power_imbalance").get_by_label("Medium").check()
    page.get_by_label("Readiness of the participants").fill("Both ready, each with support.")
    page.locator("#field-accepts_responsibility").get_by_label("Yes").check()
    page.get_by_label("Proceed with safeguards").check()
    submit(page, "Save the assessment")
    expect(page.locator(".error-summary")).to_contain_text("List the safeguards")
    page.locator("#id_safeguards").fill("A support person sits with Mere.")
    submit(page, "Save the assessment")
    page.wait_for_url(process_url)
    submit(page, "Mark as ready")
    expect(page.locator("[data-stage]")).to_have_text("Ready")

    # The conference screen: the person responsible first, every voice in their own words.
    page.get_by_role("link", name="Open the conference screen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Conference")
    axe_check(page, "conference")
    voices = page.locator("fieldset.voice legend")
    expect(voices.first).to_contain_text("Ariki Kōwhai")
    page.get_by_label("Tell us in your own words what happened.").fill(
        "I took the car without asking. Kei te pōuri ahau."
    )
    page.get_by_label("What could you do to help put things right?").fill("Pay for the repair.")
    page.get_by_label("What would help put things right for you?").fill(
        "The car fixed, and the truth."
    )
    submit(page, "Save answers")
    expect(page.locator(".messages, [role=status]").first).to_contain_text("answers saved")
    # The agreement builder.
    page.get_by_label("What", exact=True).fill("Pay for the panel repair")
    page.get_by_label("Who does it").select_option(label="Ariki Kōwhai (Responsible)")
    page.get_by_label("For whom").select_option(label="Mere Kōwhai (Harmed)")
    page.get_by_label("By when").fill(str(today + timedelta(days=30)))
    submit(page, "Add to the agreement")
    expect(page.locator("#builder-title + ol")).to_contain_text("Pay for the panel repair")

    page.goto(process_url)
    submit(page, "Mark as held")
    expect(page.locator("[data-stage]")).to_have_text("Held")
    submit(page, "Mark as monitoring")
    expect(page.locator("[data-stage]")).to_have_text("Monitoring")
    axe_check(page, "process-monitoring")

    # The printable agreement for Mere: English and te reo Māori headings, macrons intact.
    href = page.get_by_role("link", name="Agreement for Mere Kōwhai").get_attribute("href")
    pdf = page.request.get(f"{base}{href}")
    assert pdf.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "Our agreement / Tā mātou whakaaetanga" in text
    assert "What we agreed / Ngā mea i whakaaetia" in text
    assert "Pay for the panel repair" in text and "Mō: Mere Kōwhai" in text

    # Closing too early is refused with the reasons.
    page.get_by_label("Outcome summary").fill("Car repaired; trust is growing.")
    submit(page, "Close the process")
    expect(page.locator(".error-summary")).to_contain_text("still open")

    page.get_by_role("link", name="Pay for the panel repair").click()
    page.get_by_label("Done", exact=True).check()
    axe_check(page, "item")
    submit(page, "Save")
    page.wait_for_url(process_url)

    page.get_by_role("link", name="Schedule a follow-up").click()
    page.get_by_label("With").select_option(label="Mere Kōwhai (Harmed)")
    page.get_by_label("Date").fill(str(today))
    submit(page, "Schedule")
    page.wait_for_url(process_url)
    page.locator("#follow-title").locator("xpath=../..").get_by_role(
        "link", name="Mere Kōwhai"
    ).click()
    page.get_by_label("How far do they feel things have been put right? (0–10)").fill("8")
    page.get_by_label("In their own words").fill("Kua pai ake — much better now.")
    axe_check(page, "follow-up")
    submit(page, "Save the follow-up")
    page.wait_for_url(process_url)

    page.get_by_label("Outcome summary").fill("Car repaired; trust is growing.")
    submit(page, "Close the process")
    expect(page.locator("[data-stage]")).to_have_text("Closed")
    axe_check(page, "process-closed")
    process.refresh_from_db()
    assert process.state == State.CLOSED
    assert not failed, failed
