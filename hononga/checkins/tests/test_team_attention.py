"""A supervisor's relationships needing attention: their teams', grouped by practitioner, with
the reason in words — one selector that the supervision page and the team page also use."""

from django.urls import reverse
from django.utils import timezone

from hononga.accounts.models import Role
from hononga.audit.models import Action, AuditEvent
from hononga.checkins import selectors
from hononga.checkins.tests import factories as f
from hononga.factories import AllocationFactory, TeamFactory, UserFactory, WhanauFactory

URL = reverse("checkins:attention")


def caseload(practitioner, whanau, names, score=3):
    """Relationships between `practitioner` and new members of `whanau`, each checked in low."""
    worker = f.staff_person(practitioner)
    for name in names:
        member = f.member(whanau, name)
        relationship = f.relationship_between(whanau, member, worker)
        f.checkin(relationship, member, answers=f.items(score), when=timezone.now())


def colleague(team, name, whanau_name):
    user = UserFactory(username=name.lower(), preferred_name=name, teams=[team])
    whanau = WhanauFactory(name=whanau_name, team=team)
    AllocationFactory(whanau=whanau, user=user)
    return user, whanau


def test_a_supervisor_sees_their_teams_relationships_grouped_by_practitioner(
    supervisor, supervisor_client, practitioner, whanau, team_north, team_south
):
    caseload(practitioner, whanau, ["Mere", "Hine"])
    wiremu, other = colleague(team_north, "Wiremu", "Rātā whānau")
    caseload(wiremu, other, ["Kahu"], score=9)  # not low: no attention
    caseload(wiremu, other, ["Manaia"], score=2)
    sione, south = colleague(team_south, "Sione", "Kauri whānau")
    caseload(sione, south, ["Tipene"])  # another team's: never shown
    response = supervisor_client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "grouped by practitioner" in html and "3 relationships." in html
    aroha = html.index(f'id="attention-practitioner-{practitioner.pk}"')
    wiremu_at = html.index(f'id="attention-practitioner-{wiremu.pk}"')
    assert aroha < html.index("Mere") < wiremu_at and aroha < html.index("Hine") < wiremu_at
    assert wiremu_at < html.index("Manaia")
    assert "Kahu" not in html and "Tipene" not in html and "Sione" not in html
    # The reason in words, and links the supervisor can open (no "send a link" for them).
    assert "talk about the relationship next time" in html
    assert "Send Mere a link" not in html
    assert reverse("contacts:supervision:practitioner", args=[wiremu.pk]) in html
    event = AuditEvent.objects.filter(action=Action.LIST).latest("id")
    assert event.actor_id == supervisor.pk and len(event.data["relationships"]) == 3


def test_a_supervisor_sees_only_whanau_of_their_teams(supervisor, practitioner, whanau, team_south):
    """A practitioner of the team also allocated to another team's whānau: that whānau's
    relationships stay out of the supervisor's list."""
    caseload(practitioner, whanau, ["Mere"])
    elsewhere = WhanauFactory(name="Kauri whānau", team=team_south)
    AllocationFactory(whanau=elsewhere, user=practitioner)
    caseload(practitioner, elsewhere, ["Tipene"])
    items, total = selectors.relationships_needing_attention(user=supervisor)
    assert total == 1 and [i.member.preferred_name for i in items] == ["Mere"]
    _own, own_total = selectors.relationships_needing_attention(user=practitioner)
    assert own_total == 2  # the practitioner still sees both


def test_one_team_at_a_time(supervisor, supervisor_client, practitioner, whanau, team_south):
    second = TeamFactory(name="Team East")
    supervisor.teams.add(second)
    caseload(practitioner, whanau, ["Mere"])
    rawiri, east = colleague(second, "Rawiri", "Tōtara whānau")
    caseload(rawiri, east, ["Ana"])
    everything = supervisor_client.get(URL).content.decode()
    assert "Mere" in everything and "Ana" in everything
    east_only = supervisor_client.get(URL, {"team": second.pk}).content.decode()
    assert "Ana" in east_only and "Mere" not in east_only
    assert supervisor_client.get(URL, {"team": team_south.pk}).status_code == 404
    items, _total = selectors.relationships_needing_attention(user=supervisor, team=second)
    assert [i.practitioner.pk for i in items] == [rawiri.pk]


def test_the_list_pages_and_its_queries_do_not_grow(
    supervisor_client, practitioner, whanau, team_north, django_assert_max_num_queries
):
    caseload(practitioner, whanau, [f"Whai{i:02}" for i in range(3)])
    supervisor_client.get(URL)  # the first visit makes the settings row
    with django_assert_max_num_queries(30) as few:
        supervisor_client.get(URL)
    for index in range(4):
        user, other = colleague(team_north, f"Kaimahi{index}", f"Whānau {index}")
        caseload(user, other, [f"Tama{index}{i:02}" for i in range(8)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = supervisor_client.get(URL).content.decode()
    assert "35 relationships." in page and "Page 1 of 2" in page
    assert page.count('class="attention__item"') == 25
    second = supervisor_client.get(URL, {"page": 2}).content.decode()
    assert second.count('class="attention__item"') == 10


def test_the_supervision_page_says_what_it_shows(supervisor_client, practitioner, whanau):
    caseload(practitioner, whanau, ["Mere"])
    html = supervisor_client.get(
        reverse("contacts:supervision:practitioner", args=[practitioner.pk])
    ).content.decode()
    assert "Relationships needing attention" in html
    assert "whose latest check-in is low, has fallen, shows a perception gap" in html
    assert "Mere" in html
    index = supervisor_client.get(reverse("contacts:supervision:index")).content.decode()
    assert URL in index and "needing attention in your teams" in index


def test_nobody_else_gets_someone_elses_list(
    practitioner, facilitator, admin_user, whanau, team_north
):
    wiremu, other = colleague(team_north, "Wiremu", "Rātā whānau")
    caseload(wiremu, other, ["Manaia"])
    assert selectors.relationships_needing_attention(user=practitioner) == ([], 0)
    assert selectors.relationships_needing_attention(user=practitioner, team=team_north) == (
        [],
        0,
    )
    assert selectors.relationships_needing_attention(user=facilitator, practitioner=wiremu) == (
        [],
        0,
    )
    assert selectors.relationships_needing_attention(user=admin_user) == ([], 0)
    other_supervisor = UserFactory(username="sup2", role=Role.SUPERVISOR, teams=[])
    assert selectors.relationships_needing_attention(user=other_supervisor) == ([], 0)
