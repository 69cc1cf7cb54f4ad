from datetime import timedelta

import pytest

from hononga.advisories import selectors
from hononga.advisories.models import Advisory, Evidence, Immunisation
from hononga.relationships.models import Consent


def make_advisory(whanau, admin_user, condition="measles", title="Measles outbreak", **extra):
    today = selectors.today()
    adv = Advisory.objects.create(
        title=title,
        condition=condition,
        starts=today - timedelta(days=3),
        ends=today + timedelta(days=30),
        guidance="Screen before home visits.",
        published_by=admin_user,
        **extra,
    )
    adv.regions.set([whanau.region])
    return adv


@pytest.fixture
def advisory(whanau, admin_user):
    return make_advisory(whanau, admin_user)


def consent_to_record(person, recorded_by):
    Consent.objects.create(
        person=person,
        purpose="immunisation",
        status="given",
        date=selectors.today(),
        recorded_by=recorded_by,
    )


def record_status(person, recorded_by, disease="measles", status="immune", evidence="record"):
    """The person's consent and a recorded status (documented by default)."""
    consent_to_record(person, recorded_by)
    return Immunisation.objects.create(
        person=person,
        disease=disease,
        status=status,
        evidence=evidence,
        source="Well Child book seen",
        as_at=selectors.today(),
        recorded_by=recorded_by,
    )


@pytest.fixture
def immune_person(person, practitioner):
    """Mere, with consent and two documented MMR doses on record."""
    record_status(person, practitioner, evidence=Evidence.RECORD)
    return person


WELL_MEASLES = {
    "fever": False,
    "cough": False,
    "runny_nose_sore_eyes": False,
    "rash": False,
    "exposure": False,
    "pepi": False,
    "pregnant": False,
    "immunocompromised": False,
    "housing": False,
}
WELL = {
    "planned_mode": "home_visit",
    "answers": WELL_MEASLES,
    "practitioner_immunisation": "immune",
}


def well(**answers):
    """A measles screening where everyone is well, with some answers changed."""
    return {**WELL, "answers": {**WELL_MEASLES, **answers}}


@pytest.fixture
def answers():
    return well()
