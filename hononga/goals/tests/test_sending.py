"""Sending a goal link from Hononga by text message or email (issue 16, point 4): the same
consent, token-in-task, masking and resend/revoke rules as check-in links."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from hononga.audit.models import AuditEvent
from hononga.checkins import sending as checkin_sending
from hononga.checkins import services as checkin_services
from hononga.conftest import bearer
from hononga.core.errors import NotFound, PracticeError
from hononga.goals import sending, services
from hononga.goals.models import GoalLink, GoalLinkSend, GoalRating
from hononga.goals.tests import factories as gf
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
def reachable(consented, practitioner, whanau):
    """Mere: consent to check-ins, a mobile and an email, consent to both channels; a goal."""
    consented.phone = "021 123 4567"
    consented.email = "mere@example.org"
    consented.save()
    give_channel_consent(consented, ConsentPurpose.CONTACT_TEXT, practitioner)
    give_channel_consent(consented, ConsentPurpose.CONTACT_EMAIL, practitioner)
    gf.goal(whanau, consented, "Be home for tea")
    return consented


def make_link(practitioner, whanau, person, *, issue_token=False, **kwargs):
    link, raw, _path = services.link_create(
        actor=practitioner,
        whanau_id=whanau.pk,
        rater_id=person.pk,
        issue_token=issue_token,
        **kwargs,
    )
    return link, raw


def token_in(text, prefix="g"):
    match = re.search(rf"/{prefix}/([A-Za-z0-9_-]+)/", text)
    assert match, text
    return match.group(1)


def test_it_queues_a_text_and_the_worker_makes_the_token(practitioner, whanau, reachable):
    link, raw = make_link(practitioner, whanau, reachable)
    assert raw == ""
    with pytest.raises(services.LinkUnavailable):
        services.link_open("x" * 43)
    send = sending.goal_link_send(actor=practitioner, link_id=link.pk, channel="text")
    message = send.message
    assert message.status == MessageStatus.QUEUED and message.to == "+64211234567"
    # Nothing secret is queued: the task holds the message id; the builder, the send id.
    (task,) = QueuedTask.objects.all()
    assert task.arguments == {"args": [message.pk], "kwargs": {}}
    assert message.builder_kwargs == {"send_id": send.pk}
    assert Worker().run_pending() == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert "Aroha would like to hear how close you are to your goals" in message.body_text
    token = token_in(message.body_text)
    assert services.link_open(token).link.pk == link.pk
    event = AuditEvent.objects.filter(summary__startswith="Queued a one-time goal link").get()
    assert event.data["channel"] == "text" and token not in str(event.data)
    # The link page says who sent it.
    page = Client().get(reverse("goals:answer", args=[token])).content.decode()
    assert "Aroha sent you this link." in page and "Be home for tea" in page


def test_in_production_the_stored_copy_masks_the_link(
    practitioner, whanau, reachable, mailoutbox, settings
):
    settings.MESSAGES_SHOW_SECRETS = False
    link, _ = make_link(practitioner, whanau, reachable)
    send = sending.goal_link_send(actor=practitioner, link_id=link.pk, channel="email")
    Worker().run_pending()
    send.message.refresh_from_db()
    assert "[hidden]" in send.message.body_text and "/g/" not in send.message.body_text
    assert "[hidden]" in send.message.body_html and send.message.secrets_masked
    (mail,) = mailoutbox
    assert mail.to == ["mere@example.org"]
    assert services.link_open(token_in(mail.body)).link.pk == link.pk


def test_sending_again_makes_a_new_token_and_the_old_one_stops_working(
    practitioner, whanau, reachable
):
    link, raw = make_link(practitioner, whanau, reachable, issue_token=True)
    first = sending.goal_link_send(actor=practitioner, link_id=link.pk, channel="text")
    Worker().run_pending()
    first.message.refresh_from_db()
    old = token_in(first.message.body_text)
    with pytest.raises(services.LinkUnavailable):
        services.link_open(raw)  # the copied token stopped working
    second = sending.goal_link_send(actor=practitioner, link_id=link.pk, channel="email")
    Worker().run_pending()
    second.message.refresh_from_db()
    new = token_in(second.message.body_text)
    with pytest.raises(services.LinkUnavailable):
        services.link_open(old)
    assert services.link_open(new).link.pk == link.pk


def test_a_combined_link_sends_the_check_in_first_then_the_goals(
    practitioner, whanau, reachable, relationship
):
    link, _ = make_link(practitioner, whanau, reachable, checkin_relationship_id=relationship.pk)
    send = sending.goal_link_send(actor=practitioner, link_id=link.pk, channel="text")
    Worker().run_pending()
    send.message.refresh_from_db()
    token = token_in(send.message.body_text, prefix="c")
    assert "how working together and your goals are going" in send.message.body_text
    assert checkin_services.link_open(token).link.pk == link.checkin_link_id
    assert services.link_after_checkin(token) == f"/g/{token}/?after=checkin"


def test_a_send_replaced_or_a_link_revoked_before_the_worker_ran_is_not_sent(
    practitioner, whanau, reachable, relationship
):
    link, _ = make_link(practitioner, whanau, reachable)
    first = sending.goal_link_send(actor=practitioner, link_id=link.pk, channel="text")
    second = sending.goal_link_send(actor=practitioner, link_id=link.pk, channel="text")
    Worker().run_pending()
    first.message.refresh_from_db()
    second.message.refresh_from_db()
    assert first.message.status == MessageStatus.FAILED and "sent again" in first.message.last_error
    assert second.message.status == MessageStatus.SENT
    combined, _ = make_link(
        practitioner, whanau, reachable, checkin_relationship_id=relationship.pk
    )
    send = sending.goal_link_send(actor=practitioner, link_id=combined.pk, channel="text")
    services.link_revoke(actor=practitioner, link_id=combined.pk)
    Worker().run_pending()
    send.message.refresh_from_db()
    assert send.message.status == MessageStatus.FAILED and "revoked" in send.message.last_error
    combined.checkin_link.refresh_from_db()
    assert combined.checkin_link.revoked_at is not None  # the check-in it carried stops too
    with pytest.raises(PracticeError, match="revoked"):
        sending.goal_link_send(actor=practitioner, link_id=combined.pk, channel="text")


@pytest.mark.parametrize(
    ("channel", "purpose", "expected"),
    [
        ("text", ConsentPurpose.CONTACT_TEXT, "not consented to be contacted by text"),
        ("email", ConsentPurpose.CONTACT_EMAIL, "not consented to be contacted by email"),
    ],
)
def test_it_refuses_a_channel_without_consent(
    practitioner, whanau, reachable, channel, purpose, expected
):
    give_channel_consent(reachable, purpose, practitioner, status=ConsentStatus.WITHDRAWN)
    link, _ = make_link(practitioner, whanau, reachable)
    with pytest.raises(PracticeError, match=expected):
        sending.goal_link_send(actor=practitioner, link_id=link.pk, channel=channel)
    assert not GoalLinkSend.objects.exists() and not Message.objects.exists()


def test_it_refuses_no_number_a_landline_a_hidden_link_and_too_many_sends(
    practitioner, outsider, whanau, reachable
):
    link, _ = make_link(practitioner, whanau, reachable)
    with pytest.raises(NotFound):
        sending.goal_link_send(actor=outsider, link_id=link.pk, channel="text")
    reachable.phone = ""
    reachable.save()
    with pytest.raises(PracticeError, match="no mobile number recorded"):
        sending.goal_link_send(actor=practitioner, link_id=link.pk, channel="text")
    reachable.phone = "09 379 0000"
    reachable.save()
    with pytest.raises(PracticeError, match="landline"):
        sending.goal_link_send(actor=practitioner, link_id=link.pk, channel="text")
    with pytest.raises(PracticeError, match="Choose text message or email"):
        sending.goal_link_send(actor=practitioner, link_id=link.pk, channel="pigeon")
    assert not GoalLinkSend.objects.exists() and not QueuedTask.objects.exists()
    for _ in range(checkin_sending.SENDS_PER_LINK_PER_DAY):
        sending.goal_link_send(actor=practitioner, link_id=link.pk, channel="email")
    with pytest.raises(checkin_sending.TooManySends):
        sending.goal_link_send(actor=practitioner, link_id=link.pk, channel="email")
    # Goal and check-in links to one person count together: five a day, whatever for.
    others = [make_link(practitioner, whanau, reachable)[0] for _ in range(2)]
    for other in others:
        sending.goal_link_send(actor=practitioner, link_id=other.pk, channel="email")
    last, _ = make_link(practitioner, whanau, reachable)
    with pytest.raises(checkin_sending.TooManySends, match="5 links in the last day"):
        sending.goal_link_send(actor=practitioner, link_id=last.pk, channel="email")


def test_the_page_makes_and_sends_in_one_step_then_sends_again_and_revokes(
    practitioner_client, outsider_client, whanau, reachable, django_assert_max_num_queries
):
    url = reverse("goals:link_new", args=[whanau.pk])
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
    link = GoalLink.objects.get()
    assert link.sends.get().channel == "text"
    Worker().run_pending()
    with django_assert_max_num_queries(30):
        page = practitioner_client.get(url)
    html = page.content.decode()
    assert "on its way to Mere by text message" in html
    assert "By text message, by Aroha" in html and "Send again to Mere (new link)" in html
    send_url = reverse("goals:link_send", args=[link.pk])
    assert outsider_client.post(send_url, {"channel": "text"}).status_code == 404
    again = practitioner_client.post(send_url, {"channel": "email"}, follow=True)
    assert "on its way to Mere by email" in again.content.decode()
    bad = practitioner_client.post(send_url, {"channel": "fax"}, follow=True)
    assert "Choose text message or email" in bad.content.decode()
    assert GoalLinkSend.objects.count() == 2
    revoke_url = reverse("goals:link_revoke", args=[link.pk])
    assert outsider_client.post(revoke_url).status_code == 404
    revoked = practitioner_client.post(revoke_url, follow=True)
    assert "The link was revoked" in revoked.content.decode()
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_the_page_shows_a_refusal_beside_the_choice_and_makes_no_link(
    practitioner_client, whanau, consented
):
    gf.goal(whanau, consented)
    response = practitioner_client.post(
        reverse("goals:link_new", args=[whanau.pk]),
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
    assert not GoalLink.objects.exists()


def test_the_api_makes_sends_lists_and_revokes(practitioner, outsider, whanau, reachable):
    client = Client(**bearer(practitioner))
    made = client.post(
        "/api/v1/goal-links",
        {"whanau": whanau.pk, "rater": reachable.pk, "send_by": "email"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["token"] == "" and body["url"] == "" and body["send"] is not None
    link_id = body["id"]
    response = client.post(
        f"/api/v1/goal-links/{link_id}/send", {"channel": "text"}, content_type="application/json"
    )
    assert response.status_code == 202 and response.json()["status"] == "queued"
    assert "/g/" not in response.content.decode()
    Worker().run_pending()
    listed = client.get(f"/api/v1/goal-links/{link_id}/sends").json()
    assert listed["count"] == 2 and listed["items"][0]["status"] == "sent"
    outsider_client = Client(**bearer(outsider))
    assert outsider_client.get(f"/api/v1/goal-links/{link_id}/sends").status_code == 404
    assert (
        outsider_client.post(
            f"/api/v1/goal-links/{link_id}/send",
            {"channel": "text"},
            content_type="application/json",
        ).status_code
        == 404
    )
    bad = client.post(
        f"/api/v1/goal-links/{link_id}/send", {"channel": "fax"}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    revoked = client.post(f"/api/v1/goal-links/{link_id}/revoke")
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    copy = client.post(
        "/api/v1/goal-links",
        {"whanau": whanau.pk, "rater": reachable.pk},
        content_type="application/json",
    ).json()
    assert copy["token"] and copy["url"].endswith(f"/g/{copy['token']}/")
    answered = Client().post(copy["url"], {f"goal-{copy['goals'][0]}": "6"})
    assert answered.status_code == 302 and GoalRating.objects.get().value == 6


def test_a_te_reo_link_is_sent_in_te_reo(practitioner, whanau, reachable):
    link, _ = make_link(practitioner, whanau, reachable, language="mi")
    send = sending.goal_link_send(actor=practitioner, link_id=link.pk, channel="text")
    Worker().run_pending()
    send.message.refresh_from_db()
    assert send.message.language == "mi"
    token = token_in(send.message.body_text)
    page = Client().get(reverse("goals:answer", args=[token])).content.decode()
    assert "Nā Aroha tēnei hononga i tuku atu ki a koe." in page
    assert "e hiahia ana a Aroha ki te rongo" in send.message.body_text
