"""Demo data: a measles advisory for Waikato and a whooping cough advisory for Tāmaki Makaurau,
each with its own screening; recorded immunisation status (with consent and evidence) for the
people of each demo practitioner's first whānau, so a screening shows evidence and unknowns."""

from datetime import date, timedelta
from typing import Any

from django.db import transaction

from hononga.accounts.models import User
from hononga.core.models import Region
from hononga.relationships.models import Consent, ConsentPurpose, ConsentStatus
from hononga.whanau.models import Allocation, Person, PersonKind

from . import selectors
from .models import Advisory, Evidence, Immunisation, ImmunisationStatus

ADVISORIES = [
    {
        "title": "Measles outbreak — Waikato",
        "condition": "measles",
        "region": "Waikato",
        "guidance": (
            "Public health has confirmed measles cases in Waikato. Screen before every in-person "
            "contact. Meet outdoors or by phone or video where the screening recommends it. "
            "Postpone when anyone in the household has a fever, cough or rash, and tell them to "
            "phone Healthline (0800 611 116) rather than go to a clinic unannounced."
        ),
    },
    {
        "title": "Whooping cough — Tāmaki Makaurau",
        "condition": "pertussis",
        "region": "Tāmaki Makaurau",
        "guidance": (
            "Whooping cough is spreading in Tāmaki Makaurau. Screen before every in-person "
            "contact. Anyone with a new cough, coughing fits or a whoop should see their doctor "
            "and stay away from pēpi. If you visit homes with pēpi or someone late in "
            "pregnancy, make sure your own whooping cough booster is up to date."
        ),
    },
]


def _first_whanau_people(username: str) -> list[Person]:
    allocation = (
        Allocation.objects.filter(user__username=username, whanau__status="open")
        .order_by("whanau__name", "pk")
        .first()
    )
    if allocation is None:
        return []
    return list(
        Person.objects.filter(
            memberships__whanau_id=allocation.whanau_id, memberships__archived_at__isnull=True
        ).order_by("date_of_birth", "pk")
    )


def _statuses(practitioner: User, disease: str, people: list[Person], today: date) -> int:
    """Adults give consent; one person's status is documented, one is only their word, and the
    rest stay unknown — what a real screening meets."""
    recorded = 0
    adults = [p for p in people if p.kind not in (PersonKind.TAMARIKI, PersonKind.RANGATAHI)]
    for index, person in enumerate(adults[:2]):
        Consent.objects.get_or_create(
            person=person,
            purpose=ConsentPurpose.IMMUNISATION,
            defaults={
                "status": ConsentStatus.GIVEN,
                "date": today - timedelta(days=20),
                "note": "Agreed at a home visit (demo).",
                "recorded_by": practitioner,
            },
        )
        if Immunisation.objects.filter(person=person, disease=disease).exists():
            continue
        documented = index == 0
        Immunisation.objects.create(
            person=person,
            disease=disease,
            status=ImmunisationStatus.IMMUNE,
            evidence=Evidence.RECORD if documented else Evidence.WORD,
            source="Well Child book seen at the visit" if documented else "Says they had it",
            as_at=today - timedelta(days=20),
            recorded_by=practitioner,
        )
        recorded += 1
    children = [p for p in people if p.kind == PersonKind.TAMARIKI]
    if children and not Immunisation.objects.filter(person=children[0], disease=disease).exists():
        # For tamariki the caregiver's word is recorded; here the book was seen.
        Immunisation.objects.create(
            person=children[0],
            disease=disease,
            status=ImmunisationStatus.IMMUNE,
            evidence=Evidence.RECORD,
            source="Well Child Tamariki Ora book",
            as_at=today - timedelta(days=20),
            recorded_by=practitioner,
        )
        recorded += 1
    return recorded


@transaction.atomic
def load(stdout: Any) -> None:
    admin = User.objects.filter(username="demo-admin").first()
    if admin is None:
        stdout.write("  advisories: no demo-admin; skipped")
        return
    today = selectors.today()
    for spec in ADVISORIES:
        if Advisory.objects.filter(title=spec["title"]).exists():
            continue
        region = Region.objects.filter(name=spec["region"]).first()
        if region is None:
            continue
        advisory = Advisory.objects.create(
            title=spec["title"],
            condition=spec["condition"],
            starts=today - timedelta(days=10),
            ends=today + timedelta(days=60),
            guidance=spec["guidance"],
            published_by=admin,
        )
        advisory.regions.set([region])
        selectors.current_rule_table(spec["condition"])
        stdout.write(f"  advisories: {spec['title']}")
    for username, disease in (
        ("demo-practitioner", "measles"),
        ("demo-practitioner2", "pertussis"),
    ):
        practitioner = User.objects.filter(username=username).first()
        people = _first_whanau_people(username)
        if practitioner is None or not people:
            continue
        recorded = _statuses(practitioner, disease, people, today)
        if recorded:
            stdout.write(f"  advisories: {recorded} {disease} immunisation statuses recorded")
