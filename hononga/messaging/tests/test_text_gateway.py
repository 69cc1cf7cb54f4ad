"""Text messages through the HTTP gateway backend, against a fake gateway on localhost."""

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.utils import timezone

from hononga.messaging.models import Channel, MessageStatus
from hononga.messaging.services import message_send
from hononga.messaging.tasks import MAX_ATTEMPTS
from hononga.messaging.transports import callback_signature
from hononga.tasks.models import QueuedTask
from hononga.tasks.runner import Worker

pytestmark = pytest.mark.django_db


class FakeGateway:
    """Answers each request with the next planned reply: ("ok", id) | (status,) | ("slow", s)."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.plan: list[tuple] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.requests.append({"headers": dict(self.headers), "json": json.loads(body)})
                reply = gateway.plan.pop(0) if gateway.plan else ("ok", "gw-default")
                if reply[0] == "slow":
                    time.sleep(reply[1])
                    reply = ("ok", "gw-late")
                if reply[0] == "ok":
                    payload = json.dumps({"id": reply[1], "status": "queued"}).encode()
                    self.send_response(202)
                else:
                    payload = json.dumps({"error": "planned failure"}).encode()
                    self.send_response(reply[0])
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/messages"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    fake = FakeGateway()
    settings.TEXT_BACKEND = "hononga.messaging.transports.HttpGatewayTextBackend"
    settings.TEXT_GATEWAY_URL = fake.url
    settings.TEXT_GATEWAY_KEY = "test-gateway-key"
    settings.TEXT_GATEWAY_SENDER = "Hononga"
    settings.TEXT_GATEWAY_TIMEOUT = 0.5
    settings.SITE_URL = "https://hononga.agency.example.org"
    yield fake
    fake.close()


def queue_text(person, key="text:1"):
    return message_send(
        channel=Channel.TEXT, person=person, purpose="test", template="test",
        context={"sender": "Aroha"}, idempotency_key=key,
    )  # fmt: skip


def test_the_gateway_gets_the_message_with_key_and_idempotency_key(gateway, reachable_person):
    gateway.plan = [("ok", "gw-123")]
    message = queue_text(reachable_person)
    Worker().run_pending()
    (request,) = gateway.requests
    assert request["headers"]["Authorization"] == "Bearer test-gateway-key"
    assert request["headers"]["Idempotency-Key"] == str(message.delivery_key)
    assert request["json"] == {
        "to": "+64211234567",
        "from": "Hononga",
        "body": message.body_text,
        "reference": str(message.delivery_key),
        "status_callback": "https://hononga.agency.example.org/messaging/text-status/",
    }
    message.refresh_from_db()
    assert (message.status, message.provider_id, message.transport) == (
        MessageStatus.SENT,
        "gw-123",
        "http-gateway",
    )


def test_a_timeout_is_retried_with_the_same_idempotency_key(gateway, reachable_person):
    gateway.plan = [("slow", 1.5), ("ok", "gw-456")]
    with time_machine.travel(timezone.now(), tick=True) as clock:
        message = queue_text(reachable_person)
        Worker().run_pending()
        message.refresh_from_db()
        assert message.status == MessageStatus.QUEUED
        assert message.last_error == "The gateway did not answer within 0.5 s."
        clock.shift(timedelta(minutes=1))
        Worker().run_pending()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 2
    # The only way it can arrive twice: both requests carry one key for the gateway to dedupe.
    keys = {request["headers"]["Idempotency-Key"] for request in gateway.requests}
    assert keys == {str(message.delivery_key)} and len(gateway.requests) == 2


def test_500s_are_retried_with_backoff_then_the_message_is_failed_never_lost(
    gateway, reachable_person
):
    gateway.plan = [(500,)] * MAX_ATTEMPTS
    started = timezone.now()
    with time_machine.travel(started, tick=False) as clock:
        message = queue_text(reachable_person)
        gaps = []
        for attempt in range(1, MAX_ATTEMPTS + 1):
            assert Worker().run_pending() == 1, attempt
            message.refresh_from_db()
            if attempt < MAX_ATTEMPTS:
                due = QueuedTask.objects.get().run_after
                gaps.append((due - timezone.now()).total_seconds())
                clock.move_to(due)
    # 30 s doubling, each up to a quarter longer: 30, 60, 120, 240, 480 s.
    for gap, base in zip(gaps, [30, 60, 120, 240, 480], strict=True):
        assert base <= gap <= base * 1.25
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.attempts == MAX_ATTEMPTS
    assert message.last_error.startswith("The gateway answered 500")
    assert len(gateway.requests) == MAX_ATTEMPTS


def test_a_rejected_number_fails_at_once(gateway, reachable_person):
    gateway.plan = [(400,)]
    message = queue_text(reachable_person)
    Worker().run_pending()
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.attempts == 1
    assert "The gateway answered 400" in message.last_error


def test_an_unreachable_gateway_is_a_reason_too(gateway, reachable_person, settings):
    settings.TEXT_GATEWAY_URL = "http://127.0.0.1:9/nothing-listens"
    message = queue_text(reachable_person)
    Worker().run_pending()
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert message.last_error.startswith("Could not reach the gateway")


# -- delivery reports -------------------------------------------------------------------------


SECRET = "callback-secret"


def report(client, payload, signature=None):
    body = json.dumps(payload).encode()
    return client.post(
        "/messaging/text-status/",
        data=body,
        content_type="application/json",
        headers={"X-Hononga-Signature": signature or callback_signature(body, SECRET)},
    )


@pytest.fixture
def sent_text(gateway, reachable_person, settings):
    settings.TEXT_GATEWAY_CALLBACK_SECRET = "callback-secret"
    gateway.plan = [("ok", "gw-789")]
    message = queue_text(reachable_person)
    Worker().run_pending()
    message.refresh_from_db()
    return message


def test_a_signed_delivery_report_marks_the_message_delivered(client, sent_text):
    response = report(client, {"reference": str(sent_text.delivery_key), "status": "delivered"})
    assert response.status_code == 204
    sent_text.refresh_from_db()
    assert sent_text.status == MessageStatus.DELIVERED and sent_text.delivered_at


def test_a_failure_report_by_provider_id_keeps_the_reason(client, sent_text):
    response = report(client, {"id": "gw-789", "status": "undelivered", "reason": "Phone off"})
    assert response.status_code == 204
    sent_text.refresh_from_db()
    assert sent_text.status == MessageStatus.FAILED and sent_text.last_error == "Phone off"


def test_reports_that_are_unsigned_or_wrong_change_nothing(client, sent_text, settings):
    ref = str(sent_text.delivery_key)
    forged = report(client, {"reference": ref, "status": "failed"}, signature="sha256=00")
    assert forged.status_code == 403
    assert forged["Content-Type"] == "application/problem+json"
    assert report(client, {"reference": ref, "status": "lost"}).status_code == 422
    assert report(client, {"reference": "not-a-key", "status": "failed"}).status_code == 422
    missing = {"reference": "00000000-0000-0000-0000-000000000000", "status": "failed"}
    assert report(client, missing).status_code == 404
    body = b"not json"
    not_json = client.post(
        "/messaging/text-status/", data=body, content_type="application/json",
        headers={"X-Hononga-Signature": callback_signature(body, "callback-secret")},
    )  # fmt: skip
    assert not_json.status_code == 400
    assert client.get("/messaging/text-status/").status_code == 405
    sent_text.refresh_from_db()
    assert sent_text.status == MessageStatus.SENT
    settings.TEXT_GATEWAY_CALLBACK_SECRET = ""
    assert report(client, {"reference": ref, "status": "failed"}).status_code == 404
