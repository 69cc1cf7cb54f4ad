import base64
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from hononga.accounts import second_factor
from hononga.accounts.forms import EnrolCodeForm, SecondFactorCodeForm, TokenCreateForm
from hononga.accounts.models import ApiToken, User
from hononga.accounts.services import token_create, token_revoke
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.errors import PracticeError
from hononga.core.request import AuthedRequest


def set_language_cookie(response: HttpResponse, language: str) -> None:
    """The cookie Django's LocaleMiddleware reads, set as Django's own switcher sets it."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class LoginView(auth_views.LoginView):
    """Django's login, which also gives the person the language they chose last time (saved by
    the switcher, set_language_view): on a new device, or after someone else used this one, the
    pages after login are in their language."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        language = form.get_user().language
        if language in {code for code, _name in settings.LANGUAGES}:
            set_language_cookie(response, language)
        return response


def _token_needs_code(request: AuthedRequest) -> bool:
    """A token outlives the session: with a second factor, making one needs a fresh code."""
    return second_factor.has_second_factor(request.user) and not second_factor.verified_recently(
        request
    )


def _profile_context(request: AuthedRequest) -> dict[str, Any]:
    enrolled = second_factor.has_second_factor(request.user)
    return {
        "tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at")[:50],
        "second_factor": enrolled,
        "second_factor_required": second_factor.required_for(request.user),
        "recovery_codes_left": second_factor.recovery_codes_left(request.user) if enrolled else 0,
    }


@login_required
def profile(request: AuthedRequest) -> HttpResponse:
    context = _profile_context(request)
    context["form"] = TokenCreateForm(needs_code=_token_needs_code(request))
    context["new_token"] = request.session.pop("new_token", None)
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def token_create_view(request: AuthedRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST, needs_code=_token_needs_code(request))
    if form.is_valid() and form.needs_code:
        accepted, locked = second_factor.verify(request, request.user, form.cleaned_data["code"])
        if not accepted:
            form.add_error("code", _locked_message(locked) if locked else _wrong_code_message())
    if form.is_valid():
        try:
            _token, raw = token_create(
                user=request.user, name=form.cleaned_data["name"], request=request
            )
        except PracticeError as error:
            form.add_error(None, error.message)
        else:
            # Shown once on the next page, then gone; only the hash is kept.
            request.session["new_token"] = raw
            return redirect("accounts:profile")
    context = _profile_context(request)
    context["form"] = form
    return render(request, "accounts/profile.html", context, status=400)


def _wrong_code_message() -> str:
    return _(
        "That code is not right. Check the time on your phone and use the newest code, or one "
        "of your recovery codes. After 5 wrong codes this is locked for 15 minutes."
    )


def _locked_message(until: Any) -> str:
    return _(
        "Too many wrong codes: try again after %(time)s, or ask an administrator to reset "
        "your second factor."
    ) % {"time": date_format(timezone.localtime(until), "TIME_FORMAT")}


# --- Second factor ----------------------------------------------------------------------------


@login_required
def second_factor_view(request: AuthedRequest) -> HttpResponse:
    """After the password: a code from the app or a recovery code."""
    user = request.user
    if not second_factor.has_second_factor(user) or user.is_verified():  # type: ignore[attr-defined]
        # Nothing to verify (an administrator removed it meanwhile): decide again, then go on.
        second_factor.remember_state(request, user)
        return redirect(second_factor.safe_next(request))
    form = SecondFactorCodeForm(request.POST or None)
    status = 200
    locked = second_factor.locked_until(user)
    if request.method == "POST" and form.is_valid() and locked is None:
        accepted, locked = second_factor.verify(request, user, form.cleaned_data["code"])
        if accepted:
            left = second_factor.recovery_codes_left(user)
            if left <= 3:
                messages.warning(
                    request,
                    _("You have %(n)s recovery codes left: make new ones on your account page.")
                    % {"n": left},
                )
            return redirect(second_factor.safe_next(request))
        if not locked:
            form.add_error("code", _wrong_code_message())
    if locked:
        form.errors.clear()
        form.add_error(None, _locked_message(locked))
        status = 429
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "accounts/second_factor.html",
        {"form": form, "next": second_factor.safe_next(request)},
        status=status,
    )


@login_required
def second_factor_enrol(request: AuthedRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), confirm with a code."""
    user = request.user
    if second_factor.has_second_factor(user):
        return redirect("accounts:profile")
    device = second_factor.enrolment_device(user)
    form = EnrolCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        codes = second_factor.enrolment_confirm(request, user, form.cleaned_data["code"])
        if codes is not None:
            request.session["recovery_codes"] = codes
            return redirect("accounts:second_factor_codes")
        form.add_error(
            "code",
            _(
                "That code is not right. Check that the app shows Hononga and that your phone's "
                "clock is right, then enter the newest code."
            ),
        )
    if request.method == "POST":
        status = 422
    key = base64.b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/second_factor_enrol.html",
        {
            "form": form,
            "qr_svg": mark_safe(  # noqa: S308 (segno's own SVG of our own URL, no user input)
                qr.svg_inline(scale=4, title=_("QR code to add Hononga to your app"))
            ),
            "key_groups": [key[i : i + 4] for i in range(0, len(key), 4)],
            "required": second_factor.required_for(user),
        },
        status=status,
    )


@login_required
def second_factor_codes(request: AuthedRequest) -> HttpResponse:
    """The recovery codes, shown once right after they are made."""
    codes = request.session.pop("recovery_codes", None)
    if not codes:
        return redirect("accounts:profile")
    return render(request, "accounts/second_factor_codes.html", {"codes": codes})


@login_required
@require_POST
def second_factor_renew(request: AuthedRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working); needs a fresh code."""
    if not second_factor.has_second_factor(request.user):
        return redirect("accounts:profile")
    code = request.POST.get("code", "")
    if not second_factor.verified_recently(request):
        accepted, locked = second_factor.verify(request, request.user, code)
        if not accepted:
            messages.error(request, _locked_message(locked) if locked else _wrong_code_message())
            return redirect("accounts:profile")
    request.session["recovery_codes"] = second_factor.recovery_codes_renew(request, request.user)
    return redirect("accounts:second_factor_codes")


@login_required
@require_POST
def token_revoke_view(request: AuthedRequest, token_id: int) -> HttpResponse:
    token = token_revoke(user=request.user, token_id=token_id, request=request)
    messages.success(
        request,
        _("Token %(prefix)s… revoked. Scripts using it will stop working.")
        % {"prefix": token.prefix},
    )
    return redirect("accounts:profile")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password (old one required); audited; other sessions end."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_changed")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.user
        record_event(
            actor=user,
            action=Action.UPDATE,
            target=user,
            summary=f"Changed own password ({user.get_username()})",
            request=self.request,
        )
        return response


@require_POST
def set_language_view(request: HttpRequest) -> HttpResponse:
    """Django's language switcher, which also keeps a signed-in user's choice: their emails
    and notification emails come in it (hononga.messaging.services.message_send)."""
    response = set_language(request)
    language = request.POST.get("language")
    user = getattr(request, "user", None)
    if (
        user is not None
        and user.is_authenticated
        and language in {code for code, _name in settings.LANGUAGES}
        and user.language != language
    ):
        User.objects.filter(pk=user.pk).update(language=language)
    return response
