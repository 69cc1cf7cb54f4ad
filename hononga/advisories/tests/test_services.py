from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hononga.advisories import services
from hononga.advisories.models import Advisory, Screening
from hononga.advisories.tests.conftest import well
from hononga.audit.models import Action, AuditEvent
from hononga.contacts import hooks
from hononga.core.errors import NotFound, PracticeError
from hononga.factories import RegionFactory

pytestmark = pytest.mark.django_db


def advisory_data(**overrides):
    today = timezone.localdate()
    data = {
        "title": "Measles outbreak",
        "condition": "measles",
        "starts": today,
        "ends": today + timedelta(days=30),
        "guidance": "Screen first.",
    }
    data.update(overrides)
    return data


def test_admin_publishes_an_advisory_with_regions_and_audit(admin_user, whanau):
    adv = services.advisory_create(
        actor=admin_user, data=advisory_data(), region_ids=[whanau.region_id]
    )
    assert list(adv.regions.all()) == [whanau.region]
    assert AuditEvent.objects.filter(action=Action.CREATE, target_id=str(adv.pk)).exists()


def test_non_admin_cannot_publish(practitioner, whanau):
    with pytest.raises(PermissionDenied):
        services.advisory_create(
            actor=practitioner, data=advisory_data(), region_ids=[whanau.region_id]
        )
    assert Advisory.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "regions", "field", "words"),
    [
        ({"ends": timezone.localdate() - timedelta(days=1)}, None, "ends", "before it starts"),
        ({"starts": "31/02/2026"}, None, "starts", "date"),
        ({"starts": None}, None, "starts", "starts"),
        ({}, [999999], "regions", "Unknown region"),
        ({}, ["abc"], "regions", "Unknown region"),
        ({}, [], "regions", "at least one"),
        ({"title": "  "}, None, "title", "title"),
        ({"condition": "plague"}, None, "condition", "disease"),
        ({"condition": "other"}, None, "disease_name", "name the disease"),
        ({"guidance": ""}, None, "guidance", "guidance"),
    ],
)
def test_bad_advisories_get_clear_messages_and_nothing_saved(
    admin_user, whanau, overrides, regions, field, words
):
    with pytest.raises(PracticeError) as error:
        services.advisory_create(
            actor=admin_user,
            data=advisory_data(**overrides),
            region_ids=[whanau.region_id] if regions is None else regions,
        )
    assert words.lower() in " ".join(error.value.errors[field]).lower()
    assert Advisory.objects.count() == 0


def test_overlapping_advisory_for_same_condition_and_region_is_refused(admin_user, whanau):
    services.advisory_create(actor=admin_user, data=advisory_data(), region_ids=[whanau.region_id])
    other = RegionFactory(name="Waikato")
    with pytest.raises(PracticeError) as error:
        services.advisory_create(
            actor=admin_user,
            data=advisory_data(starts=timezone.localdate() + timedelta(days=10), ends=None),
            region_ids=[whanau.region_id, other.pk],
        )
    assert "already covers" in error.value.errors["regions"][0]
    assert whanau.region.name in error.value.errors["regions"][0]
    assert Advisory.objects.count() == 1
    # A different condition, or the next period, or another region is fine.
    services.advisory_create(
        actor=admin_user, data=advisory_data(condition="pertussis"), region_ids=[whanau.region_id]
    )
    services.advisory_create(
        actor=admin_user,
        data=advisory_data(starts=timezone.localdate() + timedelta(days=31), ends=None),
        region_ids=[whanau.region_id],
    )
    services.advisory_create(actor=admin_user, data=advisory_data(), region_ids=[other.pk])
    assert Advisory.objects.count() == 4


def test_update_checks_version_and_end(admin_user, advisory):
    adv = services.advisory_update(
        actor=admin_user, advisory_id=advisory.pk, expected_version=1, changes={"title": "New"}
    )
    assert adv.version == 2 and adv.title == "New"
    from hononga.core.errors import ConflictError

    with pytest.raises(ConflictError):
        services.advisory_update(
            actor=admin_user, advisory_id=advisory.pk, expected_version=1, changes={"title": "X"}
        )
    ended = services.advisory_end(actor=admin_user, advisory_id=advisory.pk, expected_version=2)
    assert ended.ends < timezone.localdate()
    with pytest.raises(NotFound):
        services.advisory_end(actor=admin_user, advisory_id=999999, expected_version=1)


def test_screening_records_rule_version_and_recommendation(
    practitioner, whanau, advisory, immune_person
):
    s = services.screening_create(
        actor=practitioner,
        whanau_id=whanau.pk,
        answers=well(exposure=True),
        person_ids=[immune_person.pk],
    )
    assert s.recommended_mode == "remote" and s.rule_row == 1
    assert s.rule_table.disease == "measles" and s.advisory == advisory
    assert s.disease == "measles" and s.answers["exposure"] is True
    assert AuditEvent.objects.filter(action=Action.CREATE, whanau_id=whanau.pk).exists()


def test_screening_missing_answers_lists_each(practitioner, whanau, advisory, person, answers):
    del answers["answers"]["fever"]
    answers["practitioner_immunisation"] = ""
    with pytest.raises(PracticeError) as error:
        services.screening_create(
            actor=practitioner, whanau_id=whanau.pk, answers=answers, person_ids=[person.pk]
        )
    assert {"fever", "practitioner_immunisation"} <= set(error.value.errors)
    assert Screening.objects.count() == 0


def test_screening_names_the_people_present(practitioner, whanau, advisory, answers):
    with pytest.raises(PracticeError) as error:
        services.screening_create(actor=practitioner, whanau_id=whanau.pk, answers=answers)
    assert "people_present" in error.value.errors
    assert Screening.objects.count() == 0


def test_screening_without_active_advisory_or_by_outsider(
    practitioner, outsider, whanau, person, answers
):
    with pytest.raises(PracticeError):
        services.screening_create(
            actor=practitioner, whanau_id=whanau.pk, answers=answers, person_ids=[person.pk]
        )
    with pytest.raises(NotFound):
        services.screening_create(
            actor=outsider, whanau_id=whanau.pk, answers=answers, person_ids=[person.pk]
        )


def fields(mode="home_visit"):
    return {"mode": mode, "occurred_at": timezone.now()}


def test_gate_refuses_in_person_without_screening_or_reason(practitioner, whanau, advisory):
    for mode in ["home_visit", "office", "school", "outdoor", "other"]:
        with pytest.raises(PracticeError) as error:
            hooks.run_before_save(
                actor=practitioner,
                whanau=whanau,
                fields=fields(mode),
                screening_id=None,
                urgent_reason="",
            )
        assert "urgent_reason" in error.value.errors
    for mode in ["phone", "video"]:
        hooks.run_before_save(
            actor=practitioner,
            whanau=whanau,
            fields=fields(mode),
            screening_id=None,
            urgent_reason="",
        )


def test_gate_needs_a_real_reason(practitioner, whanau, advisory):
    with pytest.raises(PracticeError) as error:
        hooks.run_before_save(
            actor=practitioner, whanau=whanau, fields=fields(), screening_id=None, urgent_reason="x"
        )
    assert "at least" in error.value.errors["urgent_reason"][0]
    hooks.run_before_save(
        actor=practitioner,
        whanau=whanau,
        fields=fields(),
        screening_id=None,
        urgent_reason="The child's immediate safety",
    )


def test_gate_is_open_without_an_active_advisory(practitioner, whanau, advisory):
    advisory.ends = timezone.localdate() - timedelta(days=1)
    advisory.starts = advisory.ends - timedelta(days=5)
    advisory.save()
    hooks.run_before_save(
        actor=practitioner, whanau=whanau, fields=fields(), screening_id=None, urgent_reason=""
    )


def test_gate_accepts_a_fresh_screening_once(practitioner, whanau, advisory, person, answers):
    s = services.screening_create(
        actor=practitioner, whanau_id=whanau.pk, answers=answers, person_ids=[person.pk]
    )
    hooks.run_before_save(
        actor=practitioner, whanau=whanau, fields=fields(), screening_id=s.pk, urgent_reason=""
    )
    Screening.objects.filter(pk=s.pk).update(created_at=timezone.now() - timedelta(days=3))
    with pytest.raises(PracticeError) as error:
        hooks.run_before_save(
            actor=practitioner, whanau=whanau, fields=fields(), screening_id=s.pk, urgent_reason=""
        )
    assert "screening" in error.value.errors
