"""Handing the practitioner's device to a whānau member (in-session check-ins and goal ratings).

`handover_begin` signs the practitioner out of this browser and keeps only what the form needs
under `key` in a fresh session: every other page now asks for a login, so the person holding
the device sees only the form, and a practitioner signed out by the hand-over (or whose session
ended meanwhile) is not signed back in by anything but their own password
(`handover_sign_back_in`). The state names the practitioner, so what is saved during the
hand-over is recorded as theirs — and refused once their account is deactivated.
"""

from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from hononga.accounts.models import User

HANDOVER_KEYS = ("checkins_handover", "goals_handover")


def handover_begin(request: HttpRequest, key: str, state: dict[str, Any]) -> None:
    for auth_key in (SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY):
        request.session.pop(auth_key, None)
    for other in HANDOVER_KEYS:
        request.session.pop(other, None)  # one hand-over at a time
    request.session.cycle_key()
    request.session[key] = state
    request.user = AnonymousUser()


def handover_state(request: HttpRequest, key: str) -> dict[str, Any] | None:
    state = request.session.get(key)
    return state if isinstance(state, dict) else None


def handover_user(state: dict[str, Any]) -> User | None:
    """The practitioner who handed the device over, while their account is active."""
    return User.objects.filter(pk=state.get("user") or 0, is_active=True).first()


def handover_sign_back_in(request: HttpRequest, key: str, user: User, password: str) -> bool:
    """Only the practitioner's own password ends the hand-over and signs them back in."""
    try:
        signed_in = authenticate(request, username=user.get_username(), password=password)
    except Exception:  # axes refuses locked-out credentials by raising
        signed_in = None
    if signed_in is None or signed_in.pk != user.pk:
        return False
    auth_login(request, signed_in)
    request.session.pop(key, None)
    return True
