"""How django-axes names the account a failed login was for.

Axes stores the username it was given in a 255-character column; a longer one (a pasted document,
an attack) would make PostgreSQL refuse the row and the login page fail. No real username is longer
than the User model allows, so the name is cut to that length before axes counts the attempt.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest


def username_for_lockout(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    field: str = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    if credentials:
        value = credentials.get(field)
    else:
        data = getattr(request, "POST", None) or {}
        value = data.get(field)
    max_length = get_user_model()._meta.get_field("username").max_length or 150
    return str(value or "")[:max_length]
