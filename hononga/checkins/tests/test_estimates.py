"""The agency's SD and alpha: estimated from one check-in per rater and relationship (their first
complete self-rating), by a scheduled command using SQL aggregates, never inside a request.

The expected figures are computed here, independently, with NumPy and SciPy on the same data
(one row per rater and relationship).
"""

import json
from datetime import timedelta

import numpy as np
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from scipy import stats

from hononga.checkins import services
from hononga.checkins.models import CheckIn, CheckInSettings
from hononga.checkins.tests import factories as f
from hononga.conftest import bearer
from hononga.core.heartbeat import last_beat
from hononga.core.schedule import job_named

ITEMS = f.ALL_EIGHT


def numpy_figures(rows):
    """SD of the mean scores, Cronbach's alpha and Feldt's 95% interval, from scratch."""
    x = np.asarray(rows, dtype=float)
    n, k = x.shape
    alpha = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))
    low = 1 - (1 - alpha) * stats.f.ppf(0.975, n - 1, (n - 1) * (k - 1))
    high = 1 - (1 - alpha) * stats.f.ppf(0.025, n - 1, (n - 1) * (k - 1))
    return {"n": n, "sd": x.mean(axis=1).std(ddof=1), "alpha": alpha, "low": low, "high": high}


def answers(rng, base, spread=1):
    return {key: int(np.clip(base + rng.integers(-spread, spread + 1), 0, 10)) for key in ITEMS}


@pytest.fixture
def history(whanau, worker, practitioner):
    """Twenty-four people, each rating their relationship with Aroha three to five times, some
    more consistently than others; some first answers incomplete; mirrors, someone else's
    view, and an archived check-in that must all be left out. Returns the one row per person
    that the estimate must use: their first complete self-rating."""
    rng = np.random.default_rng(20260611)
    expected = []
    start = timezone.now() - timedelta(days=400)
    for index in range(24):
        member = f.member(whanau, f"Tamaiti {index}")
        relationship = f.relationship_between(whanau, member, worker)
        base = int(rng.integers(3, 10))
        day = start + timedelta(days=int(rng.integers(0, 30)))
        if index % 4 == 0:  # an incomplete first answer: not a baseline
            f.checkin(relationship, member, answers={**answers(rng, base), "heard": None}, when=day)
            day += timedelta(days=20)
        if index % 5 == 0:  # a complete first answer, archived later: not a baseline
            mistaken = f.checkin(relationship, member, answers=answers(rng, 2), when=day)
            CheckIn.objects.filter(pk=mistaken.pk).update(archived_at=timezone.now())
            day += timedelta(days=1)
        first = answers(rng, base)
        f.checkin(relationship, member, answers=first, when=day)
        expected.append([first[key] for key in ITEMS])
        for _repeat in range(int(rng.integers(2, 5))):  # repeats by the same person: left out
            day += timedelta(days=30)
            f.checkin(relationship, member, answers=answers(rng, min(10, base + 1), 0), when=day)
        f.checkin(relationship, worker, answers=answers(rng, 9), perspective="mirror", when=day)
        if index % 3 == 0:
            aunty = f.member(whanau, f"Whaea {index}")
            f.checkin(
                relationship,
                aunty,
                answers=answers(rng, 5),
                perspective="collateral",
                when=day,
            )
        services.refresh_derived(relationship.pk)
    return expected


def test_the_estimate_uses_one_check_in_per_rater_and_relationship(history):
    settings = services.estimates_refresh()
    want = numpy_figures(history)
    assert settings.estimated_n == want["n"] == 24
    assert settings.estimated_sd == pytest.approx(want["sd"], abs=1e-9)
    assert settings.estimated_alpha == pytest.approx(want["alpha"], abs=1e-9)
    assert settings.estimated_alpha_low == pytest.approx(want["low"], abs=1e-9)
    assert settings.estimated_alpha_high == pytest.approx(want["high"], abs=1e-9)
    # Pooling every complete self check-in (repeats included) gives other figures: the repeats
    # are what the estimate must leave out.
    complete = CheckIn.objects.filter(
        perspective="self", archived_at__isnull=True, **{f"{k}__isnull": False for k in ITEMS}
    ).values_list(*ITEMS)
    pooled = numpy_figures(list(complete))
    assert pooled["n"] > 60
    assert abs(pooled["alpha"] - want["alpha"]) > 1e-3


def test_archiving_a_baseline_makes_the_next_complete_one_the_baseline(
    practitioner, relationship, person
):
    first = f.checkin(relationship, person, answers=f.items(4), when=timezone.now().date())
    second = f.checkin(relationship, person, answers=f.items(9))
    assert list(CheckIn.objects.filter(is_baseline=True)) == [first]
    services.checkin_archive(actor=practitioner, checkin_id=first.pk, reason="Wrong person")
    assert list(CheckIn.objects.filter(is_baseline=True)) == [second]


def test_the_settings_page_says_which_data_were_used(admin_client_, history):
    services.estimates_refresh()
    html = admin_client_.get(reverse("checkins:settings")).content.decode()
    assert "Estimated from 24 baseline check-ins" in html
    assert "first complete check-in about each of their relationships" in html
    assert "Later check-ins by the same person about the same relationship are left out" in html


def test_the_defaults_apply_until_there_are_enough_baselines(history):
    settings = services.settings_get()
    CheckInSettings.objects.filter(pk=1).update(min_sample=30)
    settings = services.estimates_refresh()
    assert settings.estimated_n == 24 and not settings.uses_agency_estimates
    assert (services.thresholds().sd, services.thresholds().alpha) == (1.5, 0.9)
    CheckInSettings.objects.filter(pk=1).update(min_sample=24)
    services.estimates_refresh()
    assert services.thresholds().sd == pytest.approx(numpy_figures(history)["sd"])
    assert services.flag_thresholds_in_force().uses_agency_estimates


# --- Issue 12.5: a scheduled command, in SQL, never in a request ----------------------------------


def test_the_estimate_is_a_scheduled_daily_command(history):
    job = job_named("checkin-estimates")
    assert (job.command, job.args, job.daily_at is not None) == ("checkins", ("estimate",), True)
    call_command(job.command, *job.args, stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings = services.settings_get()
    assert settings.estimated_n == 24 and settings.estimated_at is not None
    assert last_beat("checkin-estimates") is not None


def test_the_estimate_reads_no_rows_into_python(worker, whanau, django_assert_max_num_queries):
    """SQL aggregates: the same few queries for 2 check-ins as for 60."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def grow(count):
        for index in range(count):
            member = f.member(whanau, f"Hine {CheckIn.objects.count()} {index}")
            relationship = f.relationship_between(whanau, member, worker)
            f.checkin(relationship, member, answers=f.items(5 + index % 5, trust=3 + index % 7))

    grow(2)
    services.estimates_refresh()
    with CaptureQueriesContext(connection) as few:
        services.estimates_refresh()
    grow(58)
    with django_assert_max_num_queries(len(few)):
        settings = services.estimates_refresh()
    assert settings.estimated_n == 60
    aggregate = [q["sql"] for q in few.captured_queries if "SUM(" in q["sql"].upper()]
    assert len(aggregate) == 1


def unchanged_estimates():
    settings = CheckInSettings.objects.get(pk=1)
    return settings.estimated_at is None and settings.estimated_n == 0


def test_no_request_re_estimates(
    practitioner, practitioner_client, admin_client_, relationship, consented, worker, history
):
    """Recording a check-in in every way there is, and opening and saving the thresholds page,
    never runs the estimate (it would read every check-in inside someone's request)."""
    services.settings_get()
    CheckInSettings.objects.filter(pk=1).update(estimated_at=None, estimated_n=0)
    # A whānau member answering through a one-time link.
    _link, raw = services.link_create(
        actor=practitioner, relationship_id=relationship.pk, rater_id=consented.pk
    )
    answered = Client().post(reverse("checkins:answer", args=[raw]), dict.fromkeys(ITEMS, "7"))
    assert answered.status_code == 302 and unchanged_estimates()
    # The same through the public API.
    _link, raw = services.link_create(
        actor=practitioner, relationship_id=relationship.pk, rater_id=consented.pk
    )
    response = Client().post(
        "/api/v1/check-in-links/answer",
        json.dumps({"token": raw, **f.items(6)}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert unchanged_estimates()
    # A practitioner entering a phone check-in, and their mirror.
    start = practitioner_client.post(
        reverse("checkins:start", args=[relationship.pk]),
        {"rater": consented.pk, "channel": "phone", "form": "adult", "language": "en"},
    )
    saved = practitioner_client.post(
        start.url,
        {**dict.fromkeys(ITEMS, "9"), "rater": consented.pk, "form": "adult", "language": "en"},
    )
    assert saved.status_code == 302 and unchanged_estimates()
    mirror = practitioner_client.post(
        reverse("checkins:mirror", args=[relationship.pk]), dict.fromkeys(ITEMS, "9")
    )
    assert mirror.status_code == 302 and unchanged_estimates()
    # The API.
    created = Client().post(
        "/api/v1/check-ins",
        json.dumps(
            {
                "relationship": relationship.pk,
                "rater": consented.pk,
                "perspective": "self",
                "form": "adult",
                "channel": "in_session",
                **f.items(8),
            }
        ),
        content_type="application/json",
        **bearer(practitioner),
    )
    assert created.status_code == 201 and unchanged_estimates()
    # The administrator's page: there is no "re-estimate now" in a request.
    url = reverse("checkins:settings")
    assert admin_client_.get(url).status_code == 200
    admin_client_.post(url, {"action": "estimate"})
    assert unchanged_estimates()
    assert CheckIn.objects.filter(relationship=relationship).count() == 5
