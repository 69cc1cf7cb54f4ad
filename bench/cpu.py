"""Benchmark: the CPU time each page of the load test's mix costs the application, in-process.

    DATABASE_URL=postgres://…/<a generated agency> .venv/bin/python bench/cpu.py

Production settings (as bench/scale.py), the request log on at INFO as under gunicorn (written
to stderr: redirect it). For each page of `make bench-load`'s mix, plus a trivial signed-in page
(the password form: the cost every page pays — middleware, session, user, second factor, CSP,
the base template with its navigation and notification bell, the request log), after two warm
requests: the application's CPU milliseconds per request (`time.process_time`, so what else the
machine does disturbs it little; the database's own CPU is not in it), the median over
BENCH_RUNS requests (default 10), and the query count. BENCH_ONLY=text times only the pages
whose name contains it; BENCH_PROFILE=dir writes a cProfile (CPU clock) of each page there
(`python -m pstats dir/<page>.prof`); BENCH_JSON=path writes the figures as JSON.
"""

import cProfile
import json
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RUNS = int(os.environ.get("BENCH_RUNS", "10"))


def _production_settings() -> None:
    os.environ["HONONGA_ENV"] = "production"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(60))
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ.setdefault("AUDIT_KEY_FILE", str(ROOT / "var" / "audit-keys.json"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hononga.settings")
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("Skipped: needs DATABASE_URL of a generated agency in PostgreSQL.")
        sys.exit(0)


def _pages() -> list[tuple[str, str, str]]:
    """(name, url, username): the load test's mix for its first users, and the trivial page."""
    from hononga.restorative.models import RestorativeProcess
    from hononga.synthetic.pages import cast

    who = cast()
    practitioner, supervisor, facilitator, whanau_id = (
        who.practitioner,
        who.supervisor,
        who.facilitator,
        who.whanau_id,
    )
    me = practitioner.username
    pages = [
        ("trivial page (password form)", "/accounts/password/", me),
        ("practitioner home", "/", me),
        ("whānau list", "/whanau/", me),
        ("whānau page", f"/whanau/{whanau_id}/", me),
        ("contact list", "/contacts/", me),
        ("attention list", "/check-ins/attention/", me),
        ("practitioner reflection", f"/reflection/practitioners/{practitioner.pk}/", me),
    ]
    if supervisor is not None:
        team = supervisor.teams.order_by("pk").first()
        boss = supervisor.username
        pages += [
            ("supervisor home", "/", boss),
            ("supervision view", f"/supervision/{practitioner.pk}/", boss),
            ("team reflection", f"/reflection/teams/{team.pk if team else 0}/", boss),
            ("supervisor contact list", "/contacts/", boss),
            ("supervisor attention list", "/check-ins/attention/", boss),
        ]
    if facilitator is not None:
        process = RestorativeProcess.objects.filter(facilitator=facilitator).order_by("pk").first()
        pages += [
            ("facilitator home", "/", facilitator.username),
            ("process list", "/processes/", facilitator.username),
            ("process page", f"/processes/{process.pk if process else 0}/", facilitator.username),
        ]
    return pages


def _backend_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def main() -> None:
    _production_settings()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from hononga.accounts import second_factor
    from hononga.accounts.models import User

    # Static files by plain names (no collectstatic needed; production's manifest lookup is a
    # dictionary read).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    only = os.environ.get("BENCH_ONLY")
    profile_dir = os.environ.get("BENCH_PROFILE")
    if profile_dir:
        Path(profile_dir).mkdir(parents=True, exist_ok=True)
    clients: dict[str, Client] = {}
    results = []
    print(f"{RUNS} warm requests per page; load average {os.getloadavg()[0]:.2f}")
    print(f"{'page':<32}{'CPU ms':>8}{'min':>8}{'DB ms':>8}{'queries':>9}{'KB':>7}")
    for name, url, username in _pages():
        if only and only not in name:
            continue
        if username not in clients:
            client = Client()
            client.force_login(User.objects.get(username=username))
            session = client.session
            session[second_factor.SESSION_STATE] = second_factor.STATE_OK
            session.save()
            clients[username] = client
        client = clients[username]
        headers = {"HTTP_X_FORWARDED_PROTO": "https"}
        for _ in range(2):
            client.get(url, **headers)
        executed: list[str] = []

        def count(execute, sql, params, many, context, executed=executed):  # type: ignore[no-untyped-def]
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(url, **headers)
        assert response.status_code == 200, (name, response.status_code)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        db_before = _backend_ticks(backend)
        cpu = []
        for _ in range(RUNS):
            started = time.process_time()
            client.get(url, **headers)
            cpu.append((time.process_time() - started) * 1000)
        db_ms = (_backend_ticks(backend) - db_before) * 1000 / os.sysconf("SC_CLK_TCK") / RUNS
        if profile_dir:
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for _ in range(RUNS):
                client.get(url, **headers)
            profiler.disable()
            safe = "".join(c if c.isalnum() else "-" for c in name)
            profiler.dump_stats(str(Path(profile_dir) / f"{safe}.prof"))
        results.append(
            {
                "page": name,
                "cpu_ms": round(statistics.median(cpu), 1),
                "min_ms": round(min(cpu), 1),
                "db_ms": round(db_ms, 1),
                "queries": len(executed),
                "kb": round(len(response.content) / 1024, 1),
            }
        )
        row = results[-1]
        print(
            f"{name:<32}{row['cpu_ms']:>8.1f}{row['min_ms']:>8.1f}{row['db_ms']:>8.1f}"
            f"{row['queries']:>9}"
            f"{row['kb']:>7.1f}"
        )
    if os.environ.get("BENCH_JSON"):
        Path(os.environ["BENCH_JSON"]).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
