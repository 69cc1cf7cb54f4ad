"""Benchmark: a practitioner's home page ("Relationships needing attention") and the page listing
every relationship needing attention, with 60 whānau and about 10,000 check-ins over three years.

    .venv/bin/python bench/checkins_home.py                     # SQLite (a throwaway file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/checkins_home.py
                                                                # PostgreSQL (a throwaway database
                                                                # made on that server, then dropped)

Target: under 100 ms server time on each, with a query count that does not grow with the number
of check-ins (asserted in hononga/checkins/tests/test_home.py). Prints median and 95th percentile
of the whole page (middleware, session, every panel, template) and of the attention selector.
BENCH_EXPLAIN=1 prints each query of the selector with its time; BENCH_PROFILE=1 a profile.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WHANAU = 60
CHECKINS = 10_000
DAYS = 3 * 365
RUNS = 30


def _throwaway_database() -> tuple[str, str, object]:
    """Point DATABASE_URL at a new empty database; return (kind, url, cleanup)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        name = f"hononga_bench_checkins_{os.getpid()}"
        parsed = urlparse(url)
        admin_url = urlunparse(parsed._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        bench_url = urlunparse(parsed._replace(path=f"/{name}"))

        def drop() -> None:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        os.environ["DATABASE_URL"] = bench_url
        return "PostgreSQL", bench_url, drop
    folder = tempfile.mkdtemp(prefix="hononga-bench-")
    path = Path(folder) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"

    def remove() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        Path(folder).rmdir()

    return "SQLite", str(path), remove


def main() -> None:
    kind, _url, cleanup = _throwaway_database()
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
    from hononga.checkins import scoring, selectors, services
    from hononga.checkins.instrument import ITEM_KEYS
    from hononga.checkins.models import CheckIn
    from hononga.core.models import Region
    from hononga.core.text import fold
    from hononga.relationships.models import Relationship
    from hononga.whanau.models import Allocation, Membership, Person, Whanau

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    rng = random.Random(1991)
    region = Region.objects.create(name="Waikato")
    team = Team.objects.create(name="Kirikiriroa team", region=region)
    user = User.objects.create_user(
        username="bench-practitioner", password="x" * 20, role=Role.PRACTITIONER
    )
    user.preferred_name = "Aroha"
    user.save()
    user.teams.add(team)
    worker = Person.objects.create(preferred_name="Aroha", kind="practitioner", user=user)
    today = timezone.localdate()
    whanau = Whanau.objects.bulk_create(
        [
            Whanau(name=f"Whānau {i}", search_key=fold(f"Whānau {i}"), team=team, region=region)
            for i in range(WHANAU)
        ]
    )
    Allocation.objects.bulk_create(
        [Allocation(whanau=w, user=user, started=today - timedelta(days=DAYS + 10)) for w in whanau]
    )
    members = Person.objects.bulk_create(
        [
            Person(
                preferred_name=f"Tangata {w.pk}-{n}",
                search_key=fold(f"Tangata {w.pk}-{n}"),
                kind="parent" if n < 2 else "rangatahi",
            )
            for w in whanau
            for n in range(3)
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
                started=today - timedelta(days=DAYS + 5),
            )
            for i, p in enumerate(members)
        ]
    )
    per_relationship = CHECKINS // len(relationships)
    rows = []
    start = timezone.now() - timedelta(days=DAYS)
    for relationship in relationships:
        member = (
            relationship.person_b
            if relationship.person_a_id == worker.pk
            else (relationship.person_a)
        )
        level = rng.uniform(6.5, 9.5)
        for n in range(per_relationship):
            when = start + timedelta(days=DAYS * n / per_relationship + rng.random())
            mirror = n % 4 == 3
            answers = {
                key: max(0, min(10, round(rng.gauss(level + (0.5 if mirror else 0), 1))))
                for key in ITEM_KEYS
            }
            rows.append(
                CheckIn(
                    relationship=relationship,
                    rater=worker if mirror else member,
                    perspective="mirror" if mirror else "self",
                    form="mirror" if mirror else "adult",
                    channel="in_session",
                    answered_at=when,
                    recorded_by=user,
                    score=scoring.score(answers),
                    **answers,
                )
            )
    CheckIn.objects.bulk_create(rows, batch_size=1000)
    for relationship in relationships:
        services.refresh_derived(relationship.pk)
    services.estimates_refresh(force=True)
    total = CheckIn.objects.count()
    setup = time.perf_counter() - started

    client = Client()
    client.force_login(user)
    client.get("/")  # warm up (templates, settings row)
    page_times = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            response = client.get("/")
            page_times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    page_queries = len(queries)
    client.get("/check-ins/attention/")
    list_times = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            response = client.get("/check-ins/attention/", {"page": 2})
            list_times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    list_queries = len(queries)
    selector_times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        _items, flagged = selectors.relationships_needing_attention(user=user, limit=15)
        selector_times.append((time.perf_counter() - t0) * 1000)
    with CaptureQueriesContext(connection) as queries:
        selectors.relationships_needing_attention(user=user, limit=15)
    selector_queries = len(queries)
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            selectors.relationships_needing_attention(user=user, limit=15)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    if os.environ.get("BENCH_EXPLAIN"):
        for query in queries.captured_queries:
            print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:150]}")

    def summary(times: list[float]) -> str:
        ordered = sorted(times)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        return f"median {statistics.median(ordered):6.1f} ms   p95 {p95:6.1f} ms"

    print(f"Hononga check-ins home page benchmark — {kind}")
    print(
        f"  data: {WHANAU} whānau, {len(relationships)} practitioner relationships, "
        f"{total} check-ins over {DAYS // 365} years (set up in {setup:.1f} s)"
    )
    print(f"  flagged relationships: {flagged}")
    print(f"  home page (whole request): {summary(page_times)}   {page_queries} queries")
    print(f"  every one, page 2 of 25:   {summary(list_times)}   {list_queries} queries")
    print(f"  attention selector only:   {summary(selector_times)}   {selector_queries} queries")
    median = max(statistics.median(page_times), statistics.median(list_times))
    verdict = "PASS" if median < 100 else "FAIL"
    print(f"  target < 100 ms server time: {verdict} ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)")


if __name__ == "__main__":
    main()
