"""Benchmark: the daily digest for 2,000 staff over a generated agency — in worker time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<a copy of a generated agency> \
        .venv/bin/python bench/digest.py

Target (issue 16): the daily digest for 2,000 users over national-size data in under two minutes
of worker time. Runs on a PostgreSQL database holding a generated agency (`hononga generate`;
bench/scale.sh makes one), migrated to this code. It makes what a busy day leaves:

- BENCH_USERS (2,000) active staff named `bench-digest-NNNN` (made once, kept), each with an
  email address and "daily digest" for every kind, half of them in te reo Māori;
- a history of BENCH_HISTORY (200,000) notifications already read or emailed, spread over the
  users and the last year (made once, kept) — the table the digest's query reads past;
- for this run, BENCH_UNREAD (8) unread notifications a user, of mixed kinds, pointing at the
  agency's own processes.

Then it times, in this process (the worker's own CPU time and the wall clock, with the database
queries counted):
1. `hononga notifications digest` — `digest_send()`: the users with unread notifications, their
   preferences and one queued message each;
2. a worker draining the queue: rendering 2,000 emails in each recipient's language and handing
   them to the email backend (the development outbox, which stores each in the database — more
   work than SMTP's hand-over).

Each run uses its own day (a run counter in the future), so the digest's per-day idempotency key
never stops a second run; the bench users' notifications of earlier runs are then already
emailed and count as history. Nothing outside the bench users is changed. The machine is shared:
the load average is printed before and after, and wall-clock figures depend on it; CPU time a
user and query counts much less.
"""

import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

USERS = int(os.environ.get("BENCH_USERS", "2000"))
HISTORY = int(os.environ.get("BENCH_HISTORY", "200000"))
UNREAD = int(os.environ.get("BENCH_UNREAD", "8"))
PREFIX = "bench-digest-"


def _setup() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print(
            "bench/digest.py needs DATABASE_URL of a PostgreSQL database with a generated agency."
        )
        sys.exit(0)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hononga.settings")
    os.environ.setdefault("HONONGA_ENV", "development")
    os.environ["TASKS_SCHEDULE"] = "hononga.tasks.tests.sample_schedule.NONE"
    os.environ.pop("EMAIL_URL", None)
    import django

    django.setup()


def _load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "?"


def _users() -> list[int]:
    from django.contrib.auth.hashers import make_password

    from hononga.accounts.models import Role, User
    from hononga.notifications.models import EmailDelivery, Kind, NotificationPreference

    have = User.objects.filter(username__startswith=PREFIX).count()
    if have < USERS:
        password = make_password(None)
        User.objects.bulk_create(
            [
                User(
                    username=f"{PREFIX}{n:04d}",
                    password=password,
                    role=Role.PRACTITIONER,
                    preferred_name=f"Kaimahi {n}",
                    email=f"{PREFIX}{n:04d}@example.org",
                    language="mi" if n % 2 else "en",
                )
                for n in range(have, USERS)
            ],
            batch_size=1000,
        )
    ids = list(
        User.objects.filter(username__startswith=PREFIX).order_by("pk").values_list("pk", flat=True)
    )[:USERS]
    existing = set(
        NotificationPreference.objects.filter(user_id__in=ids).values_list("user_id", "kind")
    )
    NotificationPreference.objects.bulk_create(
        [
            NotificationPreference(user_id=user_id, kind=kind, email=EmailDelivery.DIGEST)
            for user_id in ids
            for kind in Kind.values
            if (user_id, kind) not in existing
        ],
        batch_size=5000,
    )
    return ids


def _urls() -> list[str]:
    from django.urls import reverse

    from hononga.restorative.models import RestorativeProcess

    ids = list(RestorativeProcess.objects.order_by("pk").values_list("pk", flat=True)[:500])
    return [reverse("restorative:process", args=[pk]) for pk in ids] or ["/"]


def _history(ids: list[int], urls: list[str]) -> None:
    from django.utils import timezone

    from hononga.notifications.models import Kind, Notification
    from hononga.notifications.services import TEXTS

    have = Notification.objects.filter(event_key__startswith="bench-history:").count()
    now = timezone.now()
    kinds = list(Kind.values)
    batch = []
    for n in range(have, HISTORY):
        kind = kinds[n % len(kinds)]
        made = now - timedelta(minutes=(n * 37) % (365 * 24 * 60))
        batch.append(
            Notification(
                user_id=ids[n % len(ids)],
                kind=kind,
                text=TEXTS[kind],
                url=urls[n % len(urls)],
                event_key=f"bench-history:{n}",
                created_at=made,
                read_at=made + timedelta(hours=3) if n % 3 else None,
                emailed_at=made + timedelta(hours=9) if n % 3 == 0 else None,
            )
        )
        if len(batch) == 10_000:
            Notification.objects.bulk_create(batch)
            batch = []
    Notification.objects.bulk_create(batch)


def _todays(ids: list[int], urls: list[str], run: int, now: object) -> None:
    from hononga.notifications.models import Kind, Notification
    from hononga.notifications.services import TEXTS

    kinds = list(Kind.values)
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=user_id,
                kind=kinds[(i + k) % len(kinds)],
                text=TEXTS[kinds[(i + k) % len(kinds)]],
                url=urls[(i * UNREAD + k) % len(urls)],
                event_key=f"bench-run:{run}:{user_id}:{k}",
                created_at=now,
            )
            for i, user_id in enumerate(ids)
            for k in range(UNREAD)
        ],
        batch_size=10_000,
    )


def main() -> None:
    _setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from hononga.messaging.models import Message, MessageStatus
    from hononga.notifications.models import Notification
    from hononga.notifications.services import digest_send
    from hononga.tasks.models import QueuedTask
    from hononga.tasks.runner import Worker
    from hononga.whanau.models import Whanau

    settings.EMAIL_BACKEND = "hononga.messaging.transports.OutboxEmailBackend"
    call_command("migrate", verbosity=0)
    print(f"load average at the start: {_load()} (the machine is shared with other engineers)")
    print(
        f"agency: {Whanau.objects.count():,} whānau; notifications already: "
        f"{Notification.objects.count():,}"
    )
    started = time.perf_counter()
    ids = _users()
    urls = _urls()
    _history(ids, urls)
    run = Message.objects.filter(purpose="notification_digest", user_id__in=ids[:1]).count() + 1
    now = timezone.now() + timedelta(days=run)
    _todays(ids, urls, run, now)
    waiting = QueuedTask.objects.filter(status="READY").count()
    if waiting:
        print(f"note: {waiting:,} tasks were already queued; the worker below runs them too")
    print(
        f"set up {len(ids):,} users, {Notification.objects.count():,} notifications "
        f"({len(ids) * UNREAD:,} unread for the digest) in {time.perf_counter() - started:.1f} s"
    )

    before = Message.objects.filter(purpose="notification_digest").count()
    started, cpu = time.perf_counter(), time.process_time()
    queries = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        queued = digest_send(now=now)
    digest_wall, digest_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"1. digest_send: {queued:,} emails queued in {digest_wall:.1f} s wall, "
        f"{digest_cpu:.1f} s CPU, {len(queries):,} queries"
    )

    started, cpu = time.perf_counter(), time.process_time()
    ran = Worker(run_schedule=False).run(until_empty=True)
    send_wall, send_cpu = time.perf_counter() - started, time.process_time() - cpu
    sent = Message.objects.filter(
        purpose="notification_digest", status=MessageStatus.SENT, user_id__in=ids
    ).count()
    print(
        f"2. worker: {ran:,} tasks in {send_wall:.1f} s wall, {send_cpu:.1f} s CPU "
        f"({send_cpu / max(ran, 1) * 1000:.1f} ms CPU a task); digest emails sent so far: {sent:,}"
    )
    in_te_reo = Message.objects.filter(
        purpose="notification_digest", user_id__in=ids, language="mi"
    ).count()
    total_wall, total_cpu = digest_wall + send_wall, digest_cpu + send_cpu
    print(
        f"total worker time: {total_wall:.1f} s wall, {total_cpu:.1f} s CPU for "
        f"{Message.objects.filter(purpose='notification_digest').count() - before:,} digests "
        f"(target: under 120 s); {in_te_reo:,} digests in te reo Māori so far"
    )
    print(f"load average at the end: {_load()}")


if __name__ == "__main__":
    main()
