"""`hononga devserver`: the development web server and a task worker, started and stopped together.

`make run` uses it, so mail and text messages queued by the app are processed (into the
outbox) without a second terminal. Ctrl-C stops both. Production runs `hononga worker` as a
process of its own beside gunicorn instead (README).
"""

import os
import signal
import subprocess
import sys
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run the development server and a task worker together (Ctrl-C stops both)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("devserver is for development; run gunicorn and `hononga worker`.")
        # runserver's autoreloader runs this command again in a child process (RUN_MAIN=true);
        # only the outer process starts the worker, so there is one however often code reloads.
        worker = None
        if os.environ.get("RUN_MAIN") != "true":
            # `kill` (SIGTERM) as well as Ctrl-C must stop the worker too, not orphan it.
            signal.signal(signal.SIGTERM, _exit_on_signal)
            worker = subprocess.Popen([sys.executable, "-m", "hononga", "worker"])
            self.stdout.write(
                f"Task worker started (pid {worker.pid}); queued mail and text messages appear "
                f"in the outbox: http://{options['addrport']}/messaging/outbox/"
            )
        try:
            call_command("runserver", options["addrport"])
        finally:
            if worker is not None:
                stop_worker(worker)


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def stop_worker(worker: "subprocess.Popen[bytes]") -> None:
    # Ctrl-C reached the worker too (same process group): give it a moment to finish its task
    # and leave by itself; then ask it to stop (SIGTERM); then insist.
    try:
        worker.wait(timeout=5)
        return
    except subprocess.TimeoutExpired:
        worker.terminate()
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
