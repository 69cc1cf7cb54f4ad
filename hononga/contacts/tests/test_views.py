from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hononga.audit.models import Action, AuditEvent
from hononga.conftest import client_for
from hononga.contacts.models import Contact, Mode, Quadrant
from hononga.contacts.tests.factories import make_contact, relationship_between
from hononga.core.panels import render_panels
from hononga.factories import UserFactory, earlier_today


def form_data(people, **overrides):
    data = {
        "occurred_at": timezone.localtime(earlier_today()).strftime("%Y-%m-%dT%H:%M"),
        "mode": Mode.PHONE,
        "participants": [p.pk for p in people],
        "purpose": "Check in after the hui",
        "note": "",
        "own_words": "Mere: it went better than I thought.",
        "decisions_with": "yes",
        "support": "7",
        "control": "6",
    }
    data.update(overrides)
    return data


@pytest.fixture
def contact(practitioner, whanau, person):
    return make_contact(whanau=whanau, practitioner=practitioner, participants=[person])


# --- Recording ----------------------------------------------------------------------------------


def test_the_form_has_sensible_defaults(practitioner_client, practitioner, whanau, person, child):
    make_contact(whanau=whanau, practitioner=practitioner, participants=[child], mode=Mode.VIDEO)
    response = practitioner_client.get(reverse("contacts:create", args=[whanau.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["mode"] == Mode.VIDEO  # the last mode used
    # Who took part starts empty: never ticked silently from the last contact (issue 14).
    assert form.initial["participants"] == []
    assert form.initial["occurred_at"].startswith(timezone.localdate().isoformat())
    html = response.content.decode()
    assert 'hx-get="/contacts/quadrant/"' in html
    assert "data-draft-key" in html and "data-draft-restore" in html


def test_without_an_advisory_the_form_has_no_urgent_reason_input(
    practitioner_client, whanau, person
):
    """The advisories app's panel owns that input; contacts never renders a second one."""
    html = practitioner_client.get(reverse("contacts:create", args=[whanau.pk])).content.decode()
    assert 'name="urgent_reason"' not in html


def test_the_form_prefills_a_screening_and_mode_from_the_query(practitioner_client, whanau, person):
    response = practitioner_client.get(
        reverse("contacts:create", args=[whanau.pk]), {"screening": "17", "mode": "outdoor"}
    )
    form = response.context["form"]
    assert form.initial["screening"] == 17 and form.initial["mode"] == "outdoor"
    assert 'name="screening" value="17"' in response.content.decode()


def test_it_records_a_contact(practitioner_client, whanau, person, recorded_hooks):
    response = practitioner_client.post(
        reverse("contacts:create", args=[whanau.pk]),
        form_data([person], screening="5", urgent_reason="Pēpi unwell, checked by phone first"),
    )
    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("contacts:detail", args=[contact.pk])
    assert contact.quadrant == Quadrant.WITH and contact.mode == Mode.PHONE
    assert recorded_hooks[0][1]["screening_id"] == 5
    assert recorded_hooks[0][1]["urgent_reason"] == "Pēpi unwell, checked by phone first"
    page = practitioner_client.get(response["Location"]).content.decode()
    # The draft of this form on this device is dropped by the next page, and only by that one.
    draft = f"draft:contact:{contact.practitioner_id}:{whanau.pk}:new"
    assert f'data-clear-draft="{draft}"' in page
    assert "What helped the whānau lead" in page
    assert "data-clear-draft" not in practitioner_client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"support": "11"}, "support", "less than or equal to 10"),
        ({"control": "-1"}, "control", "greater than or equal to 0"),
        ({"purpose": ""}, "purpose", "Say in a few words"),
        ({"participants": []}, "participants", "Choose who took part"),
        ({"decisions_with": ""}, "decisions_with", "Say whether decisions"),
    ],
)
def test_bad_input_is_shown_beside_the_field(
    practitioner_client, whanau, person, overrides, field, message
):
    response = practitioner_client.post(
        reverse("contacts:create", args=[whanau.pk]), form_data([person], **overrides)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "There is a problem" in response.content.decode()
    assert Contact.objects.count() == 0


def test_a_future_contact_is_refused_by_the_service(practitioner_client, whanau, person):
    tomorrow = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = practitioner_client.post(
        reverse("contacts:create", args=[whanau.pk]), form_data([person], occurred_at=tomorrow)
    )
    assert "cannot be in the future" in response.context["form"].errors["occurred_at"][0]
    assert Contact.objects.count() == 0


def test_a_participant_from_another_whanau_is_refused(
    practitioner_client, whanau, person, stranger
):
    response = practitioner_client.post(
        reverse("contacts:create", args=[whanau.pk]), form_data([person, stranger])
    )
    assert response.status_code == 200
    assert response.context["form"].errors["participants"]
    assert Contact.objects.count() == 0


def test_outsiders_and_admins_cannot_open_the_form(outsider_client, admin_client_, whanau):
    url = reverse("contacts:create", args=[whanau.pk])
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, {}).status_code == 404
    assert admin_client_.get(url).status_code == 404
    assert admin_client_.get(reverse("contacts:choose")).status_code == 404


def test_choose_goes_straight_to_the_only_whanau(practitioner_client, whanau):
    response = practitioner_client.get(reverse("contacts:choose"))
    assert response["Location"] == reverse("contacts:create", args=[whanau.pk])


def test_the_live_quadrant_partial(practitioner_client):
    url = reverse("contacts:quadrant")
    html = practitioner_client.get(url, {"support": "5", "control": "6"}).content.decode()
    assert "TO" in html and "holding the limits" in html
    html = practitioner_client.get(url, {"support": "6", "control": "5"}).content.decode()
    assert "FOR" in html and "do for themselves" in html
    html = practitioner_client.get(url, {"support": "x"}).content.decode()
    assert "Give both ratings" in html
    html = practitioner_client.get(url, {"support": "12", "control": "3"}).content.decode()
    assert "Give both ratings" in html


# --- The contact page, changes, archive ----------------------------------------------------------


def test_the_contact_page_is_audited(practitioner_client, contact):
    response = practitioner_client.get(reverse("contacts:detail", args=[contact.pk]))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action=Action.VIEW, target_id=str(contact.pk)).exists()


def test_outsiders_get_404_on_every_contact_page(outsider_client, admin_client_, contact):
    for name in ("detail", "edit", "archive"):
        url = reverse(f"contacts:{name}", args=[contact.pk])
        assert outsider_client.get(url).status_code == 404
        assert outsider_client.post(url, {}).status_code == 404
        assert admin_client_.get(url).status_code == 404


def test_a_supervisor_can_read_but_not_change_a_practitioners_contact(supervisor_client, contact):
    assert supervisor_client.get(reverse("contacts:detail", args=[contact.pk])).status_code == 200
    url = reverse("contacts:edit", args=[contact.pk])
    assert supervisor_client.get(url).status_code == 404
    assert supervisor_client.post(url, {"support": "1"}).status_code == 404
    contact.refresh_from_db()
    assert contact.version == 1


def test_it_changes_a_contact(practitioner_client, contact, person):
    response = practitioner_client.post(
        reverse("contacts:edit", args=[contact.pk]),
        form_data([person], support="2", control="9", version="1"),
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.quadrant == Quadrant.TO and contact.version == 2


def test_a_stale_edit_shows_both_versions(practitioner_client, practitioner, contact, person):
    from hononga.contacts import services

    services.contact_update(
        actor=practitioner, contact_id=contact.pk, expected_version=1, changes={"purpose": "Theirs"}
    )
    response = practitioner_client.post(
        reverse("contacts:edit", args=[contact.pk]),
        form_data([person], purpose="Mine", version="1"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else changed this contact" in html
    assert "Mine" in html and "Theirs" in html
    contact.refresh_from_db()
    assert contact.purpose == "Theirs"


def test_it_archives_a_contact(practitioner_client, contact):
    url = reverse("contacts:archive", args=[contact.pk])
    response = practitioner_client.post(url, {"reason": "", "version": "1"})
    assert response.status_code == 200 and "Say why" in response.content.decode()
    response = practitioner_client.post(url, {"reason": "Recorded twice", "version": "1"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.archived_at is not None


# --- Lists and panels ----------------------------------------------------------------------------


def test_the_list_filters_and_paginates(
    practitioner_client, practitioner, whanau, person, child, django_assert_max_num_queries
):
    for n in range(30):
        make_contact(
            whanau=whanau,
            practitioner=practitioner,
            participants=[person] if n % 2 else [child],
            support=n % 11,
            control=7,
            occurred_at=timezone.now() - timedelta(days=n),
        )
    with django_assert_max_num_queries(18):
        response = practitioner_client.get(reverse("contacts:list"))
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 25
    response = practitioner_client.get(reverse("contacts:list"), {"person": child.pk})
    assert response.context["page_obj"].paginator.count == 15
    response = practitioner_client.get(reverse("contacts:list"), {"quadrant": "to"})
    assert {c.quadrant for c in response.context["page_obj"].object_list} == {"to"}
    assert response.context["page_obj"].paginator.count == 18  # support 0–5
    today = timezone.localdate()
    response = practitioner_client.get(
        reverse("contacts:list"),
        {"date_from": (today - timedelta(days=4)).isoformat(), "date_to": today.isoformat()},
    )
    assert response.context["page_obj"].paginator.count == 5
    response = practitioner_client.get(
        reverse("contacts:list"), {"practitioner": practitioner.pk, "mode": "home_visit"}
    )
    assert response.context["page_obj"].paginator.count == 30
    response = practitioner_client.get(reverse("contacts:list"), {"page": "2"})
    assert len(response.context["page_obj"].object_list) == 5


def test_the_list_shows_nothing_to_outsiders(outsider_client, contact):
    response = outsider_client.get(reverse("contacts:list"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 0
    response = outsider_client.get(reverse("contacts:list"), {"whanau": contact.whanau_id})
    assert response.context["page_obj"].paginator.count == 0


def test_a_bad_filter_gets_a_message(practitioner_client):
    response = practitioner_client.get(
        reverse("contacts:list"), {"date_from": "2026-05-01", "date_to": "2026-01-01"}
    )
    assert response.status_code == 200
    assert "on or after the start date" in response.content.decode()


def test_the_panels_show_contacts_on_the_whanau_person_and_relationship_pages(
    rf, practitioner, outsider, whanau, person, child, contact
):
    relationship = relationship_between(whanau, person, child)
    contact.relationships.set([relationship])
    request = rf.get("/")
    request.user = practitioner
    for slot, obj in (("whanau", whanau), ("person", person), ("relationship", relationship)):
        html = render_panels(slot, request, obj)
        assert reverse("contacts:detail", args=[contact.pk]) in html, slot
    request.user = outsider
    html = render_panels("person", request, person)
    assert reverse("contacts:detail", args=[contact.pk]) not in html


# --- Reflection and supervision ------------------------------------------------------------------


def test_reflection_access(
    practitioner, outsider, supervisor, supervisor_south, admin_user, team_north
):
    own = reverse("contacts:reflection:practitioner", args=[practitioner.pk])
    team = reverse("contacts:reflection:team", args=[team_north.pk])
    assert client_for(practitioner).get(own).status_code == 200
    assert client_for(practitioner).get(team).status_code == 200
    assert client_for(supervisor).get(own).status_code == 200
    for user in (outsider, supervisor_south, admin_user):
        assert client_for(user).get(own).status_code == 404
        assert client_for(user).get(team).status_code == 404
    assert client_for(admin_user).get(reverse("contacts:reflection:index")).status_code == 404
    response = client_for(practitioner).get(reverse("contacts:reflection:index"))
    assert response["Location"] == own


def test_supervision_is_for_the_practitioners_supervisor(
    practitioner, supervisor, supervisor_south, contact, django_assert_max_num_queries
):
    url = reverse("contacts:supervision:practitioner", args=[practitioner.pk])
    client = client_for(supervisor)
    # Includes the panels other apps add (relationships needing attention, urgent overrides).
    with django_assert_max_num_queries(30):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Supervision with Aroha" in html and "data-print" in html
    assert reverse("contacts:detail", args=[contact.pk]) in html
    assert client.get(reverse("contacts:supervision:index")).status_code == 200
    assert client_for(supervisor_south).get(url).status_code == 404
    assert client_for(practitioner).get(url).status_code == 404
    assert client_for(practitioner).get(reverse("contacts:supervision:index")).status_code == 404
    other = UserFactory(role="supervisor")
    assert client_for(other).get(url).status_code == 404


def test_a_screening_gate_refusal_is_shown_above_the_form(practitioner_client, whanau, person):
    from hononga.contacts import hooks
    from hononga.core.errors import PracticeError

    def gate(**kwargs):
        raise PracticeError(
            "Record the screening first.", errors={"screening": ["Record the screening first."]}
        )

    hooks.BEFORE_SAVE.append(gate)
    try:
        response = practitioner_client.post(
            reverse("contacts:create", args=[whanau.pk]), form_data([person])
        )
    finally:
        hooks.BEFORE_SAVE.remove(gate)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Record the screening first."]
    assert Contact.objects.count() == 0


def test_the_home_page_links_straight_to_the_form(practitioner_client, supervisor_client, whanau):
    html = practitioner_client.get(reverse("home")).content.decode()
    assert reverse("contacts:create", args=[whanau.pk]) in html
    html = supervisor_client.get(reverse("home")).content.decode()
    assert reverse("contacts:supervision:index") in html


def test_the_list_shows_one_relationships_contacts(
    practitioner_client, outsider_client, practitioner, whanau, person, child, contact
):
    relationship = relationship_between(whanau, person, child)
    other = make_contact(whanau=whanau, practitioner=practitioner, participants=[child])
    other.relationships.set([relationship])
    response = practitioner_client.get(reverse("contacts:list"), {"relationship": relationship.pk})
    assert [c.pk for c in response.context["page_obj"].object_list] == [other.pk]
    assert "Showing contacts about the relationship between" in response.content.decode()
    response = outsider_client.get(reverse("contacts:list"), {"relationship": relationship.pk})
    assert response.context["page_obj"].paginator.count == 0
    assert "Showing contacts about" not in response.content.decode()
