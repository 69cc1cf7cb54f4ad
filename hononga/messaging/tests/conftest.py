import pytest

from hononga.messaging.tests import builders
from hononga.relationships.models import Consent, ConsentPurpose, ConsentStatus


@pytest.fixture(autouse=True)
def no_schedule(settings):
    settings.TASKS_SCHEDULE = "hononga.tasks.tests.sample_schedule.NONE"
    builders.ISSUED.clear()


def give_consent(person, purpose, recorded_by, status=ConsentStatus.GIVEN, day=None):
    from django.utils import timezone

    return Consent.objects.create(
        person=person,
        purpose=purpose,
        status=status,
        date=day or timezone.localdate(),
        recorded_by=recorded_by,
    )


@pytest.fixture
def reachable_person(person, practitioner):
    """Mere, with a mobile and an email, consenting to both channels."""
    person.phone = "021 123 4567"
    person.email = "mere@example.org"
    person.save()
    give_consent(person, ConsentPurpose.CONTACT_TEXT, practitioner)
    give_consent(person, ConsentPurpose.CONTACT_EMAIL, practitioner)
    return person
