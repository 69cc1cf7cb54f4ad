"""The second factor for staff: TOTP (an authenticator app) with one-time recovery codes.

Built on django-otp (its TOTP and static-token devices, their per-device throttling and its
session binding), with pages of our own (hononga/accounts/views.py):

- enrolment on the account page: a QR code (inline SVG) and the key to type, confirmed with a
  code, then 10 recovery codes shown once;
- after the password, anyone who has a second factor is asked for a code (this middleware sends
  every page there until it is given); staff who must have one and have none are sent to
  enrolment. It is required when `SECOND_FACTOR_REQUIRED` (on by default in production) or when
  an administrator requires it agency-wide (`SecurityPolicy`);
- wrong codes are audited, and after `SECOND_FACTOR_MAX_FAILURES` in a row the code page is
  locked for `SECOND_FACTOR_LOCKOUT` (counted in the database, not reset by the password);
- an API token needs a code entered within `SECOND_FACTOR_FRESH` (else a password alone would
  mint a token that outlives the session).

Why django-otp rather than django-allauth's MFA: our login is Django's own `LoginView` with
django-axes throttling; django-otp adds devices and verification without replacing either, and
is maintained by the django-otp project (Django 5.2 supported). allauth would bring its own
login, account and e-mail flows to adopt or switch off.
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from hononga.accounts.models import SecondFactorThrottle, SecurityPolicy, User
from hononga.audit.models import Action
from hononga.audit.services import record_event

RECOVERY_CODES = 10
SESSION_VERIFIED_AT = "second_factor_at"
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


POLICY_CACHE_KEY = "accounts:second_factor_required"
# What the session still owes after the password: a code, an enrolment, or nothing.
SESSION_STATE = "second_factor_state"
STATE_VERIFY, STATE_ENROL, STATE_OK = "verify", "enrol", "ok"


def remember_state(request: HttpRequest, user: Any) -> str:
    """Decide, at login, what this session must do before pages open (stored in the session)."""
    if has_second_factor(user):
        state = STATE_VERIFY
    elif required_for(user):
        state = STATE_ENROL
    else:
        state = STATE_OK
    request.session[SESSION_STATE] = state
    return state


def agency_requires() -> bool:
    """The administrators' agency-wide setting (cached for a minute: read on every page)."""
    required = cache.get(POLICY_CACHE_KEY)
    if required is None:
        required = SecurityPolicy.current().second_factor_required
        cache.set(POLICY_CACHE_KEY, required, timeout=60)
    return bool(required)


def policy_set(*, actor: User, required: bool, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        policy, _made = SecurityPolicy.objects.select_for_update().get_or_create(pk=1)
        policy.second_factor_required = required
        policy.changed_at = timezone.now()
        policy.changed_by = actor
        policy.save()
        record_event(
            actor=actor,
            action=Action.SETTINGS,
            summary=(
                "Required a second factor for every staff member"
                if required
                else "No longer requires a second factor agency-wide"
            ),
            request=request,
        )
    cache.delete(POLICY_CACHE_KEY)


def required_for(user: Any) -> bool:
    """Whether this staff member must have a second factor (every role, when required)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(settings.SECOND_FACTOR_REQUIRED) or agency_requires()


def has_second_factor(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def app_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verified_recently(request: HttpRequest) -> bool:
    at = request.session.get(SESSION_VERIFIED_AT)
    fresh = settings.SECOND_FACTOR_FRESH.total_seconds()
    return at is not None and time.time() - float(at) <= fresh


# --- Enrolment --------------------------------------------------------------------------------


def enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled (made once, kept until confirmed or replaced)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def enrolment_confirm(request: HttpRequest, user: User, code: str) -> list[str] | None:
    """Confirm the device being enrolled with a code from the app. Returns the new recovery
    codes (to show once), or None if the code is wrong."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("-pk")
            .first()
        )
        if device is None or not device.verify_token(_digits(code)):
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save()
        codes = _new_recovery_codes(user)
        record_event(
            actor=user,
            action=Action.UPDATE,
            target=user,
            summary="Set up a second factor (authenticator app and recovery codes)",
            request=request,
        )
    _mark_verified(request, device)
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def recovery_codes_renew(request: HttpRequest, user: User) -> list[str]:
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        record_event(
            actor=user,
            action=Action.UPDATE,
            target=user,
            summary="Made new recovery codes (the old ones no longer work)",
            request=request,
        )
    return codes


def reset(*, actor: User, user: User, request: HttpRequest | None = None) -> None:
    """An administrator removes someone's second factor (a lost phone): they enrol again at
    their next login if it is required."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        SecondFactorThrottle.objects.filter(user=user).delete()
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=user,
            summary=f"Removed the second factor of {user.get_username()}",
            request=request,
        )


# --- Verification -----------------------------------------------------------------------------


def _digits(code: str) -> str:
    return "".join(code.split())


def locked_until(user: User) -> Any:
    throttle = SecondFactorThrottle.objects.filter(user=user).first()
    if throttle and throttle.locked_until and throttle.locked_until > timezone.now():
        return throttle.locked_until
    return None


def verify(request: HttpRequest, user: User, code: str) -> tuple[bool, Any]:
    """Check a code (from the app, or a recovery code). Returns (accepted, locked_until).

    Wrong codes are audited and counted; too many in a row lock verification for a while.
    """
    code = _digits(code)[:64]
    with transaction.atomic():
        throttle, _made = SecondFactorThrottle.objects.select_for_update().get_or_create(user=user)
        now = timezone.now()
        if throttle.locked_until and throttle.locked_until > now:
            return False, throttle.locked_until
        device: Any = None
        if code.isdigit():
            app = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if app is not None and app.verify_token(code):
                device = app
        else:
            recovery = StaticDevice.objects.filter(user=user, confirmed=True).first()
            if recovery is not None and recovery.verify_token(code.lower()):
                device = recovery
        if device is None:
            throttle.failures += 1
            locked = throttle.failures >= settings.SECOND_FACTOR_MAX_FAILURES
            if locked:
                throttle.locked_until = now + settings.SECOND_FACTOR_LOCKOUT
                throttle.failures = 0
            throttle.save()
            record_event(
                actor=user,
                action=Action.LOGIN_FAILED,
                summary=(
                    "Wrong second-factor code: locked for "
                    f"{int(settings.SECOND_FACTOR_LOCKOUT.total_seconds() // 60)} minutes"
                    if locked
                    else "Wrong second-factor code"
                ),
                request=request,
            )
            return False, throttle.locked_until if locked else None
        throttle.failures = 0
        throttle.locked_until = None
        throttle.save()
        record_event(
            actor=user,
            action=Action.LOGIN,
            summary=(
                "Second factor: a recovery code"
                if isinstance(device, StaticDevice)
                else "Second factor: a code from the app"
            ),
            request=request,
        )
    _mark_verified(request, device)
    return True, None


def _mark_verified(request: HttpRequest, device: Any) -> None:
    otp_login(request, device)
    request.session[SESSION_VERIFIED_AT] = time.time()
    request.session[SESSION_STATE] = STATE_OK


def safe_next(request: HttpRequest, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


# --- Middleware -------------------------------------------------------------------------------


class SecondFactorMiddleware:
    """Pages need the second factor once the password is given: a user with a second factor
    whose session has not given a code goes to the code page; a user who must have one and has
    none goes to enrolment. Public pages (one-time links), the API (tokens), static files and
    logging out are left alone."""

    OPEN_PREFIXES = ("/static/", "/api/", "/i18n/", "/c/", "/favicon")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", AnonymousUser())
        if user.is_authenticated and not request.path.startswith(self.OPEN_PREFIXES):
            response = self._gate(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _gate(self, request: HttpRequest, user: Any) -> HttpResponse | None:
        code_page = reverse("accounts:second_factor")
        if request.path in {reverse("accounts:logout"), code_page}:
            return None
        if getattr(user, "is_verified", lambda: False)():
            return None
        # Decided once, when the password is accepted (no query on every page); a session from
        # before that decides on its first page.
        state = request.session.get(SESSION_STATE)
        if state is None:
            state = remember_state(request, user)
        if state == STATE_VERIFY:
            return redirect(f"{code_page}?{_next(request)}")
        if state == STATE_ENROL:
            enrolment = {
                reverse("accounts:second_factor_enrol"),
                reverse("accounts:second_factor_codes"),
            }
            if request.path not in enrolment:
                return redirect(reverse("accounts:second_factor_enrol"))
        return None


def _next(request: HttpRequest) -> str:
    from urllib.parse import urlencode

    target = request.get_full_path() if request.method == "GET" else reverse("home")
    return urlencode({"next": target})
