"""Load test: 50 logged-in staff opening their daily pages at once, against gunicorn with
production settings on a generated agency.

    make bench-load SIZE=small|large|national    # after `make bench-scale SIZE=...` made it

Against the PostgreSQL database in DATABASE_URL (made by `hononga generate`), this script:

1. makes one logged-in session for each simulated user — practitioners, their supervisors and
   facilitators — directly in the session store, marked as having given the second factor
   (production asks for one after the password; the code page is not what is measured), and
   lists each user's daily pages with how often they are opened;
2. collects static files and starts gunicorn as the README's deployment shape does
   (`HONONGA_ENV=production`, `--workers` = 2 × cores, `--preload`), requests sent as a TLS
   proxy sends them (`X-Forwarded-Proto: https`);
3. warms up for a few seconds, then runs locust (bench/locust/locustfile.py) headless:
   LOAD_USERS users (default 50) for LOAD_SECONDS (default 30), no pause between requests;
4. prints requests a second, p50/p95, errors, and the CPU milliseconds spent per request by the
   gunicorn workers, by the PostgreSQL backends serving them, and by locust itself — read from
   /proc before and after, so they hold whatever else the machine is doing — with the load
   average.

LOAD_WORKERS sets gunicorn's workers; LOAD_JSON=path writes the figures as JSON.
"""

import base64
import csv
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT))

USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "30"))
WARM_SECONDS = int(os.environ.get("LOAD_WARM_SECONDS", "8"))
WORKERS = int(os.environ.get("LOAD_WORKERS", str(2 * (os.cpu_count() or 1))))
TICK = os.sysconf("SC_CLK_TCK")


def _environment(static_root: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "HONONGA_ENV": "production",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(static_root),
        "SHARED_STORAGE_DIR": str(static_root / "shared"),
        "EMAIL_URL": "smtp://127.0.0.1:1/",
        "SITE_URL": "https://127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
    key_file = ROOT / "var" / "audit-keys.json"
    if "AUDIT_KEYS" not in env and "AUDIT_KEY_FILE" not in env:
        if key_file.exists():
            # The key `hononga generate` sealed the trail with, so it still verifies after.
            env["AUDIT_KEY_FILE"] = str(key_file)
        else:
            env["AUDIT_KEYS"] = "load=" + base64.b64encode(secrets.token_bytes(32)).decode()
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _sessions() -> list[dict[str, object]]:
    """One logged-in session per simulated user, with that user's daily pages and weights."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from hononga.accounts import second_factor
    from hononga.accounts.models import Role, User
    from hononga.restorative.models import RestorativeProcess
    from hononga.whanau.models import Allocation

    def session_for(user: User) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[second_factor.SESSION_STATE] = second_factor.STATE_OK
        store.create()
        return str(store.session_key)

    facilitators = list(
        User.objects.filter(role=Role.FACILITATOR, facilitated_processes__isnull=False)
        .distinct()
        .order_by("username")[: max(1, USERS // 15)]
    )
    # Practitioners from the first team on, their teams' supervisors, and facilitators: one
    # session per simulated user.
    staff = User.objects.filter(
        role=Role.PRACTITIONER, username__startswith="syn-practitioner-"
    ).order_by("username")
    practitioners = list(staff[: USERS - len(facilitators)])
    supervisors = list(
        User.objects.filter(role=Role.SUPERVISOR, teams__members__in=practitioners)
        .distinct()
        .order_by("username")[: max(1, USERS // 7)]
    )
    practitioners = practitioners[: USERS - len(facilitators) - len(supervisors)]
    result: list[dict[str, object]] = []
    for practitioner in practitioners:
        whanau = list(
            Allocation.objects.current()
            .filter(user=practitioner, whanau__status="open")
            .order_by("whanau_id")
            .values_list("whanau_id", flat=True)[:5]
        )
        pages = [
            ("home", "/", 4),
            ("whānau list", "/whanau/", 1),
            *[("whānau page", f"/whanau/{pk}/", 4 / len(whanau)) for pk in whanau],
            ("contact list", "/contacts/", 1),
            ("attention list", "/check-ins/attention/", 1),
            ("practitioner reflection", f"/reflection/practitioners/{practitioner.pk}/", 0.5),
        ]
        result.append({"user": practitioner.username, "pages": pages})
    for supervisor in supervisors:
        team = supervisor.teams.order_by("pk").first()
        members = list(User.objects.filter(role=Role.PRACTITIONER, teams=team).order_by("pk")[:3])
        pages = [
            ("supervisor home", "/", 3),
            *[
                ("supervision view", f"/supervision/{member.pk}/", 2 / len(members))
                for member in members
            ],
            ("team reflection", f"/reflection/teams/{team.pk if team else 0}/", 1),
            ("supervisor contact list", "/contacts/", 1),
            ("supervisor attention list", "/check-ins/attention/", 1),
        ]
        result.append({"user": supervisor.username, "pages": pages})
    for facilitator in facilitators:
        processes = list(
            RestorativeProcess.objects.filter(facilitator=facilitator)
            .order_by("pk")
            .values_list("pk", flat=True)[:3]
        )
        pages = [
            ("facilitator home", "/", 3),
            ("process list", "/processes/", 1),
            *[("process page", f"/processes/{pk}/", 2 / len(processes)) for pk in processes],
        ]
        result.append({"user": facilitator.username, "pages": pages})
    for entry in result:
        user = User.objects.get(username=entry["user"])
        entry["session"] = session_for(user)
        entry["pages"] = [
            {"name": name, "url": url, "weight": weight}
            for name, url, weight in entry["pages"]  # type: ignore[attr-defined]
        ]
    return result


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime (fields 14 and 15 of stat)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _backends(database_url: str) -> list[int]:
    """The PostgreSQL backends connected to the benchmark's database (not this script's)."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        ).fetchall()
    return [row[0] for row in rows]


def _machine_ticks() -> tuple[int, int]:
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _locust(env: dict[str, str], port: int, seconds: int, csv_prefix: str) -> tuple[int, int]:
    """Runs locust; returns its CPU ticks and exit status."""
    process = subprocess.Popen(  # noqa: S603  (our own tools, fixed arguments)
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locust" / "locustfile.py"),
            "--headless",
            "--users",
            str(USERS),
            "--spawn-rate",
            str(USERS),
            "--run-time",
            f"{seconds}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            csv_prefix,
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--stop-timeout",
            "10",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    ticks = 0
    while process.poll() is None:
        ticks = max(ticks, _cpu_ticks(process.pid))
        time.sleep(0.5)
    _out, err = process.communicate()
    if process.returncode not in (0, 1):  # 1: some request failed, reported from the figures
        print(err.strip()[-3000:], file=sys.stderr)
    return ticks, process.returncode


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("Skipped: run with `make bench-load SIZE=small` (needs PostgreSQL).")
        sys.exit(0)
    database_url = os.environ["DATABASE_URL"]
    static_root = Path(tempfile.mkdtemp(prefix="hononga-load-static-"))
    work = Path(tempfile.mkdtemp(prefix="hononga-load-"))
    env = _environment(static_root)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hononga.settings")
    sessions = _sessions()
    sessions_file = work / "sessions.json"
    sessions_file.write_text(json.dumps(sessions))
    from django.conf import settings

    env["LOAD_SESSIONS"] = str(sessions_file)
    env["LOAD_COOKIE"] = settings.SESSION_COOKIE_NAME
    counts: dict[str, int] = {}
    for entry in sessions:
        role = str(entry["user"]).split("-")[1]
        counts[role] = counts.get(role, 0) + 1
    print(
        f"{len(sessions)} sessions ({', '.join(f'{n} {r}' for r, n in counts.items())}); "
        f"gunicorn --workers {WORKERS}; {USERS} users for {SECONDS} s"
    )
    subprocess.run(  # noqa: S603
        [str(BIN / "hononga"), "collectstatic", "--no-input", "-v", "0"], env=env, check=True
    )
    port = _free_port()
    log = open(work / "gunicorn.log", "w+", encoding="utf-8")  # noqa: SIM115  (closed below)
    server = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "hononga.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--preload",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for _ in range(300):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None:
                    sys.exit("gunicorn exited:\n" + (work / "gunicorn.log").read_text()[-3000:])
                time.sleep(0.2)
        # Warm: every worker imports, compiles templates and opens its connection.
        _locust(env, port, WARM_SECONDS, str(work / "warm"))
        workers = _children(server.pid)
        app_before = {pid: _cpu_ticks(pid) for pid in [server.pid, *workers]}
        db_before = {pid: _cpu_ticks(pid) for pid in _backends(database_url)}
        busy_before, total_before = _machine_ticks()
        load_before = os.getloadavg()
        locust_ticks, status = _locust(env, port, SECONDS, str(work / "run"))
        busy_after, total_after = _machine_ticks()
        load_after = os.getloadavg()
        app_after = {pid: _cpu_ticks(pid) for pid in [server.pid, *_children(server.pid)]}
        db_after = {pid: _cpu_ticks(pid) for pid in _backends(database_url)}
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    with open(work / "run_stats.csv", encoding="utf-8") as stats_file:
        rows = list(csv.DictReader(stats_file))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    requests = int(total["Request Count"])
    failures = int(total["Failure Count"])
    ms = 1000 / TICK

    def per_request(before: dict[int, int], after: dict[int, int]) -> float:
        used = sum(after[pid] - before.get(pid, 0) for pid in after)
        return used * ms / max(1, requests)

    figures = {
        "users": USERS,
        "seconds": SECONDS,
        "workers": WORKERS,
        "requests": requests,
        "errors": failures,
        "requests_per_second": round(float(total["Requests/s"]), 1),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "p99_ms": float(total["99%"]),
        "app_cpu_ms_per_request": round(per_request(app_before, app_after), 1),
        "db_cpu_ms_per_request": round(per_request(db_before, db_after), 1),
        "locust_cpu_ms_per_request": round(locust_ticks * ms / max(1, requests), 1),
        "machine_busy_ms_per_request": round((busy_after - busy_before) * ms / max(1, requests), 1),
        "machine_busy_share": round((busy_after - busy_before) / (total_after - total_before), 2),
        "load_average_before": round(load_before[0], 2),
        "load_average_after": round(load_after[0], 2),
        "pages": {
            row["Name"]: {
                "requests": int(row["Request Count"]),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "errors": int(row["Failure Count"]),
            }
            for row in rows
            if row["Name"] != "Aggregated"
        },
    }
    print(f"{'page':<28}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
    for name, page in sorted(figures["pages"].items()):  # type: ignore[union-attr]
        print(
            f"{name:<28}{page['requests']:>9}{page['p50_ms']:>9.0f}{page['p95_ms']:>9.0f}"
            f"{page['errors']:>8}"
        )
    print(
        f"\n{requests} requests in {SECONDS} s: {figures['requests_per_second']} req/s, "
        f"p50 {figures['p50_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms, {failures} errors\n"
        f"CPU per request: app (gunicorn) {figures['app_cpu_ms_per_request']} ms + PostgreSQL "
        f"(this database's backends) {figures['db_cpu_ms_per_request']} ms; locust "
        f"{figures['locust_cpu_ms_per_request']} ms; whole machine "
        f"{figures['machine_busy_ms_per_request']} ms (busy {figures['machine_busy_share']:.0%}, "
        f"other work included)\nload average {figures['load_average_before']} before, "
        f"{figures['load_average_after']} after"
    )
    errors = failures and (work / "run_failures.csv").read_text()
    if errors:
        print(errors[:2000])
    if os.environ.get("LOAD_JSON"):
        Path(os.environ["LOAD_JSON"]).write_text(json.dumps(figures, indent=2))
    shutil.rmtree(static_root, ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)
    if status not in (0, 1):  # locust exits 1 when a request failed: reported above
        sys.exit(f"locust exited with {status}")


if __name__ == "__main__":
    main()
