"""Login, logout and failed-login events for the audit trail (Django's auth signals)."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from hononga.audit.models import Action
from hononga.audit.services import record_event


@receiver(user_logged_in)
def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record_event(actor=user, action=Action.LOGIN, summary="Logged in", request=request)
    if request is not None and hasattr(request, "session"):
        from hononga.accounts.second_factor import remember_state

        remember_state(request, user)  # a code, an enrolment, or nothing before pages open


@receiver(user_logged_out)
def on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_event(actor=user, action=Action.LOGOUT, summary="Logged out", request=request)


@receiver(user_login_failed)
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    record_event(
        actor=None,
        actor_username=username,
        action=Action.LOGIN_FAILED,
        summary=f"Failed login for {username!r}",
        request=request,
    )
