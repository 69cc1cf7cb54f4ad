"""`hononga retention [--dry-run]`: dispose of records past their retention (the daily job)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hononga.core.heartbeat import beat
from hononga.privacy.retention import retention_run


class Command(BaseCommand):
    help = (
        "Retention under the agency's disposal authority. --dry-run reports what is due under "
        "each rule (and what a legal hold keeps); without it, records due for at least "
        "RETENTION_NOTICE_DAYS are disposed of (deleted or de-identified, history included) and "
        "recorded. Idempotent; scheduled daily (a dry run, then the disposal)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Report only; change nothing.")
        parser.add_argument(
            "--scheduled",
            action="store_true",
            help="The daily job: a dry-run report, then the disposal.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        runs = (
            [True] if options["dry_run"] else ([True, False] if options["scheduled"] else [False])
        )
        for dry_run in runs:
            run = retention_run(dry_run=dry_run)
            title = "Dry run: due now" if dry_run else "Disposed of"
            self.stdout.write(f"{title} (notice {run.report['notice_days']} days):")
            for rule in run.report["rules"]:
                count = rule["due"] if dry_run else rule["disposed"]
                line = f"  {rule['rule']:<16} {count:>7}   {rule['authority']}"
                if rule["held_count"]:
                    line += f"   kept under legal hold: {rule['held_count']}"
                if rule["note"]:
                    line += f"   ({rule['note']})"
                self.stdout.write(line)
        beat("retention", f"{'dry run' if runs == [True] else 'disposal'} done")
