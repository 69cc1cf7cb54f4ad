"""`hononga demo`: load synthetic, deterministic demo data once (idempotent).

Every name here is invented. Family names are native plants and birds, not real families.
"""

import importlib
import random
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from hononga.accounts.models import Role, Team, User
from hononga.core.models import Region
from hononga.whanau import services
from hononga.whanau.models import Allocation, Person, PersonKind, Whanau

DEMO_PASSWORD = "hononga-demo"  # noqa: S105  (documented demo login; never in production)
DEMO_USERS = [
    # username, role, preferred name, full name, team index
    ("demo-practitioner", Role.PRACTITIONER, "Aroha", "Aroha Kōtuku", 0),
    ("demo-practitioner2", Role.PRACTITIONER, "Sione", "Sione Fale'ese", 1),
    ("demo-facilitator", Role.FACILITATOR, "Mereana", "Mereana Tōtara-Wilson", 0),
    ("demo-facilitator2", Role.FACILITATOR, "Wiremu", "Wiremu Kāhu-Reid", 0),
    ("demo-supervisor", Role.SUPERVISOR, "Hēmi", "Hēmi Rākau", 0),
    ("demo-admin", Role.ADMIN, "Priya", "Priya Anand-Kerr", None),
]
# Apps whose demo.py adds records on top of the base data, in this order.
DEMO_EXTENSIONS = [
    "relationships",
    "checkins",
    "contacts",
    "restorative",
    "advisories",
    "measures",
    "goals",
    "privacy",
]
# Logins that apps' demo.py add (printed with the others).
EXTENSION_LOGINS = [
    ("demo-practice-lead", Role.PRACTICE_LEAD, "figures only, the whole agency"),
    ("demo-privacy", Role.ADMIN, "with the privacy officer permission: exports, retention"),
]
REGIONS = ["Waikato", "Tāmaki Makaurau"]
TEAMS = [("Kirikiriroa team", 0), ("Manukau team", 1)]
FAMILY_NAMES = [
    "Kōwhai",
    "Tōtara",
    "Rimu",
    "Mānuka",
    "Tūī",
    "Kererū",
    "Pūkeko",
    "Kākā",
    "Nīkau",
    "Harakeke",
    "Karaka",
    "Pōhutukawa",
]
GIVEN_ADULT = [
    "Mere",
    "Tama",
    "Ānaru",
    "Hine",
    "Rāwiri",
    "Moana",
    "Wiremu",
    "Ngaio",
    "Losa",
    "Tevita",
    "Grace",
    "Daniel",
    "Aperahama",
    "Kiri",
    "Mīria",
    "Pita",
]
GIVEN_CHILD = [
    "Ariki",
    "Kaia",
    "Nikau",
    "Manaia",
    "Ātaahua",
    "Tāne",
    "Aria",
    "Kahu",
    "Mīhi",
    "Rēwena",
    "Ihaia",
    "Maia",
    "Tōmairangi",
    "Kauri",
    "Whetū",
    "Ruby",
]
ROLES_ADULT = ["mother", "father", "koro", "kuia", "aunty", "uncle", "caregiver"]
LANGUAGES = ["te reo Māori, English", "English", "English, Samoan", "English, Tongan"]


class Command(BaseCommand):
    help = "Load the synthetic demo data (once; running it again changes nothing)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet", action="store_true", help="Do not print the logins.")
        parser.add_argument(
            "--port", type=int, default=8000, help="The port to name in the address printed."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded with production settings.")
        if User.objects.filter(username="demo-admin").exists():
            self.stdout.write("Demo data is already loaded; nothing changed.")
        else:
            with transaction.atomic():
                self._load()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self._load_extensions()
        if not options["quiet"]:
            self.stdout.write("\nDemo logins (password for all: hononga-demo):")
            for username, role, _preferred, _full, _team in DEMO_USERS:
                self.stdout.write(f"  {username:<20} {role.label}")
            for username, role, note in EXTENSION_LOGINS:
                self.stdout.write(f"  {username:<20} {role.label} ({note})")
            if settings.SECOND_FACTOR_REQUIRED:
                self.stdout.write(
                    "A second factor is required (SECOND_FACTOR_REQUIRED): each login sets up "
                    "an authenticator app at first."
                )
            else:
                self.stdout.write(
                    "No second factor is required here (development): the password logs in. "
                    "Production requires one; try it on the account page."
                )
            self.stdout.write(f"\nOpen http://127.0.0.1:{options['port']}/ and log in.\n")

    def _load_extensions(self) -> None:
        """Each app may add its own demo records in `hononga/<app>/demo.py`.

        `load(stdout)` must be deterministic and idempotent (it checks for its own records), so
        a second `make run`, or one after an upgrade, adds only what is missing.
        """
        for app in DEMO_EXTENSIONS:
            try:
                module = importlib.import_module(f"hononga.{app}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"hononga.{app}.demo":
                    raise
                continue
            with transaction.atomic():
                module.load(self.stdout)

    def _load(self) -> None:
        rng = random.Random(20261124)  # fixed seed: the same data every time
        regions = [Region.objects.get_or_create(name=name)[0] for name in REGIONS]
        teams = [Team.objects.get_or_create(name=name, region=regions[r])[0] for name, r in TEAMS]
        users: dict[str, User] = {}
        for username, role, preferred, full, team_index in DEMO_USERS:
            first, _, last = full.partition(" ")
            user = User.objects.create_user(
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                preferred_name=preferred,
                first_name=first,
                last_name=last,
                email=f"{username}@example.org",
            )
            if team_index is not None:
                user.teams.add(teams[team_index])
            if role == Role.FACILITATOR:
                user.teams.add(teams[1])
            users[username] = user
            if role != Role.ADMIN:
                Person.objects.create(
                    preferred_name=preferred,
                    other_names=last,
                    kind=PersonKind.PRACTITIONER,
                    user=user,
                )
        practitioners = [users["demo-practitioner"], users["demo-practitioner2"]]
        today = timezone.localdate()
        for index, family in enumerate(FAMILY_NAMES):
            team_index = index % 2
            worker = practitioners[team_index]
            whanau = services.whanau_create(
                actor=worker,
                name=f"{family} whānau",
                team=teams[team_index],
                summary=f"The {family} whānau asked for support with mahi and school for the "
                "tamariki. (Synthetic demo record.)",
            )
            Allocation.objects.filter(whanau=whanau, user=worker).update(
                started=today - timedelta(days=30 + 20 * index)
            )
            size = 4 + index % 5  # 4 to 8 people
            for member in range(size):
                adult = member < 2 or (member == 2 and index % 3 == 0)
                given = rng.choice(GIVEN_ADULT if adult else GIVEN_CHILD)
                age = rng.randint(24, 70) if adult else rng.randint(1, 17)
                dob = date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
                kind = (
                    (PersonKind.PARENT if member < 2 else PersonKind.OTHER_WHANAU)
                    if adult
                    else (PersonKind.TAMARIKI if age < 13 else PersonKind.RANGATAHI)
                )
                services.person_create(
                    actor=worker,
                    whanau=whanau,
                    fields={
                        "preferred_name": given,
                        "other_names": family,
                        "kind": kind,
                        "date_of_birth": dob,
                        "languages": rng.choice(LANGUAGES),
                        "phone": f"021 555 {1000 + index * 10 + member}" if adult else "",
                    },
                    membership_role=rng.choice(ROLES_ADULT) if adult else "",
                )
            if index == 0:
                # The facilitator co-works the first whānau; a little history to look at.
                services.allocation_create(
                    actor=users["demo-admin"],
                    whanau=whanau,
                    user=users["demo-facilitator"],
                    started=today - timedelta(days=14),
                )
                services.whanau_update(
                    actor=worker,
                    whanau_id=whanau.pk,
                    expected_version=whanau.version,
                    changes={"summary": whanau.summary + " Koro is now living with the whānau."},
                )
        # One whānau is closed, to show status filters.
        closed = Whanau.objects.get(name=f"{FAMILY_NAMES[-1]} whānau")
        services.whanau_update(
            actor=practitioners[1],
            whanau_id=closed.pk,
            expected_version=closed.version,
            changes={"status": "closed"},
        )
