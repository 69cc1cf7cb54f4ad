"""`hononga worker`: run queued tasks and the scheduled jobs (production: its own process)."""

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hononga.tasks.runner import Worker


class Command(BaseCommand):
    help = (
        "Run queued background tasks (mail, text messages, ...) and the periodic jobs of "
        "hononga/core/schedule.py. Run one or more, each as its own process; Ctrl-C or SIGTERM "
        "stops after the task in hand."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queues",
            default="",
            help="Comma-separated queues to take tasks from (default: all).",
        )
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="Do not queue scheduled jobs (another worker does).",
        )
        parser.add_argument(
            "--until-empty",
            action="store_true",
            help="Run what is due now, then stop (for cron or a one-off catch-up).",
        )
        parser.add_argument("--max-tasks", type=int, default=None, help="Stop after N tasks.")
        parser.add_argument(
            "--poll", type=float, default=0.5, help="Seconds to wait when the queue is empty."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        logging.getLogger("hononga.tasks").setLevel(logging.INFO)
        queues = [name.strip() for name in options["queues"].split(",") if name.strip()]
        worker = Worker(
            queues=queues or None,
            run_schedule=not options["no_schedule"],
            poll_interval=max(0.05, options["poll"]),
        )
        worker.install_signal_handlers()
        try:
            worker.run(max_tasks=options["max_tasks"], until_empty=options["until_empty"])
        except KeyboardInterrupt:
            self.stderr.write("Worker stopped at once; its task goes back on the queue.")
