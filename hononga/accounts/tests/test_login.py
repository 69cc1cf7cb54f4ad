"""Logging in and out: audit events, throttling with a clear message, session expiry,
password change."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from hononga.audit.models import Action, AuditEvent
from hononga.factories import TEST_PASSWORD

LOGIN = "/accounts/login/"
NEW_PASSWORD = "he-kupu-hou-2026"


def _log_in(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def test_login_and_logout_are_audited(practitioner):
    client = Client()
    response = _log_in(client, "practitioner", TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    event = AuditEvent.objects.get(action=Action.LOGIN)
    assert event.actor_id == practitioner.pk
    assert event.ip_address == "127.0.0.1"
    client.post("/accounts/logout/")
    assert AuditEvent.objects.filter(action=Action.LOGOUT, actor_id=practitioner.pk).exists()
    assert client.get("/").status_code == 302


def test_a_failed_login_is_audited_with_the_attempted_username(practitioner):
    response = _log_in(Client(), "practitioner", "wrong-password")
    assert response.status_code == 200
    assert "username or password is not right" in response.content.decode()
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.actor_id is None
    assert event.actor_username == "practitioner"
    assert "wrong-password" not in event.summary + str(event.data)


def test_an_unknown_username_gets_the_same_message(db):
    response = _log_in(Client(), "nobody", "whatever-password")
    assert "username or password is not right" in response.content.decode()
    assert AuditEvent.objects.get(action=Action.LOGIN_FAILED).actor_username == "nobody"


def test_after_five_failures_the_account_is_locked_with_a_clear_message(practitioner):
    client = Client()
    for _n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _log_in(client, "practitioner", "wrong-password").status_code == 200
    response = _log_in(client, "practitioner", "wrong-password")
    assert response.status_code == 429
    text = response.content.decode()
    assert "login is locked for 15 minutes" in text
    assert "ask an administrator" in text
    # Even the right password is refused while locked.
    response = _log_in(client, "practitioner", TEST_PASSWORD)
    assert response.status_code == 429
    assert not AuditEvent.objects.filter(action=Action.LOGIN).exists()
    assert client.get("/").status_code == 302
    # Another account from the same address is not locked.


def test_the_lock_lifts_after_the_cool_off(practitioner, time_machine):
    client = Client()
    for _n in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "practitioner", "wrong-password")
    assert _log_in(client, "practitioner", TEST_PASSWORD).status_code == 429
    time_machine.move_to(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1))
    assert _log_in(client, "practitioner", TEST_PASSWORD).status_code == 302


def test_the_lock_is_per_username(practitioner, practitioner2):
    client = Client()
    for _n in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "practitioner", "wrong-password")
    assert _log_in(client, "practitioner2", TEST_PASSWORD).status_code == 302


def test_a_successful_login_resets_the_failure_count(practitioner):
    client = Client()
    for _n in range(settings.AXES_FAILURE_LIMIT - 1):
        _log_in(client, "practitioner", "wrong-password")
    assert _log_in(client, "practitioner", TEST_PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _log_in(client, "practitioner", "wrong-password").status_code == 200


def test_an_inactive_user_cannot_log_in(practitioner):
    practitioner.is_active = False
    practitioner.save()
    response = _log_in(Client(), "practitioner", TEST_PASSWORD)
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action=Action.LOGIN).exists()


@pytest.mark.parametrize(
    "data",
    [{}, {"username": "x" * 1000, "password": "y"}, {"username": "<script>", "password": ""}],
)
def test_malformed_login_input_gets_a_form_error(db, data):
    response = Client().post(LOGIN, data)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "<script>" not in response.content.decode().split("</header>")[1]


def _age_session(session: Session, *, minutes: int) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    from hononga.core.middleware import SEEN_KEY

    store = SessionStore(session_key=session.session_key)
    store[SEEN_KEY] = int(time.time()) - minutes * 60
    store.save()
    Session.objects.filter(pk=session.pk).update(
        expire_date=timezone.now() + timedelta(minutes=60 - minutes)
    )


def test_busy_pages_do_not_write_the_session_each_time(practitioner):
    """One session write per refresh interval, not per request (issue 12: work that does not
    belong to a request); the expiry still slides."""
    client = Client()
    _log_in(client, "practitioner", TEST_PASSWORD)
    assert client.get("/").status_code == 200  # the first page marks the session seen
    first = Session.objects.get().expire_date
    for _ in range(3):
        assert client.get("/").status_code == 200
    assert Session.objects.get().expire_date == first


def test_sessions_end_after_an_hour_without_activity_and_when_the_browser_closes(practitioner):
    assert settings.SESSION_COOKIE_AGE == 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    client = Client()
    _log_in(client, "practitioner", TEST_PASSWORD)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert not cookie["max-age"]  # a browser-session cookie
    session = Session.objects.get()
    # Activity pushes the expiry forward: 55 minutes after the last save, the next page saves
    # the session again with a full hour (the store's clock is aged to match).
    _age_session(session, minutes=55)
    assert client.get("/").status_code == 200
    session = Session.objects.get()
    assert session.expire_date > timezone.now() + timedelta(minutes=55)
    # An hour idle: the session has expired and the next page asks to log in again.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_password_change(practitioner_client, practitioner):
    url = "/accounts/password/"
    assert practitioner_client.get(url).status_code == 200
    response = practitioner_client.post(
        url,
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/done/"
    practitioner.refresh_from_db()
    assert practitioner.check_password(NEW_PASSWORD)
    # Still logged in on this device.
    assert practitioner_client.get("/").status_code == 200
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, target_type="user", summary__contains="password"
    ).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
            "incorrectly",
        ),
        (
            {
                "old_password": TEST_PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": "other-one-2026",
            },
            "didn",
        ),
        (
            {"old_password": TEST_PASSWORD, "new_password1": "short", "new_password2": "short"},
            "too short",
        ),
        (
            {
                "old_password": TEST_PASSWORD,
                "new_password1": "password1234",
                "new_password2": "password1234",
            },
            "too common",
        ),
    ],
)
def test_bad_password_change_gets_a_clear_message(practitioner_client, practitioner, data, message):
    response = practitioner_client.post("/accounts/password/", data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text
    assert message in text
    practitioner.refresh_from_db()
    assert practitioner.check_password(TEST_PASSWORD)


def test_password_change_needs_login(client, db):
    assert client.get("/accounts/password/").status_code == 302


def test_passwords_are_hashed_with_argon2_outside_tests():
    assert settings.PASSWORD_HASHERS[-2] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_changing_the_password_ends_other_sessions(practitioner):
    here, elsewhere = Client(), Client()
    _log_in(here, "practitioner", TEST_PASSWORD)
    _log_in(elsewhere, "practitioner", TEST_PASSWORD)
    assert elsewhere.get("/").status_code == 200
    here.post(
        "/accounts/password/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
