import re

import pytest
from django.test import Client
from django.urls import reverse

from hononga.messaging.tests.conftest import give_consent
from hononga.privacy import services
from hononga.relationships.models import ConsentPurpose
from hononga.tasks.runner import Worker


@pytest.fixture(autouse=True)
def no_schedule(settings):
    from django.core.cache import cache

    cache.clear()  # the public pages' rate limits count per address in the cache
    settings.TASKS_SCHEDULE = "hononga.tasks.tests.sample_schedule.NONE"


@pytest.fixture
def reachable(person, practitioner):
    """Mere, an adult, with an email and a mobile she consented to be contacted on."""
    person.email = "mere@example.org"
    person.phone = "021 123 4567"
    person.save()
    give_consent(person, ConsentPurpose.CONTACT_EMAIL, practitioner)
    give_consent(person, ConsentPurpose.CONTACT_TEXT, practitioner)
    return person


@pytest.fixture
def space_person(reachable, practitioner):
    services.space_open(actor=practitioner, person=reachable, reason="Checked: her own phone.")
    return reachable


def latest_code(mailoutbox) -> str:
    return re.search(r"\b(\d{6})\b", mailoutbox[-1].body).group(1)


def sign_in(client: Client, address: str, mailoutbox) -> str:
    """Ask for a code, let the worker send it, return the code from the mail."""
    response = client.post(reverse("privacy:space_sign_in"), {"address": address})
    assert response.status_code == 302
    Worker().run_pending()
    return latest_code(mailoutbox)


@pytest.fixture
def space_client(space_person, mailoutbox) -> Client:
    client = Client()
    code = sign_in(client, "mere@example.org", mailoutbox)
    response = client.post(reverse("privacy:space_code"), {"code": code})
    assert response.status_code == 302 and response["Location"] == reverse("privacy:space_home")
    return client


# The restorative app's fixtures (a harm to Mere by Ariki, a process with a facilitator).
from hononga.restorative.tests.conftest import (  # noqa: E402, F401
    aunt,
    child,
    credential,
    harm,
    process,
)
