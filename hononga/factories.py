"""factory_boy factories for tests and benchmarks. Synthetic names only."""

from datetime import datetime, time, timedelta
from typing import Any

import factory
from django.utils import timezone

from hononga.accounts.models import Role, Team, User
from hononga.core.models import Region
from hononga.whanau.models import Allocation, Membership, Person, PersonKind, Whanau


def earlier_today(hours: float = 1) -> datetime:
    """`hours` ago, but never before local midnight: records made "an hour ago" stay on today's
    date (in Pacific/Auckland) when tests run just after midnight."""
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    return max(timezone.now() - timedelta(hours=hours), midnight)


TEST_PASSWORD = "kōrero-pai-2026"  # noqa: S105


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Rohe {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Rōpū {n}")
    region = factory.SubFactory(RegionFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"kaimahi{n}")
    preferred_name = factory.Sequence(lambda n: f"Kaimahi {n}")
    role = Role.PRACTITIONER
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def teams(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.teams.add(*extracted)


class WhanauFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Whanau

    name = factory.Sequence(lambda n: f"Whānau {n}")
    team = factory.SubFactory(TeamFactory)
    region = factory.SelfAttribute("team.region")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    preferred_name = factory.Sequence(lambda n: f"Tangata{n}")
    other_names = "Kōwhai"
    kind = PersonKind.PARENT


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    whanau = factory.SubFactory(WhanauFactory)


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    whanau = factory.SubFactory(WhanauFactory)
    user = factory.SubFactory(UserFactory)
    started = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
