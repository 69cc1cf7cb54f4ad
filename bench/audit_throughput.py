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
# BENCH_MODE=headlock: each writer also locks and updates one shared row in its transaction, as
# the old chain head did — the same machine, the same moment, for comparison.
MODE = os.environ.get("BENCH_MODE", "keyed")


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


def writer(seconds: float) -> None:
    """One writer process: set up, say ready, wait for "go", then write events (one per
    transaction) for `seconds`; print the count."""
    _setup()
    from django.db import connection, transaction

    from hononga.audit.models import Action
    from hononga.audit.services import record_event

    connection.ensure_connection()
    print("ready", flush=True)
    sys.stdin.readline()
    until = time.time() + seconds
    written = 0
    pid = os.getpid()
    cpu0 = time.process_time()
    while time.time() < until:
        with transaction.atomic():
            if MODE == "headlock":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT n FROM bench_head WHERE id = 1 FOR UPDATE")
                    cursor.execute("UPDATE bench_head SET n = n + 1 WHERE id = 1")
            record_event(
                actor=None,
                actor_username=f"bench-{pid}",
                action=Action.VIEW,
                whanau_id=written % 50_000,
                summary=f"Viewed whānau {written}",
                data={"page": "whanau", "n": written},
            )
        written += 1
    print(written, time.process_time() - cpu0)


def sealer(seconds: float) -> None:
    _setup()
    from hononga.audit.sealer import seal_pending

    print("ready", flush=True)
    sys.stdin.readline()
    until = time.time() + seconds
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
        from django.db import connection, connections

        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_head (id integer PRIMARY KEY, n bigint)")
            cursor.execute("INSERT INTO bench_head VALUES (1, 0)")

        connections.close_all()
        procs = [
            subprocess.Popen(  # noqa: S603 (this script, with a number)
                [sys.executable, __file__, role, str(SECONDS)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for role in ["writer"] * WRITERS + ["sealer"]
        ]
        for proc in procs:  # every process set up and connected before the clock starts
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        outputs = [proc.communicate()[0] for proc in procs]
        counts = [int(out.split()[0]) for out in outputs[:-1]]
        cpu = sum(float(out.split()[1]) for out in outputs[:-1])
        load = os.getloadavg()[0]
        written = sum(counts)
        rate = written / SECONDS
        t0 = time.monotonic()
        final = seal_pending()
        seal_seconds = time.monotonic() - t0
        t0 = time.monotonic()
        result = audit_verify()
        verify_seconds = time.monotonic() - t0
        print(
            f"{kind}, mode {MODE}, {WRITERS} writer processes for {SECONDS:.0f} s "
            f"(load average {load:.1f}, {os.cpu_count()} cores)"
        )
        print(f"  events written: {written} = {rate:,.0f} events/s (per writer: {counts})")
        print(
            f"  writers' own CPU: {cpu:.1f} s = {cpu * 1000 / max(written, 1):.2f} ms an event "
            f"({written / max(cpu, 1e-9):,.0f} events per CPU-second of the writers)"
        )
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
