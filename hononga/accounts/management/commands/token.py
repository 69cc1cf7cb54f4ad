"""`hononga token create|list|revoke`: API tokens for scripts.

    hononga token create USERNAME [--name NAME] [--actor ADMIN]
                                                  prints the new token (only its hash is kept)
    hononga token list [USERNAME]                 id, user, name, prefix, dates, state
    hononga token revoke ID                       the token stops working at once

`create` prints nothing but the token on stdout, so `TOKEN=$(hononga token create aroha)` works;
what to do with it goes to stderr.

The audit trail records who made or revoked the token: by default the token's own user (a person
making a token for their own script), or with `--actor` the administrator who ran the command.
Either way the event is marked "command line".
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from hononga.accounts.models import ApiToken, Role, User
from hononga.accounts.services import token_create, token_revoke
from hononga.core.errors import PracticeError

DEFAULT_NAME = "Command line"
SOURCE = "command line"


def _state(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at <= timezone.now():
        return "expired"
    if not token.user.is_active:
        return "user inactive"
    return "active"


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"


class Command(BaseCommand):
    help = "Create, list and revoke API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        create = sub.add_parser("create", help="Create a token for a user and print it once.")
        create.add_argument("username")
        create.add_argument(
            "--name",
            default=DEFAULT_NAME,
            help="What will use the token, to tell tokens apart (1 to 100 characters).",
        )
        create.add_argument(
            "--actor",
            metavar="ADMIN",
            help="The administrator running this, recorded in the audit trail as the actor "
            "(default: the token's own user).",
        )
        listing = sub.add_parser("list", help="List tokens, of one user or of everyone.")
        listing.add_argument("username", nargs="?")
        revoke = sub.add_parser("revoke", help="Revoke a token by its id (see `token list`).")
        revoke.add_argument("id", type=int)
        revoke.add_argument(
            "--actor",
            metavar="ADMIN",
            help="The administrator running this, recorded in the audit trail as the actor.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options["subcommand"]
        if subcommand == "create":
            self._create(options["username"], options["name"], options.get("actor"))
        elif subcommand == "list":
            self._list(options.get("username"))
        else:
            self._revoke(options["id"], options.get("actor"))

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user called {username!r}.")
        return user

    def _actor(self, username: str | None, user: User) -> User:
        if not username:
            return user
        actor = self._user(username)
        if actor.pk != user.pk and not (actor.is_active and actor.role == Role.ADMIN):
            raise CommandError(
                f"{username!r} is not an active administrator: only an administrator "
                "can act for another user."
            )
        return actor

    def _create(self, username: str, name: str, actor_name: str | None = None) -> None:
        user = self._user(username)
        actor = self._actor(actor_name, user)
        try:
            token, raw = token_create(user=user, name=name, actor=actor, source=SOURCE)
        except PracticeError as error:
            raise CommandError(" ".join(error.all_messages())) from None
        self.stdout.write(raw)
        self.stderr.write(
            f"Token {token.pk} ({token.prefix}…) for {user.username}, "
            f"expires {_when(token.expires_at)}. Store it now: it cannot be shown again."
        )

    def _list(self, username: str | None) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "-id")
        if username:
            tokens = tokens.filter(user=self._user(username))
        rows = [
            (
                str(t.pk),
                t.user.username,
                t.name,
                t.prefix + "…",
                _when(t.created_at),
                _when(t.expires_at),
                _when(t.last_used_at),
                _state(t),
            )
            for t in tokens
        ]
        if not rows:
            self.stdout.write("No tokens.")
            return
        header = ("ID", "USER", "NAME", "PREFIX", "CREATED", "EXPIRES", "LAST USED", "STATE")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            self.stdout.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))

    def _revoke(self, token_id: int, actor_name: str | None = None) -> None:
        token = ApiToken.objects.select_related("user").filter(pk=token_id).first()
        if token is None:
            raise CommandError(f"There is no token with id {token_id}.")
        actor = self._actor(actor_name, token.user)
        was_revoked = token.revoked_at is not None
        token_revoke(user=token.user, token_id=token.pk, actor=actor, source=SOURCE)
        if was_revoked:
            self.stdout.write(f"Token {token_id} was already revoked.")
        else:
            self.stdout.write(
                f"Revoked token {token_id} ({token.prefix}…) of {token.user.username}."
            )
