"""The pages: each works, the outsider gets 404, the wrong role can't write, bad input gets form
errors (never a 500), lists and the process page run a bounded number of queries."""

import io
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from hononga.conftest import client_for
from hononga.restorative.models import (
    AgreementItem,
    FacilitatorCredential,
    Harm,
    ItemStatus,
    ParticipantRole,
    Response,
    State,
)
from hononga.restorative.tests.conftest import record_harm, refer, walk_to

pytestmark = pytest.mark.django_db


def url(name: str, *args: Any) -> str:
    return reverse(f"restorative:{name}", args=args)


# --- Harm -------------------------------------------------------------------------------------


def test_it_records_harm(practitioner_client: Client, whanau: Any, person: Any, child: Any) -> None:
    response = practitioner_client.post(
        url("harm_create", whanau.pk),
        {
            "what": "Ariki said hurtful things to Mere at the hui.",
            "occurred_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
            "severity": "minor",
            "harmed": [person.pk],
            "responsible": [child.pk],
        },
    )
    harm = Harm.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("harm", harm.pk)
    assert list(harm.harmed.all()) == [person]


def test_bad_harm_input_gets_form_errors(practitioner_client: Client, whanau: Any) -> None:
    response = practitioner_client.post(
        url("harm_create", whanau.pk), {"what": "", "occurred_on": "2026-13-40", "severity": "x"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert response.context["form"].errors.keys() >= {"what", "occurred_on", "harmed", "severity"}
    assert not Harm.objects.exists()


def test_a_future_harm_is_refused(practitioner_client: Client, whanau: Any, person: Any) -> None:
    response = practitioner_client.post(
        url("harm_create", whanau.pk),
        {
            "what": "x",
            "occurred_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "severity": "minor",
            "harmed": [person.pk],
        },
    )
    assert "cannot be in the future" in response.content.decode()
    assert not Harm.objects.exists()


def test_outsiders_cannot_record_or_see_harm(
    outsider_client: Client, whanau: Any, harm: Any
) -> None:
    assert outsider_client.get(url("harm_create", whanau.pk)).status_code == 404
    assert outsider_client.get(url("harm", harm.pk)).status_code == 404
    assert outsider_client.get(url("refer", harm.pk)).status_code == 404


def test_an_admin_cannot_record_harm(admin_client_: Client, whanau: Any) -> None:
    assert admin_client_.get(url("harm_create", whanau.pk)).status_code == 404


def test_a_supervisor_sees_harm_but_cannot_refer_it(supervisor_client: Client, harm: Any) -> None:
    assert supervisor_client.get(url("harm", harm.pk)).status_code == 200
    # Supervisors change their teams' whānau, so they may refer: but not someone else's team.


def test_it_refers_a_harm(practitioner_client: Client, harm: Any, facilitator: Any) -> None:
    response = practitioner_client.post(
        url("refer", harm.pk), {"kind": "restorative_meeting", "facilitator": facilitator.pk}
    )
    process = harm.processes.get()
    assert response["Location"] == url("process", process.pk)


def test_a_referral_to_a_non_facilitator_is_a_form_error(
    practitioner_client: Client, harm: Any, supervisor: Any
) -> None:
    response = practitioner_client.post(
        url("refer", harm.pk), {"kind": "circle", "facilitator": supervisor.pk}
    )
    assert response.status_code == 200
    assert "facilitator" in response.context["form"].errors
    assert not harm.processes.exists()


# --- The process page and lists ---------------------------------------------------------------


def test_the_facilitator_sees_their_process_without_an_allocation(
    facilitator_client: Client, process: Any
) -> None:
    page = facilitator_client.get(url("process", process.pk)).content.decode()
    assert "What is left" in page
    assert "Mark as preparing" in page


def test_a_practitioner_sees_the_process_read_only(
    practitioner_client: Client, process: Any
) -> None:
    page = practitioner_client.get(url("process", process.pk)).content.decode()
    assert "Mark as preparing" not in page


def test_outsiders_get_404_on_every_process_page(
    outsider_client: Client, process: Any, supervisor_south: Any
) -> None:
    item_less = [
        "process",
        "participant_add",
        "safety",
        "conference",
        "item_add",
        "follow_up_add",
        "agreement_pdf",
    ]
    for client in (outsider_client, client_for(supervisor_south)):
        for name in item_less:
            assert client.get(url(name, process.pk)).status_code == 404, name
        participant = process.participants.first()
        assert client.get(url("preparation", participant.pk)).status_code == 404
        assert client.post(url("transition", process.pk), {}).status_code == 404


def test_others_who_can_see_it_cannot_change_it(
    practitioner_client: Client, supervisor_client: Client, process: Any
) -> None:
    for client in (practitioner_client, supervisor_client):
        for name in ("participant_add", "safety", "conference", "item_add", "follow_up_add"):
            assert client.get(url(name, process.pk)).status_code == 403, name
        response = client.post(url("transition", process.pk), {"version": 1, "target": "preparing"})
        assert response.status_code == 403
    process.refresh_from_db()
    assert process.state == State.REFERRED


def test_the_process_list_is_paginated_with_bounded_queries(
    facilitator_client: Client,
    practitioner: Any,
    harm: Any,
    person: Any,
    child: Any,
    facilitator: Any,
    credential: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(30):
        refer(practitioner, record_harm(practitioner, harm.whanau, person, child), facilitator)
    with django_assert_max_num_queries(16):
        response = facilitator_client.get(url("list"))
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 25
    assert "Page 1 of 2" in response.content.decode()


def test_the_list_hides_other_people_s_processes(outsider_client: Client, process: Any) -> None:
    response = outsider_client.get(url("list"))
    assert response.context["page_obj"].paginator.count == 0


def test_the_list_filter_ignores_nonsense(facilitator_client: Client, process: Any) -> None:
    response = facilitator_client.get(url("list"), {"state": "nonsense", "page": "x"})
    assert response.status_code == 200


def test_the_process_page_runs_bounded_queries(
    facilitator_client: Client, process: Any, django_assert_max_num_queries: Any
) -> None:
    walk_to(process, State.MONITORING)
    with django_assert_max_num_queries(40):
        response = facilitator_client.get(url("process", process.pk))
    assert response.status_code == 200


# --- Transitions ------------------------------------------------------------------------------


def test_a_refused_transition_lists_what_is_missing(
    facilitator_client: Client, process: Any
) -> None:
    response = facilitator_client.post(
        url("transition", process.pk), {"version": process.version, "target": "held"}
    )
    assert response.status_code == 409
    assert "cannot move to held" in response.content.decode()


def test_a_stale_transition_is_a_conflict(facilitator_client: Client, process: Any) -> None:
    facilitator_client.post(url("transition", process.pk), {"version": 1, "target": "preparing"})
    response = facilitator_client.post(
        url("transition", process.pk), {"version": 1, "target": "not_proceeding", "reason": "x"}
    )
    assert response.status_code == 409
    assert "Nothing was overwritten" in response.content.decode()
    process.refresh_from_db()
    assert process.state == State.PREPARING


def test_bad_transition_input_never_500s(facilitator_client: Client, process: Any) -> None:
    response = facilitator_client.post(url("transition", process.pk), {"version": "x"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_the_transition_page_takes_post_only(facilitator_client: Client, process: Any) -> None:
    assert facilitator_client.get(url("transition", process.pk)).status_code == 405


# --- Preparation, safety, conference, agreement, follow-up -------------------------------------


def test_it_records_preparation(facilitator_client: Client, process: Any, facilitator: Any) -> None:
    participant = process.participants.get(role=ParticipantRole.HARMED)
    today = timezone.localdate().isoformat()
    response = facilitator_client.post(
        url("preparation", participant.pk),
        {
            "version": participant.version,
            "consented_on": today,
            "prepared_on": today,
            "wants_karakia": "on",
            "venue": "Te Puna marae",
        },
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.wants_karakia and participant.consent_recorded_by == facilitator


def test_preparation_dates_cannot_be_in_the_future(
    facilitator_client: Client, process: Any
) -> None:
    participant = process.participants.first()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = facilitator_client.post(
        url("preparation", participant.pk),
        {"version": participant.version, "consented_on": tomorrow},
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()


def test_a_safety_assessment_with_safeguards_needs_them_listed(
    facilitator_client: Client, process: Any
) -> None:
    response = facilitator_client.post(
        url("safety", process.pk),
        {
            "risk_of_further_harm": "low",
            "power_imbalance": "medium",
            "readiness": "Ready.",
            "accepts_responsibility": "partly",
            "outcome": "safeguards",
        },
    )
    assert response.status_code == 200
    assert "safeguards" in response.context["form"].errors
    assert not process.safety_assessments.exists()


def test_the_conference_screen_asks_the_person_responsible_first(
    facilitator_client: Client, process: Any
) -> None:
    walk_to(process, State.READY)
    page = facilitator_client.get(url("conference", process.pk)).content.decode()
    assert page.index("Ariki Kōwhai") < page.index("Mere Kōwhai")
    assert "Tell us in your own words what happened." in page
    responsible = process.participants.get(role=ParticipantRole.RESPONSIBLE)
    response = facilitator_client.post(
        url("conference", process.pk),
        {f"p{responsible.pk}_happened": "I took the car. Kei te pōuri ahau."},
        follow=True,
    )
    assert response.redirect_chain[0][1] == 302
    assert Response.objects.get().answer == "I took the car. Kei te pōuri ahau."
    assert "1 answer saved." in response.content.decode()


def test_an_item_without_owner_or_date_is_a_form_error(
    facilitator_client: Client, process: Any
) -> None:
    walk_to(process, State.READY)
    response = facilitator_client.post(url("item_add", process.pk), {"what": "Say sorry"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"owner", "due"}
    assert not AgreementItem.objects.exists()


def test_two_tabs_editing_one_item_do_not_overwrite(
    facilitator_client: Client, process: Any
) -> None:
    walk_to(process, State.MONITORING)
    item = process.agreement_items.get()
    first = facilitator_client.post(
        url("item", item.pk), {"version": item.version, "status": "done"}
    )
    assert first.status_code == 302
    second = facilitator_client.post(
        url("item", item.pk),
        {"version": item.version, "status": "not_done", "status_reason": "Changed their mind"},
    )
    assert second.status_code == 200
    assert "Nothing was overwritten" in second.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE


def test_follow_up_pages(facilitator_client: Client, process: Any) -> None:
    walk_to(process, State.MONITORING)
    harmed = process.participants.get(role=ParticipantRole.HARMED)
    response = facilitator_client.post(
        url("follow_up_add", process.pk),
        {"participant": harmed.pk, "scheduled_for": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    follow_up = process.follow_ups.get()
    bad = facilitator_client.post(url("follow_up", follow_up.pk), {"rating": "11"})
    assert bad.status_code == 200 and "rating" in bad.context["form"].errors
    good = facilitator_client.post(
        url("follow_up", follow_up.pk), {"rating": "7", "own_words": "Kua pai ake."}
    )
    assert good.status_code == 302


def test_closure_through_the_page(facilitator_client: Client, process: Any) -> None:
    process = walk_to(process, State.CLOSED)
    page = facilitator_client.get(url("process", process.pk)).content.decode()
    assert "Closed" in page and "Mark as" not in page


# --- The agreement PDF ------------------------------------------------------------------------


def test_the_agreement_pdf_has_both_languages_and_macrons(
    practitioner_client: Client, process: Any
) -> None:
    walk_to(process, State.MONITORING)
    harmed = process.participants.get(role=ParticipantRole.HARMED)
    response = practitioner_client.get(url("agreement_pdf", process.pk), {"participant": harmed.pk})
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Our agreement / Tā mātou whakaaetanga" in text
    assert "Mō: Mere Kōwhai" in text
    assert "Pay for the repair of the car" in text


def test_the_pdf_of_someone_else_s_participant_is_404(
    practitioner_client: Client, process: Any
) -> None:
    response = practitioner_client.get(url("agreement_pdf", process.pk), {"participant": 999999})
    assert response.status_code == 404


# --- Credentials ------------------------------------------------------------------------------


def test_admins_record_credentials(admin_client_: Client, facilitator: Any) -> None:
    today = timezone.localdate()
    response = admin_client_.post(
        url("credentials"),
        {
            "user": facilitator.pk,
            "level": "conference",
            "issued": today.isoformat(),
            "expires": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "expires after" in response.content.decode()
    response = admin_client_.post(
        url("credentials"),
        {
            "user": facilitator.pk,
            "level": "conference",
            "issued": today.isoformat(),
            "expires": (today + timedelta(days=365)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert FacilitatorCredential.objects.filter(user=facilitator).exists()


def test_only_admins_see_credentials(facilitator_client: Client) -> None:
    assert facilitator_client.get(url("credentials")).status_code == 404


# --- Panels -----------------------------------------------------------------------------------


def test_the_home_page_lists_due_items(facilitator_client: Client, process: Any) -> None:
    walk_to(process, State.MONITORING)
    AgreementItem.objects.update(due=timezone.localdate() - timedelta(days=1))
    page = facilitator_client.get("/").content.decode()
    assert "Agreement items due" in page and "overdue" in page


def _facilitating_section(page: str) -> str:
    return page.split('id="restorative-facilitating"')[1].split("</section>")[0]


def test_a_facilitator_sees_their_unfinished_processes_earliest_stage_first(
    facilitator_client: Client,
    practitioner: Any,
    facilitator: Any,
    harm: Any,
    process: Any,
    person: Any,
    child: Any,
) -> None:
    walk_to(process, State.MONITORING)
    referred = refer(
        practitioner, record_harm(practitioner, harm.whanau, person, child), facilitator
    )
    closed = refer(practitioner, record_harm(practitioner, harm.whanau, person, child), facilitator)
    closed.state = State.CLOSED
    closed.save()
    section = _facilitating_section(facilitator_client.get("/").content.decode())
    assert section.count("<tr>") == 3  # the header and two processes
    assert section.index(f"/processes/{referred.pk}/") < section.index(f"/processes/{process.pk}/")
    assert "Referred" in section and "Monitoring" in section
    assert f"/processes/{closed.pk}/" not in section


def test_the_facilitators_home_page_queries_do_not_grow_with_their_processes(
    facilitator_client: Client,
    practitioner: Any,
    facilitator: Any,
    harm: Any,
    process: Any,
    person: Any,
    child: Any,
    django_assert_max_num_queries: Any,
) -> None:
    facilitator_client.get("/")
    with django_assert_max_num_queries(40) as few:
        facilitator_client.get("/")
    for _ in range(12):
        refer(practitioner, record_harm(practitioner, harm.whanau, person, child), facilitator)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = facilitator_client.get("/").content.decode()
    assert _facilitating_section(page).count("<tr>") == 11  # the header and the first ten
    assert "All the processes you facilitate" in page


def test_a_facilitator_with_no_processes_is_told_where_they_come_from(
    facilitator_client: Client,
) -> None:
    page = facilitator_client.get("/").content.decode()
    assert "No processes under way" in _facilitating_section(page)


def test_a_practitioner_has_no_facilitating_section(
    practitioner_client: Client, process: Any
) -> None:
    assert "restorative-facilitating" not in practitioner_client.get("/").content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/processes/99999999999999999999999/",
        "/participants/99999999999999999999999/",
        "/agreement-items/99999999999999999999999/",
        "/follow-ups/99999999999999999999999/",
        "/harms/99999999999999999999999/",
        "/whanau/99999999999999999999999/harms/new/",
        "/processes/99999999999999999999999/agreement.pdf",
    ],
)
def test_huge_ids_are_404_not_500(facilitator_client: Client, path: str) -> None:
    assert facilitator_client.get(path).status_code == 404


def test_a_harm_record_is_corrected_and_a_stale_edit_refused(
    practitioner_client: Client, harm: Any, person: Any, child: Any
) -> None:
    page = practitioner_client.get(url("harm_edit", harm.pk))
    assert page.status_code == 200
    data = {
        "version": 1,
        "what": "Ariki took the car and dented the door.",
        "occurred_on": harm.occurred_on.isoformat(),
        "severity": "serious",
        "harmed": [person.pk],
        "responsible": [child.pk],
    }
    assert practitioner_client.post(url("harm_edit", harm.pk), data).status_code == 302
    stale = practitioner_client.post(url("harm_edit", harm.pk), {**data, "severity": "minor"})
    assert stale.status_code == 200 and "Nothing was overwritten" in stale.content.decode()
    harm.refresh_from_db()
    assert harm.severity == "serious" and harm.version == 2
    assert harm.history.count() == 2


def test_outsiders_and_supervisors_elsewhere_cannot_change_harm(
    outsider_client: Client, facilitator_client: Client, harm: Any, process: Any
) -> None:
    assert outsider_client.get(url("harm_edit", harm.pk)).status_code == 404
    # The facilitator sees the harm through the process, but does not hold the whānau.
    assert facilitator_client.get(url("harm", harm.pk)).status_code == 200
    assert facilitator_client.get(url("harm_edit", harm.pk)).status_code == 403


def test_panels_list_harm_on_whanau_person_and_relationship(
    rf: Any, practitioner: Any, outsider: Any, harm: Any, whanau: Any, person: Any, process: Any
) -> None:
    from hononga.core.panels import render_panels
    from hononga.relationships.models import Relationship

    relationship = Relationship.objects.create(
        whanau=whanau,
        person_a=min(person, harm.responsible.get(), key=lambda p: p.pk),
        person_b=max(person, harm.responsible.get(), key=lambda p: p.pk),
        kind="whanau",
    )
    harm.relationships.add(relationship)
    request = rf.get("/")
    request.user = practitioner
    for slot, obj in (("whanau", whanau), ("person", person), ("relationship", relationship)):
        html = render_panels(slot, request, obj)
        assert "Ariki took Mere" in html, slot
        assert "Formal conference" in html, slot
    assert "Record harm" in render_panels("whanau", request, whanau)
    request.user = outsider
    assert "Ariki took Mere" not in render_panels("whanau", request, whanau)


def test_the_manage_page_links_to_credentials(admin_client_: Client) -> None:
    page = admin_client_.get(reverse("accounts:manage")).content.decode()
    assert url("credentials") in page
