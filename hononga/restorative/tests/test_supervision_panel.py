"""The supervision view's "open harms and agreements": what a supervisor sees of one practitioner's
whānau — open harm, processes not yet finished, agreement items still to do."""

from datetime import timedelta
from typing import Any

from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from hononga.accounts.models import User
from hononga.conftest import client_for
from hononga.factories import (
    AllocationFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
    WhanauFactory,
)
from hononga.restorative import panels, services
from hononga.restorative.models import Harm, ParticipantRole, RestorativeProcess, State
from hononga.restorative.tests.conftest import refer, walk_to
from hononga.whanau.models import Whanau

# The supervision page with every app's panels (as in the contacts app's supervision test) ...
PAGE_QUERIES = 31  # 30, and the notification bell's one count
# ... of which this panel: harms, their processes, processes, items, and a count of each list
# that is longer than it shows.
PANEL_QUERIES = 7


def page_url(practitioner: User) -> str:
    return reverse("contacts:supervision:practitioner", args=[practitioner.pk])


def supervision_html(supervisor: User, practitioner: User, client: Client | None = None) -> str:
    response = (client or client_for(supervisor)).get(page_url(practitioner))
    assert response.status_code == 200
    return response.content.decode()


def record_harm(actor: User, whanau: Whanau, what: str) -> Harm:
    harmed = PersonFactory(preferred_name="Rangi", other_names="Tōtara")
    MembershipFactory(person=harmed, whanau=whanau, role="cousin")
    responsible = PersonFactory(preferred_name="Wiremu", other_names="Tōtara")
    MembershipFactory(person=responsible, whanau=whanau, role="cousin")
    return services.harm_create(
        actor=actor,
        whanau_id=whanau.pk,
        fields={
            "what": what,
            "occurred_on": timezone.localdate() - timedelta(days=3),
            "severity": "minor",
        },
        harmed_ids=[harmed.pk],
        responsible_ids=[responsible.pk],
    )


def overdue_item(process: RestorativeProcess, what: str = "Say sorry to Mere kanohi ki te kanohi"):
    responsible = process.participants.get(role=ParticipantRole.RESPONSIBLE)
    return services.item_create(
        actor=process.facilitator,
        process_id=process.pk,
        what=what,
        owner_id=responsible.pk,
        for_whom_id=None,
        due=timezone.localdate() - timedelta(days=5),
    )


def test_it_shows_the_open_harm_its_process_and_an_overdue_item(
    supervisor, practitioner, harm, process, django_assert_max_num_queries
):
    process = walk_to(process, State.HELD)
    item = overdue_item(process)
    client = client_for(supervisor)
    with django_assert_max_num_queries(PAGE_QUERIES):
        html = supervision_html(supervisor, practitioner, client)
    assert "Open harms and agreements" in html
    assert reverse("restorative:harm", args=[harm.pk]) in html
    assert "Ariki took Mere&#x27;s car" in html
    assert reverse("restorative:process", args=[process.pk]) in html
    assert "Formal conference" in html and "Held" in html
    assert f"facilitator {process.facilitator.display_name}" in html
    assert item.what in html
    assert "Ariki Kōwhai" in html  # who does it
    assert "Overdue" in html
    assert "No open harms or agreements" not in html


def test_an_item_not_yet_due_is_not_marked_overdue(supervisor, practitioner, harm, process):
    walk_to(process, State.MONITORING)  # adds an item due in 30 days
    html = supervision_html(supervisor, practitioner)
    assert "Pay for the repair of the car" in html
    assert "Not yet due" in html and "Overdue" not in html


def test_a_resolved_harm_and_a_closed_process_are_not_listed(
    supervisor, practitioner, harm, process
):
    closed = walk_to(process, State.CLOSED)
    harm.refresh_from_db()
    assert harm.status == "resolved"
    html = supervision_html(supervisor, practitioner)
    assert reverse("restorative:harm", args=[harm.pk]) not in html
    assert reverse("restorative:process", args=[closed.pk]) not in html
    assert "Pay for the repair of the car" not in html
    assert "No open harms or agreements for Aroha's whānau." in html


def test_a_process_not_proceeding_is_not_listed_but_its_reopened_harm_is(
    supervisor, practitioner, harm, process
):
    services.process_transition(
        actor=process.facilitator,
        process_id=process.pk,
        expected_version=process.version,
        target=State.NOT_PROCEEDING,
        reason="Mere does not want to meet.",
    )
    html = supervision_html(supervisor, practitioner)
    assert reverse("restorative:harm", args=[harm.pk]) in html
    assert reverse("restorative:process", args=[process.pk]) not in html
    assert "None yet" in html  # the harm has no open process


def test_harm_outside_what_the_supervisor_sees_is_not_listed(
    supervisor, practitioner, team_south, team_north, harm
):
    # Aroha also works with a whānau of another team: her supervisor does not see it.
    south = WhanauFactory(name="Rimu whānau", team=team_south)
    AllocationFactory(whanau=south, user=practitioner)
    hidden = record_harm(practitioner, south, "Something in the Rimu whānau")
    # A whānau of the supervisor's team that is not Aroha's.
    north = WhanauFactory(name="Kauri whānau", team=team_north)
    other_practitioner = UserFactory(username="mikaere", teams=[team_north])
    AllocationFactory(whanau=north, user=other_practitioner)
    not_hers = record_harm(other_practitioner, north, "Something in the Kauri whānau")
    html = supervision_html(supervisor, practitioner)
    assert reverse("restorative:harm", args=[harm.pk]) in html
    assert reverse("restorative:harm", args=[hidden.pk]) not in html
    assert "Rimu whānau" not in html
    assert reverse("restorative:harm", args=[not_hers.pk]) not in html


def test_a_process_she_facilitates_is_listed_only_where_the_supervisor_sees(
    supervisor, facilitator, credential, practitioner, harm, team_south
):
    # The facilitator's own processes in the supervisor's teams' whānau, without an allocation.
    mine = refer(practitioner, harm, facilitator)
    south = WhanauFactory(name="Rimu whānau", team=team_south)
    AllocationFactory(whanau=south, user=practitioner)
    elsewhere = refer(practitioner, record_harm(practitioner, south, "Rimu kōrero"), facilitator)
    html = supervision_html(supervisor, facilitator)
    assert reverse("restorative:process", args=[mine.pk]) in html
    assert reverse("restorative:process", args=[elsewhere.pk]) not in html
    # The harm is not in the facilitator's own whānau (none are allocated to them).
    assert "Open harms" in html and "No open harms." in html


def test_it_is_empty_with_a_helpful_note(supervisor, practitioner, whanau):
    html = supervision_html(supervisor, practitioner)
    assert "Open harms and agreements" in html
    assert "No open harms or agreements for Aroha's whānau." in html


def test_only_a_supervisor_gets_the_panel(practitioner, facilitator, supervisor, harm):
    for user in (practitioner, facilitator):
        request: Any = RequestFactory().get("/")
        request.user = user
        assert panels.supervision_panel(request, practitioner) == ""
        assert client_for(user).get(page_url(practitioner)).status_code == 404
    request = RequestFactory().get("/")
    request.user = supervisor
    assert "Open harms and agreements" in panels.supervision_panel(request, practitioner)


def assert_panel_queries(supervisor: User, practitioner: User, assert_max: Any) -> str:
    request: Any = RequestFactory().get("/")
    request.user = supervisor
    with assert_max(PANEL_QUERIES):
        return panels.supervision_panel(request, practitioner)


def test_the_queries_do_not_grow_with_the_harms(
    supervisor, practitioner, whanau, facilitator, credential, django_assert_max_num_queries
):
    first = record_harm(practitioner, whanau, "The first harm")
    process = walk_to(refer(practitioner, first, facilitator), State.HELD)
    overdue_item(process)
    client = client_for(supervisor)
    with django_assert_max_num_queries(PAGE_QUERIES):
        html = supervision_html(supervisor, practitioner, client)
    assert "Showing the newest" not in html
    assert_panel_queries(supervisor, practitioner, django_assert_max_num_queries)

    for n in range(14):
        refer(practitioner, record_harm(practitioner, whanau, f"Harm number {n}"), facilitator)
    for n in range(11):
        overdue_item(process, what=f"Agreement item number {n}")
    client = client_for(supervisor)
    with django_assert_max_num_queries(PAGE_QUERIES):
        html = supervision_html(supervisor, practitioner, client)
    assert "Showing the newest 10 of 15 open harms." in html
    assert "Showing the newest 10 of 15 processes." in html
    assert "Showing the 10 earliest due of 12 open items." in html
    panel = assert_panel_queries(supervisor, practitioner, django_assert_max_num_queries)
    assert panel.count("Overdue") == 10
