"""The relationship map in the browser: open a whānau's map, add a relationship from it (HTMX,
no page load) and see it drawn; errors show inline; the map pages pass axe."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import axe_check, login
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
from hononga.relationships import services
from hononga.relationships.models import Relationship
from hononga.whanau.models import PersonKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting() -> dict[str, Any]:
    team = TeamFactory(name="Kirikiriroa team", region=RegionFactory(name="Waikato"))
    aroha = UserFactory(username="aroha", preferred_name="Aroha", teams=[team])
    whanau = WhanauFactory(name="Kōwhai whānau", team=team)
    AllocationFactory(whanau=whanau, user=aroha)
    mere = PersonFactory(preferred_name="Mere", other_names="Kōwhai")
    MembershipFactory(person=mere, whanau=whanau, role="mother")
    ariki = PersonFactory(preferred_name="Ariki", other_names="Kōwhai", kind=PersonKind.TAMARIKI)
    MembershipFactory(person=ariki, whanau=whanau, role="son")
    kahu = PersonFactory(preferred_name="Kahu", other_names="Kōwhai", kind=PersonKind.RANGATAHI)
    MembershipFactory(person=kahu, whanau=whanau, role="daughter")
    services.relationship_create(
        actor=aroha,
        whanau_id=whanau.pk,
        person_a=mere.pk,
        person_b=ariki.pk,
        fields={"kind": "whanau", "strength": "strong", "support": "a_to_b"},
    )
    return {"aroha": aroha, "whanau": whanau, "mere": mere, "ariki": ariki, "kahu": kahu}


def test_add_a_relationship_from_the_map_and_see_it_drawn(page: Page, live_server, setting):
    base = live_server.url
    whanau, mere, kahu = setting["whanau"], setting["mere"], setting["kahu"]
    login(page, base, "aroha", TEST_PASSWORD)
    page.goto(f"{base}/whanau/{whanau.pk}/map/")
    expect(page.get_by_role("heading", name="Relationship map")).to_be_visible()
    expect(page.locator("svg.ecomap__svg path.edge")).to_have_count(1)
    axe_check(page, "relationship-map")

    # The same person twice: refused inline, nothing saved, still on the map page.
    editor = page.locator("#map-editor")
    editor.get_by_label("First person").select_option(f"p{mere.pk}")
    editor.get_by_label("Second person").select_option(f"p{mere.pk}")
    editor.get_by_label("Kind of relationship").select_option("whanau")
    editor.get_by_role("button", name="Add to the map").click()
    expect(page.locator("#map-editor .error-summary")).to_contain_text(
        "A relationship needs two different people."
    )
    assert Relationship.objects.count() == 1
    axe_check(page, "relationship-map-error")

    # Now a stressful, tenuous one between Mere and Kahu: drawn without leaving the page.
    url_before = page.url
    editor = page.locator("#map-editor")
    editor.get_by_label("Second person").select_option(f"p{kahu.pk}")
    editor.get_by_label("Strength").select_option("tenuous")
    editor.get_by_label("Stress").select_option("high")
    editor.get_by_role("button", name="Add to the map").click()
    expect(page.locator("#map-editor [role=status]")).to_contain_text("Relationship added")
    expect(page.locator("svg.ecomap__svg path.edge")).to_have_count(2)
    added = Relationship.objects.exclude(person_b=setting["ariki"]).get()
    line = page.locator(f"#edge-{added.pk}")
    expect(line).to_have_attribute("stroke-dasharray", "7 5")
    expect(page.locator("#ecomap table")).to_contain_text("Mere Kōwhai — Kahu Kōwhai")
    assert page.url == url_before
    axe_check(page, "relationship-map-added")

    # Change it from the map's table, again without leaving the page.
    page.get_by_role("link", name="Change Mere — Kahu").click()
    expect(page.get_by_role("heading", name="Change a relationship")).to_be_visible()
    page.locator("#map-editor").get_by_label("Stress").select_option("none")
    page.locator("#map-editor").get_by_role("button", name="Save changes").click()
    expect(page.locator("#map-editor [role=status]")).to_contain_text("Relationship changed")
    added.refresh_from_db()
    assert added.stress == "none" and added.version == 2
    errors = page.console_errors  # type: ignore[attr-defined]
    assert not [e for e in errors if "Content Security Policy" in e or "htmx" in e.lower()]


def test_relationship_pages_are_accessible(page: Page, live_server, setting):
    base = live_server.url
    whanau = setting["whanau"]
    relationship = Relationship.objects.get()
    login(page, base, "aroha", TEST_PASSWORD)
    for name, path in (
        ("list", f"/whanau/{whanau.pk}/relationships/"),
        ("form", f"/whanau/{whanau.pk}/relationships/new/"),
        ("detail", f"/relationships/{relationship.pk}/"),
        ("edit", f"/relationships/{relationship.pk}/edit/"),
        ("end", f"/relationships/{relationship.pk}/end/"),
        ("consent", f"/people/{setting['mere'].pk}/consent/"),
        ("map-ended", f"/whanau/{whanau.pk}/map/?ended=1&centre={setting['ariki'].pk}"),
    ):
        page.goto(base + path)
        axe_check(page, f"relationships-{name}")
