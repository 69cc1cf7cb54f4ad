"""Figures in a browser: a supervisor opens their team page, a practice lead the agency page
(chart drawn, a table beside it, no names) and downloads the CSV. axe-core on every page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from e2e.conftest import axe_check, login
from hononga.accounts.models import Role
from hononga.checkins.tests import factories as f
from hononga.contacts.tests.factories import make_contact
from hononga.factories import (
    TEST_PASSWORD,
    AllocationFactory,
    MembershipFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
    WhanauFactory,
)
from hononga.measures import rollup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting():
    team = TeamFactory(name="Kirikiriroa team")
    aroha = UserFactory(username="aroha", preferred_name="Aroha", teams=[team])
    UserFactory(username="hemi", preferred_name="Hēmi", role=Role.SUPERVISOR, teams=[team])
    UserFactory(username="tania", preferred_name="Tania", role=Role.PRACTICE_LEAD)
    whanau = WhanauFactory(name="Kōwhai whānau", team=team)
    AllocationFactory(whanau=whanau, user=aroha, started=timezone.localdate() - timedelta(days=400))
    hine = PersonFactory(preferred_name="Hine", other_names="Kōwhai", kind="rangatahi")
    MembershipFactory(person=hine, whanau=whanau)
    relationship = f.relationship_between(whanau, hine, f.staff_person(aroha))
    f.checkin(relationship, hine, answers=f.items(4), when=timezone.now() - timedelta(days=50))
    for days in range(0, 70, 3):
        make_contact(
            whanau=whanau,
            practitioner=aroha,
            participants=[hine],
            occurred_at=timezone.now() - timedelta(days=days),
        )
    # The pages read what the scheduled job works out: run it, as the worker would.
    rollup.run()
    return {"team": team}


def test_a_supervisor_opens_the_team_page(page: Page, live_server, setting):
    login(page, live_server.url, "hemi", TEST_PASSWORD)
    page.get_by_role("link", name="Team figures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Team figures: Kirikiriroa team")
    expect(page.get_by_role("row", name="Aroha").first).to_be_visible()
    expect(page.get_by_text("Figures as of")).to_be_visible()
    # The team's attention list, with the reason.
    expect(page.get_by_role("heading", name="Relationships needing attention, with the reason"))
    expect(page.get_by_text("Hine Kōwhai").first).to_be_visible()
    axe_check(page, "measures-team")
    # Another period by keyboard: choose a quarter, then Show.
    page.get_by_label("Period length").select_option("quarter")
    page.get_by_role("button", name="Show").press("Enter")
    expect(page.get_by_label("Period", exact=True)).to_contain_text("Quarter")
    axe_check(page, "measures-team-quarter")
    page.goto(f"{live_server.url}/figures/definitions/")
    axe_check(page, "measures-definitions")
    assert not page.console_errors  # type: ignore[attr-defined]


def test_a_practice_lead_opens_the_agency_page(page: Page, live_server, setting):
    login(page, live_server.url, "tania", TEST_PASSWORD)
    page.get_by_role("link", name="The agency, by region").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Figures: the agency")
    expect(page.get_by_text("Figures as of")).to_be_visible()
    canvas = page.locator("canvas[data-chart='chart-practice']")
    expect(canvas).to_have_attribute("data-chart-drawn", "1")
    content = page.content()
    for name in ("Aroha", "Hine", "Kōwhai"):
        assert name not in content
    axe_check(page, "measures-agency")
    csv_button = page.get_by_role("link", name="Download these figures (CSV)")
    # Drawn as a button: its own padding, not that of a lone link in a paragraph.
    assert csv_button.evaluate("a => getComputedStyle(a).paddingLeft") != "0px"
    with page.expect_download() as download:
        csv_button.click()
    assert download.value.suggested_filename.startswith("hononga-figures-agency-")
    page.set_viewport_size({"width": 360, "height": 740})
    axe_check(page, "measures-agency-360")
    assert not page.console_errors  # type: ignore[attr-defined]
