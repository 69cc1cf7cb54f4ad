"""The whānau space: closed until a practitioner opens it; a one-time code; every view audited."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hononga.audit.models import AuditEvent
from hononga.core.errors import PracticeError
from hononga.factories import MembershipFactory, PersonFactory
from hononga.messaging.models import Message
from hononga.privacy import services
from hononga.privacy.models import SignInCode, SpaceAccess
from hononga.privacy.tests.conftest import sign_in
from hononga.tasks.runner import Worker
from hononga.whanau.models import PersonKind

pytestmark = pytest.mark.django_db


def test_space_stays_closed_until_a_practitioner_opens_it(reachable, mailoutbox):
    client = Client()
    client.post(reverse("privacy:space_sign_in"), {"address": "mere@example.org"})
    Worker().run_pending()
    assert mailoutbox == []  # no code for a closed space
    assert not SignInCode.objects.exists()
    # The page says the same as for an open space: nothing about who exists.
    response = client.get(reverse("privacy:space_code"))
    assert "If that number or email has a whānau space" in response.content.decode()
    assert client.get(reverse("privacy:space_home")).status_code == 302


def test_opening_needs_a_safety_check_and_reason_and_is_audited(reachable, practitioner_client):
    url = reverse("privacy:space_open", args=[reachable.pk])
    response = practitioner_client.post(url, {"reason": "her phone"})
    assert response.status_code == 422
    assert "Confirm the safety check first." in response.content.decode()
    response = practitioner_client.post(url, {"checked": "yes", "reason": "  "})
    assert response.status_code == 422
    assert not SpaceAccess.objects.exists()
    response = practitioner_client.post(url, {"checked": "yes", "reason": "Her own phone."})
    assert response.status_code == 302
    access = SpaceAccess.objects.get(person=reachable)
    assert access.is_open and access.reason == "Her own phone."
    assert AuditEvent.objects.filter(summary__startswith="Opened the whānau space").exists()


def test_outsiders_cannot_open_or_close(reachable, outsider_client, supervisor_client):
    assert (
        outsider_client.get(reverse("privacy:space_open", args=[reachable.pk])).status_code == 404
    )
    response = outsider_client.post(
        reverse("privacy:space_open", args=[reachable.pk]), {"checked": "yes", "reason": "x"}
    )
    assert response.status_code == 404
    # The team's supervisor can.
    response = supervisor_client.post(
        reverse("privacy:space_open", args=[reachable.pk]), {"checked": "yes", "reason": "ok"}
    )
    assert response.status_code == 302


def test_children_under_the_agency_age_and_professionals_cannot_have_a_space(
    whanau, practitioner, settings
):
    settings.WHANAU_SPACE_MIN_AGE = 14
    today = timezone.localdate()
    child = PersonFactory(
        kind=PersonKind.RANGATAHI, date_of_birth=today.replace(year=today.year - 12)
    )
    MembershipFactory(person=child, whanau=whanau)
    with pytest.raises(PracticeError, match="opens from age 14"):
        services.space_open(actor=practitioner, person=child, reason="x")
    unknown = PersonFactory(kind=PersonKind.RANGATAHI, date_of_birth=None)
    MembershipFactory(person=unknown, whanau=whanau)
    with pytest.raises(PracticeError, match="date of birth"):
        services.space_open(actor=practitioner, person=unknown, reason="x")
    teacher = PersonFactory(kind=PersonKind.PROFESSIONAL)
    MembershipFactory(person=teacher, whanau=whanau)
    with pytest.raises(PracticeError, match="not professionals"):
        services.space_open(actor=practitioner, person=teacher, reason="x")


def test_no_consented_channel_no_space(person, practitioner):
    person.email = "mere@example.org"
    person.save()  # an address, but no consent to be emailed
    with pytest.raises(PracticeError, match="consent"):
        services.space_open(actor=practitioner, person=person, reason="x")


def test_sign_in_with_a_code_then_the_home_page_is_audited_as_viewed_by_the_person(
    space_person, mailoutbox, django_assert_max_num_queries
):
    client = Client()
    code = sign_in(client, "MERE@example.org", mailoutbox)
    message = Message.objects.get(purpose="sign_in_code")
    assert message.person == space_person and code in mailoutbox[0].body
    row = SignInCode.objects.get()
    assert row.code_hash and code not in row.code_hash
    response = client.post(reverse("privacy:space_code"), {"code": code})
    assert response.status_code == 302
    with django_assert_max_num_queries(25):
        response = client.get(reverse("privacy:space_home"))
    assert response.status_code == 200
    assert "Kia ora, Mere" in response.content.decode()
    login = AuditEvent.objects.get(action="login")
    assert login.actor_username == f"person:{space_person.pk}"
    viewed = AuditEvent.objects.filter(action="view", summary__startswith="Viewed by the person")
    assert viewed.count() == 1
    # A code works once.
    other = Client()
    other.session["space_attempt"] = str(row.attempt)
    assert other.post(reverse("privacy:space_code"), {"code": code}).status_code in {302, 422}


def test_sign_in_by_mobile_number_in_any_local_form(space_person, settings, mailoutbox):
    client = Client()
    client.post(reverse("privacy:space_sign_in"), {"address": "+64 21 123 4567"})
    Worker().run_pending()
    text = Message.objects.get(purpose="sign_in_code")
    assert text.channel == "text" and text.to == "+64211234567"


def test_wrong_codes_are_limited_then_a_wait_told_plainly(space_person, mailoutbox):
    client = Client()
    code = sign_in(client, "mere@example.org", mailoutbox)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(services.MAX_WRONG_TRIES - 1):
        response = client.post(reverse("privacy:space_code"), {"code": wrong})
        assert response.status_code == 422
        assert "That code is not right" in response.content.decode()
    response = client.post(reverse("privacy:space_code"), {"code": wrong})
    assert "Too many wrong codes" in response.content.decode()
    assert "wait 15 minutes" in response.content.decode()
    # Even the right code waits now.
    response = client.post(reverse("privacy:space_code"), {"code": code})
    assert "Too many wrong codes" in response.content.decode()
    assert client.get(reverse("privacy:space_home")).status_code == 302


def test_an_expired_code_is_refused(space_person, mailoutbox):
    client = Client()
    code = sign_in(client, "mere@example.org", mailoutbox)
    SignInCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(reverse("privacy:space_code"), {"code": code})
    assert response.status_code == 422
    assert "expired" in response.content.decode()


def test_an_old_number_gets_no_code(space_person, mailoutbox):
    client = Client()
    client.post(reverse("privacy:space_sign_in"), {"address": "022 999 8888"})
    Worker().run_pending()
    assert not Message.objects.filter(purpose="sign_in_code").exists()
    response = client.post(reverse("privacy:space_code"), {"code": "123456"})
    assert response.status_code == 422
    assert "your worker needs to update it" in response.content.decode()


def test_a_shared_address_opens_nothing(space_person, whanau, practitioner, mailoutbox):
    from hononga.messaging.tests.conftest import give_consent
    from hononga.relationships.models import ConsentPurpose

    partner = PersonFactory(kind=PersonKind.PARENT, email="mere@example.org")
    MembershipFactory(person=partner, whanau=whanau)
    give_consent(partner, ConsentPurpose.CONTACT_EMAIL, practitioner)
    services.space_open(actor=practitioner, person=partner, reason="checked")
    client = Client()
    client.post(reverse("privacy:space_sign_in"), {"address": "mere@example.org"})
    Worker().run_pending()
    assert mailoutbox == []


def test_closing_the_space_ends_a_signed_in_session_at_once(
    space_client, space_person, practitioner_client
):
    assert space_client.get(reverse("privacy:space_home")).status_code == 200
    response = practitioner_client.post(reverse("privacy:space_close", args=[space_person.pk]))
    assert response.status_code == 302
    assert space_client.get(reverse("privacy:space_home")).status_code == 302


def test_every_sign_in_is_shown_to_the_practitioner(
    space_client, space_person, practitioner_client
):
    response = practitioner_client.get(reverse("whanau:person", args=[space_person.pk]))
    page = response.content.decode()
    assert "Whānau space" in page and "Recent sign-ins" in page
    assert "They have not signed in." not in page


def test_sign_in_page_rejects_an_empty_address(db):
    response = Client().post(reverse("privacy:space_sign_in"), {"address": ""})
    assert response.status_code == 422
    assert "Enter your mobile number or email address." in response.content.decode()


def test_the_space_is_in_te_reo_maori_with_macrons(space_client):
    from django.conf import settings as django_settings

    space_client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "mi"
    page = space_client.get(reverse("privacy:space_home")).content.decode()
    assert 'lang="mi"' in page
    assert "Tō wāhi whānau" in page and "Ōu taipitopito" in page
    assert "Kei te tatari tēnei reo Māori kia arotakehia" in page  # marked for review
    assert "Your details" not in page and "Your worker" not in page
    page = (
        Client().get(reverse("privacy:space_sign_in"), HTTP_ACCEPT_LANGUAGE="mi").content.decode()
    )
    assert "Takiuru ki tō wāhi whānau" in page
