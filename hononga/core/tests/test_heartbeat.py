from datetime import timedelta

import pytest
import time_machine

from hononga.core.heartbeat import beat, is_alive, last_beat

pytestmark = pytest.mark.django_db


def test_it_knows_nothing_ran_until_it_beats():
    assert last_beat("worker") is None
    assert not is_alive("worker", timedelta(minutes=5))


def test_it_keeps_one_row_per_name_and_ages_out():
    with time_machine.travel("2026-11-30 10:00:00+13:00", tick=False):
        beat("worker")
        beat("worker", "second")
        assert is_alive("worker", timedelta(minutes=5))
    with time_machine.travel("2026-11-30 10:06:00+13:00", tick=False):
        assert not is_alive("worker", timedelta(minutes=5))
        assert is_alive("worker", timedelta(minutes=10))
