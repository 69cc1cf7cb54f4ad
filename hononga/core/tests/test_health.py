"""/health/ for the load balancer: database, migrations, background heartbeats."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hononga.core.heartbeat import beat
from hononga.core.models import Heartbeat

pytestmark = pytest.mark.django_db


def test_it_is_ok_when_the_database_answers_and_the_worker_beat_recently():
    beat("worker")
    response = Client().get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["failing"] == []
    assert body["checks"]["database"] == "ok" and body["checks"]["migrations"] == "applied"
    assert body["checks"]["worker"]["ok"] is True
    assert body["checks"]["audit-sealer"] == "not running here"


def test_a_silent_worker_takes_the_host_out_of_the_pool():
    Heartbeat.objects.create(name="worker", at=timezone.now() - timedelta(minutes=10))
    response = Client().get("/health/")
    assert response.status_code == 503
    assert response.json()["failing"] == ["worker"]


def test_a_worker_that_never_ran_is_named():
    response = Client().get("/health/")
    assert response.status_code == 503 and response.json()["checks"]["worker"] == "never"


def test_it_needs_no_login_shows_no_case_data_and_is_never_cached():
    beat("worker")
    response = Client().get("/health/")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert set(response.json()) == {"status", "failing", "checks"}
    assert Client().post("/health/").status_code == 405
