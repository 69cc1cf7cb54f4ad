"""`hononga audit verify`: check the audit trail's hash chain; exit 1 at the first broken link."""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hononga.audit.verify import audit_verify


class Command(BaseCommand):
    help = "Audit trail tools. `audit verify` checks that no event was altered or removed."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="Check the hash chain from the first event to the last.")

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if result.ok:
            self.stdout.write(self.style.SUCCESS(result.message))
            return
        self.stderr.write(self.style.ERROR(result.message))
        sys.exit(1)
