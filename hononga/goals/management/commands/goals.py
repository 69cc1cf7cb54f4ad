"""`hononga goals learn`: rebuild what the agency learns (the daily job; see
hononga/goals/learning.py)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hononga.goals import learning


class Command(BaseCommand):
    help = "Goals: `learn` rebuilds the association of relationship quality and goal change."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["learn"])

    def handle(self, *args: Any, **options: Any) -> None:
        count = learning.rebuild()
        self.stdout.write(f"Goal holders counted: {count}.")
