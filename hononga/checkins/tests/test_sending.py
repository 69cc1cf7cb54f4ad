"""Sending a check-in link from Hononga by text message or email (issue 16, point 4)."""

import re

import pytest
from django.urls import reverse

from hononga.audit.models import AuditEvent
from hononga.checkins import sending, services
from hononga.checkins.models import CheckInLink, CheckInLinkSend
from hononga.core.errors import PracticeError
from hononga.messaging.models import Message, MessageStatus
from hononga.messaging.tests.conftest import give_consent as give_channel_consent
from hononga.relationships.models import ConsentPurpose, ConsentStatus
from hononga.tasks.models import QueuedTask
from hononga.tasks.runner import Worker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_schedule(settings):
    settings.TASKS_SCHEDULE = "hononga.tasks.tests.sample_schedule.NONE"
    settings.SITE_URL = "https://hononga.example.org"


@pytest.fixture
def reachable(consented, practitioner):
    """Mere: consent to check-ins, a mobile and an email, consent to both channels."""
    consented.phone = "021 123 4567"
    consented.email = "mere@example.org"
    consented.save()
    give_channel_consent(consented, ConsentPurpose.CONTACT_TEXT, practitioner)
    give_channel_consent(consented, ConsentPurpose.CONTACT_EMAIL, practitioner)
    return consented


def make_link(practitioner, relationship, person, *, issue_token=False):
    link, raw = services.link_create(
        actor=practitioner,
        relationship_id=relationship.pk,
        rater_id=person.pk,
        issue_token=issue_token,
    )
    return link, raw


def token_in(text):
    match = re.search(r"/c/([A-Za-z0-9_-]+)/", text)
    assert match, text
    return match.group(1)


def test_it_queues_a_text_and_the_worker_makes_the_token(
    practitioner, relationship, reachable, mailoutbox
):
    link, raw = make_link(practitioner, relationship, reachable)
    assert raw == "" and link.token_hash is None
    send = sending.link_send(actor=practitioner, link_id=link.pk, channel="text")
    message = send.message
    assert message.status == MessageStatus.QUEUED and message.to == "+64211234567"
    # Nothing secret is queued: the task holds the message id; the builder, the send id.
    (task,) = QueuedTask.objects.all()
    assert task.arguments == {"args": [message.pk], "kwargs": {}}
    assert message.builder_kwargs == {"send_id": send.pk}
    assert Worker().run_pending() == 1
    message.refresh_from_db()
    link.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert "Aroha would like to hear how working together is going" in message.body_text
    token = token_in(message.body_text)  # tests show secrets (MESSAGES_SHOW_SECRETS)
    assert link.token_hash == services.hash_token(token)
    assert services.link_open(token).link.pk == link.pk
    # The audit trail says who sent it and how, never the token.
    event = AuditEvent.objects.filter(summary__startswith="Queued a one-time").get()
    assert event.data["channel"] == "text" and token not in str(event.data)


def test_in_production_the_stored_copy_masks_the_link(
    practitioner, relationship, reachable, mailoutbox, settings
):
    settings.MESSAGES_SHOW_SECRETS = False
    link, _ = make_link(practitioner, relationship, reachable)
    send = sending.link_send(actor=practitioner, link_id=link.pk, channel="email")
    Worker().run_pending()
    send.message.refresh_from_db()
    assert "[hidden]" in send.message.body_text and "/c/" not in send.message.body_text
    assert "[hidden]" in send.message.body_html and send.message.secrets_masked
    (mail,) = mailoutbox
    token = token_in(mail.body)
    assert mail.to == ["mere@example.org"]
    assert services.link_open(token).link.pk == link.pk


def test_sending_again_makes_a_new_token_and_the_old_one_stops_working(
    practitioner, relationship, reachable
):
    link, raw = make_link(practitioner, relationship, reachable, issue_token=True)
    first = sending.link_send(actor=practitioner, link_id=link.pk, channel="text")
    Worker().run_pending()
    first.message.refresh_from_db()
    old = token_in(first.message.body_text)
    assert old != raw
    with pytest.raises(services.LinkUnavailable):
        services.link_open(raw)  # the copied token stopped working
    second = sending.link_send(actor=practitioner, link_id=link.pk, channel="email")
    Worker().run_pending()
    second.message.refresh_from_db()
    new = token_in(second.message.body_text)
    with pytest.raises(services.LinkUnavailable):
        services.link_open(old)
    assert services.link_open(new).link.pk == link.pk


def test_a_send_replaced_before_the_worker_ran_is_not_sent(practitioner, relationship, reachable):
    link, _ = make_link(practitioner, relationship, reachable)
    first = sending.link_send(actor=practitioner, link_id=link.pk, channel="text")
    second = sending.link_send(actor=practitioner, link_id=link.pk, channel="text")
    Worker().run_pending()
    first.message.refresh_from_db()
    second.message.refresh_from_db()
    assert first.message.status == MessageStatus.FAILED
    assert "sent again" in first.message.last_error
    assert second.message.status == MessageStatus.SENT


def test_a_link_revoked_before_sending_is_not_sent(practitioner, relationship, reachable):
    link, _ = make_link(practitioner, relationship, reachable)
    send = sending.link_send(actor=practitioner, link_id=link.pk, channel="text")
    services.link_revoke(actor=practitioner, link_id=link.pk)
    Worker().run_pending()
    send.message.refresh_from_db()
    link.refresh_from_db()
    assert send.message.status == MessageStatus.FAILED
    assert "revoked" in send.message.last_error and link.token_hash is None


@pytest.mark.parametrize(
    ("channel", "purpose", "expected"),
    [
        ("text", ConsentPurpose.CONTACT_TEXT, "not consented to be contacted by text"),
        ("email", ConsentPurpose.CONTACT_EMAIL, "not consented to be contacted by email"),
    ],
)
def test_it_refuses_a_channel_without_consent(
    practitioner, relationship, reachable, channel, purpose, expected
):
    give_channel_consent(reachable, purpose, practitioner, status=ConsentStatus.WITHDRAWN)
    link, _ = make_link(practitioner, relationship, reachable)
    with pytest.raises(PracticeError, match=expected):
        sending.link_send(actor=practitioner, link_id=link.pk, channel=channel)
    assert not CheckInLinkSend.objects.exists() and not Message.objects.exists()


def test_it_refuses_without_a_number_or_an_invalid_one(practitioner, relationship, reachable):
    link, _ = make_link(practitioner, relationship, reachable)
    reachable.phone = ""
    reachable.save()
    with pytest.raises(PracticeError, match="no mobile number recorded"):
        sending.link_send(actor=practitioner, link_id=link.pk, channel="text")
    reachable.phone = "09 379 0000"
    reachable.save()
    with pytest.raises(PracticeError, match="landline"):
        sending.link_send(actor=practitioner, link_id=link.pk, channel="text")
    with pytest.raises(PracticeError, match="Choose text message or email"):
        sending.link_send(actor=practitioner, link_id=link.pk, channel="pigeon")
    assert not CheckInLinkSend.objects.exists() and not QueuedTask.objects.exists()


def test_it_refuses_a_used_revoked_or_hidden_link(practitioner, outsider, relationship, reachable):
    link, _ = make_link(practitioner, relationship, reachable)
    with pytest.raises(services.NotFound):
        sending.link_send(actor=outsider, link_id=link.pk, channel="text")
    services.link_revoke(actor=practitioner, link_id=link.pk)
    with pytest.raises(PracticeError, match="revoked"):
        sending.link_send(actor=practitioner, link_id=link.pk, channel="text")


def test_it_limits_sends_per_link_a_day(practitioner, relationship, reachable):
    link, _ = make_link(practitioner, relationship, reachable)
    for _ in range(sending.SENDS_PER_LINK_PER_DAY):
        sending.link_send(actor=practitioner, link_id=link.pk, channel="text")
    with pytest.raises(sending.TooManySends) as caught:
        sending.link_send(actor=practitioner, link_id=link.pk, channel="text")
    assert caught.value.status == 429
    assert CheckInLinkSend.objects.count() == sending.SENDS_PER_LINK_PER_DAY


def test_the_page_makes_and_sends_in_one_step(
    practitioner_client, relationship, reachable, django_assert_max_num_queries
):
    url = reverse("checkins:link_new", args=[relationship.pk])
    response = practitioner_client.post(
        url,
        {
            "rater": reachable.pk,
            "form": "adult",
            "language": "en",
            "expires_in_days": 7,
            "send_by": "text",
        },
    )
    assert response.status_code == 302
    link = CheckInLink.objects.get()
    assert link.token_hash is None and link.sends.get().channel == "text"
    page = practitioner_client.get(response["Location"])
    assert "on its way to Mere by text message" in page.content.decode()
    Worker().run_pending()
    with django_assert_max_num_queries(30):
        page = practitioner_client.get(reverse("checkins:relationship", args=[relationship.pk]))
    html = page.content.decode()
    assert "By text message, by Aroha" in html and "Sent" in html
    assert "Send again to Mere (new link)" in html


def test_the_page_shows_a_refusal_beside_the_choice_and_makes_no_link(
    practitioner_client, relationship, consented
):
    response = practitioner_client.post(
        reverse("checkins:link_new", args=[relationship.pk]),
        {
            "rater": consented.pk,
            "form": "adult",
            "language": "en",
            "expires_in_days": 7,
            "send_by": "email",
        },
    )
    assert response.status_code == 422
    assert "Mere has no email address recorded" in response.content.decode()
    assert not CheckInLink.objects.exists()


def test_the_page_still_offers_the_link_to_copy(practitioner_client, relationship, consented):
    response = practitioner_client.post(
        reverse("checkins:link_new", args=[relationship.pk]),
        {
            "rater": consented.pk,
            "form": "adult",
            "language": "en",
            "expires_in_days": 7,
            "send_by": "copy",
        },
    )
    assert response.status_code == 200 and "/c/" in response.content.decode()
    assert not Message.objects.exists()


def test_send_again_from_the_relationship_page(
    practitioner_client, outsider_client, practitioner, relationship, reachable
):
    link, _ = make_link(practitioner, relationship, reachable)
    url = reverse("checkins:link_send", args=[link.pk])
    assert outsider_client.post(url, {"channel": "text"}).status_code == 404
    assert practitioner_client.get(url).status_code == 405
    response = practitioner_client.post(url, {"channel": "email"}, follow=True)
    assert "on its way to Mere by email" in response.content.decode()
    bad = practitioner_client.post(url, {"channel": "fax"}, follow=True)
    assert "Choose text message or email" in bad.content.decode()
    assert CheckInLinkSend.objects.count() == 1


# --- API


def test_the_api_sends_a_link_and_reports_its_delivery(practitioner, relationship, reachable):
    from django.test import Client

    from hononga.conftest import bearer

    link, _ = make_link(practitioner, relationship, reachable)
    client = Client(**bearer(practitioner))
    url = f"/api/v1/check-in-links/{link.pk}/send"
    response = client.post(url, {"channel": "text"}, content_type="application/json")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued" and body["channel"] == "text"
    assert "token" not in body and "/c/" not in response.content.decode()
    Worker().run_pending()
    listed = client.get(f"/api/v1/check-in-links/{link.pk}/sends").json()
    assert listed["items"][0]["status"] == "sent" and listed["count"] == 1


def test_the_api_refuses_bad_input_with_problems(practitioner, outsider, relationship, reachable):
    from django.test import Client

    from hononga.conftest import bearer

    link, _ = make_link(practitioner, relationship, reachable)
    client = Client(**bearer(practitioner))
    url = f"/api/v1/check-in-links/{link.pk}/send"
    bad = client.post(url, {"channel": "fax"}, content_type="application/json")
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    extra = client.post(url, {"channel": "text", "to": "+6421"}, content_type="application/json")
    assert extra.status_code == 422
    hidden = Client(**bearer(outsider)).post(
        url, {"channel": "text"}, content_type="application/json"
    )
    assert hidden.status_code == 404
    assert (
        Client(**bearer(outsider)).get(f"/api/v1/check-in-links/{link.pk}/sends").status_code == 404
    )
    for _ in range(sending.SENDS_PER_LINK_PER_DAY):
        assert (
            client.post(url, {"channel": "text"}, content_type="application/json").status_code
            == 202
        )
    limited = client.post(url, {"channel": "text"}, content_type="application/json")
    assert limited.status_code == 429 and limited["Content-Type"] == "application/problem+json"
    reachable.email = ""
    reachable.save()
    link2, _ = make_link(practitioner, relationship, reachable)
    none = client.post(
        f"/api/v1/check-in-links/{link2.pk}/send",
        {"channel": "email"},
        content_type="application/json",
    )
    assert none.status_code == 422 and "no email address" in none.json()["detail"]


def test_a_te_reo_link_is_sent_in_te_reo(practitioner, relationship, reachable):
    link, _ = services.link_create(
        actor=practitioner,
        relationship_id=relationship.pk,
        rater_id=reachable.pk,
        language="mi",
        issue_token=False,
    )
    send = sending.link_send(actor=practitioner, link_id=link.pk, channel="text")
    Worker().run_pending()
    send.message.refresh_from_db()
    assert send.message.language == "mi"
    assert "e hiahia ana a Aroha ki te rongo" in send.message.body_text
