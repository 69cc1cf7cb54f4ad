"""Relationships needing attention on the practitioner's home page, and the map's hook."""

from datetime import timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hononga.checkins import scoring, selectors
from hononga.checkins.tests import factories as f
from hononga.factories import AllocationFactory, WhanauFactory


def ago(days):
    return timezone.now() - timedelta(days=days)


def test_every_flag_shows_most_urgent_first_with_reasons_and_links(
    practitioner, practitioner_client, worker, whanau, team_north
):
    people = {name: f.member(whanau, name) for name in ("Drop", "Low", "Gap", "Late", "Fine")}
    rel = {name: f.relationship_between(whanau, p, worker) for name, p in people.items()}
    f.checkin(rel["Drop"], people["Drop"], answers=f.items(9), when=ago(20))
    f.checkin(rel["Drop"], people["Drop"], answers=f.items(7), when=ago(2))
    f.checkin(rel["Low"], people["Low"], answers=f.items(9, heard=5), when=ago(3))
    f.checkin(rel["Gap"], people["Gap"], answers=f.items(8), when=ago(3))
    f.checkin(rel["Gap"], worker, perspective="mirror", answers=f.items(10), when=ago(3))
    f.checkin(rel["Late"], people["Late"], answers=f.items(9), when=ago(50))
    f.checkin(rel["Fine"], people["Fine"], answers=f.items(9), when=ago(5))
    items, total = selectors.relationships_needing_attention(user=practitioner)
    order = [item.member.preferred_name for item in items]
    assert order == ["Drop", "Low", "Gap", "Late"] and total == 4
    assert items[0].flags == (scoring.RELIABLE_DROP, scoring.DROPPED, scoring.LOW)
    assert "fell from 9.0 to 7.0" in items[0].reasons[0]
    html = practitioner_client.get(reverse("home")).content.decode()
    assert "Relationships needing attention" in html
    assert "Send Drop a link" in html and "Open the relationship with Late" in html
    assert "No check-in from Late since" in html and "perception gap" in html
    assert "Fine" not in html.split("attention-title")[1].split("</section>")[0]


def test_a_relationship_never_checked_in_on_is_overdue_after_42_days(practitioner, worker, whanau):
    newcomer = f.member(whanau, "Hou")
    relationship = f.relationship_between(whanau, newcomer, worker)
    assert selectors.relationships_needing_attention(user=practitioner)[1] == 0
    with time_machine.travel(timezone.now() + timedelta(days=42)):
        items, _total = selectors.relationships_needing_attention(user=practitioner)
    assert [i.relationship for i in items] == [relationship]
    assert items[0].reasons == ["No check-in from Hou yet."]


def test_only_the_users_open_allocated_relationships_show(
    practitioner, practitioner2, worker, whanau, team_south
):
    other = WhanauFactory(team=team_south)
    AllocationFactory(whanau=other, user=practitioner2)
    stranger = f.member(other, "Tauhou")
    f.checkin(f.relationship_between(other, stranger, worker), stranger, answers=f.items(2))
    assert selectors.relationships_needing_attention(user=practitioner)[1] == 0


def test_the_home_page_query_count_does_not_grow_with_check_ins(
    practitioner, practitioner_client, worker, whanau
):
    people = [f.member(whanau, f"P{i}") for i in range(3)]
    rels = [f.relationship_between(whanau, p, worker) for p in people]

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert practitioner_client.get(reverse("home")).status_code == 200
        return len(queries)

    for rel, p in zip(rels, people, strict=True):
        f.checkin(rel, p, answers=f.items(6), when=ago(100))
    count()  # the first visit makes the settings row
    few = count()
    for day in range(1, 40):
        for rel, p in zip(rels, people, strict=True):
            f.checkin(rel, p, answers=f.items(9 - day % 3), when=ago(100 - day), refresh=False)
        f.checkin(rels[0], worker, perspective="mirror", when=ago(100 - day), refresh=False)
    for rel in rels:
        from hononga.checkins.services import refresh_derived

        refresh_derived(rel.pk)
    assert count() == few


def test_the_map_hook_gives_latest_score_and_flags(
    relationship, person, worker, django_assert_max_num_queries
):
    f.checkin(relationship, person, answers=f.items(9), when=ago(10))
    f.checkin(relationship, person, answers=f.items(4), when=ago(1))
    selectors.settings_for_display()  # made once, on first use
    with django_assert_max_num_queries(2):
        found = selectors.latest_checkins_for_relationships([relationship.pk, 999])
    summary = found[relationship.pk]
    assert summary.score == 4.0 and "low" in summary.flags and "reliable_drop" in summary.flags
    assert selectors.latest_checkins_for_relationships([]) == {}


def test_the_relationship_panel_renders_on_the_relationship_slot(
    rf, practitioner, relationship, person
):
    from hononga.checkins.panels import relationship_panel

    f.checkin(relationship, person, answers=f.items(9), comment="Kia kaha")
    request = rf.get("/")
    request.user = practitioner
    html = relationship_panel(request, relationship)
    assert "Check-ins" in html and "Kia kaha" in html and "chart-4.6.1" in html


def test_the_manage_panel_is_for_admins(rf, practitioner, admin_user):
    from hononga.checkins.panels import manage_panel

    request = rf.get("/")
    assert manage_panel(request, practitioner) == ""
    assert reverse("checkins:settings") in manage_panel(request, admin_user)
