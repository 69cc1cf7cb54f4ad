"""A synthetic agency at three sizes, written in bulk, keeping the invariants the app relies on.

Everything is made up (names from short lists, numbers from a seeded generator); nothing is
anyone's data. What it keeps true, as the services would:

- every case record is at version 1 with its "created" history row, created/updated times set;
- check-ins carry their score and unrounded mean, the previous score and mean by the same
  rater, latest-per-rater, the baseline (each rater's first complete self-rating), the self /
  mirror pairing, and the thresholds in force (`services.refresh_derived` finds nothing to
  change: asserted in the tests);
- a contact's quadrant follows from its support and control;
- relationships are stored with the lower person id first;
- allocations end after they start, one current practitioner per open whānau;
- restorative processes are in states whose rules hold (ready and later: consent, preparation
  and a safety assessment to proceed; closed: every item resolved and a follow-up with every
  person harmed after the last one);
- per-disease immunisation records; an active advisory only where no in-person contact was
  recorded under it without a screening;
- audit events in one hash chain (see `audit_rows`), verified by `hononga audit verify`.

Sizes: national is what the agency is (50,000 whānau, 2,000 practitioners in 200 teams); large
is 20,000 whānau; small, 1,000, fits in CI.

How it is fast (bench/RESULTS.md, "Generating the national agency"): the largest tables
(contacts, check-ins) are drawn as arrays with numpy and handed to COPY as tuples, with no dict
per row; each chunk of 500 whānau is written by a thread on its own connection while the next is
made (`BulkWriter.in_background`); the "created" history of contacts and check-ins and the
contacts' participants and relationships are made by PostgreSQL (`INSERT … SELECT`) while Python
digests and chains the audit events; secondary indexes are dropped for the load and built again
on two connections. The same seed and the same day give the same agency (dates are relative to
today); the numbers drawn with numpy come from their own generator seeded with the same seed.
"""

import random
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from hononga.accounts.models import Role, Team, User
from hononga.advisories.models import (
    Advisory,
    Condition,
    Evidence,
    Immunisation,
    ImmunisationStatus,
    RecordedDisease,
)
from hononga.checkins import scoring
from hononga.checkins import services as checkin_services
from hononga.checkins.instrument import ITEM_KEYS
from hononga.checkins.models import CheckIn
from hononga.checkins.services import PAIR_WINDOW
from hononga.contacts.models import Contact, DecisionsWith, Mode, quadrant
from hononga.core.models import Region
from hononga.core.text import fold
from hononga.relationships.models import Consent, Relationship
from hononga.restorative.models import (
    AgreementItem,
    FacilitatorCredential,
    FollowUp,
    Harm,
    Participant,
    Response,
    RestorativeProcess,
    SafetyAssessment,
)
from hononga.synthetic import audit_rows
from hononga.synthetic.goals import whanau_goals
from hononga.synthetic.loader import BulkWriter, beside, bulk_mode, reset_sequences
from hononga.synthetic.models import SyntheticDataset
from hononga.whanau.models import Allocation, Membership, Person, Whanau

PASSWORD = "hononga-synthetic"  # noqa: S105  (synthetic logins only; refused in production)
WHANAU_PER_PRACTITIONER = 25
PRACTITIONERS_PER_TEAM = 10
CHUNK = 500  # whānau per transaction


@dataclass(frozen=True)
class Size:
    name: str
    whanau: int
    history_days: int = 730

    @property
    def practitioners(self) -> int:
        return max(2, self.whanau // WHANAU_PER_PRACTITIONER)

    @property
    def teams(self) -> int:
        return max(1, self.practitioners // PRACTITIONERS_PER_TEAM)

    @property
    def facilitators(self) -> int:
        return max(2, self.teams // 2)


SIZES = {
    "small": Size("small", 1_000),
    "large": Size("large", 20_000),
    "national": Size("national", 50_000),
}

REGIONS = [
    "Te Tai Tokerau",
    "Tāmaki Makaurau",
    "Waikato",
    "Te Moana-a-Toi",
    "Tairāwhiti",
    "Te Matau-a-Māui",
    "Taranaki",
    "Manawatū-Whanganui",
    "Te Whanganui-a-Tara",
    "Te Tauihu",
    "Te Tai Poutini",
    "Waitaha",
    "Ōtākou",
    "Murihiku",
]
GIVEN = [
    "Aroha", "Hine", "Mere", "Anahera", "Kiri", "Ngaio", "Tia", "Maia", "Ana", "Losa",
    "Mele", "Sina", "Grace", "Ruby", "Isla", "Tama", "Wiremu", "Rāwiri", "Hēmi", "Nikau",
    "Tāne", "Manaia", "Ari", "Koa", "Sione", "Tevita", "Noah", "Jack", "Liam", "Mikaere",
]  # fmt: skip
FAMILY = [
    "Ngata", "Parata", "Walker", "Tūhoe", "Herewini", "Tapsell", "Rangi", "Te Awa", "Poutama",
    "Fale", "Tuilagi", "Smith", "Brown", "Wilson", "Paki", "Nikora", "Kereama", "Hohaia",
    "Moana", "Tamihana", "Kingi", "Pōtae", "Aperahama", "Turei", "Rāhiri",
]  # fmt: skip
PURPOSES = [
    "Catch-up about how the week went",
    "Planning the school transition",
    "Talking through the safety plan",
    "Getting ready for the whānau hui",
    "Following up the housing application",
    "Reviewing the goals the whānau set",
    "Kōrero with the tamariki about school",
]
OWN_WORDS = [
    "We want to do this our way, with koro there.",
    "I feel like you actually listen now.",
    "Don't make decisions about us without us.",
    "It was hard this week but we got through.",
    "",
    "",
]
COMMENTS = ["", "", "", "Keep coming when you say you will.", "Less paperwork, more kōrero."]
MODES = [Mode.HOME_VISIT] * 40 + [Mode.PHONE] * 22 + [Mode.OFFICE] * 10 + [Mode.VIDEO] * 8
MODES += [Mode.OUTDOOR] * 8 + [Mode.SCHOOL] * 8 + [Mode.OTHER] * 4
REMOTE = [Mode.PHONE, Mode.VIDEO]


class RealDataError(Exception):
    """The database holds data the generator did not write."""


def refuse_real_data(*, replace: bool) -> None:
    """Refuse unless the database is empty of people and users, or holds only synthetic data
    (and `replace` says to replace it)."""
    marked = SyntheticDataset.objects.exists()
    has_data = User.objects.exists() or Whanau.objects.exists() or Person.objects.exists()
    if has_data and not marked:
        raise RealDataError(
            "This database holds users or whānau that the generator did not write. Nothing was "
            "changed: generate into an empty database."
        )
    if marked and not replace:
        raise RealDataError(
            "This database already holds synthetic data; pass --replace to replace it."
        )


def clear_synthetic() -> None:
    """Empty every table of the app (only after refuse_real_data found synthetic data only)."""
    from django.apps import apps

    tables = [
        m._meta.db_table
        for config in apps.get_app_configs()
        if config.name.startswith("hononga.") or config.label in {"simple_history"}
        for m in config.get_models(include_auto_created=True)
    ]
    tables += ["django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"]
    existing = set(connection.introspection.table_names())
    tables = [t for t in tables if t in existing]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # checks pending in a caller's block
            quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
            cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
        else:
            cursor.execute("PRAGMA defer_foreign_keys = ON")
            for table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")


class Ids:
    """The next id per model, from what the table holds already."""

    def __init__(self) -> None:
        self.next: dict[Any, int] = {}

    def peek(self, model: Any) -> int:
        """The id the next call gives (without taking it)."""
        value = self(model)
        self.next[model] = value
        return value

    def __call__(self, model: Any) -> int:
        if model not in self.next:
            last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
            self.next[model] = (last or 0) + 1
        value = self.next[model]
        self.next[model] = value + 1
        return value

    def block(self, model: Any, n: int) -> int:
        """The first of `n` consecutive ids (all taken)."""
        first = self(model)
        self.next[model] = first + n
        return first


@dataclass
class Staff:
    user_id: int
    person_id: int
    team: int
    username: str


@dataclass
class Generated:
    dataset: SyntheticDataset
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def _at(day: date, rng: random.Random) -> datetime:
    """A moment in working hours on `day` (New Zealand is about 12 hours ahead of UTC)."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
        minutes=(8 + rng.randrange(9) - 12) * 60 + rng.randrange(60)
    )


def generate(
    size: Size,
    *,
    seed: int = 20261130,
    replace: bool = False,
    checkpoint: bool = True,
    progress: Callable[[str], None] = lambda _message: None,
) -> Generated:
    import time as clock

    refuse_real_data(replace=replace)
    if replace:
        clear_synthetic()
    started = clock.perf_counter()
    now = timezone.now()
    today = timezone.localdate()
    dataset = SyntheticDataset.objects.create(size=size.name, seed=seed, started_at=now)
    result = Generated(dataset)
    rng = random.Random(seed)
    nrng = numpy.random.default_rng(seed)  # the rows drawn as arrays (contacts)
    ids = Ids()
    w = BulkWriter()
    in_force = checkin_services.flag_thresholds_in_force().pk
    password = make_password(PASSWORD)
    audit = audit_rows.AuditTrail()

    # --- Staff, teams, regions -------------------------------------------------------------
    stage = clock.perf_counter()
    regions = []
    for name in REGIONS:
        region = Region.objects.filter(name=name).first() or Region.objects.create(name=name)
        regions.append(region.pk)
    admin_id = ids(User)
    w.add(User, _user(admin_id, "syn-admin", Role.ADMIN, password, now, "Synthetic administrator"))
    teams = []
    for t in range(size.teams):
        team_id = ids(Team)
        w.add(
            Team,
            {
                "id": team_id,
                "name": f"Synthetic team {t + 1:03d}",
                "region_id": regions[t % len(regions)],
            },
        )
        teams.append((team_id, regions[t % len(regions)]))
    team_members: list[dict[str, Any]] = []
    staff_persons: list[dict[str, Any]] = []

    def staff(username: str, role: str, team: int | None, label: str) -> Staff:
        user_id = ids(User)
        person_id = ids(Person)
        w.add(User, _user(user_id, username, role, password, now, label))
        if team is not None:
            team_members.append(
                {"id": ids(User.teams.through), "user_id": user_id, "team_id": team}
            )
        created = now - timedelta(days=size.history_days + 30)
        staff_persons.append(
            _person(person_id, label, "Kaimahi", "practitioner", None, created, user_id=user_id)
        )
        return Staff(user_id, person_id, team or 0, username)

    practitioners = [
        staff(
            f"syn-practitioner-{p + 1:04d}",
            Role.PRACTITIONER,
            teams[min(p // PRACTITIONERS_PER_TEAM, len(teams) - 1)][0],
            f"{GIVEN[p % len(GIVEN)]} {p + 1}",
        )
        for p in range(size.practitioners)
    ]
    # A practice lead: the agency's figures (what the agency learns), no case records.
    w.add(User, _user(ids(User), "syn-lead", Role.PRACTICE_LEAD, password, now, "Practice lead"))
    _supervisors = [
        staff(f"syn-supervisor-{t + 1:03d}", Role.SUPERVISOR, team_id, f"Supervisor {t + 1}")
        for t, (team_id, _region) in enumerate(teams)
    ]
    facilitators = [
        staff(
            f"syn-facilitator-{f + 1:03d}",
            Role.FACILITATOR,
            teams[f % len(teams)][0],
            f"Facilitator {f + 1}",
        )
        for f in range(size.facilitators)
    ]
    for row in team_members:
        w.add_many(User.teams.through, [row])
    for row in staff_persons:
        w.add(Person, row)
    for f in facilitators:
        for level in ("conversation", "conference", "fgc"):
            w.add(
                FacilitatorCredential,
                {
                    "id": ids(FacilitatorCredential),
                    "user_id": f.user_id,
                    "level": level,
                    "issued": today - timedelta(days=400),
                    "expires": today + timedelta(days=700),
                    "recorded_by_id": admin_id,
                    "recorded_at": now - timedelta(days=400),
                    "version": 1,
                },
                by=admin_id,
            )
    # Advisories: one measles advisory, active, in one region whose in-person contacts since
    # it began were all remote (so no in-person contact lacks a screening); one ended earlier.
    advisory_region = regions[2]
    advisory_start = today - timedelta(days=20)
    advisory_id = ids(Advisory)
    w.add(
        Advisory,
        {
            "id": advisory_id,
            "title": "Measles outbreak (synthetic)",
            "condition": Condition.MEASLES,
            "starts": advisory_start,
            "ends": None,
            "guidance": "Screen before every home visit; meet outdoors or by phone where advised.",
            "published_by_id": admin_id,
            "created_at": _at(advisory_start, rng),
            "version": 1,
        },
        by=admin_id,
    )
    w.add_many(
        Advisory.regions.through,
        [
            {
                "id": ids(Advisory.regions.through),
                "advisory_id": advisory_id,
                "region_id": advisory_region,
            }
        ],
    )
    past = today - timedelta(days=300)
    ended_id = ids(Advisory)
    w.add(
        Advisory,
        {
            "id": ended_id,
            "title": "Influenza season (synthetic)",
            "condition": Condition.INFLUENZA,
            "starts": past,
            "ends": past + timedelta(days=60),
            "guidance": "Offer phone or video when anyone is unwell.",
            "published_by_id": admin_id,
            "created_at": _at(past, rng),
            "version": 1,
        },
        by=admin_id,
    )
    w.add_many(
        Advisory.regions.through,
        [
            {"id": ids(Advisory.regions.through), "advisory_id": ended_id, "region_id": r}
            for r in regions
        ],
    )
    with transaction.atomic():
        w.flush()
    result.timings["staff"] = clock.perf_counter() - stage
    progress(f"staff: {size.practitioners} practitioners in {size.teams} teams")

    # --- Whānau, in chunks; then the rows the database makes from them; the audit trail ------
    cpu = [clock.process_time()]  # the generator's own CPU time, less disturbed by load

    def done(name: str, since: float, detail: str = "") -> None:
        seconds = clock.perf_counter() - since
        used, cpu[0] = clock.process_time() - cpu[0], clock.process_time()
        result.timings[name] = result.timings.get(name, 0.0) + seconds
        progress(f"{name}: {seconds:.1f} s, {used:.1f} s CPU{f' ({detail})' if detail else ''}")

    team_region = dict(teams)
    previous_members: list[int] = []
    # The two largest row sets after the contacts and check-ins themselves — their "created"
    # history rows and the contacts' participants and relationships — are made by the database
    # from the rows written (INSERT … SELECT), not row by row in Python.
    w.sql_history[Contact] = "practitioner_id"
    w.sql_history[CheckIn] = "recorded_by_id"
    first_contact, first_checkin = ids.peek(Contact), ids.peek(CheckIn)
    with bulk_mode() as bulk_timings:
        stage = clock.perf_counter()
        # Each chunk is written (COPY) by a thread on its own connection while the next is made.
        with w.in_background():
            for start in range(0, size.whanau, CHUNK):
                for index in range(start, min(start + CHUNK, size.whanau)):
                    worker = practitioners[index % len(practitioners)]
                    previous_members = _whanau(
                        w,
                        ids,
                        rng,
                        nrng,
                        audit,
                        index,
                        worker,
                        practitioners,
                        facilitators,
                        team_region,
                        today,
                        now,
                        size,
                        in_force,
                        advisory_region,
                        advisory_start,
                        previous_members,
                    )
                with transaction.atomic():
                    w.flush()
                if (start // CHUNK) % 10 == 9:
                    progress(
                        f"whānau: {min(start + CHUNK, size.whanau):,} of {size.whanau:,} "
                        f"({clock.perf_counter() - stage:.0f} s)"
                    )
        done(
            "whanau", stage, f"{size.whanau:,} whānau with their people, check-ins, contacts, goals"
        )
        # The rows PostgreSQL makes from those (history, contact links) beside the audit trail's
        # digests and links, which are Python's work.
        stage = clock.perf_counter()

        def made_in_sql() -> tuple[int, int, float]:
            began = clock.perf_counter()
            history = w.history_by_sql(Contact, since_id=first_contact)
            history += w.history_by_sql(CheckIn, since_id=first_checkin)
            return history, _contact_links(w, first_contact), clock.perf_counter() - began

        in_sql = beside(made_in_sql)
        for p in practitioners[: max(1, len(practitioners) // 4)]:
            audit.event(
                at=now - timedelta(hours=rng.randrange(1, 72)),
                actor=(p.user_id, p.username),
                action="login",
                summary="Logged in",
            )
        with w.in_background(), transaction.atomic():
            count = audit_rows.write(w, audit)
            w.flush()
        done("audit", stage, f"{count:,} events, digested and chained")
        stage = clock.perf_counter()
        history, links, seconds = in_sql()
        done(
            "history and contact links",
            stage,
            f"{history:,} history rows of contacts and check-ins and {links:,} participants and "
            f"relationships, in SQL beside the audit: {seconds:.1f} s in all",
        )
        progress("indexes: rebuilding")
    for name, seconds in bulk_timings.items():
        result.timings[name] = seconds
        progress(f"{name}: {seconds:.1f} s")
    cpu[0] = clock.process_time()
    stage = clock.perf_counter()
    audit_rows.checkpoint(checkpoint=checkpoint)
    reset_sequences(w.tables)
    done("checkpoint", stage)
    stage = clock.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    done("analyze", stage)
    result.counts = w.counts()
    dataset.finished_at = timezone.now()
    dataset.counts = result.counts
    dataset.timings = {k: round(v, 1) for k, v in result.timings.items()}
    dataset.timings["total"] = round(clock.perf_counter() - started, 1)
    dataset.save()
    return result


def _contact_links(w: BulkWriter, first_contact: int) -> int:
    """Each contact's participants (one member of the whānau, two in two contacts of five) and,
    for three contacts in ten, the practitioner's relationship with one member: chosen by the
    database from the contact's id (a fixed mix, so the same seed gives the same rows)."""
    participants = Contact.participants.through._meta.db_table
    about = Contact.relationships.through._meta.db_table
    count = w.insert_select(
        participants,
        f"INSERT INTO {participants} (contact_id, person_id) "
        "SELECT c.id, m.person_id FROM contacts_contact c JOIN ("
        "  SELECT whanau_id, person_id, ROW_NUMBER() OVER (PARTITION BY whanau_id "
        "  ORDER BY person_id) - 1 AS k, COUNT(*) OVER (PARTITION BY whanau_id) AS n "
        "  FROM whanau_membership WHERE archived_at IS NULL) m ON m.whanau_id = c.whanau_id "
        "WHERE c.id >= %s AND (m.k = (c.id * 7919) %% m.n "
        "  OR (c.id %% 5 < 2 AND m.n > 1 AND m.k = ((c.id * 7919) %% m.n + 1) %% m.n))",
        [first_contact],
    )
    count += w.insert_select(
        about,
        f"INSERT INTO {about} (contact_id, relationship_id) "
        "SELECT c.id, r.id FROM contacts_contact c JOIN ("
        "  SELECT whanau_id, id, ROW_NUMBER() OVER (PARTITION BY whanau_id ORDER BY id) - 1 "
        "  AS k, COUNT(*) OVER (PARTITION BY whanau_id) AS n FROM relationships_relationship "
        "  WHERE kind = 'professional') r ON r.whanau_id = c.whanau_id "
        "WHERE c.id >= %s AND c.id %% 10 < 3 AND r.k = (c.id * 104729) %% r.n",
        [first_contact],
    )
    return count


def _user(
    user_id: int, username: str, role: str, password: str, now: datetime, name: str
) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": username,
        "password": password,
        "role": role,
        "preferred_name": name,
        "first_name": name.split()[0],
        "last_name": "",
        "email": f"{username}@synthetic.invalid",
        "is_active": True,
        "is_staff": False,
        "is_superuser": False,
        "date_joined": now,
    }


def _person(
    person_id: int,
    given: str,
    family: str,
    kind: str,
    born: date | None,
    created: datetime,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": person_id,
        "preferred_name": given,
        "other_names": family,
        "search_key": fold(f"{given} {family}".strip()),
        "kind": kind,
        "date_of_birth": born,
        "created_at": created,
        "version": 1,
        **extra,
    }


def _whanau(
    w: BulkWriter,
    ids: Ids,
    rng: random.Random,
    nrng: numpy.random.Generator,
    audit: "audit_rows.AuditTrail",
    index: int,
    worker: Staff,
    practitioners: list[Staff],
    facilitators: list[Staff],
    team_region: dict[int, int],
    today: date,
    now: datetime,
    size: Size,
    in_force: int,
    advisory_region: int,
    advisory_start: date,
    previous_members: list[int],
) -> list[int]:
    family = FAMILY[index % len(FAMILY)]
    region = team_region[worker.team]
    opened_days = rng.randrange(60, size.history_days)
    opened = today - timedelta(days=opened_days)
    created = _at(opened, rng)
    # The first three whānau are open, of two people or more, with a process under way (below).
    closed = rng.random() < 0.1 and index >= 3
    whanau_id = ids(Whanau)
    name = f"{family} whānau {index + 1}"
    w.add(
        Whanau,
        {
            "id": whanau_id,
            "name": name,
            "search_key": fold(name),
            "team_id": worker.team,
            "region_id": region,
            "status": "closed" if closed else "open",
            "summary": "Synthetic whānau: working together on the goals they set.",
            "created_at": created,
            "version": 1,
        },
        by=worker.user_id,
    )
    audit.event(
        at=created,
        actor=(worker.user_id, worker.username),
        action="create",
        target=("whanau", whanau_id),
        whanau_id=whanau_id,
        summary=f"Created whānau {name}",
    )

    # People: one or two parents or caregivers, tamariki and rangatahi, sometimes a koro or kuia.
    people: list[tuple[int, str, date | None]] = []
    shapes = ["parent"] * (1 + (rng.random() < 0.6)) + ["tamariki"] * rng.randrange(0, 3)
    if rng.random() < 0.3:
        shapes.append("rangatahi")
    if rng.random() < 0.15:
        shapes.append("other_whanau")
    if index < 3 and len(shapes) < 2:
        shapes.append("tamariki")
    for kind in shapes:
        age = {
            "parent": rng.randrange(22, 50),
            "tamariki": rng.randrange(0, 12),
            "rangatahi": rng.randrange(12, 18),
            "other_whanau": rng.randrange(55, 85),
        }[kind]
        born = (
            today - timedelta(days=age * 365 + rng.randrange(365)) if rng.random() < 0.9 else None
        )
        person_id = ids(Person)
        given = GIVEN[rng.randrange(len(GIVEN))]
        w.add(
            Person,
            _person(
                person_id,
                given,
                family,
                kind,
                born,
                created,
                phone=f"021{rng.randrange(1_000_000, 9_999_999)}" if kind == "parent" else "",
                languages="te reo Māori, English" if rng.random() < 0.4 else "English",
            ),
            by=worker.user_id,
        )
        people.append((person_id, kind, born))
    # Now and then a koro or aunty already known from the whānau before (several whānau).
    shared = previous_members[-1:] if previous_members and rng.random() < 0.03 else []
    for person_id in [p for p, _k, _b in people] + shared:
        w.add(
            Membership,
            {
                "id": ids(Membership),
                "person_id": person_id,
                "whanau_id": whanau_id,
                "role": "",
                "started": opened,
                "created_at": created,
                "version": 1,
            },
            by=worker.user_id,
        )
    for person_id, kind, born in people:
        _immunisations(w, ids, rng, person_id, kind, born, created, worker.user_id, today)

    # Allocations: the current practitioner; a quarter had another one before.
    allocated = opened
    if rng.random() < 0.25 and opened_days > 200:
        before = practitioners[(index * 7 + 3) % len(practitioners)]
        allocated = opened + timedelta(days=rng.randrange(60, opened_days - 30))
        w.add(
            Allocation,
            {
                "id": ids(Allocation),
                "whanau_id": whanau_id,
                "user_id": before.user_id,
                "started": opened,
                "ended": allocated - timedelta(days=1),
                "created_at": created,
                "version": 1,
            },
            by=before.user_id,
        )
    ended = today - timedelta(days=rng.randrange(1, 30)) if closed else None
    w.add(
        Allocation,
        {
            "id": ids(Allocation),
            "whanau_id": whanau_id,
            "user_id": worker.user_id,
            "started": allocated,
            "ended": ended,
            "created_at": _at(allocated, rng),
            "version": 1,
        },
        by=worker.user_id,
    )
    last_day = ended or today

    # Relationships: the whānau's own, and the practitioner's with up to three members.
    parents = [p for p, k, _b in people if k == "parent"]
    children = [p for p, k, _b in people if k in {"tamariki", "rangatahi"}]
    relationships: list[tuple[int, int, int]] = []  # (id, a, b)

    def relate(a: int, b: int, kind: str, support: str, started: date) -> int:
        low, high = (a, b) if a < b else (b, a)
        if (low, high) != (a, b):
            support = {"a_to_b": "b_to_a", "b_to_a": "a_to_b"}.get(support, support)
        relationship_id = ids(Relationship)
        w.add(
            Relationship,
            {
                "id": relationship_id,
                "whanau_id": whanau_id,
                "person_a_id": low,
                "person_b_id": high,
                "kind": kind,
                "strength": rng.choice(["strong", "moderate", "moderate", "tenuous"]),
                "stress": rng.choice(["none", "none", "some", "high"]),
                "support": support,
                "started": started,
                "notes": "",
                "created_at": created,
                "version": 1,
            },
            by=worker.user_id,
        )
        relationships.append((relationship_id, low, high))
        return relationship_id

    if len(parents) == 2:
        relate(parents[0], parents[1], "whanau", "both", opened)
    for child in children:
        if parents:
            relate(parents[0], child, "whanau", "a_to_b", opened)
    rated = (parents + children)[:3]
    professional = []
    for member in rated:
        professional.append(
            (relate(worker.person_id, member, "professional", "a_to_b", allocated), member)
        )
        w.add_many(
            Consent,
            [
                {
                    "id": ids(Consent),
                    "person_id": member,
                    "purpose": "check_ins",
                    "status": "given",
                    "date": allocated,
                    "note": "",
                    "recorded_by_id": worker.user_id,
                    "recorded_at": _at(allocated, rng),
                }
            ],
        )

    # Check-ins: each member about monthly, the practitioner's mirror about every second month.
    recent = now - timedelta(days=60)
    kinds = {p: k for p, k, _b in people}
    holders: list[tuple[int, bool, float]] = []
    for relationship_id, member in professional:
        level = rng.uniform(6.5, 9.3)
        holders.append((member, kinds.get(member) in {"tamariki", "rangatahi"}, level))
        _checkins(
            w,
            ids,
            nrng,
            audit,
            whanau_id=whanau_id,
            relationship_id=relationship_id,
            member=member,
            worker=worker,
            level=level,
            first_day=allocated + timedelta(days=rng.randrange(5, 30)),
            last_day=last_day,
            in_force=in_force,
            recent=recent,
        )

    # Contacts: about two a week while allocated (most of the agency's rows), made in arrays.
    everyone = [p for p, _k, _b in people]
    _contacts(
        w,
        ids,
        nrng,
        audit,
        whanau_id=whanau_id,
        name=name,
        worker=worker,
        first_day=allocated + timedelta(days=rng.randrange(0, 5)),
        last_day=last_day,
        advisory_start=advisory_start if region == advisory_region else None,
        recent=recent,
    )

    # Goals, their steps and ratings (hononga.synthetic.goals).
    whanau_goals(
        w,
        ids,
        rng,
        audit,
        whanau_id=whanau_id,
        worker=worker,
        holders=holders,
        start=allocated + timedelta(days=rng.randrange(7, 60)),
        last_day=last_day,
        recent=recent,
        at=_at,
    )
    # About one whānau in 17, and the first three with a process under way: every agency, even
    # the smallest, has one to open and its practitioners' supervisors have one to see.
    if len(everyone) >= 2 and (rng.random() < 0.06 or index < 3):
        _restorative(
            w,
            ids,
            rng,
            audit,
            whanau_id,
            worker,
            facilitators,
            people,
            relationships,
            allocated,
            last_day,
            today,
            under_way=index < 3,
        )
    return everyone


QUADRANTS = [[quadrant(support, control).value for control in range(11)] for support in range(11)]
MODE_VALUES = [str(mode) for mode in MODES]
REMOTE_VALUES = [str(mode) for mode in REMOTE]
DECISIONS = [
    str(value)
    for value in (
        DecisionsWith.YES,
        DecisionsWith.YES,
        DecisionsWith.NO,
        DecisionsWith.NOT_APPLICABLE,
    )
]


def _contacts(
    w: BulkWriter,
    ids: Ids,
    nrng: numpy.random.Generator,
    audit: "audit_rows.AuditTrail",
    *,
    whanau_id: int,
    name: str,
    worker: Staff,
    first_day: date,
    last_day: date,
    advisory_start: date | None,
    recent: datetime,
) -> None:
    """One whānau's contacts, every one to seven days from `first_day` to `last_day`: their
    values drawn as arrays (numpy) and written as rows, no dict per row (4–5 million of them
    nationally). Support and control wander as the relationship does; under an advisory in the
    whānau's region every contact from its start is by phone or video (none in person
    unscreened)."""
    span = (last_day - first_day).days
    if span < 0:
        return
    offsets = numpy.concatenate(([0], numpy.cumsum(nrng.integers(1, 8, size=span))))
    offsets = offsets[offsets <= span]
    n = len(offsets)
    minutes = (nrng.integers(0, 9, size=n) - 4) * 60 + nrng.integers(0, 60, size=n)
    midnight = datetime(first_day.year, first_day.month, first_day.day, tzinfo=UTC).timestamp()
    seconds = (midnight + offsets * 86_400 + minutes * 60).tolist()
    at = [datetime.fromtimestamp(second, UTC) for second in seconds]
    modes = [MODE_VALUES[i] for i in nrng.integers(0, len(MODE_VALUES), size=n).tolist()]
    if advisory_start is not None:
        from_day = (advisory_start - first_day).days
        remote = nrng.integers(0, len(REMOTE_VALUES), size=n).tolist()
        for i, offset in enumerate(offsets.tolist()):
            if offset >= from_day and modes[i] not in REMOTE_VALUES:
                modes[i] = REMOTE_VALUES[remote[i]]
    # Support and control wander from where they started (support rising a little).
    steps = nrng.normal([[0.03], [0.0]], 0.3, size=(2, n))
    steps[:, 0] = 0.0
    levels = numpy.clip(nrng.uniform(3, 8, size=(2, 1)) + numpy.cumsum(steps, axis=1), 0, 10)
    rated = numpy.clip(numpy.rint(nrng.normal(levels, 1.5)), 0, 10).astype(int).tolist()
    support, control = rated
    first = ids.block(Contact, n)
    contact_ids = list(range(first, first + n))
    w.add_columns(
        Contact,
        n,
        {
            "id": contact_ids,
            "version": 1,
            "created_at": at,
            "updated_at": at,
            "whanau_id": whanau_id,
            "practitioner_id": worker.user_id,
            "occurred_at": at,
            "mode": modes,
            "purpose": [PURPOSES[i] for i in nrng.integers(0, len(PURPOSES), n).tolist()],
            "note": "",
            "own_words": [OWN_WORDS[i] for i in nrng.integers(0, len(OWN_WORDS), n).tolist()],
            "decisions_with": [DECISIONS[i] for i in nrng.integers(0, 4, n).tolist()],
            "support": support,
            "control": control,
            "quadrant": [QUADRANTS[s][c] for s, c in zip(support, control, strict=True)],
        },
    )
    viewed = (nrng.random(n) < 0.5).tolist()
    actor = (worker.user_id, worker.username)
    for i in range(n):
        if at[i] >= recent:
            audit.event(
                at=at[i],
                actor=actor,
                action="create",
                target=("contact", contact_ids[i]),
                whanau_id=whanau_id,
                summary="Recorded a contact",
            )
            if viewed[i]:
                audit.event(
                    at=at[i] + timedelta(minutes=3),
                    actor=actor,
                    action="view",
                    target=("whanau", whanau_id),
                    whanau_id=whanau_id,
                    summary=f"Viewed whānau {name}",
                )


DAY = 86_400
WINDOW = PAIR_WINDOW.total_seconds()
_SCORES: dict[tuple[int, int], Any] = {}


def _score(total: int, count: int) -> Any:
    """scoring.score of answers adding up to `total` over `count` items (remembered)."""
    key = (total, count)
    if key not in _SCORES:
        values = [total // count + (i < total % count) for i in range(count)]
        _SCORES[key] = scoring.score(dict(zip(ITEM_KEYS, values, strict=False)))
    return _SCORES[key]


def _midnight(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()


def _checkins(
    w: BulkWriter,
    ids: Ids,
    nrng: numpy.random.Generator,
    audit: "audit_rows.AuditTrail",
    *,
    whanau_id: int,
    relationship_id: int,
    member: int,
    worker: Staff,
    level: float,
    first_day: date,
    last_day: date,
    in_force: int,
    recent: datetime,
) -> None:
    """One relationship's check-ins: the member's self-rating every 16–29 days from `first_day`,
    the practitioner's mirror 0–4 days after every second one, answers around a level that
    wanders from `level`; now and then a question left unanswered. Drawn as arrays (numpy), with
    the derived fields by the rules of checkins.services.refresh_derived (which the tests run to
    find nothing to change): previous score and mean by the same rater, latest per rater, the
    rater's first complete self-rating as baseline, the nearest check-in of the other
    perspective within the pairing window as counterpart."""
    span = (last_day - first_day).days
    if span < 0:
        return
    offsets = numpy.concatenate(([0], numpy.cumsum(nrng.integers(16, 30, size=span // 16 + 1))))
    offsets = offsets[offsets <= span]
    m = len(offsets)
    steps = nrng.normal(0.05, 0.6, size=m)
    steps[0] = 0.0
    levels = numpy.clip(level + numpy.cumsum(steps), 3.0, 9.8)
    minutes = (nrng.integers(0, 9, size=m) - 4) * 60 + nrng.integers(0, 60, size=m)
    selves = _midnight(first_day) + offsets * DAY + minutes * 60
    odd = numpy.arange(1, m, 2)
    mirrors = selves[odd] + nrng.integers(0, 5, size=len(odd)) * DAY + 7 * 60
    kept = mirrors < _midnight(last_day) + DAY  # answered by the last day (UTC)
    mirror_levels = levels[odd][kept] + 0.4
    answers = numpy.concatenate((levels, mirror_levels))
    items = numpy.clip(
        numpy.rint(nrng.normal(answers[:, None], 1.2, size=(len(answers), 8))), 0, 10
    )
    answers_of = items.astype(int).tolist()
    n = len(answers_of)
    for i in numpy.flatnonzero(nrng.random(n) < 0.05).tolist():
        answers_of[i][nrng.integers(0, 8)] = None  # a question left unanswered
    # (time, rater, perspective, answers), in the order made: self, and after every second
    # self-rating its mirror.
    made: list[tuple[float, int, str, list[int | None]]] = []
    mirror_times = mirrors[kept].tolist()
    mirror_at_odd = dict(zip(odd[kept].tolist(), range(len(mirror_times)), strict=True))
    for i, second in enumerate(selves.tolist()):
        made.append((second, member, "self", answers_of[i]))
        j = mirror_at_odd.get(i)
        if j is not None:
            made.append((mirror_times[j], worker.person_id, "mirror", answers_of[m + j]))
    first = ids.block(CheckIn, n)
    order = sorted(range(n), key=lambda k: (made[k][0], k))
    rows = [(first + k, *made[k]) for k in order]
    scores: list[Any] = []
    means: list[float] = []
    previous_scores: list[Any] = []
    previous_means: list[float | None] = []
    latest, baseline = [False] * n, [False] * n
    counterparts: list[int | None] = [None] * n
    last: dict[int, int] = {}
    based: set[int] = set()
    for i, (_id, _second, rater, perspective, answered) in enumerate(rows):
        values = [v for v in answered if v is not None]
        total = sum(values)
        scores.append(_score(total, len(values)))
        means.append(total / len(values))
        before = last.get(rater)
        previous_scores.append(None if before is None else scores[before])
        previous_means.append(None if before is None else means[before])
        last[rater] = i
        if perspective == "self" and rater not in based and len(values) == 8:
            baseline[i] = True
            based.add(rater)
    for i in last.values():
        latest[i] = True
    # The rows are in time order: each perspective's times too, so the other perspective's
    # check-ins within the window are one slice of them (bisect).
    times = {p: [row[1] for row in rows if row[3] == p] for p in ("self", "mirror")}
    numbers = {p: [row[0] for row in rows if row[3] == p] for p in ("self", "mirror")}
    for i, (_id, second, _rater, perspective, _answered) in enumerate(rows):
        other = "mirror" if perspective == "self" else "self"
        found = times[other]
        low = bisect_left(found, second - WINDOW)
        high = bisect_right(found, second + WINDOW)
        if low < high:
            counterparts[i] = min(
                (abs(found[k] - second), numbers[other][k]) for k in range(low, high)
            )[1]
    ids_ = [row[0] for row in rows]
    at = [datetime.fromtimestamp(row[1], UTC) for row in rows]
    perspectives = [row[3] for row in rows]
    columns: dict[str, Any] = {
        "id": ids_,
        "version": 1,
        "created_at": at,
        "updated_at": at,
        "relationship_id": relationship_id,
        "rater_id": [row[2] for row in rows],
        "perspective": perspectives,
        "form": ["adult" if p == "self" else "mirror" for p in perspectives],
        "channel": [
            "in_session" if p == "mirror" else ("link" if i % 3 else "phone")
            for i, p in zip(ids_, perspectives, strict=True)
        ],
        "language": "en",
        "comment": [
            COMMENTS[i % len(COMMENTS)] if p == "self" else ""
            for i, p in zip(ids_, perspectives, strict=True)
        ],
        "score": scores,
        "mean": means,
        "answered_at": at,
        "recorded_by_id": worker.user_id,
        "previous_score": previous_scores,
        "previous_mean": previous_means,
        "is_latest": latest,
        "is_baseline": baseline,
        "flagged_with_id": in_force,
        "counterpart_id": counterparts,
    }
    for k, key in enumerate(ITEM_KEYS):
        columns[key] = [row[4][k] for row in rows]
    w.add_columns(CheckIn, n, columns)
    actor = (worker.user_id, worker.username)
    for checkin_id, moment in zip(ids_, at, strict=True):
        if moment >= recent:
            audit.event(
                at=moment,
                actor=actor,
                action="create",
                target=("checkin", checkin_id),
                whanau_id=whanau_id,
                summary="Recorded a check-in",
            )


def _immunisations(
    w: BulkWriter,
    ids: Ids,
    rng: random.Random,
    person_id: int,
    kind: str,
    born: date | None,
    created: datetime,
    by: int,
    today: date,
) -> None:
    if kind in {"parent", "other_whanau"} and rng.random() < 0.5:
        return  # adults need their own consent; half have not been asked
    for disease, share in (
        (RecordedDisease.MEASLES, 0.7),
        (RecordedDisease.PERTUSSIS, 0.3),
        (RecordedDisease.INFLUENZA, 0.2),
    ):
        if rng.random() > share:
            continue
        status = rng.choice(
            [ImmunisationStatus.IMMUNE] * 6
            + [
                ImmunisationStatus.NOT_IMMUNE,
                ImmunisationStatus.UNKNOWN,
                ImmunisationStatus.DECLINED,
            ]
        )
        evidence = ""
        if status == ImmunisationStatus.IMMUNE:
            evidence = rng.choice([Evidence.RECORD, Evidence.RECORD, Evidence.WORD])
        w.add(
            Immunisation,
            {
                "id": ids(Immunisation),
                "person_id": person_id,
                "disease": disease,
                "status": status,
                "evidence": evidence,
                "source": "",
                "as_at": today - timedelta(days=rng.randrange(10, 300)),
                "recorded_by_id": by,
                "created_at": created,
                "version": 1,
            },
            by=by,
        )
    if kind in {"parent", "other_whanau"}:
        w.add_many(
            Consent,
            [
                {
                    "id": ids(Consent),
                    "person_id": person_id,
                    "purpose": "immunisation",
                    "status": "given",
                    "date": created.date(),
                    "note": "",
                    "recorded_by_id": by,
                    "recorded_at": created,
                }
            ],
        )


def _restorative(
    w: BulkWriter,
    ids: Ids,
    rng: random.Random,
    audit: "audit_rows.AuditTrail",
    whanau_id: int,
    worker: Staff,
    facilitators: list[Staff],
    people: list[tuple[int, str, date | None]],
    relationships: list[tuple[int, int, int]],
    start: date,
    last_day: date,
    today: date,
    *,
    under_way: bool = False,
) -> None:
    harmed, responsible = people[1][0], people[0][0]
    occurred = start + timedelta(days=rng.randrange(0, max(1, (last_day - start).days - 120) or 1))
    state = rng.choice(
        [
            "referred",
            "referred",
            "preparing",
            "preparing",
            "ready",
            "closed",
            "closed",
            "not_proceeding",
        ]
    )
    if (today - occurred).days < 100 or under_way:
        state = rng.choice(["referred", "preparing"])
    recorded = _at(occurred + timedelta(days=2), rng)
    harm_id = ids(Harm)
    harm_status = {"closed": "resolved", "not_proceeding": "open"}.get(state, "in_process")
    w.add(
        Harm,
        {
            "id": harm_id,
            "whanau_id": whanau_id,
            "what": "A fight at home that left one of the tamariki frightened.",
            "occurred_on": occurred,
            "severity": rng.choice(["minor", "moderate", "serious"]),
            "status": harm_status,
            "recorded_by_id": worker.user_id,
            "created_at": recorded,
            "version": 1,
        },
        by=worker.user_id,
    )
    w.add_many(
        Harm.harmed.through,
        [{"id": ids(Harm.harmed.through), "harm_id": harm_id, "person_id": harmed}],
    )
    w.add_many(
        Harm.responsible.through,
        [{"id": ids(Harm.responsible.through), "harm_id": harm_id, "person_id": responsible}],
    )
    facilitator = facilitators[whanau_id % len(facilitators)]
    kind = rng.choice(["restorative_meeting", "circle", "formal_conference"])
    process_id = ids(RestorativeProcess)
    held = occurred + timedelta(days=40)
    process: dict[str, Any] = {
        "id": process_id,
        "harm_id": harm_id,
        "whanau_id": whanau_id,
        "kind": kind,
        "facilitator_id": facilitator.user_id,
        "referred_by_id": worker.user_id,
        "state": state,
        "not_proceeding_reason": "The person harmed chose not to meet."
        if state == "not_proceeding"
        else "",
        "created_at": recorded,
        "stage_entered_at": recorded,
        "version": 1,
    }
    if state == "closed":
        process.update(
            held_on=held,
            closed_on=held + timedelta(days=70),
            outcome_summary="Agreement kept; the whānau say things are better.",
        )
    w.add(RestorativeProcess, process, by=worker.user_id)
    audit.event(
        at=recorded,
        actor=(worker.user_id, worker.username),
        action="create",
        target=("restorativeprocess", process_id),
        whanau_id=whanau_id,
        summary="Referred for a restorative process",
    )
    prepared = state in {"ready", "closed"}
    participants = []
    for person_id, role in ((responsible, "responsible"), (harmed, "harmed")):
        participant_id = ids(Participant)
        participants.append((participant_id, person_id, role))
        if prepared:
            w.add_many(
                Consent,
                [
                    {
                        "id": ids(Consent),
                        "person_id": person_id,
                        "purpose": "restorative",
                        "status": "given",
                        "date": occurred + timedelta(days=8),
                        "note": "",
                        "recorded_by_id": facilitator.user_id,
                        "recorded_at": _at(occurred + timedelta(days=8), rng),
                    }
                ],
            )
        w.add(
            Participant,
            {
                "id": participant_id,
                "process_id": process_id,
                "person_id": person_id,
                "role": role,
                "invited_on": occurred + timedelta(days=5) if state != "referred" else None,
                "consented_on": occurred + timedelta(days=8) if prepared else None,
                "consent_recorded_by_id": facilitator.user_id if prepared else None,
                "prepared_on": occurred + timedelta(days=15) if prepared else None,
                "preparation_notes": "Met at home; talked through what to expect."
                if prepared
                else "",
                "created_at": recorded,
                "version": 1,
            },
            by=facilitator.user_id,
        )
    if prepared:
        w.add(
            SafetyAssessment,
            {
                "id": ids(SafetyAssessment),
                "process_id": process_id,
                "risk_of_further_harm": "low",
                "power_imbalance": "low",
                "readiness": "Both ready to meet.",
                "accepts_responsibility": "yes",
                "outcome": "proceed",
                "safeguards": "",
                "reason": "",
                "assessed_by_id": facilitator.user_id,
                "assessed_at": _at(occurred + timedelta(days=20), rng),
            },
            by=facilitator.user_id,
        )
    if state == "closed":
        for participant_id, _person_id, _role in participants:
            for question in ("happened", "repair"):
                w.add(
                    Response,
                    {
                        "id": ids(Response),
                        "participant_id": participant_id,
                        "question": question,
                        "answer": "Said in their own words at the conference.",
                        "recorded_by_id": facilitator.user_id,
                        "recorded_at": _at(held, rng),
                    },
                    by=facilitator.user_id,
                )
        resolved = _at(held + timedelta(days=30), rng)
        w.add(
            AgreementItem,
            {
                "id": ids(AgreementItem),
                "process_id": process_id,
                "what": "Say sorry in person and fix the broken door.",
                "owner_id": participants[0][0],
                "for_whom_id": participants[1][0],
                "due": held + timedelta(days=28),
                "status": "done",
                "resolved_at": resolved,
                "created_at": _at(held, rng),
                "version": 1,
            },
            by=facilitator.user_id,
        )
        harmed_participant = participants[1][0]
        w.add(
            FollowUp,
            {
                "id": ids(FollowUp),
                "process_id": process_id,
                "participant_id": harmed_participant,
                "scheduled_for": held + timedelta(days=60),
                "held_at": _at(held + timedelta(days=60), rng),
                "rating": rng.randrange(6, 11),
                "own_words": "It feels sorted now.",
                "recorded_by_id": facilitator.user_id,
            },
            by=facilitator.user_id,
        )
