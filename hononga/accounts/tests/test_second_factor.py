"""Second factor for staff: enrolment, the code after the password, recovery codes, throttling and
audit of wrong codes, the agency-wide requirement, a fresh code for API tokens, and the
production default."""

import hashlib
import hmac
import re
import secrets
import struct
import time
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from hononga.accounts.models import ApiToken, SecurityPolicy, User
from hononga.accounts.second_factor import POLICY_CACHE_KEY
from hononga.audit.models import Action, AuditEvent
from hononga.core.tests.test_settings import _run
from hononga.factories import TEST_PASSWORD

HOME = "/"
CODE_PAGE = "/accounts/second-factor/"
ENROL_PAGE = "/accounts/me/second-factor/"


def totp(key: bytes, at: float | None = None) -> str:
    """RFC 6238 (SHA-1, 30 s, 6 digits), computed here, not by django-otp."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 1_000_000).zfill(6)


def enrolled(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def password_login(user: User) -> Client:
    """Log in through the login page, with the password only."""
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302, response.content
    return client


@pytest.fixture(autouse=True)
def _fresh_policy_cache() -> Any:
    from django.core.cache import cache

    cache.delete(POLICY_CACHE_KEY)
    yield
    cache.delete(POLICY_CACHE_KEY)


@pytest.fixture
def required(settings: Any) -> None:
    settings.SECOND_FACTOR_REQUIRED = True


# --- Enrolment ------------------------------------------------------------------------------------


def test_when_required_a_user_without_one_is_sent_to_enrolment_from_every_page(
    required: None, practitioner: User, whanau: Any
) -> None:
    client = password_login(practitioner)
    for path in (HOME, reverse("accounts:profile"), f"/whanau/{whanau.pk}/", "/audit/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == ENROL_PAGE, path
    assert client.get(ENROL_PAGE).status_code == 200
    # Logging out is always possible; the API (tokens) is not a page.
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_enrolment_shows_a_qr_code_and_the_key_and_is_confirmed_with_a_code(
    practitioner: User,
) -> None:
    client = password_login(practitioner)
    page = client.get(ENROL_PAGE)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "QR code to add Hononga to your app" in html
    device = TOTPDevice.objects.get(user=practitioner, confirmed=False)
    key = re.search(r'id="second-factor-key">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    import base64

    assert base64.b32decode(key) == device.bin_key

    wrong = client.post(ENROL_PAGE, {"code": "000000" if totp(device.bin_key) != "000000" else "1"})
    assert wrong.status_code == 422
    assert "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=practitioner, confirmed=True).exists()

    # django-otp slows guessing: after a wrong code the next try waits a second or more.
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
        done = client.post(ENROL_PAGE, {"code": totp(device.bin_key)})
    assert done.status_code == 302 and done["Location"] == reverse("accounts:second_factor_codes")
    codes_page = client.get(done["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", codes_page)
    assert len(codes) == 10
    assert set(
        StaticToken.objects.filter(device__user=practitioner).values_list("token", flat=True)
    ) == set(codes)
    # Shown once.
    assert client.get(reverse("accounts:second_factor_codes")).status_code == 302
    assert TOTPDevice.objects.get(user=practitioner).confirmed
    assert AuditEvent.objects.filter(
        actor_id=practitioner.pk, summary__startswith="Set up a second factor"
    ).exists()
    # The enrolling session is verified: pages open.
    assert client.get(HOME).status_code == 200


# --- Logging in -----------------------------------------------------------------------------------


def test_a_password_alone_does_not_open_pages_for_someone_with_a_second_factor(
    practitioner: User,
) -> None:
    device = enrolled(practitioner)
    client = password_login(practitioner)
    response = client.get("/audit/?x=1")
    assert response.status_code == 302
    assert response["Location"] == CODE_PAGE + "?next=%2Faudit%2F%3Fx%3D1"
    assert client.get(reverse("accounts:profile")).status_code == 302

    page = client.get(CODE_PAGE)
    assert page.status_code == 200 and "Enter your code" in page.content.decode()
    done = client.post(CODE_PAGE, {"code": totp(device.bin_key), "next": "/accounts/me/"})
    assert done.status_code == 302 and done["Location"] == "/accounts/me/"
    assert client.get(HOME).status_code == 200
    assert AuditEvent.objects.filter(
        actor_id=practitioner.pk, action=Action.LOGIN, summary__startswith="Second factor"
    ).exists()


def test_next_never_leaves_the_site(practitioner: User) -> None:
    device = enrolled(practitioner)
    client = password_login(practitioner)
    done = client.post(CODE_PAGE, {"code": totp(device.bin_key), "next": "https://evil.example/"})
    assert done["Location"] == "/"


def test_a_recovery_code_works_once(practitioner: User) -> None:
    enrolled(practitioner)
    from hononga.accounts.second_factor import _new_recovery_codes

    codes = _new_recovery_codes(practitioner)
    client = password_login(practitioner)
    assert client.post(CODE_PAGE, {"code": codes[0].upper()}).status_code == 302
    assert client.get(HOME).status_code == 200
    again = password_login(practitioner)
    assert again.post(CODE_PAGE, {"code": codes[0]}).status_code == 422
    assert StaticToken.objects.filter(device__user=practitioner).count() == 9


def test_wrong_codes_are_audited_then_locked_even_after_logging_in_again(
    practitioner: User,
) -> None:
    device = enrolled(practitioner)
    client = password_login(practitioner)
    for _ in range(4):
        wrong = client.post(CODE_PAGE, {"code": "12345x"})
        assert wrong.status_code == 422
    # A new password login does not reset the count.
    client = password_login(practitioner)
    locked = client.post(CODE_PAGE, {"code": "99999x"})
    assert locked.status_code == 429
    assert "Too many wrong codes" in locked.content.decode()
    right_but_locked = client.post(CODE_PAGE, {"code": totp(device.bin_key)})
    assert right_but_locked.status_code == 429
    assert client.get(HOME).status_code == 302
    failures = AuditEvent.objects.filter(actor_id=practitioner.pk, action=Action.LOGIN_FAILED)
    assert failures.count() == 5
    assert failures.filter(summary__contains="locked for 15 minutes").count() == 1

    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        later = password_login(practitioner)
        assert later.post(CODE_PAGE, {"code": totp(device.bin_key)}).status_code == 302
        assert later.get(HOME).status_code == 200


# --- The agency-wide requirement --------------------------------------------------------------


def test_an_administrator_can_require_it_agency_wide(admin_user: User, practitioner: User) -> None:
    admin = Client()
    admin.force_login(admin_user)
    page = admin.get(reverse("accounts:manage:security"))
    assert page.status_code == 200
    assert (
        admin.post(
            reverse("accounts:manage:security"), {"second_factor_required": "on"}
        ).status_code
        == 302
    )
    assert SecurityPolicy.objects.get(pk=1).second_factor_required
    assert AuditEvent.objects.filter(
        action=Action.SETTINGS, summary="Required a second factor for every staff member"
    ).exists()
    response = password_login(practitioner).get(HOME)
    assert response.status_code == 302 and response["Location"] == ENROL_PAGE


def test_only_administrators_open_the_security_page(practitioner: User, supervisor: User) -> None:
    for user in (practitioner, supervisor):
        client = Client()
        client.force_login(user)
        assert client.get(reverse("accounts:manage:security")).status_code == 404
        client.post(reverse("accounts:manage:security"), {"second_factor_required": "on"})
    assert not SecurityPolicy.objects.filter(second_factor_required=True).exists()


def test_an_administrator_resets_a_lost_second_factor(admin_user: User, practitioner: User) -> None:
    enrolled(practitioner)
    admin = Client()
    admin.force_login(admin_user)
    url = reverse("accounts:manage:user_second_factor_reset", args=[practitioner.pk])
    assert admin.post(url).status_code == 302
    assert not TOTPDevice.objects.filter(user=practitioner).exists()
    assert AuditEvent.objects.filter(summary="Removed the second factor of practitioner").exists()
    assert password_login(practitioner).get(HOME).status_code == 200


# --- API tokens need a fresh code -------------------------------------------------------------


def test_creating_an_api_token_needs_a_fresh_code(practitioner: User) -> None:
    device = enrolled(practitioner)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = password_login(practitioner)
        assert client.post(CODE_PAGE, {"code": totp(device.bin_key)}).status_code == 302
        # Right after the code: no second code needed.
        assert 'id="id_code"' not in client.get("/accounts/me/").content.decode()
    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        profile = client.get("/accounts/me/").content.decode()
        assert 'id="id_code"' in profile
        refused = client.post(reverse("accounts:token_create"), {"name": "report"})
        assert refused.status_code == 400
        assert not ApiToken.objects.filter(user=practitioner).exists()
        wrong = client.post(reverse("accounts:token_create"), {"name": "report", "code": "1"})
        assert wrong.status_code == 400 and not ApiToken.objects.exists()
    with time_machine.travel(start + timedelta(minutes=20, seconds=5), tick=False):
        made = client.post(
            reverse("accounts:token_create"),
            {"name": "report", "code": totp(device.bin_key, at=time.time())},
        )
        assert made.status_code == 302
        assert ApiToken.objects.filter(user=practitioner, name="report").count() == 1


def test_without_a_second_factor_where_none_is_required_tokens_are_made_as_before(
    practitioner: User,
) -> None:
    client = password_login(practitioner)
    assert client.post(reverse("accounts:token_create"), {"name": "report"}).status_code == 302
    assert ApiToken.objects.filter(user=practitioner).count() == 1


# --- Defaults ---------------------------------------------------------------------------------


def test_production_requires_a_second_factor_by_default_and_development_does_not() -> None:
    probe = "from django.conf import settings; print(settings.SECOND_FACTOR_REQUIRED)"
    production = _run(
        {"SECRET_KEY": secrets.token_urlsafe(60), "ALLOWED_HOSTS": "hononga.example.org"},
        "shell",
        "-c",
        probe,
    )
    assert production.stdout.strip().splitlines()[-1] == "True", production.stderr
    development = _run({"HONONGA_ENV": "development"}, "shell", "-c", probe)
    assert development.stdout.strip().splitlines()[-1] == "False", development.stderr
