import io

import pytest

from hononga.advisories import demo, selectors
from hononga.advisories.models import Advisory
from hononga.factories import RegionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_demo_loads_an_active_measles_advisory_for_waikato_once():
    waikato = RegionFactory(name="Waikato")
    UserFactory(username="demo-admin", role="admin")
    out = io.StringIO()
    demo.load(out)
    demo.load(out)
    advisory = Advisory.objects.get()
    assert advisory.condition == "measles" and list(advisory.regions.all()) == [waikato]
    assert advisory in selectors.active_advisories()
    assert "already loaded" in out.getvalue()
