"""Benchmark: the team page and the agency page at national size, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/measures_pages.py

Makes a throwaway database on that server (dropped afterwards) with 16 regions, 160 teams,
1,600 practitioners, 50,000 whānau, 250,000 people, 200,000 practitioner relationships,
2,000,000 check-ins, 2,000,000 contacts, 1,000,000 check-in links and 10,000 restorative
processes over two years (synthetic; written with INSERT … SELECT generate_series, so it takes
a few minutes), then times the whole team page (a supervisor, one team) and the whole agency
page (a practice lead, by region), each for the latest complete month beside the month before.

Before timing the pages it runs the scheduled rollup job (`hononga measures rollup`) once and
times it: the pages read its stored counts.

Targets (issue 17): team page p95 ≤ 300 ms; agency page ≤ 1 s. Smaller sizes: BENCH_SCALE=0.1.
"""

import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

# The SQL below is built from this file's own integer constants, never from input.
# ruff: noqa: S608
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
REGIONS = 16
TEAMS_EACH = 10
STAFF_EACH = 10
WHANAU = int(50_000 * SCALE)
CHECKINS_EACH = 10  # per relationship (4 per whānau)
CONTACTS_EACH = 40  # per whānau
LINKS_EACH = 5  # per relationship
PROCESSES = int(10_000 * SCALE)
RUNS = 15


def _throwaway_database() -> object:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("Skipped: set DATABASE_URL to a PostgreSQL server (the national-size data is made")
        print("with PostgreSQL's generate_series; this benchmark is about PostgreSQL).")
        sys.exit(0)
    import psycopg

    name = f"hononga_bench_measures_{os.getpid()}"
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
    return drop


def main() -> None:
    cleanup = _throwaway_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hononga.settings")
    os.environ.setdefault("HONONGA_ENV", "test")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    try:
        run()
    finally:
        cleanup()  # type: ignore[operator]


def _fill(cursor: object) -> None:
    steps = [
        (
            "whānau",
            f"""INSERT INTO whanau_whanau (version, created_at, updated_at, name, search_key,
            status, summary, region_id, team_id)
            SELECT 1, now(), now(), 'Whānau ' || g, 'whanau ' || g,
              CASE WHEN g % 10 = 0 THEN 'closed' ELSE 'open' END, '', t.region_id, t.id
            FROM generate_series(1, {WHANAU}) g
            JOIN (SELECT id, region_id, row_number() OVER (ORDER BY id) - 1 AS n
                  FROM accounts_team) t ON t.n = g % {REGIONS * TEAMS_EACH}""",
        ),
        (
            "allocations",
            f"""INSERT INTO whanau_allocation (version, created_at, updated_at, started, user_id,
            whanau_id)
            SELECT 1, now(), now(), current_date - 800, s.user_id, w.id
            FROM whanau_whanau w JOIN bench_staff s ON s.team_id = w.team_id
              AND s.slot = w.id % {STAFF_EACH}""",
        ),
        (
            "people",
            """INSERT INTO whanau_person (version, created_at, updated_at, preferred_name,
            other_names, search_key, kind, languages, phone, email, iwi, hapu)
            SELECT 1, now(), now(), 'P' || k, w.id::text, 'p' || k || ' ' || w.id, 'parent',
              '', '', '', '', ''
            FROM whanau_whanau w, generate_series(1, 5) k""",
        ),
        (
            "relationships",
            """INSERT INTO relationships_relationship (version, created_at, updated_at, kind,
            strength, stress, support, notes, person_a_id, person_b_id, whanau_id, started)
            SELECT 1, now(), now(), 'professional', 'moderate', 'none', 'both', '',
              s.person_id, p.id, w.id, current_date - 800
            FROM whanau_person p
            JOIN whanau_whanau w ON p.other_names = w.id::text AND p.preferred_name <> 'P5'
            JOIN whanau_allocation a ON a.whanau_id = w.id
            JOIN bench_staff s ON s.user_id = a.user_id""",
        ),
        (
            "check-ins",
            f"""INSERT INTO checkins_checkin (version, created_at, updated_at, perspective, form,
            channel, language, comment, answered_at, is_latest, is_baseline, rater_id,
            relationship_id, safety, trust, respect, empathy, honesty, responsibility,
            power_sharing, heard, mean, score)
            SELECT 1, now(), now(), 'self', 'adult', 'in_session', 'en', '', x.at, false, false,
              x.rater, x.rel, x.a, x.b, x.c, x.d, x.e, x.f, x.g, x.h,
              (x.a + x.b + x.c + x.d + x.e + x.f + x.g + x.h) / 8.0,
              round((x.a + x.b + x.c + x.d + x.e + x.f + x.g + x.h) / 8.0, 1)
            FROM (SELECT r.id AS rel, r.person_b_id AS rater,
                    now() - random() * interval '730 days' AS at,
                    floor(5 + random() * 6)::int AS a, floor(5 + random() * 6)::int AS b,
                    floor(5 + random() * 6)::int AS c, floor(5 + random() * 6)::int AS d,
                    floor(5 + random() * 6)::int AS e, floor(5 + random() * 6)::int AS f,
                    floor(5 + random() * 6)::int AS g, floor(5 + random() * 6)::int AS h
                  FROM relationships_relationship r,
                       generate_series(1, {CHECKINS_EACH}) k) x""",
        ),
        (
            "latest check-ins",
            """UPDATE checkins_checkin SET is_latest = true WHERE id IN (
              SELECT DISTINCT ON (relationship_id) id FROM checkins_checkin
              ORDER BY relationship_id, answered_at DESC)""",
        ),
        (
            "contacts",
            f"""INSERT INTO contacts_contact (version, created_at, updated_at, occurred_at, mode,
            purpose, note, own_words, decisions_with, support, control, quadrant,
            practitioner_id, whanau_id)
            SELECT 1, now(), now(), x.at, (ARRAY['home_visit','office','phone','video',
              'outdoor','school'])[1 + floor(random() * 6)::int], 'Synthetic', '', '',
              (ARRAY['yes','no','not_applicable'])[1 + floor(random() * 3)::int], x.s, x.c,
              CASE WHEN x.s >= 6 AND x.c >= 6 THEN 'with' WHEN x.c >= 6 THEN 'to'
                   WHEN x.s >= 6 THEN 'for' ELSE 'not' END,
              x.user_id, x.whanau_id
            FROM (SELECT a.user_id, a.whanau_id, now() - random() * interval '730 days' AS at,
                    floor(random() * 11)::int AS s, floor(random() * 11)::int AS c
                  FROM whanau_allocation a, generate_series(1, {CONTACTS_EACH}) k) x""",
        ),
        (
            "check-in links",
            f"""INSERT INTO checkins_checkinlink (token_hash, perspective, form, language,
            created_at, expires_at, used_at, created_by_id, rater_id, relationship_id)
            SELECT md5(r.id || '-' || k) || md5(k || '-' || r.id), 'self', 'adult', 'en', x.at,
              x.at + interval '14 days',
              CASE WHEN random() < 0.6 THEN x.at + interval '2 days' END,
              a.user_id, r.person_b_id, r.id
            FROM relationships_relationship r
            JOIN whanau_allocation a ON a.whanau_id = r.whanau_id,
              generate_series(1, {LINKS_EACH}) k,
              LATERAL (SELECT now() - random() * interval '730 days'
                       + k * interval '0 s' AS at) x""",
        ),
        (
            "harms",
            f"""INSERT INTO restorative_harm (version, created_at, updated_at, what, occurred_on,
            severity, status, recorded_by_id, whanau_id)
            SELECT 1, now(), now(), 'Synthetic', current_date - (g % 700)::int, 'minor',
              'in_process', a.user_id, a.whanau_id
            FROM generate_series(1, {PROCESSES}) g
            JOIN whanau_allocation a ON a.whanau_id = (
              SELECT min(id) FROM whanau_whanau) + (g * 5) % {WHANAU}""",
        ),
        (
            "processes",
            """INSERT INTO restorative_restorativeprocess (version, created_at, updated_at, kind,
            state, not_proceeding_reason, stopped_on_safety_grounds, fgc_stage, outcome_summary,
            facilitator_id, harm_id, referred_by_id, whanau_id, held_on, plan_review_date,
            stage_entered_at)
            SELECT 1, now() - (h.id % 700) * interval '1 day', now(),
              CASE WHEN h.id % 4 = 0 THEN 'fgc' ELSE 'restorative_meeting' END,
              (ARRAY['referred','preparing','ready','held','monitoring','closed'])[1 + h.id % 6],
              '', false, '', '', h.recorded_by_id, h.id, h.recorded_by_id, h.whanau_id,
              CASE WHEN h.id % 6 >= 3 THEN current_date - (h.id % 700)::int + 20 END,
              CASE WHEN h.id % 4 = 0 THEN current_date - (h.id % 700)::int + 200 END,
              now() - (h.id % 700) * interval '1 day' + least(h.id % 97, h.id % 700)
                * interval '1 day'
            FROM restorative_harm h""",
        ),
        (
            "participants",
            """INSERT INTO restorative_participant (version, created_at, updated_at, role,
            preparation_notes, support_person, wants_mihi, wants_karakia, wants_te_reo, venue,
            interpreter, accessibility, removal_reason, person_id, process_id)
            SELECT 1, now(), now(), CASE WHEN k = 1 THEN 'harmed' ELSE 'responsible' END,
              '', '', false, false, false, '', '', '', '', p.id, pr.id
            FROM restorative_restorativeprocess pr, generate_series(1, 2) k,
              LATERAL (SELECT id FROM whanau_person WHERE other_names = pr.whanau_id::text
                       AND preferred_name = 'P' || k) p""",
        ),
        (
            "agreement items",
            """INSERT INTO restorative_agreementitem (version, created_at, updated_at, what, due,
            status, status_reason, owner_id, process_id, resolved_at)
            SELECT 1, now(), now(), 'Synthetic', pr.created_at::date + 30 * k,
              CASE WHEN k = 1 THEN 'done' ELSE 'open' END, '', pt.id, pr.id,
              CASE WHEN k = 1 THEN pr.created_at + interval '25 days' END
            FROM restorative_restorativeprocess pr, generate_series(1, 3) k,
              LATERAL (SELECT id FROM restorative_participant WHERE process_id = pr.id
                       AND role = 'responsible' LIMIT 1) pt""",
        ),
    ]
    for label, sql in steps:
        started = time.perf_counter()
        cursor.execute(sql)  # type: ignore[attr-defined]
        rows = cursor.rowcount  # type: ignore[attr-defined]
        print(f"  {label}: {rows:,} rows in {time.perf_counter() - started:.0f} s")
    cursor.execute("ANALYZE")  # type: ignore[attr-defined]


def _time(client: object, url: str) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    queries = 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)  # type: ignore[attr-defined]
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured.captured_queries)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], queries


def run() -> None:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from hononga.accounts.models import Role, Team, User
    from hononga.core.models import Region
    from hononga.whanau.models import Person

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    password = make_password("x" * 20)
    regions = Region.objects.bulk_create([Region(name=f"Rohe {n}") for n in range(REGIONS)])
    teams = Team.objects.bulk_create(
        [Team(name=f"Rōpū {r.pk}-{n}", region=r) for r in regions for n in range(TEAMS_EACH)]
    )
    staff = User.objects.bulk_create(
        [
            User(username=f"kaimahi-{t.pk}-{n}", password=password, role=Role.PRACTITIONER)
            for t in teams
            for n in range(STAFF_EACH)
        ]
    )
    User.teams.through.objects.bulk_create(
        [
            User.teams.through(user_id=u.pk, team_id=teams[i // STAFF_EACH].pk)
            for i, u in enumerate(staff)
        ]
    )
    people = Person.objects.bulk_create(
        [
            Person(preferred_name=f"Kaimahi {u.pk}", search_key=f"kaimahi {u.pk}", user=u)
            for u in staff
        ]
    )
    supervisor = User.objects.create(username="kaitiaki", password=password, role=Role.SUPERVISOR)
    supervisor.teams.add(teams[0])
    lead = User.objects.create(username="kaiarahi", password=password, role=Role.PRACTICE_LEAD)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_staff (user_id int, person_id int, team_id int, slot int)"
        )
        cursor.executemany(
            "INSERT INTO bench_staff VALUES (%s, %s, %s, %s)",
            [
                (u.pk, p.pk, teams[i // STAFF_EACH].pk, i % STAFF_EACH)
                for i, (u, p) in enumerate(zip(staff, people, strict=True))
            ],
        )
        _fill(cursor)
    print(f"Data made in {time.perf_counter() - started:.0f} s.")
    # The pages read what the scheduled job works out (hononga/measures/rollup.py): time it.
    from hononga.measures import rollup

    started = time.perf_counter()
    count, rows = rollup.run()
    print(
        f"Rollup (the measures-rollup job): {count} periods, {rows:,} rows in "
        f"{time.perf_counter() - started:.0f} s."
    )
    with open("/proc/loadavg") as loadavg:
        print(f"Load average (1, 5, 15 min): {' '.join(loadavg.read().split()[:3])}")

    team_client, lead_client = Client(), Client()
    team_client.force_login(supervisor)
    lead_client.force_login(lead)
    for label, client, url, target in (
        ("team page", team_client, f"/figures/teams/{teams[0].pk}/", 300),
        ("agency page", lead_client, "/figures/", 1000),
        ("region page", lead_client, f"/figures/regions/{regions[0].pk}/", 1000),
    ):
        client.get(url)  # warm
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.enable()
            client.get(url)
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        median, p95, queries = _time(client, url)
        verdict = "ok" if p95 <= target else "OVER TARGET"
        print(
            f"{label}: median {median:.0f} ms, p95 {p95:.0f} ms, {queries} queries "
            f"(target p95 ≤ {target} ms: {verdict})"
        )
    with open("/proc/loadavg") as loadavg:
        print(f"Load average (1, 5, 15 min): {' '.join(loadavg.read().split()[:3])}")


if __name__ == "__main__":
    main()
