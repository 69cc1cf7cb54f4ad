"""Every relationship needing attention, a page at a time, beyond the home page's first few."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from hononga.audit.models import Action, AuditEvent
from hononga.checkins import panels
from hononga.checkins.tests import factories as f

URL = reverse("checkins:attention")


def low_scores(whanau, worker, count):
    """`count` members whose latest check-in is low, ranked by their score (lowest first)."""
    members = []
    for i in range(count):
        member = f.member(whanau, f"Whai{i:02}")
        relationship = f.relationship_between(whanau, member, worker)
        f.checkin(relationship, member, answers=f.items(2 + i % 3), when=timezone.now())
        members.append(member)
    return members


def test_the_home_page_links_to_every_relationship_when_it_shows_only_the_first(
    practitioner_client, worker, whanau
):
    low_scores(whanau, worker, panels.HOME_LIMIT + 2)
    home = practitioner_client.get(reverse("home")).content.decode()
    assert f"Showing the {panels.HOME_LIMIT} most urgent." in home
    assert f'href="{URL}">See all {panels.HOME_LIMIT + 2}</a>' in home


def test_the_page_lists_every_one_most_urgent_first_a_page_at_a_time(
    practitioner_client, worker, whanau, django_assert_max_num_queries
):
    low_scores(whanau, worker, 27)
    with django_assert_max_num_queries(20):  # the first visit also makes the settings row
        first = practitioner_client.get(URL)
    html = first.content.decode()
    assert first.status_code == 200
    assert "27 relationships, most urgent first." in html
    assert html.count('class="attention__item"') == 25
    assert "Page 1 of 2" in html and 'href="?page=2"' in html
    # Reasons in words, and the actions, for each one shown.
    assert "Send Whai00 a link" in html and "talk about the relationship next time" in html
    second = practitioner_client.get(URL, {"page": 2}).content.decode()
    assert second.count('class="attention__item"') == 2
    shown = {
        name
        for page in (html, second)
        for name in (f"Whai{i:02}" for i in range(27))
        if f"Send {name} a link" in page
    }
    assert len(shown) == 27


def test_query_count_does_not_grow_with_the_caseload(
    practitioner_client, worker, whanau, django_assert_max_num_queries
):
    low_scores(whanau, worker, 3)
    practitioner_client.get(URL)  # the first visit makes the settings row
    with django_assert_max_num_queries(17) as few:  # 16, and the notification bell
        practitioner_client.get(URL)
    for i in range(30):
        member = f.member(whanau, f"Atu{i}")
        f.checkin(f.relationship_between(whanau, member, worker), member, answers=f.items(3))
    with django_assert_max_num_queries(len(few.captured_queries)):
        practitioner_client.get(URL)


def test_a_bad_page_number_shows_a_real_page(practitioner_client, worker, whanau):
    low_scores(whanau, worker, 2)
    for page in ("0", "-1", "abc", "999"):
        response = practitioner_client.get(URL, {"page": page})
        assert response.status_code == 200
        assert response.content.decode().count('class="attention__item"') == 2


def test_an_empty_list_says_so(practitioner_client, worker, whanau):
    member = f.member(whanau, "Pai")
    relationship = f.relationship_between(whanau, member, worker)
    f.checkin(relationship, member, answers=f.items(9), when=timezone.now() - timedelta(days=2))
    html = practitioner_client.get(URL).content.decode()
    assert "None right now" in html and 'class="attention__item"' not in html


def test_practitioners_facilitators_and_supervisors_have_the_page(
    client, supervisor_client, admin_client_, practitioner_client
):
    assert supervisor_client.get(URL).status_code == 200
    assert admin_client_.get(URL).status_code == 404
    assert client.get(URL).status_code == 302  # to the login page
    assert practitioner_client.get(URL).status_code == 200


def test_listing_is_audited_with_the_relationships_shown(
    practitioner, practitioner_client, worker, whanau
):
    low_scores(whanau, worker, 2)
    practitioner_client.get(URL)
    event = AuditEvent.objects.filter(actor_id=practitioner.pk, action=Action.LIST).latest("id")
    assert event.summary == "Listed relationships needing attention"
    assert len(event.data["relationships"]) == 2
