"""`hononga generate --size small|large|national`: a synthetic agency for benchmarks."""

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hononga.synthetic.generator import PASSWORD, SIZES, RealDataError, generate


class Command(BaseCommand):
    help = (
        "Fill an empty database with a synthetic agency (small: 1,000 whānau; large: 20,000; "
        "national: 50,000), with history, check-ins, contacts, restorative processes, "
        "advisories and audit events. Refuses a database holding data it did not write."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument("--seed", type=int, default=20261130)
        parser.add_argument(
            "--replace", action="store_true", help="Replace synthetic data made earlier."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Synthetic data is never generated with production settings.")
        started = time.perf_counter()
        try:
            result = generate(
                SIZES[options["size"]],
                seed=options["seed"],
                replace=options["replace"],
                progress=lambda message: self.stdout.write(message),
            )
        except RealDataError as error:
            raise CommandError(str(error)) from None
        for table, count in sorted(result.counts.items()):
            self.stdout.write(f"  {table:<40} {count:>12,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated the {options['size']} agency in {time.perf_counter() - started:.0f} s. "
                f"Logins: syn-practitioner-0001, syn-supervisor-001, syn-facilitator-001, "
                f"syn-admin (password {PASSWORD})."
            )
        )
