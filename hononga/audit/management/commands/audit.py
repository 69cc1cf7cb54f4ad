"""`hononga audit …`: verify the trail, seal it, checkpoint it, make a key (docs/audit.md)."""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hononga.audit.checkpoints import prune_checkpoints, write_checkpoint
from hononga.audit.keys import new_key
from hononga.audit.sealer import chain_head, seal_pending
from hononga.audit.verify import audit_verify
from hononga.core.heartbeat import beat


class Command(BaseCommand):
    help = (
        "Audit trail tools. `audit verify` checks every event, link and checkpoint; `audit seal` "
        "chains new events (scheduled every 5 s); `audit checkpoint` writes a signed checkpoint "
        "outside the database; `audit prune-checkpoints` thins old checkpoints (daily); "
        "`audit keygen` prints a new key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser(
            "verify", help="Check digests, links and checkpoints; exit 1 at the first failure."
        )
        verify.add_argument("--quiet", action="store_true", help="No progress lines.")
        sub.add_parser("seal", help="Seal every committed unsealed event, then checkpoint.")
        sub.add_parser("checkpoint", help="Write a signed checkpoint of the chain's head.")
        prune = sub.add_parser(
            "prune-checkpoints",
            help="Thin old checkpoints to one a day (the newest, restore records and anything "
            "that does not check out are always kept).",
        )
        prune.add_argument("--dry-run", action="store_true", help="Report, delete nothing.")
        prune.add_argument(
            "--keep-days",
            type=int,
            default=None,
            help="Keep every checkpoint of this many days (default AUDIT_CHECKPOINT_KEEP_DAYS).",
        )
        keygen = sub.add_parser("keygen", help="Print a new random key (for AUDIT_KEYS).")
        keygen.add_argument("key_id", nargs="?", default="", help="Print as id=key.")

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["subcommand"]
        if command == "verify":
            self._verify(quiet=options["quiet"])
        elif command == "seal":
            result = seal_pending()
            if result.busy:
                message = "Another sealer is at work; nothing done."
            else:
                message = (
                    f"Sealed {result.sealed} event(s); the chain is at seal {result.last_seal}."
                )
            beat("audit-sealer", message)
            self.stdout.write(message)
        elif command == "checkpoint":
            seal_pending(checkpoint=False)
            seal, link = chain_head()
            if seal == 0:
                self.stdout.write("The chain is empty: no checkpoint written.")
                return
            path = write_checkpoint(seal, link)
            self.stdout.write(f"Checkpoint at seal {seal} written to {path}.")
        elif command == "prune-checkpoints":
            if options["keep_days"] is not None and options["keep_days"] < 1:
                self.stderr.write("--keep-days must be at least 1.")
                sys.exit(2)
            pruned = prune_checkpoints(keep_days=options["keep_days"], dry_run=options["dry_run"])
            removed, kept = len(pruned.removed), pruned.kept
            message = (
                f"Would remove {removed} checkpoint(s) and keep {kept}."
                if options["dry_run"]
                else f"Removed {removed} checkpoint(s); {kept} kept."
            )
            if pruned.failed:
                message += f" Could not remove {len(pruned.failed)}: {pruned.failed[0]}"
            self.stdout.write(message)
            if pruned.failed:
                sys.exit(1)
        elif command == "keygen":
            key = new_key()
            self.stdout.write(f"{options['key_id']}={key}" if options["key_id"] else key)

    def _verify(self, *, quiet: bool) -> None:
        def progress(checked: int, total: int, seconds: float) -> None:
            rate = checked / seconds if seconds else 0.0
            share = f" of {total} ({checked * 100 // total} %)" if total else ""
            self.stderr.write(f"  checked {checked}{share}, {rate:,.0f} events/s")

        every = 0

        def throttled(checked: int, total: int, seconds: float) -> None:
            nonlocal every
            if checked >= every:
                progress(checked, total, seconds)
                every = checked + 100_000

        result = audit_verify(progress=None if quiet else throttled)
        if result.ok:
            self.stdout.write(self.style.SUCCESS(result.message))
            return
        self.stderr.write(self.style.ERROR(result.message))
        sys.exit(1)
