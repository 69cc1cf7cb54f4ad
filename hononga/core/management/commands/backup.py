"""`hononga backup`: the database and the audit checkpoints, to shared storage (docs/backups.md)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hononga.core.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (PostgreSQL: pg_dump -Fc; SQLite: online backup) and the audit "
        "checkpoints into a new directory under SHARED_STORAGE_DIR/backups (or --dest). The "
        "audit keys are not included: keep them apart (docs/backups.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dest", type=Path, help="Directory to put the backup in.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup(options["dest"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up to {result.path} ({result.size:,} bytes, audit chain at seal "
                f"{result.seal}) in {result.seconds:.1f} s."
            )
        )
