"""Benchmark: how long `hononga audit verify` takes, to extrapolate to 10,000,000 events
(issue 12, point 4: "10,000,000 events in minutes"); also the sealer's bulk speed.

    .venv/bin/python bench/audit_verify.py                      # SQLite, 20,000 events
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_AUDIT_EVENTS=1000000 \
        .venv/bin/python bench/audit_verify.py                  # PostgreSQL, 1,000,000 events

Generates events with realistic content (build_event + bulk_create, as a data generator does),
seals them all (`seal_pending`), then runs the same verification as `hononga audit verify`
(keyset pages of 5,000 by seal number). Results: bench/RESULTS.md.
"""

import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from audit_throughput import _setup, _throwaway_database

EVENTS = int(os.environ.get("BENCH_AUDIT_EVENTS", "20000"))
BATCH = 5000


def main() -> None:
    kind, cleanup = _throwaway_database()
    checkpoints = tempfile.mkdtemp(prefix="hononga-bench-checkpoints-")
    os.environ["AUDIT_CHECKPOINT_DIR"] = checkpoints
    _setup()
    from django.core.management import call_command
    from django.utils import timezone

    from hononga.audit.models import Action, AuditEvent
    from hononga.audit.sealer import seal_pending
    from hononga.audit.services import build_event
    from hononga.audit.verify import audit_verify

    try:
        call_command("migrate", verbosity=0)
        start = timezone.now() - timedelta(days=365)
        actions = [Action.VIEW, Action.LIST, Action.UPDATE, Action.CREATE]
        t0 = time.monotonic()
        for first in range(0, EVENTS, BATCH):
            AuditEvent.objects.bulk_create(
                [
                    build_event(
                        at=start + timedelta(seconds=3 * n),
                        actor_id=n % 2000,
                        actor_username=f"kaimahi{n % 2000}",
                        action=actions[n % 4],
                        target_type="whanau",
                        target_id=str(n % 50_000),
                        whanau_id=n % 50_000,
                        summary=f"Viewed the whānau page of whānau {n % 50_000}",
                        ip_address="10.1.2.3",
                        data={"page": 1, "filters": {"q": "tama"}} if n % 3 == 0 else {},
                    )
                    for n in range(first, min(first + BATCH, EVENTS))
                ]
            )
        generate = time.monotonic() - t0
        t0 = time.monotonic()
        sealed = seal_pending()
        seal = time.monotonic() - t0
        t0 = time.monotonic()
        result = audit_verify()
        verify = time.monotonic() - t0
        assert result.ok and result.checked == EVENTS == sealed.sealed, result.message
        load = os.getloadavg()[0]
        per_10m = verify * 10_000_000 / EVENTS
        print(f"{kind}, {EVENTS:,} events (load average {load:.1f})")
        print(f"  generate (build_event + bulk_create): {generate:.1f} s")
        print(f"  seal: {seal:.1f} s = {EVENTS / seal:,.0f} events/s")
        print(f"  verify: {verify:.1f} s = {EVENTS / verify:,.0f} events/s")
        print(f"  verify, extrapolated to 10,000,000 events: {per_10m / 60:.1f} min")
    finally:
        cleanup()  # type: ignore[operator]
        for path in Path(checkpoints).iterdir():
            path.unlink()
        Path(checkpoints).rmdir()


if __name__ == "__main__":
    main()
