"""Benchmark: audit events a second from concurrent writers, with the sealer running beside them;
then the whole chain is verified (issue 12, point 4: at least 1,000 events/s from 8 writers on
PostgreSQL).

    .venv/bin/python bench/audit_throughput.py                  # SQLite (a throwaway file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        BENCH_WRITERS=8 BENCH_SECONDS=20 .venv/bin/python bench/audit_throughput.py
                                                                # PostgreSQL (a throwaway database)

Each writer is a separate process (like a gunicorn worker) that writes one event per
transaction with `record_event` — what an audited request does — as fast as it can. The sealer
runs every 5 s as the schedule runs it (`seal_pending`). Results: bench/RESULTS.md.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WRITERS = int(os.environ.get("BENCH_WRITERS", "8"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
SEAL_EVERY = 5.0


def _throwaway_database() -> tuple[str, object]:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        name = f"hononga_bench_audit_{os.getpid()}"
        parsed = urlparse(url)
        admin_url = urlunparse(parsed._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = urlunparse(parsed._replace(path=f"/{name}"))

        def drop() -> None:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return "PostgreSQL", drop
    folder = tempfile.mkdtemp(prefix="hononga-bench-")
    path = Path(folder) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"

    def remove() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        Path(folder).rmdir()

    return "SQLite", remove


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hononga.settings")
    os.environ.setdefault("HONONGA_ENV", "test")
    import django

    django.setup()


def writer(until: float) -> None:
    """One writer process: events, one per transaction, until the given time; prints the count."""
    _setup()
    from django.db import transaction

    from hononga.audit.models import Action
    from hononga.audit.services import record_event

    written = 0
    pid = os.getpid()
    while time.time() < until:
        with transaction.atomic():
            record_event(
                actor=None,
                actor_username=f"bench-{pid}",
                action=Action.VIEW,
                whanau_id=written % 50_000,
                summary=f"Viewed whānau {written}",
                data={"page": "whanau", "n": written},
            )
        written += 1
    print(written)


def sealer(until: float) -> None:
    _setup()
    from hononga.audit.sealer import seal_pending

    while time.time() < until:
        time.sleep(max(0.0, min(SEAL_EVERY, until - time.time())))
        seal_pending()


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] in {"writer", "sealer"}:
        {"writer": writer, "sealer": sealer}[sys.argv[1]](float(sys.argv[2]))
        return
    kind, cleanup = _throwaway_database()
    checkpoints = tempfile.mkdtemp(prefix="hononga-bench-checkpoints-")
    os.environ["AUDIT_CHECKPOINT_DIR"] = checkpoints
    _setup()
    from django.core.management import call_command

    from hononga.audit.models import AuditEvent
    from hononga.audit.sealer import seal_pending
    from hononga.audit.verify import audit_verify

    try:
        call_command("migrate", verbosity=0)
        from django.db import connections

        connections.close_all()
        start = time.time() + 3.0  # every process set up before the clock starts
        until = start + SECONDS
        procs = [
            subprocess.Popen(  # noqa: S603 (this script, with a number)
                [sys.executable, __file__, "writer", str(until)],
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(WRITERS)
        ]
        seal_proc = subprocess.Popen([sys.executable, __file__, "sealer", str(until)])  # noqa: S603
        counts = [int(p.communicate()[0].strip() or 0) for p in procs]
        seal_proc.wait()
        load = os.getloadavg()[0]
        written = sum(counts)
        rate = written / SECONDS
        t0 = time.monotonic()
        final = seal_pending()
        seal_seconds = time.monotonic() - t0
        t0 = time.monotonic()
        result = audit_verify()
        verify_seconds = time.monotonic() - t0
        print(f"{kind}, {WRITERS} writer processes for {SECONDS:.0f} s (load average {load:.1f})")
        print(f"  events written: {written} = {rate:,.0f} events/s (per writer: {counts})")
        print(
            f"  sealed during the run: {written - final.sealed}; left for the last run: "
            f"{final.sealed} (sealed in {seal_seconds:.1f} s)"
        )
        print(f"  verify: {result.ok} in {verify_seconds:.1f} s — {result.message}")
        assert result.ok and AuditEvent.objects.count() == written == result.checked
    finally:
        cleanup()  # type: ignore[operator]
        for path in Path(checkpoints).iterdir():
            path.unlink()
        Path(checkpoints).rmdir()


if __name__ == "__main__":
    main()
