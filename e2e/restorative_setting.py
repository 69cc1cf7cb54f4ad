"""The Kōwhai whānau for the restorative browser tests: Aroha (their practitioner), Mereana (a
facilitator with a current conference credential), Mere (mother) and Ariki (her son, rangatahi);
and, where a test starts further on, the harm Ariki did and the process referred to Mereana."""

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from hononga.accounts.models import Role, Team, User
from hononga.factories import (
    AllocationFactory,
    MembershipFactory,
    PersonFactory,
    RegionFactory,
    TeamFactory,
    UserFactory,
    WhanauFactory,
)
from hononga.restorative import services
from hononga.restorative.models import FacilitatorCredential, RestorativeProcess
from hononga.whanau.models import Person, PersonKind, Whanau


def credentialled_facilitator(username: str, name: str, team: Team) -> User:
    user = UserFactory(username=username, preferred_name=name, role=Role.FACILITATOR, teams=[team])
    today = timezone.localdate()
    FacilitatorCredential.objects.create(
        user=user,
        level="conference",
        issued=today - timedelta(days=30),
        expires=today + timedelta(days=300),
        recorded_by=user,
    )
    return user


def member(whanau: Whanau, name: str, role: str, **fields: Any) -> Person:
    person = PersonFactory(preferred_name=name, other_names="Kōwhai", **fields)
    MembershipFactory(person=person, whanau=whanau, role=role)
    return person


def kowhai_whanau() -> dict[str, Any]:
    team = TeamFactory(name="Kirikiriroa team", region=RegionFactory(name="Waikato"))
    aroha = UserFactory(username="aroha", preferred_name="Aroha", teams=[team])
    mereana = credentialled_facilitator("mereana", "Mereana", team)
    whanau = WhanauFactory(name="Kōwhai whānau", team=team)
    AllocationFactory(whanau=whanau, user=aroha)
    mere = member(whanau, "Mere", "mother")
    ariki = member(
        whanau, "Ariki", "son", kind=PersonKind.RANGATAHI, date_of_birth=date(2010, 6, 1)
    )
    return {
        "team": team,
        "aroha": aroha,
        "mereana": mereana,
        "whanau": whanau,
        "mere": mere,
        "ariki": ariki,
    }


def referred_process(setting: dict[str, Any]) -> RestorativeProcess:
    """Ariki took Mere's car; Aroha records it and refers it to Mereana (a formal conference)."""
    harm = services.harm_create(
        actor=setting["aroha"],
        whanau_id=setting["whanau"].pk,
        fields={
            "what": "Ariki took Mere's car without asking.",
            "occurred_on": timezone.localdate() - timedelta(days=3),
            "severity": "moderate",
        },
        harmed_ids=[setting["mere"].pk],
        responsible_ids=[setting["ariki"].pk],
    )
    return services.process_create(
        actor=setting["aroha"],
        harm_id=harm.pk,
        kind="formal_conference",
        facilitator_id=setting["mereana"].pk,
    )
