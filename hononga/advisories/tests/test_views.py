from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hononga.advisories.models import Advisory, Immunisation, Override, Screening
from hononga.advisories.tests.conftest import consent_to_record
from hononga.audit.models import Action, AuditEvent
from hononga.contacts.models import Contact
from hononga.factories import earlier_today

pytestmark = pytest.mark.django_db


def screen_post(answers, **overrides):
    """The screening page's POST for service-shaped answers (see conftest.well)."""
    flat = {k: v for k, v in answers.items() if k != "answers"} | answers["answers"]
    data = {k: ("yes" if v is True else "no" if v is False else v) for k, v in flat.items()}
    data.update(overrides)
    return data


def contact_form(person, **overrides):
    data = {
        "occurred_at": timezone.localtime(earlier_today()).strftime("%Y-%m-%dT%H:%M"),
        "mode": "home_visit",
        "participants": [person.pk],
        "purpose": "Check in",
        "note": "",
        "own_words": "Mere: kia ora.",
        "decisions_with": "yes",
        "support": "7",
        "control": "6",
    }
    data.update(overrides)
    return data


def test_banner_on_whanau_pages(practitioner_client, whanau, person, advisory):
    for url in [
        reverse("whanau:detail", args=[whanau.pk]),
        reverse("contacts:create", args=[whanau.pk]),
        reverse("advisories:screen", args=[whanau.pk]),
    ]:
        page = practitioner_client.get(url).content.decode()
        assert "Practice advisory:" in page and "Measles outbreak" in page, url


def test_plan_panel_links_to_screening(rf, practitioner, outsider, whanau, advisory):
    from hononga.advisories.panels import whanau_panel

    request = rf.get("/")
    request.user = practitioner
    html = whanau_panel(request, whanau)
    assert reverse("advisories:screen", args=[whanau.pk]) in html
    request.user = outsider
    assert reverse("advisories:screen", args=[whanau.pk]) not in whanau_panel(request, whanau)


def test_no_banner_without_advisory(practitioner_client, whanau):
    page = practitioner_client.get(reverse("whanau:detail", args=[whanau.pk])).content.decode()
    assert "Practice advisory:" not in page


def test_home_panel_for_practitioner(practitioner_client, whanau, advisory):
    page = practitioner_client.get(reverse("home")).content.decode()
    assert "Practice advisories" in page and "1 of your whānau is in an affected region" in page


def test_screen_flow_to_contact_with_phone(practitioner_client, whanau, person, advisory, answers):
    url = reverse("advisories:screen", args=[whanau.pk])
    assert practitioner_client.get(url).status_code == 200
    response = practitioner_client.post(
        url, screen_post(answers, exposure="yes", present=[person.pk])
    )
    screening = Screening.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/screenings/{screening.pk}/")
    page = practitioner_client.get(response.url).content.decode()
    assert "Switch to phone or video" in page
    record = f"screening={screening.pk}&amp;mode=phone"
    assert record in page
    contact_url = reverse("contacts:create", args=[whanau.pk])
    form_page = practitioner_client.get(contact_url, {"screening": screening.pk, "mode": "phone"})
    assert "This contact follows screening" in form_page.content.decode()
    response = practitioner_client.post(
        contact_url, contact_form(person, mode="phone", screening=str(screening.pk))
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    screening.refresh_from_db()
    assert screening.contact is not None and screening.actual_mode == "phone"


def test_screen_missing_answers_show_errors(practitioner_client, whanau, person, advisory, answers):
    url = reverse("advisories:screen", args=[whanau.pk])
    data = screen_post(answers, present=[person.pk])
    del data["fever"]
    response = practitioner_client.post(url, data)
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert Screening.objects.count() == 0


def test_contact_form_refuses_in_person_without_screening_and_override_shown_to_supervisor(
    practitioner_client, supervisor_client, whanau, person, advisory
):
    url = reverse("contacts:create", args=[whanau.pk])
    page = practitioner_client.get(url).content.decode()
    assert "Screen first" in page
    assert page.count('name="urgent_reason"') == 1  # the panel's, not a second from contacts
    response = practitioner_client.post(url, contact_form(person))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Measles outbreak" in page
    assert page.count('name="urgent_reason"') == 1
    assert 'href="#id_urgent_reason"' in page and 'id="id_urgent_reason"' in page
    assert Contact.objects.count() == 0
    response = practitioner_client.post(url, contact_form(person, urgent_reason="Safety"))
    page = response.content.decode()
    assert "at least" in page and ">Safety</textarea>" in page  # kept, with what to fix
    assert Contact.objects.count() == 0 and Override.objects.count() == 0
    reason = "Immediate safety of the child: a call from school"
    response = practitioner_client.post(url, contact_form(person, urgent_reason=reason))
    assert response.status_code == 302
    assert Override.objects.get().reason == reason
    home = supervisor_client.get(reverse("home")).content.decode()
    assert reason in home


def test_outsider_gets_404(outsider_client, whanau, advisory, practitioner, person, answers):
    from hononga.advisories import services

    assert outsider_client.get(reverse("advisories:screen", args=[whanau.pk])).status_code == 404
    s = services.screening_create(
        actor=practitioner, whanau_id=whanau.pk, answers=answers, person_ids=[person.pk]
    )
    assert outsider_client.get(reverse("advisories:screening", args=[s.pk])).status_code == 404


def test_non_admin_cannot_manage(practitioner_client, supervisor_client, advisory):
    for name, args in [("list", []), ("create", []), ("rules", []), ("detail", [advisory.pk])]:
        assert practitioner_client.get(reverse(f"advisories:{name}", args=args)).status_code == 404
    assert supervisor_client.post(reverse("advisories:end", args=[advisory.pk])).status_code == 404
    assert practitioner_client.get(reverse("advisories:report")).status_code == 404


def test_admin_creates_edits_and_ends(admin_client_, whanau):
    today = timezone.localdate()
    data = {
        "title": "Measles outbreak",
        "condition": "measles",
        "regions": [whanau.region_id],
        "starts": today.isoformat(),
        "ends": (today - timedelta(days=1)).isoformat(),
        "guidance": "Screen first.",
    }
    response = admin_client_.post(reverse("advisories:create"), data)
    assert response.status_code == 200
    assert "cannot end before it starts" in response.content.decode()
    assert Advisory.objects.count() == 0
    data["ends"] = ""
    response = admin_client_.post(reverse("advisories:create"), data)
    adv = Advisory.objects.get()
    assert response.status_code == 302
    for name in ["list", "rules", "report"]:
        assert admin_client_.get(reverse(f"advisories:{name}")).status_code == 200
    page = admin_client_.get(reverse("advisories:detail", args=[adv.pk])).content.decode()
    assert "Screening for Measles (rules version 1)" in page and "Postpone" in page
    response = admin_client_.post(
        reverse("advisories:edit", args=[adv.pk]), {**data, "title": "Renamed", "version": 1}
    )
    assert response.status_code == 302
    admin_client_.post(reverse("advisories:end", args=[adv.pk]), {"version": 2})
    adv.refresh_from_db()
    assert adv.title == "Renamed" and adv.ends is not None


def test_report_and_csv_export(supervisor_client, practitioner, whanau, person, advisory, answers):
    from hononga.advisories import services

    services.screening_create(
        actor=practitioner, whanau_id=whanau.pk, answers=answers, person_ids=[person.pk]
    )
    page = supervisor_client.get(reverse("advisories:report")).content.decode()
    assert "Measles outbreak" in page and person.preferred_name in page
    response = supervisor_client.get(reverse("advisories:report"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert b"Measles outbreak" in response.content
    assert AuditEvent.objects.filter(action=Action.EXPORT).exists()
    bad = supervisor_client.get(
        reverse("advisories:report"), {"start": "2026-05-01", "end": "2026-01-01"}
    )
    assert "cannot end before it starts" in bad.content.decode()


def test_immunisation_status_needs_consent_of_an_adult(
    practitioner_client, whanau, person, advisory, answers
):
    url = reverse("advisories:screen", args=[whanau.pk])
    data = screen_post(
        answers,
        **{f"status-{person.pk}": "immune", f"evidence-{person.pk}": "record"},
        present=[person.pk],
    )
    response = practitioner_client.post(url, data)
    assert response.status_code == 200
    assert "has not consented" in response.content.decode()
    assert not Immunisation.objects.filter(person=person).exists()
    assert Screening.objects.count() == 0


def test_an_adults_status_is_recorded_once_they_consent(
    practitioner_client, practitioner, whanau, person, advisory, answers
):
    consent_to_record(person, practitioner)
    url = reverse("advisories:screen", args=[whanau.pk])
    data = screen_post(answers, **{f"status-{person.pk}": "not_immune", "present": [person.pk]})
    response = practitioner_client.post(url, data)
    assert response.status_code == 302
    record = Immunisation.objects.get(person=person)
    assert (record.disease, record.status) == ("measles", "not_immune")
    assert Screening.objects.count() == 1


def test_a_childs_status_is_recorded_from_the_screening(
    practitioner_client, whanau, advisory, answers
):
    from hononga.factories import MembershipFactory, PersonFactory

    child = PersonFactory(preferred_name="Tama", kind="tamariki")
    MembershipFactory(person=child, whanau=whanau, role="child")
    url = reverse("advisories:screen", args=[whanau.pk])
    data = screen_post(
        answers,
        **{
            f"status-{child.pk}": "immune",
            f"evidence-{child.pk}": "record",
            f"source-{child.pk}": "Well Child book",
        },
    )
    data["present"] = [child.pk]
    response = practitioner_client.post(url, data)
    assert response.status_code == 302
    record = Immunisation.objects.get(person=child, disease="measles")
    assert (record.status, record.evidence, record.source) == (
        "immune",
        "record",
        "Well Child book",
    )
    screening = Screening.objects.get()
    assert list(screening.people_present.all()) == [child]
    # Documented, for a child (the caregiver's word needs no consent of their own): it counts.
    assert screening.people_immunisation == "all_immune" and screening.recommended_mode == "proceed"


def test_screenings_api_list_query_bound(
    client, practitioner, whanau, person, advisory, answers, django_assert_max_num_queries
):
    from hononga.advisories import services
    from hononga.conftest import bearer

    for _ in range(5):
        services.screening_create(
            actor=practitioner, whanau_id=whanau.pk, answers=answers, person_ids=[person.pk]
        )
    headers = bearer(practitioner)
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/screenings", **headers)
    assert response.status_code == 200 and len(response.json()["items"]) == 5


def test_whanau_page_banner_query_bound(
    practitioner_client, whanau, advisory, django_assert_max_num_queries
):
    url = reverse("whanau:detail", args=[whanau.pk])
    practitioner_client.get(url)
    with django_assert_max_num_queries(60):
        assert practitioner_client.get(url).status_code == 200


def test_the_urgent_reason_input_follows_the_day_of_the_contact(
    practitioner_client, whanau, person, advisory
):
    """A contact on a day the advisory was active is gated even after it ended, and the form
    then shows the input it needs."""
    advisory.ends = timezone.localdate() - timedelta(days=1)
    advisory.save()
    url = reverse("contacts:create", args=[whanau.pk])
    assert 'name="urgent_reason"' not in practitioner_client.get(url).content.decode()
    during = (timezone.localtime() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = practitioner_client.post(url, contact_form(person, occurred_at=during))
    assert response.status_code == 200
    assert response.content.decode().count('name="urgent_reason"') == 1
    assert Contact.objects.count() == 0
    reason = "Immediate safety of the child: a call from school"
    response = practitioner_client.post(
        url, contact_form(person, occurred_at=during, urgent_reason=reason)
    )
    assert response.status_code == 302
    assert Override.objects.get().reason == reason


def test_the_supervision_view_shows_a_practitioners_urgent_overrides(
    practitioner, practitioner_client, supervisor_client, whanau, person, advisory
):
    from hononga.conftest import client_for
    from hononga.factories import UserFactory

    reason = "Immediate safety of the child: a call from school"
    url = reverse("contacts:create", args=[whanau.pk])
    assert practitioner_client.post(url, contact_form(person, urgent_reason=reason)).status_code
    assert Override.objects.count() == 1
    page = reverse("contacts:supervision:practitioner", args=[practitioner.pk])
    html = supervisor_client.get(page).content.decode()
    assert "In-person contacts without screening" in html and reason in html
    # Another team's supervisor cannot open it; a practitioner gets no such panel anywhere.
    other = UserFactory(username="elsewhere", role="supervisor")
    assert client_for(other).get(page).status_code == 404
    assert reason not in practitioner_client.get(reverse("home")).content.decode()
