"""`hononga notifications remind` and `hononga notifications digest` (both scheduled daily)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hononga.core.heartbeat import beat
from hononga.notifications import events, services


class Command(BaseCommand):
    help = (
        "Staff notifications. `remind` notifies agreement items due or overdue, follow-ups due, "
        "family group conference plan reviews coming and advisories starting; `digest` emails "
        "each user who wants it one message about their unread notifications. Both idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("remind", help="Notify what is due today (once a thing a user).")
        sub.add_parser("digest", help="Queue the daily email of unread notifications.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "remind":
            counts = events.reminders_send()
            message = "Reminders: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + "."
            beat("notification-reminders", message)
        else:
            sent = services.digest_send()
            message = f"Digest emails queued: {sent}."
            beat("notification-digest", message)
        self.stdout.write(message)
