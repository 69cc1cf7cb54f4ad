"""`hononga measures rollup`: work out every period's figures for the team, region and agency
pages (the scheduled "measures-rollup" job; see hononga/measures/rollup.py)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hononga.measures import rollup


class Command(BaseCommand):
    help = "Measures: `rollup` recomputes the stored counts behind the figures pages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rollup"])

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        count, rows = rollup.run()
        self.stdout.write(
            f"Figures worked out for {count} periods ({rows} rows) in "
            f"{time.perf_counter() - started:.1f} s."
        )
