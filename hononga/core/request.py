from django.http import HttpRequest

from hononga.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request behind login_required: `user` is a real User."""

    user: User
