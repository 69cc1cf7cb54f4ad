"""`hononga restore BACKUP`: into a fresh database, then verify the audit trail.

See docs/backups.md."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hononga.audit.verify import audit_verify
from hononga.core.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `hononga backup` into the database DATABASE_URL points at, "
        "which must be fresh and empty; copy its audit checkpoints into the checkpoint store; "
        "then check the audit trail (needs the audit keys)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", type=Path, help="A backup directory (hononga-<time>).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore(options["backup"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {options['backup']} in {result.seconds:.1f} s (audit chain at seal "
            f"{result.seal}; {result.checkpoints_copied} checkpoint(s) copied)."
        )
        check = audit_verify()
        if check.ok:
            self.stdout.write(self.style.SUCCESS(check.message))
            return
        self.stderr.write(self.style.ERROR(check.message))
        sys.exit(1)
