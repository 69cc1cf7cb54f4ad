"""Writes for accounts: API tokens."""

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from hononga.accounts.models import ApiToken, User, hash_token
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.errors import NotFound, PracticeError

MAX_LIVE_TOKENS = 20


def token_create(
    *, user: User, name: str, actor: User | None = None, request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """Create a token; return it with the raw value, which is shown once and never stored."""
    name = name.strip()
    if not name or len(name) > 100:
        message = _("Give the token a name of 1 to 100 characters, such as what will use it.")
        raise PracticeError(message, errors={"name": [message]})
    if not user.is_active:
        raise PracticeError(_("This account is not active."))
    with transaction.atomic():
        if ApiToken.objects.usable().filter(user=user).count() >= MAX_LIVE_TOKENS:
            raise PracticeError(
                _("You have %(n)s tokens in use; revoke one first.") % {"n": MAX_LIVE_TOKENS}
            )
        raw = ApiToken.generate()
        token = ApiToken.objects.create(
            user=user,
            name=name,
            token_hash=hash_token(raw),
            prefix=raw[:10],
            expires_at=timezone.now() + settings.API_TOKEN_LIFETIME,
        )
        record_event(
            actor=actor or user,
            action=Action.TOKEN,
            target=token,
            summary=f"Created API token {token.prefix}… for {user.username}",
            request=request,
        )
    return token, raw


def token_revoke(*, user: User, token_id: int, request: HttpRequest | None = None) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
        if token is None:
            raise NotFound(_("That token was not found."))
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record_event(
                actor=user,
                action=Action.TOKEN,
                target=token,
                summary=f"Revoked API token {token.prefix}…",
                request=request,
            )
    return token
