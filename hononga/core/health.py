"""`/health/`: what a load balancer (or an operator) asks before sending traffic to this host.

200 with `"status": "ok"` when the database answers, every migration is applied, and the task
worker has beaten recently; 503 with the failing checks named otherwise. The audit sealer's
heartbeat is reported when it has one (it is a scheduled job of its own). No login, no case
data, no personal data: only names of checks and ages in seconds.
"""

from datetime import timedelta
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from hononga.core.heartbeat import last_beat

# A worker beats every few seconds; a sealer every few seconds once it runs.
HEARTBEATS = {"worker": timedelta(minutes=2), "audit-sealer": timedelta(minutes=2)}
REQUIRED = {"worker"}

_migrations_applied = False  # once true, stays true for this process (no new migrations appear)


def _migrations_done() -> bool:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        _migrations_applied = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrations_applied


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    checks: dict[str, Any] = {}
    failing: list[str] = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # any failure to reach the database is "down", never a 500
        checks["database"] = "unreachable"
        return JsonResponse(
            {"status": "down", "failing": ["database"], "checks": checks}, status=503
        )
    migrated = _migrations_done()
    checks["migrations"] = "applied" if migrated else "pending"
    if not migrated:
        failing.append("migrations")
    now = timezone.now()
    for name, within in HEARTBEATS.items():
        at = last_beat(name)
        if at is None:
            checks[name] = "never" if name in REQUIRED else "not running here"
            if name in REQUIRED:
                failing.append(name)
            continue
        age = int((now - at).total_seconds())
        checks[name] = {"seconds_ago": age, "ok": age <= within.total_seconds()}
        if age > within.total_seconds():
            failing.append(name)
    status = 200 if not failing else 503
    return JsonResponse(
        {"status": "ok" if not failing else "degraded", "failing": failing, "checks": checks},
        status=status,
    )
