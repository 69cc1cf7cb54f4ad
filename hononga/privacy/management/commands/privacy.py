"""`hononga privacy remind`: remind staff of correction requests due soon (the daily job)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hononga.core.heartbeat import beat
from hononga.privacy import services


class Command(BaseCommand):
    help = (
        "Privacy rights. `privacy remind` mails the whānau's staff about correction requests "
        "due within 5 working days or overdue (once a request a day). Idempotent; daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("remind", help="Remind staff of correction requests due soon.")

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.corrections_remind()
        message = f"Reminded staff of {count} correction request(s)."
        beat("privacy-remind", message)
        self.stdout.write(message)
