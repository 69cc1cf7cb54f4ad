"""Demo relationships: every demo whānau has a map with its practitioner; loading is idempotent."""

from io import StringIO

import pytest

from hononga.core.management.commands.demo import Command
from hononga.relationships import demo
from hononga.relationships.models import Relationship
from hononga.whanau.models import Whanau

pytestmark = pytest.mark.django_db


def test_every_demo_whanau_gets_a_map_once():
    Command()._load()
    demo.load(StringIO())
    count = Relationship.objects.count()
    assert count > 0
    for whanau in Whanau.objects.all():
        kinds = set(Relationship.objects.filter(whanau=whanau).values_list("kind", flat=True))
        assert {"whanau", "professional"} <= kinds, whanau.name
        practitioner_ties = Relationship.objects.filter(
            whanau=whanau, person_a__user__isnull=False
        ) | Relationship.objects.filter(whanau=whanau, person_b__user__isnull=False)
        assert practitioner_ties.exists(), whanau.name
    assert Relationship.objects.filter(ended__isnull=False).count() == 1
    demo.load(StringIO())
    assert Relationship.objects.count() == count
