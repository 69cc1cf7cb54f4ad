"""What the agency learns: the unit, the correlation and its interval against SciPy, the mixed
model on simulated data with a known effect, degenerate data reported as such, small-cell
suppression, and who may see what."""

import random
import re
import warnings
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from scipy import stats

from hononga.accounts.models import Role, User
from hononga.checkins.tests import factories as f
from hononga.conftest import bearer, client_for
from hononga.factories import MembershipFactory, PersonFactory, UserFactory
from hononga.goals import learning, outcomes
from hononga.goals.models import HolderOutcome, OutcomeFigures
from hononga.goals.tests import factories as gf
from hononga.whanau.models import Whanau


def test_the_correlation_and_its_fisher_interval_match_scipy() -> None:
    rng = random.Random(7)
    xs = [rng.gauss(8, 1) for _ in range(60)]
    ys = [0.6 * x + rng.gauss(0, 1) for x in xs]
    ours = outcomes.correlation(xs, ys)
    assert ours is not None
    expected = stats.pearsonr(xs, ys)
    low, high = expected.confidence_interval(0.95)
    assert ours.r == pytest.approx(expected.statistic, abs=1e-12)
    assert ours.low == pytest.approx(low, abs=1e-9)
    assert ours.high == pytest.approx(high, abs=1e-9)


def test_practitioners_who_differ_no_more_than_chance_do_not_fill_the_log() -> None:
    # The between-practitioner variance at its boundary (statsmodels: "Random effects
    # covariance is singular"): the daily job said so once per fit, thousands of lines a night.
    rng = random.Random(0)
    rows = [(x := rng.uniform(4, 10), 0.5 * x + rng.gauss(0, 1), i % 6) for i in range(30)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = learning.fit_model(rows)
    assert [str(w.message) for w in caught] == []
    assert result.status == "degenerate" and result.groups == 6


def test_no_correlation_from_too_few_or_constant_values() -> None:
    assert outcomes.correlation([1, 2, 3], [1, 2, 3]) is None
    assert outcomes.correlation([5, 5, 5, 5, 5], [1, 2, 3, 4, 5]) is None


def test_the_mixed_model_recovers_a_known_effect() -> None:
    rng = np.random.default_rng(2026)
    groups = np.repeat(np.arange(30), 15)
    quality = rng.normal(8, 1, groups.size)
    change = 0.8 * quality + rng.normal(0, 0.8, 30)[groups] + rng.normal(0, 1, groups.size)
    result = learning.fit_model(zip(quality, change, groups, strict=True))
    assert result.status == "fitted" and result.groups == 30
    assert result.low is not None and result.high is not None
    assert result.low < 0.8 < result.high


def test_degenerate_data_is_reported_as_such() -> None:
    same_quality = [(8.0, float(n % 5), n % 6) for n in range(40)]
    assert learning.fit_model(same_quality).status == "degenerate"
    few_groups = [(float(n % 9), float(n % 5), n % 2) for n in range(40)]
    assert learning.fit_model(few_groups).status == "too_few_groups"
    assert learning.fit_model(few_groups[:5]).status == "too_few_units"


def _holders(whanau: Whanau, practitioner: User, count: int, effect: float) -> None:
    """Goal holders with three complete check-ins each and a goal rated twice."""
    worker = f.staff_person(practitioner)
    whanau.allocations.update(started=timezone.localdate() - timedelta(days=400))
    rng = random.Random(count)
    start = timezone.now() - timedelta(days=200)
    for n in range(count):
        person = PersonFactory(preferred_name=f"H{n}")
        MembershipFactory(person=person, whanau=whanau)
        relationship = f.relationship_between(whanau, person, worker)
        level = rng.choice([5, 6, 7, 8, 9, 10])
        for k in range(4):
            f.checkin(relationship, person, answers=f.items(level), when=start + timedelta(days=k))
        goal = gf.goal(whanau, person)
        gf.rate(goal, 3, when=start + timedelta(days=10))
        gf.rate(goal, min(10, 3 + round(effect * (level - 5))), when=start + timedelta(days=40))


def test_the_job_counts_each_holder_once_and_suppresses_small_thirds(
    whanau: Whanau, practitioner: User, supervisor: User
) -> None:
    _holders(whanau, practitioner, 12, effect=1.0)
    assert learning.rebuild() == 12
    assert learning.rebuild() == 12  # idempotent
    unit = HolderOutcome.objects.first()
    assert unit is not None and unit.practitioner == practitioner
    agency = OutcomeFigures.objects.get(scope="agency")
    assert agency.n == 12 and agency.r is not None and agency.r > 0.9
    assert agency.model_status == "too_few_units"
    assert all(b["suppressed"] and b["n"] is None for b in agency.thirds)  # 4 a third < 10
    # The page: a supervisor sees the figures and their team's scatter; never a name.
    body = client_for(supervisor).get(reverse("goals:learning")).content.decode()
    assert "What the agency learns" in body and "under 10" in body
    assert "never a ranking" in body
    assert not re.search(r"\bH1\b", body)  # a name, not a stray CSRF token's letters


def test_who_may_see_what(
    whanau: Whanau, practitioner: User, supervisor_south: User, admin_user: User, team_north: Any
) -> None:
    _holders(whanau, practitioner, 4, effect=1.0)
    learning.rebuild()
    assert client_for(practitioner).get(reverse("goals:learning")).status_code == 404
    assert (
        client_for(supervisor_south)
        .get(reverse("goals:learning") + f"?team={team_north.pk}")
        .status_code
        == 404
    )
    lead = UserFactory(username="lead", role=Role.PRACTICE_LEAD)
    page = client_for(lead).get(reverse("goals:learning"))
    assert page.status_code == 200 and "Your team's goal holders" not in page.content.decode()
    api = Client().get("/api/v1/outcomes/association", **bearer(lead))
    assert api.status_code == 200 and api.json()["n"] == 4
    assert Client().get("/api/v1/outcomes/association", **bearer(practitioner)).status_code == 404
    period = (
        Client()
        .get("/api/v1/outcomes/association?from=2000-01-01&to=2000-12-31", **bearer(admin_user))
        .json()
    )
    assert period["n"] == 0 and period["model"] is None
    bad = Client().get("/api/v1/outcomes/association?from=2026-13-01", **bearer(admin_user))
    assert bad.status_code == 422
