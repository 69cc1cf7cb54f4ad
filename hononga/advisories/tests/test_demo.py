import io

import pytest

from hononga.advisories import demo, selectors
from hononga.advisories.models import Advisory
from hononga.factories import RegionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_demo_loads_measles_and_whooping_cough_advisories_once():
    waikato = RegionFactory(name="Waikato")
    tamaki = RegionFactory(name="Tāmaki Makaurau")
    UserFactory(username="demo-admin", role="admin")
    out = io.StringIO()
    demo.load(out)
    demo.load(out)
    measles = Advisory.objects.get(condition="measles")
    pertussis = Advisory.objects.get(condition="pertussis")
    assert list(measles.regions.all()) == [waikato]
    assert list(pertussis.regions.all()) == [tamaki]
    assert pertussis.title == "Whooping cough — Tāmaki Makaurau"
    assert set(selectors.active_advisories()) == {measles, pertussis}
    assert Advisory.objects.count() == 2
