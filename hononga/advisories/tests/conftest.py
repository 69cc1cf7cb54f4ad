from datetime import timedelta

import pytest

from hononga.advisories import selectors
from hononga.advisories.models import Advisory


@pytest.fixture
def advisory(whanau, admin_user):
    today = selectors.today()
    adv = Advisory.objects.create(
        title="Measles outbreak",
        condition="measles",
        starts=today - timedelta(days=3),
        ends=today + timedelta(days=30),
        guidance="Screen before home visits.",
        rule_table=selectors.current_rule_table(),
        published_by=admin_user,
    )
    adv.regions.set([whanau.region])
    return adv


WELL = {
    "planned_mode": "home_visit",
    "fever": False,
    "cough": False,
    "rash": False,
    "exposure": False,
    "people_immunisation": "all_immune",
    "practitioner_immunisation": "immune",
    "vulnerable_pepi": False,
    "vulnerable_pregnant": False,
    "vulnerable_immunocompromised": False,
    "vulnerable_housing": False,
}


@pytest.fixture
def answers():
    return dict(WELL)
