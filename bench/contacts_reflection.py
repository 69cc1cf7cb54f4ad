"""Benchmark: the team reflection page over two years for a 12-practitioner team (about 20,000
contacts, with the whānau's check-ins beside them).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/contacts_reflection.py   # PostgreSQL: a throwaway database made
                                                        # on that server, then dropped
    .venv/bin/python bench/contacts_reflection.py       # SQLite (a throwaway file), to compare

Target: under 200 ms server time on PostgreSQL, with a query count that does not grow with the
number of contacts (asserted in hononga/contacts/tests/test_reflection.py). The figures are
aggregated in the database (GROUP BY month and quadrant); no contact row is loaded. Prints
median and 95th percentile of the whole page (middleware, session, template, charts' JSON) and
of the reflection selector. BENCH_EXPLAIN=1 prints each query with its time.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PRACTITIONERS = 12
WHANAU_EACH = 8
CONTACTS = 20_000
CHECKINS = 4_000
DAYS = 2 * 365
RUNS = 30
TARGET_MS = 200


def _throwaway_database() -> tuple[str, object]:
    """Point DATABASE_URL at a new empty database; return (kind, cleanup)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        name = f"hononga_bench_contacts_{os.getpid()}"
        parsed = urlparse(url)
        admin_url = urlunparse(parsed._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        os.environ["DATABASE_URL"] = urlunparse(parsed._replace(path=f"/{name}"))
        return "PostgreSQL", drop
    folder = tempfile.mkdtemp(prefix="hononga-bench-")
    path = Path(folder) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"

    def remove() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        Path(folder).rmdir()

    return "SQLite", remove


def main() -> None:
    kind, cleanup = _throwaway_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hononga.settings")
    os.environ.setdefault("HONONGA_ENV", "test")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    try:
        run(kind)
    finally:
        cleanup()  # type: ignore[operator]


def run(kind: str) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from hononga.accounts.models import Role, Team, User
    from hononga.checkins.models import CheckIn
    from hononga.contacts import selectors
    from hononga.contacts.models import Contact, DecisionsWith, Mode, quadrant
    from hononga.core.models import Region
    from hononga.core.text import fold
    from hononga.relationships.models import Relationship
    from hononga.whanau.models import Allocation, Membership, Person, Whanau

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    rng = random.Random(1994)
    region = Region.objects.create(name="Waikato")
    team = Team.objects.create(name="Kirikiriroa team", region=region)
    supervisor = User.objects.create_user(
        username="bench-supervisor", password="x" * 20, role=Role.SUPERVISOR
    )
    supervisor.teams.add(team)
    today = timezone.localdate()
    now = timezone.now()
    staff = []
    for n in range(PRACTITIONERS):
        user = User.objects.create_user(
            username=f"bench-practitioner-{n}", password="x" * 20, role=Role.PRACTITIONER
        )
        user.teams.add(team)
        staff.append((user, Person.objects.create(preferred_name=f"Kaimahi {n}", user=user)))
    contacts: list[Contact] = []
    participant_links = []
    touched_links = []
    relationships_all: list[tuple[Relationship, Person]] = []
    for user, worker in staff:
        whanau = Whanau.objects.bulk_create(
            [
                Whanau(
                    name=f"Whānau {user.pk}-{i}",
                    search_key=fold(f"Whānau {user.pk}-{i}"),
                    team=team,
                    region=region,
                )
                for i in range(WHANAU_EACH)
            ]
        )
        Allocation.objects.bulk_create(
            [
                Allocation(whanau=w, user=user, started=today - timedelta(days=DAYS + 10))
                for w in whanau
            ]
        )
        members = Person.objects.bulk_create(
            [
                Person(preferred_name=f"Tangata {w.pk}-{k}", search_key=f"tangata {w.pk}-{k}")
                for w in whanau
                for k in range(3)
            ]
        )
        Membership.objects.bulk_create(
            [Membership(person=p, whanau=whanau[i // 3]) for i, p in enumerate(members)]
        )
        relationships = Relationship.objects.bulk_create(
            [
                Relationship(
                    whanau=whanau[i // 3],
                    person_a=worker if worker.pk < p.pk else p,
                    person_b=p if worker.pk < p.pk else worker,
                    kind="professional",
                )
                for i, p in enumerate(members)
            ]
        )
        relationships_all.extend(zip(relationships, members, strict=True))
        for _ in range(CONTACTS // PRACTITIONERS):
            index = rng.randrange(len(whanau))
            support, control = rng.randint(0, 10), rng.randint(0, 10)
            contacts.append(
                Contact(
                    whanau=whanau[index],
                    practitioner=user,
                    occurred_at=now - timedelta(minutes=rng.randint(60, DAYS * 24 * 60)),
                    mode=rng.choice(Mode.values),
                    purpose="Synthetic contact",
                    own_words="Kia ora" if rng.random() < 0.6 else "",
                    decisions_with=rng.choice(DecisionsWith.values),
                    support=support,
                    control=control,
                    quadrant=quadrant(support, control),  # bulk_create skips save()
                )
            )
            participant_links.append(members[index * 3 + rng.randrange(3)])
            touched_links.append(relationships[index * 3] if rng.random() < 0.3 else None)
    Contact.objects.bulk_create(contacts, batch_size=2000)
    Through = Contact.participants.through
    Through.objects.bulk_create(
        [
            Through(contact_id=c.pk, person_id=p.pk)
            for c, p in zip(contacts, participant_links, strict=True)
        ],
        batch_size=5000,
    )
    Touched = Contact.relationships.through
    Touched.objects.bulk_create(
        [
            Touched(contact_id=c.pk, relationship_id=r.pk)
            for c, r in zip(contacts, touched_links, strict=True)
            if r is not None
        ],
        batch_size=5000,
    )
    CheckIn.objects.bulk_create(
        [
            CheckIn(
                relationship=relationship,
                rater=member,
                perspective="self",
                form="adult",
                channel="in_session",
                score=Decimal(rng.randint(50, 100)) / 10,
                answered_at=now - timedelta(minutes=rng.randint(60, DAYS * 24 * 60)),
            )
            for relationship, member in (rng.choice(relationships_all) for _ in range(CHECKINS))
        ],
        batch_size=2000,
    )
    if kind == "PostgreSQL":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    total = Contact.objects.count()
    setup = time.perf_counter() - started

    client = Client()
    client.force_login(supervisor)
    url = f"/reflection/teams/{team.pk}/"
    start = (today - timedelta(days=DAYS)).isoformat()
    params = {"start": start, "end": today.isoformat()}
    first = client.get(url, params)  # warm up (templates, caches)
    assert first.status_code == 200, first.status_code
    page_times = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            response = client.get(url, params)
            page_times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    page_queries = len(queries)
    period = selectors.Period(start=today - timedelta(days=DAYS), end=today)
    selector_times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        result = selectors.reflection(
            practitioners=selectors.team_practitioners(team), period=period
        )
        selector_times.append((time.perf_counter() - t0) * 1000)
    with CaptureQueriesContext(connection) as queries:
        selectors.reflection(practitioners=selectors.team_practitioners(team), period=period)
    selector_queries = len(queries)
    if os.environ.get("BENCH_EXPLAIN"):
        for query in queries.captured_queries:
            print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:160]}")

    def summary(times: list[float]) -> str:
        ordered = sorted(times)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        return f"median {statistics.median(ordered):6.1f} ms   p95 {p95:6.1f} ms"

    print(f"Hononga team reflection benchmark — {kind}")
    print(
        f"  data: {PRACTITIONERS} practitioners, {PRACTITIONERS * WHANAU_EACH} whānau, {total} "
        f"contacts and {CHECKINS} check-ins over {DAYS // 365} years (set up in {setup:.1f} s)"
    )
    print(
        f"  figures: {result.totals.total} contacts in {len(result.months)} months; "
        f"check-in mean {result.totals.checkin_mean} (n={result.totals.checkin_count})"
    )
    print(f"  team reflection page (whole request): {summary(page_times)}   {page_queries} queries")
    print(
        f"  reflection selector only:             {summary(selector_times)}   "
        f"{selector_queries} queries"
    )
    median = statistics.median(page_times)
    verdict = "PASS" if median < TARGET_MS else "FAIL"
    print(
        f"  target < {TARGET_MS} ms server time: {verdict} ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)"
    )


if __name__ == "__main__":
    main()
