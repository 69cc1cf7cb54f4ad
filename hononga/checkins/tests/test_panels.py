"""The check-ins sections on the whānau and person pages, and the map's hook registration."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from hononga.checkins import panels
from hononga.checkins.tests import factories as f
from hononga.core.panels import render_panels
from hononga.relationships import selectors as relationship_selectors


def ago(days):
    return timezone.now() - timedelta(days=days)


def _request(rf, user):
    request = rf.get("/")
    request.user = user
    return request


def test_the_whanau_panel_lists_each_practitioner_relationship_with_its_latest_check_in(
    rf, practitioner, worker, whanau, relationship, person
):
    f.checkin(relationship, person, answers=f.items(9), when=ago(10))
    f.checkin(relationship, person, answers=f.items(4), when=ago(1))
    quiet = f.member(whanau, "Tama")
    f.relationship_between(whanau, quiet, worker)
    f.relationship_between(whanau, quiet, person, kind="whanau")  # no practitioner: not listed
    html = panels.whanau_panel(_request(rf, practitioner), whanau)
    assert "Check-ins" in html and "4.0" in html and "flag--low" in html
    assert reverse("checkins:relationship", args=[relationship.pk]) in html
    assert reverse("checkins:link_new", args=[relationship.pk]) + f"?rater={person.pk}" in html
    assert "No check-in yet" in html  # Tama
    assert html.count("<tr>") == 3  # header + two practitioner relationships
    # It is registered on the whānau slot (the page renders every panel of the slot).
    assert "checkins-whanau-" in render_panels("whanau", _request(rf, practitioner), whanau)


def test_the_person_panel_shows_the_persons_practitioner_relationships(
    rf, practitioner, relationship, person
):
    f.checkin(relationship, person, answers=f.items(9), when=ago(3))
    html = panels.person_panel(_request(rf, practitioner), person)
    assert "9.0" in html and reverse("checkins:relationship", args=[relationship.pk]) in html
    assert "checkins-person-" in render_panels("person", _request(rf, practitioner), person)


def test_outsiders_see_nothing_and_readers_get_no_write_links(
    rf, outsider, admin_user, whanau, relationship, person
):
    f.checkin(relationship, person, answers=f.items(9), when=ago(3))
    assert panels.whanau_panel(_request(rf, outsider), whanau) == ""
    assert panels.person_panel(_request(rf, outsider), person) == ""
    html = panels.whanau_panel(_request(rf, admin_user), whanau)  # admin: no case access
    assert reverse("checkins:link_new", args=[relationship.pk]) not in html


def test_the_panel_query_count_does_not_grow_with_relationships_or_check_ins(
    rf, practitioner, worker, whanau, django_assert_max_num_queries
):
    for index in range(8):
        member = f.member(whanau, f"Tangata {index}")
        rel = f.relationship_between(whanau, member, worker)
        for days in (30, 20, 10):
            f.checkin(rel, member, answers=f.items(9 - index % 3), when=ago(days))
    request = _request(rf, practitioner)
    panels.whanau_panel(request, whanau)  # settings made once, on first use
    with django_assert_max_num_queries(8):
        html = panels.whanau_panel(request, whanau)
    assert html.count("<tr>") == 9


def test_the_relationships_app_gets_latest_check_ins_through_its_hook(relationship, person):
    """apps.CheckinsConfig.ready registers the provider with hononga.relationships.hooks."""
    f.checkin(relationship, person, answers=f.items(9), when=ago(10))
    f.checkin(relationship, person, answers=f.items(4), when=ago(1))
    found = relationship_selectors.latest_checkins_for_relationships([relationship.pk])
    assert found[relationship.pk].score == 4.0 and "low" in found[relationship.pk].flags
    assert relationship_selectors.latest_checkin(relationship).score == 4.0


def test_the_supervision_view_shows_the_practitioners_relationships_needing_attention(
    practitioner, supervisor, supervisor_south, relationship, person
):
    from hononga.conftest import client_for

    f.checkin(relationship, person, answers=f.items(9), when=ago(20))
    f.checkin(relationship, person, answers=f.items(5), when=ago(2))
    url = reverse("contacts:supervision:practitioner", args=[practitioner.pk])
    html = client_for(supervisor).get(url).content.decode()
    assert "Relationships needing attention" in html and "Mere Kōwhai" in html
    assert "flag--low" in html
    assert reverse("checkins:link_new", args=[relationship.pk]) not in html  # not theirs to send
    assert client_for(supervisor_south).get(url).status_code == 404


def test_the_supervision_panel_is_for_supervisors_and_their_whanau_only(
    rf, practitioner, supervisor, supervisor_south, relationship, person
):
    f.checkin(relationship, person, answers=f.items(4), when=ago(2))
    assert panels.supervision_panel(_request(rf, practitioner), practitioner) == ""
    html = panels.supervision_panel(_request(rf, supervisor_south), practitioner)
    assert "Mere" not in html  # another team's supervisor sees none of this whānau
    assert "Mere" in panels.supervision_panel(_request(rf, supervisor), practitioner)
