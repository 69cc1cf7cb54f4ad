"""Pages: the map (with HTMX editing), list, form, relationship page, end, consent."""

import re

import pytest
from django.utils import timezone

from hononga.conftest import client_for
from hononga.core.panels import render_panels
from hononga.relationships import services
from hononga.relationships.models import Consent, Relationship

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def pages(whanau, relationship, person):
    return [
        f"/whanau/{whanau.pk}/map/",
        f"/whanau/{whanau.pk}/relationships/",
        f"/whanau/{whanau.pk}/relationships/new/",
        f"/relationships/{relationship.pk}/",
        f"/relationships/{relationship.pk}/edit/",
        f"/relationships/{relationship.pk}/end/",
        f"/people/{person.pk}/consent/",
    ]


def test_every_page_opens_for_the_allocated_practitioner(
    practitioner_client, whanau, relationship, person
):
    for url in pages(whanau, relationship, person):
        assert practitioner_client.get(url).status_code == 200, url


def test_outsider_gets_404_everywhere(outsider_client, whanau, relationship, person):
    for url in pages(whanau, relationship, person):
        assert outsider_client.get(url).status_code == 404, url
        assert outsider_client.post(url, {"kind": "whanau"}).status_code == 404, url
    assert not Relationship.objects.exclude(pk=relationship.pk).exists()


@pytest.fixture
def glass_reader(admin_user, whanau):
    """An administrator reading the whānau through break glass: may see, never change."""
    from hononga.whanau import services as whanau_services

    whanau_services.break_glass(
        actor=admin_user, whanau_id=whanau.pk, reason="Reviewing a complaint about the file"
    )
    return admin_user


def test_reader_cannot_write(whanau, relationship, person, child, glass_reader):
    client = client_for(glass_reader)
    assert client.get(f"/whanau/{whanau.pk}/map/").status_code == 200
    html = client.get(f"/whanau/{whanau.pk}/map/").content.decode()
    assert 'id="map-editor"' not in html
    posts = {
        f"/whanau/{whanau.pk}/relationships/new/": {
            "person_a": f"p{person.pk}",
            "person_b": f"p{child.pk}",
            "kind": "community",
            "strength": "strong",
            "stress": "none",
            "support": "both",
        },
        f"/relationships/{relationship.pk}/edit/": {
            "kind": "whanau",
            "strength": "tenuous",
            "stress": "none",
            "support": "both",
            "version": 1,
        },
        f"/relationships/{relationship.pk}/end/": {"ended": "2026-01-01", "version": 1},
        f"/people/{person.pk}/consent/": {
            "purpose": "sharing",
            "status": "given",
            "date": "2026-01-01",
        },
    }
    for url, data in posts.items():
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    relationship.refresh_from_db()
    assert Relationship.objects.count() == 1 and relationship.version == 1
    assert not Consent.objects.exists()


def test_map_draws_lines_as_social_workers_do(
    practitioner_client, practitioner, whanau, relationship, person, worker_person
):
    services.relationship_create(
        actor=practitioner,
        whanau_id=whanau.pk,
        person_a=worker_person.pk,
        person_b=person.pk,
        fields={"kind": "professional", "strength": "tenuous", "stress": "high", "support": "both"},
    )
    html = practitioner_client.get(f"/whanau/{whanau.pk}/map/").content.decode()
    assert 'role="img"' in html and '<title id="ecomap-title">' in html
    strong = re.search(rf'<path id="edge-{relationship.pk}"[^>]*>', html).group(0)
    assert 'stroke-width="4.0"' in strong and "stroke-dasharray" not in strong
    assert 'marker-end="url(#ecomap-arrow)"' in strong and "marker-start" not in strong
    tenuous = re.search(r'<path id="edge-\d+" class="edge edge--professional[^>]*>', html).group(0)
    assert 'stroke-dasharray="7 5"' in tenuous
    assert tenuous.count("L") > 6  # a zig-zag, not a straight line
    assert "marker-start" in tenuous and "marker-end" in tenuous
    assert "node--practitioner" in html
    assert "The same relationships as a table" in html


def test_ended_relationships_hidden_unless_asked(
    practitioner_client, practitioner, whanau, relationship
):
    services.relationship_end(
        actor=practitioner, relationship_id=relationship.pk, expected_version=1
    )
    url = f"/whanau/{whanau.pk}/map/"
    assert f'id="edge-{relationship.pk}"' not in practitioner_client.get(url).content.decode()
    html = practitioner_client.get(url + "?ended=1").content.decode()
    assert f'id="edge-{relationship.pk}"' in html and "edge--ended" in html


def test_map_centres_on_any_person(practitioner_client, whanau, relationship, child):
    html = practitioner_client.get(f"/whanau/{whanau.pk}/map/?centre={child.pk}").content.decode()
    assert f'<g class="node node--centre" id="person-{child.pk}">' in html
    # Nonsense is ignored, not an error.
    assert (
        practitioner_client.get(f"/whanau/{whanau.pk}/map/?centre=abc&ended=x").status_code == 200
    )


def test_add_from_the_map_with_htmx_redraws_it(practitioner_client, whanau, person, child):
    response = practitioner_client.post(
        f"/whanau/{whanau.pk}/relationships/new/",
        {
            "person_a": f"p{person.pk}",
            "person_b": f"p{child.pk}",
            "kind": "whanau",
            "strength": "strong",
            "stress": "some",
            "support": "b_to_a",
            "centre": child.pk,
        },
        **HX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    rel = Relationship.objects.get()
    assert 'id="map-editor"' in html
    assert 'id="ecomap" class="ecomap" hx-swap-oob="true"' in html
    assert f'id="edge-{rel.pk}"' in html
    assert f'<g class="node node--centre" id="person-{child.pk}">' in html


def test_htmx_errors_are_shown_inline_and_nothing_saved(
    practitioner_client, whanau, person, stranger
):
    response = practitioner_client.post(
        f"/whanau/{whanau.pk}/relationships/new/",
        {
            "person_a": f"p{person.pk}",
            "person_b": f"p{person.pk}",
            "kind": "whanau",
            "strength": "strong",
            "stress": "none",
            "support": "both",
        },
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "A relationship needs two different people." in html
    assert "hx-swap-oob" not in html
    response = practitioner_client.post(
        f"/whanau/{whanau.pk}/relationships/new/",
        {
            "person_a": f"p{person.pk}",
            "person_b": f"p{stranger.pk}",
            "kind": "whanau",
            "strength": "strong",
            "stress": "none",
            "support": "both",
        },
        **HX,
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Relationship.objects.exists()


def test_duplicate_from_the_form_is_a_field_error(
    practitioner_client, whanau, person, child, relationship
):
    response = practitioner_client.post(
        f"/whanau/{whanau.pk}/relationships/new/",
        {
            "person_a": f"p{child.pk}",
            "person_b": f"p{person.pk}",
            "kind": "whanau",
            "strength": "tenuous",
            "stress": "none",
            "support": "both",
        },
    )
    assert response.status_code == 200
    assert "already have an active relationship of this kind" in response.content.decode()
    assert Relationship.objects.count() == 1


def test_bad_input_never_500(practitioner_client, whanau, relationship):
    bad = {"kind": "x" * 5000, "started": "31/31/2026", "strength": "\x00", "version": "abc"}
    for url in (
        f"/whanau/{whanau.pk}/relationships/new/",
        f"/relationships/{relationship.pk}/edit/",
        f"/relationships/{relationship.pk}/end/",
    ):
        assert practitioner_client.post(url, bad).status_code == 200, url
    relationship.refresh_from_db()
    assert relationship.version == 1


def test_edit_from_the_map_and_stale_version(
    practitioner_client, practitioner, whanau, relationship
):
    form = practitioner_client.get(f"/relationships/{relationship.pk}/edit/", **HX).content.decode()
    assert "Change a relationship" in form and 'name="version" value="1"' in form
    data = {
        "kind": "whanau",
        "strength": "moderate",
        "stress": "high",
        "support": "both",
        "version": 1,
    }
    response = practitioner_client.post(f"/relationships/{relationship.pk}/edit/", data, **HX)
    assert 'hx-swap-oob="true"' in response.content.decode()
    relationship.refresh_from_db()
    assert (relationship.stress, relationship.version) == ("high", 2)
    stale = practitioner_client.post(
        f"/relationships/{relationship.pk}/edit/", {**data, "stress": "none"}
    )
    assert "Someone else changed this relationship" in stale.content.decode()
    relationship.refresh_from_db()
    assert relationship.stress == "high"


def test_relationship_page_shows_history_and_panels(
    practitioner_client, practitioner, relationship
):
    services.relationship_update(
        actor=practitioner,
        relationship_id=relationship.pk,
        expected_version=1,
        changes={"strength": "tenuous"},
    )
    html = practitioner_client.get(f"/relationships/{relationship.pk}/").content.decode()
    assert "History" in html and "Aroha" in html
    assert "Strong" in html and "Tenuous" in html  # old → new


def test_end_page_keeps_the_relationship(practitioner_client, relationship):
    today = timezone.localdate().isoformat()
    response = practitioner_client.post(
        f"/relationships/{relationship.pk}/end/", {"ended": today, "reason": "Moved", "version": 1}
    )
    assert response.status_code == 302
    relationship.refresh_from_db()
    assert relationship.ended is not None and relationship.history.count() == 2


def test_consent_form_and_person_panel(practitioner_client, practitioner, person, rf):
    response = practitioner_client.post(
        f"/people/{person.pk}/consent/",
        {"purpose": "immunisation", "status": "given", "date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert Consent.objects.get().purpose == "immunisation"
    bad = practitioner_client.post(f"/people/{person.pk}/consent/", {"purpose": "all", "date": "x"})
    assert bad.status_code == 200 and Consent.objects.count() == 1
    request = rf.get("/")
    request.user = practitioner
    html = render_panels("person", request, person)
    assert "Recording their immunisation status" in html and 'action="/people/' in html


def test_whanau_panel_links_to_the_map(practitioner, whanau, relationship, rf):
    request = rf.get("/")
    request.user = practitioner
    html = render_panels("whanau", request, whanau)
    assert f"/whanau/{whanau.pk}/map/" in html


def test_map_of_thirty_people_in_bounded_queries(
    practitioner_client, practitioner, whanau, worker_person, django_assert_max_num_queries
):
    from hononga.relationships.tests.test_map_data import thirty_people

    thirty_people(practitioner, whanau, worker_person)
    with django_assert_max_num_queries(26):  # constant: not one per person or relationship
        response = practitioner_client.get(f"/whanau/{whanau.pk}/map/")
    assert response.status_code == 200
    assert response.content.decode().count('<g class="node') == 30


def test_relationship_page_shows_other_apps_panels_and_checkin(
    practitioner_client, practitioner, whanau, person, worker_person
):
    from hononga.relationships import hooks

    tie = services.relationship_create(
        actor=practitioner,
        whanau_id=whanau.pk,
        person_a=worker_person.pk,
        person_b=person.pk,
        fields={"kind": "professional"},
    )
    # The check-ins app registered its provider with this app's hook.
    assert any("checkins" in f.__module__ for f in hooks.LATEST_CHECKINS_PROVIDER)
    response = practitioner_client.get(f"/relationships/{tie.pk}/")
    assert response.status_code == 200
    assert "Check-ins" in response.content.decode()


def test_without_javascript_the_map_form_posts_and_comes_back(
    practitioner_client, whanau, person, child
):
    data = {
        "person_a": f"p{person.pk}",
        "person_b": f"p{child.pk}",
        "kind": "whanau",
        "strength": "strong",
        "stress": "none",
        "support": "both",
    }
    back = f"/whanau/{whanau.pk}/map/?centre={child.pk}"
    response = practitioner_client.post(
        f"/whanau/{whanau.pk}/relationships/new/", {**data, "next": back}
    )
    assert response.status_code == 302 and response["Location"] == back
    # Never to another site.
    response = practitioner_client.post(
        f"/whanau/{whanau.pk}/relationships/new/",
        {**data, "kind": "peer", "next": "https://evil.example/"},
    )
    assert response["Location"] == f"/whanau/{whanau.pk}/map/"
    assert Relationship.objects.count() == 2
