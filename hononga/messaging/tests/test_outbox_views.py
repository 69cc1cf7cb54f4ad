import pytest
from django.urls import reverse

from hononga.audit.models import AuditEvent
from hononga.conftest import client_for
from hononga.messaging.models import Channel, Message, MessageStatus
from hononga.messaging.services import message_send
from hononga.tasks.runner import Worker

pytestmark = pytest.mark.django_db


def make_messages(count):
    for n in range(count):
        message_send(
            channel=Channel.EMAIL, to=f"kaimahi{n}@example.org", purpose="test",
            template="test", context={"sender": "Aroha"}, idempotency_key=f"t:{n}",
        )  # fmt: skip


def test_administrators_see_the_outbox_newest_first_a_page_at_a_time(
    admin_client_, django_assert_max_num_queries
):
    make_messages(55)
    with django_assert_max_num_queries(15):
        response = admin_client_.get(reverse("messaging:outbox"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "55 messages" in page
    assert "kaimahi54@example.org" in page and "kaimahi4@example.org" not in page
    assert "Development outbox." in page  # the notice that links show in full here
    second = admin_client_.get(reverse("messaging:outbox") + "?page=2").content.decode()
    assert "kaimahi4@example.org" in second
    assert AuditEvent.objects.filter(action="list", summary="Listed the outbox").count() == 2


def test_the_outbox_filters_and_refuses_a_bad_filter(admin_client_):
    make_messages(2)
    Message.objects.filter(to="kaimahi0@example.org").update(status=MessageStatus.FAILED)
    failed = admin_client_.get(reverse("messaging:outbox") + "?status=failed").content.decode()
    assert "kaimahi0@example.org" in failed and "kaimahi1@example.org" not in failed
    bad = admin_client_.get(reverse("messaging:outbox") + "?status=lost")
    assert bad.status_code == 400
    assert "Select a valid choice" in bad.content.decode()


def test_an_empty_outbox_says_what_to_do(admin_client_):
    page = admin_client_.get(reverse("messaging:outbox")).content.decode()
    assert "No messages yet. Send a test message below" in page


def test_one_message_shows_its_text_html_status_and_reason(admin_client_):
    make_messages(1)
    message = Message.objects.get()
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.FAILED, attempts=6, last_error="The gateway answered 500"
    )
    response = admin_client_.get(reverse("messaging:message", args=[message.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Hononga test message" in page and "sent by Aroha" in page
    assert "The gateway answered 500" in page and "Failed" in page
    assert reverse("messaging:message_html", args=[message.pk]) in page
    html = admin_client_.get(reverse("messaging:message_html", args=[message.pk]))
    assert html.status_code == 200 and b"sent by Aroha" in html.content
    assert html["Content-Security-Policy"].startswith("sandbox;")
    assert AuditEvent.objects.filter(action="view", target_id=str(message.pk)).count() == 2


def test_production_says_nothing_about_links_shown_in_full(admin_client_, settings):
    settings.MESSAGES_SHOW_SECRETS = False
    page = admin_client_.get(reverse("messaging:outbox")).content.decode()
    assert "Development outbox." not in page


@pytest.mark.parametrize("who", ["practitioner", "supervisor", "facilitator"])
def test_staff_other_than_administrators_get_404(request, who):
    make_messages(1)
    client = client_for(request.getfixturevalue(who))
    message = Message.objects.get()
    assert client.get(reverse("messaging:outbox")).status_code == 404
    assert client.get(reverse("messaging:message", args=[message.pk])).status_code == 404
    assert client.get(reverse("messaging:message_html", args=[message.pk])).status_code == 404
    sent = client.post(reverse("messaging:outbox_test"), {"channel": "email", "to": "a@b.nz"})
    assert sent.status_code == 404
    assert Message.objects.count() == 1


def test_an_administrator_sends_a_test_message(admin_client_):
    response = admin_client_.post(
        reverse("messaging:outbox_test"), {"channel": "text", "to": "021 123 4567"}
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert (message.channel, message.to, message.purpose) == ("text", "+64211234567", "test")
    Worker().run_pending()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.transport == "outbox"
    assert AuditEvent.objects.filter(action="create", target_id=str(message.pk)).exists()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"channel": "text", "to": "09 379 0000"}, "landline or service number"),
        ({"channel": "email", "to": "aroha@"}, "like name@example.org"),
        ({"channel": "pigeon", "to": "x"}, "Select a valid choice"),
        ({"channel": "email", "to": ""}, "This field is required"),
    ],
)
def test_a_bad_test_message_gets_a_clear_message_beside_the_field(admin_client_, data, says):
    response = admin_client_.post(reverse("messaging:outbox_test"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and says in page
    assert not Message.objects.exists()
