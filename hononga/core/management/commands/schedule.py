"""`hononga schedule`: list the periodic jobs declared in hononga/core/schedule.py."""

from typing import Any

from django.core.management.base import BaseCommand

from hononga.core.schedule import SCHEDULE


class Command(BaseCommand):
    help = "List the periodic jobs (declared in hononga/core/schedule.py)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not SCHEDULE:
            self.stdout.write("No periodic jobs are declared.")
            return
        for job in SCHEDULE:
            when = f"every {job.every}" if job.every else f"daily at {job.daily_at:%H:%M}"
            command = " ".join([job.command, *job.args])
            self.stdout.write(f"{job.name:<28} {when:<22} hononga {command}\n    {job.description}")
