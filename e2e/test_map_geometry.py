"""The ecomap as the browser draws it, at 5, 15 and 30 people and on a 360 px phone: no line
crosses someone else's circle, no name or score overlaps anything, measured on the rendered
SVG (real fonts: getBBox of every text, points along every path), and flags are words."""

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from e2e.conftest import ARTIFACTS, axe_check, login
from hononga.checkins.tests import factories as checkin_factories
from hononga.factories import (
    TEST_PASSWORD,
    AllocationFactory,
    MembershipFactory,
    PersonFactory,
    RegionFactory,
    TeamFactory,
    UserFactory,
    WhanauFactory,
)
from hononga.relationships.models import Relationship
from hononga.relationships.tests.test_layout_clear import CASES
from hononga.whanau.models import PersonKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs in the page: measures the drawn map and lists what touches what it must not.
MEASURE = (Path(__file__).parent / "map_geometry.js").read_text(encoding="utf-8")


def build(size: int) -> dict[str, Any]:
    """The test's map of `size` people, made in the database with check-ins on the
    practitioners' lines (flagged ones among them)."""
    people, edges, badges, _centre = CASES[size]
    team = TeamFactory(name=f"Team {size}", region=RegionFactory(name=f"Rohe {size}"))
    whanau = WhanauFactory(name=f"Whānau of {size}", team=team)
    by_id: dict[int, Any] = {}
    first_user = None
    for mapped in people:
        if mapped.is_practitioner:
            user = UserFactory(
                username=f"kaimahi{size}-{mapped.id}", preferred_name=mapped.name, teams=[team]
            )
            AllocationFactory(whanau=whanau, user=user)
            by_id[mapped.id] = checkin_factories.staff_person(user)
            first_user = first_user or user
        else:
            person = PersonFactory(
                preferred_name=mapped.name, other_names="", kind=PersonKind.OTHER_WHANAU
            )
            MembershipFactory(person=person, whanau=whanau, role=mapped.detail)
            by_id[mapped.id] = person
    seen: set[tuple[int, int]] = set()
    for index, (a, b, strength, stress) in enumerate(edges):
        one, other = sorted([by_id[a], by_id[b]], key=lambda p: p.pk)
        kind = "professional" if index in badges else "peer" if (a, b) in seen else "whanau"
        seen.add((a, b))
        relationship = Relationship.objects.create(
            whanau=whanau,
            person_a=one,
            person_b=other,
            kind=kind,
            strength=strength,
            stress=stress,
            support="a_to_b" if index % 3 else "both",
        )
        if index in badges:
            member = by_id[b]
            checkin_factories.checkin(
                relationship,
                member,
                answers=checkin_factories.items(9),
                when=timezone.now() - timezone.timedelta(days=30),
            )
            checkin_factories.checkin(
                relationship, member, answers=checkin_factories.items(7 if index % 2 else 9)
            )
    return {"whanau": whanau, "user": first_user}


def measure(page: Page) -> dict[str, Any]:
    return page.evaluate(MEASURE)


@pytest.mark.parametrize("size", [5, 15, 30])
def test_the_rendered_map_has_no_overlaps(browser: Browser, live_server, size):
    made = build(size)
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-NZ")
    page = context.new_page()
    login(page, live_server.url, made["user"].username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/whanau/{made['whanau'].pk}/map/")
    expect(page.locator("svg.ecomap__svg")).to_be_visible()
    found = measure(page)
    assert found["problems"] == [], found["problems"][:10]
    assert found["lines"] == len(CASES[size][1])
    # Flags in words, never codes, in the table and the scores' names.
    table = page.locator(".ecomap__table").inner_text()
    for code in ("reliable_drop", "dropped", "low", "perception_gap"):
        assert code not in table
    if size > 5:
        assert "Reliable drop" in table or "Dropped" in table or "Low" in table
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("svg.ecomap__svg").screenshot(path=str(ARTIFACTS / f"map-{size}.png"))
    axe_check(page, f"map-{size}")
    context.close()


def test_the_map_on_a_phone(browser: Browser, live_server):
    made = build(15)
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-NZ")
    page = phone.new_page()
    login(page, live_server.url, made["user"].username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/whanau/{made['whanau'].pk}/map/")
    expect(page.locator("svg.ecomap__svg")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert measure(page)["problems"] == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map-15-360px.png"), full_page=True)
    phone.close()
