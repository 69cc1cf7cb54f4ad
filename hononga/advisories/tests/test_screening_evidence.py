"""Outbreak screening that protects people (issue 14, points 7–10), through the service, the
pages and the API: recommendations rest only on recorded evidence; each disease its own
questions and immunity; a contact from a screening records only the people it listed; the
advisory form's labels tell the truth."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hononga.advisories import services
from hononga.advisories.models import Advisory, Evidence, Immunisation, Screening
from hononga.advisories.tests.conftest import (
    consent_to_record,
    make_advisory,
    record_status,
    well,
)
from hononga.audit.models import AuditEvent
from hononga.conftest import bearer
from hononga.contacts.models import Contact
from hononga.factories import MembershipFactory, PersonFactory, earlier_today

pytestmark = pytest.mark.django_db


def post(client, user, url, data):
    return client.post(url, data, content_type="application/json", **bearer(user))


def screen_page_post(answers, **extra):
    flat = {k: v for k, v in answers.items() if k != "answers"} | answers["answers"]
    data = {k: ("yes" if v is True else "no" if v is False else v) for k, v in flat.items()}
    data.update(extra)
    return data


# --- 7. Only recorded evidence -------------------------------------------------------------------


def test_a_claim_never_turns_unknown_into_immune(practitioner, whanau, person, advisory):
    """The issue's case: Mere's status is unknown (no consent to record it); the practitioner is
    told "everyone present is immune". The screening keeps the claim and does not proceed."""
    screening = services.screening_create(
        actor=practitioner,
        whanau_id=whanau.pk,
        answers={**well(), "immunity_claim": "Everyone present is immune, Mere says."},
        person_ids=[person.pk],
    )
    assert screening.immunity_claim == "Everyone present is immune, Mere says."
    assert screening.people_immunisation == "some_unknown"
    assert screening.recommended_mode == "outdoors"
    assert screening.evidence[0]["counts"] is False
    assert "No consent" in screening.evidence[0]["why"]


def test_a_status_recorded_only_from_someones_word_does_not_count(
    practitioner, whanau, person, advisory
):
    record_status(person, practitioner, evidence=Evidence.WORD)
    screening = services.screening_create(
        actor=practitioner, whanau_id=whanau.pk, answers=well(), person_ids=[person.pk]
    )
    assert screening.recommended_mode == "outdoors"
    assert "without documented evidence" in screening.evidence[0]["why"]


def test_a_status_recorded_without_consent_does_not_count(practitioner, whanau, person, advisory):
    record_status(person, practitioner)
    from hononga.relationships.services import consent_record

    consent_record(
        actor=practitioner, person_id=person.pk, purpose="immunisation", status="withdrawn"
    )
    screening = services.screening_create(
        actor=practitioner, whanau_id=whanau.pk, answers=well(), person_ids=[person.pk]
    )
    assert screening.people_immunisation == "some_unknown"
    assert screening.recommended_mode == "outdoors"


def test_documented_evidence_with_consent_proceeds(practitioner, whanau, immune_person, advisory):
    screening = services.screening_create(
        actor=practitioner, whanau_id=whanau.pk, answers=well(), person_ids=[immune_person.pk]
    )
    assert screening.people_immunisation == "all_immune"
    assert screening.recommended_mode == "proceed"


def test_a_claim_on_the_page_is_kept_as_a_claim(
    practitioner_client, whanau, person, advisory, answers
):
    url = reverse("advisories:screen", args=[whanau.pk])
    page = practitioner_client.get(url).content.decode()
    assert "(no consent to record)" in page
    assert "It does not change the recommendation" in page
    response = practitioner_client.post(
        url,
        screen_page_post(
            answers, present=[person.pk], immunity_claim="Everyone present is immune."
        ),
    )
    screening = Screening.objects.get()
    assert response.status_code == 302
    assert screening.recommended_mode == "outdoors"
    shown = practitioner_client.get(response.url).content.decode()
    assert "What people said about immunity (a claim, not evidence)" in shown
    assert "Everyone present is immune." in shown and "Meet outdoors" in shown


def test_a_claim_through_the_api_is_kept_as_a_claim(client, practitioner, whanau, person, advisory):
    response = post(
        client,
        practitioner,
        "/api/v1/screenings",
        {
            "whanau": whanau.pk,
            **well(),
            "people_present": [person.pk],
            "immunity_claim": "Everyone present is immune.",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["immunity_claim"] == "Everyone present is immune."
    assert body["people_immunisation"] == "some_unknown"
    assert body["recommended_mode"] == "outdoors"
    assert body["evidence"][0]["counts"] is False


def test_the_old_everyone_is_immune_answer_is_not_accepted_as_evidence(
    client, practitioner, whanau, person, advisory
):
    """The old API field for the claim is not read: it can no longer decide anything."""
    response = post(
        client,
        practitioner,
        "/api/v1/screenings",
        {
            "whanau": whanau.pk,
            **well(),
            "people_present": [person.pk],
            "people_immunisation": "all_immune",
        },
    )
    assert response.json()["recommended_mode"] == "outdoors"


# --- 8. Each disease its own questions, immunity and recorded status ---------------------------


@pytest.fixture
def whooping_cough(whanau, admin_user):
    return make_advisory(
        whanau, admin_user, condition="pertussis", title="Whooping cough — Tāmaki Makaurau"
    )


PERTUSSIS_WELL = {
    "cough": False,
    "coughing_fits": False,
    "runny_nose_fever": False,
    "exposure": False,
    "pepi": False,
    "pregnant": False,
}


def test_a_whooping_cough_screening_asks_its_own_questions(
    practitioner_client, whanau, person, whooping_cough
):
    page = practitioner_client.get(reverse("advisories:screen", args=[whanau.pk])).content.decode()
    assert "coughing fits" in page and "whooping cough in the last 21 days" in page
    assert "measles" not in page.lower()
    assert 'name="rash"' not in page


def test_a_whooping_cough_screening_reads_its_own_status_not_measles(
    client, practitioner, whanau, person, whooping_cough
):
    # Mere's measles status is documented; her whooping cough status is not recorded.
    record_status(person, practitioner, disease="measles")
    response = post(
        client,
        practitioner,
        "/api/v1/screenings",
        {
            "whanau": whanau.pk,
            "planned_mode": "home_visit",
            "answers": {**PERTUSSIS_WELL, "pepi": True},
            "practitioner_immunisation": "unknown",
            "people_present": [person.pk],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["disease"] == "pertussis"
    assert body["evidence"][0]["status"] == "unknown"  # not her measles status
    # A pēpi will be there and the practitioner's booster is not known: phone or video.
    assert body["recommended_mode"] == "remote" and body["rule_row"] == 3


def test_measles_questions_are_refused_under_a_whooping_cough_advisory(
    client, practitioner, whanau, person, whooping_cough
):
    response = post(
        client,
        practitioner,
        "/api/v1/screenings",
        {
            "whanau": whanau.pk,
            "planned_mode": "home_visit",
            "answers": {**PERTUSSIS_WELL, "rash": False},
            "practitioner_immunisation": "immune",
            "people_present": [person.pk],
        },
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"rash"}
    assert Screening.objects.count() == 0


def test_the_advisory_api_names_its_disease_questions_and_rules(
    client, practitioner, whooping_cough
):
    body = client.get(f"/api/v1/advisories/{whooping_cough.pk}", **bearer(practitioner)).json()
    assert body["condition"] == "pertussis"
    assert [q["key"] for q in body["questions"]] == list(PERTUSSIS_WELL)
    assert body["asks_practitioner_immunisation"] and not body["reads_people_present"]
    assert [r["when"] for r in body["rules"]][-1] == "always"


def test_another_disease_is_published_with_its_name_and_the_general_questions(
    client, admin_user, whanau, practitioner, person
):
    today = timezone.localdate()
    data = {
        "title": "Mumps — Waitaha",
        "condition": "other",
        "regions": [whanau.region_id],
        "starts": today.isoformat(),
        "guidance": "Screen first.",
    }
    missing = post(client, admin_user, "/api/v1/advisories", data)
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["errors"]} == {"disease_name"}
    created = post(client, admin_user, "/api/v1/advisories", {**data, "disease_name": "Mumps"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["disease_name"] == "Mumps" and not body["asks_practitioner_immunisation"]
    assert [q["key"] for q in body["questions"]][:3] == ["fever", "cough", "rash"]
    screened = post(
        client,
        practitioner,
        "/api/v1/screenings",
        {
            "whanau": whanau.pk,
            "planned_mode": "home_visit",
            "answers": {q["key"]: False for q in body["questions"]},
            "people_present": [person.pk],
        },
    )
    assert screened.status_code == 201, screened.content
    assert screened.json()["recommended_mode"] == "proceed"
    assert screened.json()["people_immunisation"] == ""


def test_administrators_read_every_diseases_rule_table(admin_client_, client, admin_user):
    page = admin_client_.get(reverse("advisories:rules")).content.decode()
    for name in ("Measles", "Whooping cough", "Influenza", "COVID-19"):
        assert f"{name} <span" in page
    assert "Immunisation Handbook 2024" in page
    assert "No immunity rule" in page  # COVID-19 and another disease
    tables = client.get("/api/v1/advisories/rule-tables", **bearer(admin_user)).json()
    assert [t["disease"] for t in tables] == ["measles", "pertussis", "influenza", "covid", "other"]
    assert tables[3]["immunity"] is None and tables[0]["immunity"].startswith("Immune:")


def test_practitioners_cannot_read_the_rule_tables_api(client, practitioner):
    response = client.get("/api/v1/advisories/rule-tables", **bearer(practitioner))
    assert response.status_code == 403


# --- Immunisation status per person per disease --------------------------------------------------


def test_status_is_recorded_per_disease_with_consent_evidence_and_date(
    client, practitioner, person
):
    url = f"/api/v1/people/{person.pk}/immunisations/pertussis"
    body = {"status": "immune", "evidence": "record", "source": "Boostrix 2024"}
    refused = client.put(url, body, content_type="application/json", **bearer(practitioner))
    assert refused.status_code == 422 and "not consented" in refused.json()["detail"]
    consent_to_record(person, practitioner)
    saved = client.put(url, body, content_type="application/json", **bearer(practitioner))
    assert saved.status_code == 200, saved.content
    rows = {r["disease"]: r for r in saved.json()}
    assert rows["pertussis"]["status"] == "immune" and rows["pertussis"]["counts"]
    assert rows["measles"]["status"] == "unknown"
    record = Immunisation.objects.get(person=person, disease="pertussis")
    assert record.as_at == timezone.localdate() and record.recorded_by == practitioner
    assert AuditEvent.objects.filter(target_type="immunisation").exists()


def test_immune_needs_to_say_how_it_is_known(client, practitioner, person):
    consent_to_record(person, practitioner)
    response = client.put(
        f"/api/v1/people/{person.pk}/immunisations/measles",
        {"status": "immune"},
        content_type="application/json",
        **bearer(practitioner),
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"evidence"}


def test_outsiders_cannot_read_or_record_status(client, outsider, person):
    url = f"/api/v1/people/{person.pk}/immunisations"
    assert client.get(url, **bearer(outsider)).status_code == 404
    response = client.put(
        f"{url}/measles",
        {"status": "unknown"},
        content_type="application/json",
        **bearer(outsider),
    )
    assert response.status_code == 404


def test_someone_who_broke_glass_reads_but_cannot_record(
    client, admin_user, whanau, person, practitioner
):
    from hononga.whanau import services as whanau_services

    consent_to_record(person, practitioner)
    whanau_services.break_glass(
        actor=admin_user, whanau_id=whanau.pk, reason="Urgent safety check today"
    )
    url = f"/api/v1/people/{person.pk}/immunisations"
    assert client.get(url, **bearer(admin_user)).status_code == 200
    response = client.put(
        f"{url}/measles",
        {"status": "unknown"},
        content_type="application/json",
        **bearer(admin_user),
    )
    assert response.status_code == 403
    assert not Immunisation.objects.exists()


def test_the_person_page_shows_each_diseases_status_and_changes_it(
    practitioner_client, practitioner, person
):
    record_status(person, practitioner, evidence=Evidence.WORD)
    page = practitioner_client.get(reverse("whanau:person", args=[person.pk])).content.decode()
    assert "Immunisation status" in page
    assert "Their own or their caregiver" in page and "without documented evidence" in page
    url = reverse("advisories:immunisation", args=[person.pk, "influenza"])
    assert url in page
    bad = practitioner_client.post(url, {"status": "immune", "evidence": ""})
    assert bad.status_code == 200 and "Say how you know" in bad.content.decode()
    response = practitioner_client.post(
        url,
        {"status": "immune", "evidence": "record", "source": "Flu vaccine at the pharmacy"},
    )
    assert response.status_code == 302
    assert Immunisation.objects.get(person=person, disease="influenza").status == "immune"


def test_an_old_flu_vaccine_does_not_count(practitioner, whanau, person, admin_user):
    record = record_status(person, practitioner, disease="influenza")
    from hononga.advisories import diseases, immunisation

    flu = diseases.DISEASES["influenza"]
    assert immunisation.evidence_for(flu, [person])[0].counts
    Immunisation.objects.filter(pk=record.pk).update(
        as_at=timezone.localdate() - timedelta(days=400)
    )
    weighed = immunisation.evidence_for(flu, [person])[0]
    assert not weighed.counts and "too long ago" in weighed.why


# --- 9. A contact from a screening records the people it listed -------------------------------


@pytest.fixture
def child_present(whanau):
    child = PersonFactory(preferred_name="Kaia", kind="tamariki")
    MembershipFactory(person=child, whanau=whanau, role="daughter")
    return child


def contact_form(people, **overrides):
    data = {
        "occurred_at": timezone.localtime(earlier_today()).strftime("%Y-%m-%dT%H:%M"),
        "mode": "outdoor",
        "participants": [p.pk for p in people],
        "purpose": "Walk and talk",
        "note": "",
        "own_words": "",
        "decisions_with": "yes",
        "support": "7",
        "control": "6",
    }
    data.update(overrides)
    return data


def test_the_contact_form_ticks_exactly_the_people_the_screening_listed(
    practitioner_client, practitioner, whanau, person, child_present, advisory
):
    from hononga.contacts.tests.factories import make_contact

    # Last time both took part: the form must not tick them from that.
    make_contact(whanau=whanau, practitioner=practitioner, participants=[person, child_present])
    url = reverse("contacts:create", args=[whanau.pk])
    fresh = practitioner_client.get(url)
    assert fresh.context["form"].initial["participants"] == []
    screening = services.screening_create(
        actor=practitioner, whanau_id=whanau.pk, answers=well(), person_ids=[child_present.pk]
    )
    response = practitioner_client.get(url, {"screening": screening.pk, "mode": "outdoor"})
    assert response.context["form"].initial["participants"] == [child_present.pk]
    assert "the people the screening listed" in response.content.decode()


def test_a_contact_from_a_screening_cannot_add_someone_unscreened(
    practitioner_client, practitioner, whanau, person, child_present, advisory
):
    screening = services.screening_create(
        actor=practitioner, whanau_id=whanau.pk, answers=well(), person_ids=[child_present.pk]
    )
    url = reverse("contacts:create", args=[whanau.pk])
    response = practitioner_client.post(
        url, contact_form([person, child_present], screening=str(screening.pk))
    )
    assert response.status_code == 200
    assert (
        "Only the people the screening listed: Mere was not screened." in response.content.decode()
    )
    assert Contact.objects.count() == 0
    response = practitioner_client.post(
        url, contact_form([child_present], screening=str(screening.pk))
    )
    assert response.status_code == 302
    assert list(Contact.objects.get().participants.all()) == [child_present]


def test_a_contact_from_a_screening_through_the_api(
    client, practitioner, whanau, person, child_present, advisory
):
    screening = services.screening_create(
        actor=practitioner, whanau_id=whanau.pk, answers=well(), person_ids=[child_present.pk]
    )
    body = {
        "whanau_id": whanau.pk,
        "occurred_at": earlier_today().isoformat(),
        "mode": "outdoor",
        "participant_ids": [person.pk, child_present.pk],
        "purpose": "Walk and talk",
        "decisions_with": "yes",
        "support": 7,
        "control": 6,
        "screening": screening.pk,
    }
    refused = post(client, practitioner, "/api/v1/contacts", body)
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} == {"participant_ids"}
    saved = post(
        client, practitioner, "/api/v1/contacts", {**body, "participant_ids": [child_present.pk]}
    )
    assert saved.status_code == 201, saved.content


# --- 10. The advisory form's labels tell the truth ---------------------------------------------


def test_the_advisory_form_marks_optional_only_what_is_optional(admin_client_, whanau):
    page = admin_client_.get(reverse("advisories:create")).content.decode()
    labels = {
        name: page.split(f'for="id_{name}"', 1)[1].split("</label>", 1)[0]
        for name in ("title", "starts", "guidance", "ends", "disease_name")
    }
    for required in ("title", "starts", "guidance"):
        assert "(optional)" not in labels[required], required
    assert "(optional)" in labels["ends"]
    assert "(optional)" not in page.split("<legend>", 1)[1].split("</legend>", 1)[0]  # regions
    response = admin_client_.post(reverse("advisories:create"), {"condition": "measles"})
    page = response.content.decode()
    for message in (
        "Give the advisory a title",
        "Give the date the advisory starts.",
        "Write the guidance practitioners should follow.",
        "Choose at least one region.",
    ):
        assert message in page
    assert Advisory.objects.count() == 0
