"""When a process entered its stage (issue 17, point 3): set by the stage-change services, and
backfilled from history by migration 0006."""

import importlib
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps
from django.utils import timezone

from hononga.restorative import services
from hononga.restorative.models import ParticipantRole, RestorativeProcess, State
from hononga.restorative.tests.conftest import assess, move, prepare_everyone, walk_to

pytestmark = pytest.mark.django_db
NZ = ZoneInfo("Pacific/Auckland")
START = datetime(2026, 10, 1, 9, 0, tzinfo=NZ)
backfill_migration = importlib.import_module("hononga.restorative.migrations.0006_stage_entered_at")


def _ready(process: RestorativeProcess) -> RestorativeProcess:
    process = RestorativeProcess.objects.get(pk=process.pk)
    prepare_everyone(process)
    assess(process)
    return move(process, State.READY)


def test_a_new_process_entered_referred_when_it_was_made(process: Any) -> None:
    process.refresh_from_db()
    assert process.state == State.REFERRED
    assert abs(process.stage_entered_at - process.created_at) < timedelta(seconds=5)


def test_each_stage_change_sets_when_it_entered_the_stage(process: Any) -> None:
    with time_machine.travel(START, tick=False):
        process = move(process, State.PREPARING)
    assert process.stage_entered_at == START
    later = START + timedelta(days=9)
    with time_machine.travel(later, tick=False):
        _ready(process)
    process.refresh_from_db()
    assert process.state == State.READY
    assert process.stage_entered_at == later
    # It is in the history too, as of each change.
    assert {h.state: h.stage_entered_at for h in process.history.all()}[State.PREPARING] == START


def test_a_principal_joining_a_ready_process_restarts_preparing(process: Any, aunt: Any) -> None:
    process = walk_to(process, State.READY)
    joined = timezone.now() + timedelta(days=3)
    with time_machine.travel(joined, tick=False):
        services.participant_add(
            actor=process.facilitator,
            process_id=process.pk,
            person_id=aunt.pk,
            role=ParticipantRole.HARMED,
        )
    process.refresh_from_db()
    assert process.state == State.PREPARING
    assert abs(process.stage_entered_at - joined) < timedelta(seconds=1)


def test_the_backfill_reads_the_last_run_of_the_stage_from_history(process: Any) -> None:
    # referred (made now) → preparing on 1 October → ready on 10 October → preparing again on
    # 12 October (a person harmed joined) → a save on 20 October that keeps it preparing.
    process.history.update(history_date=START - timedelta(days=2))  # made on 29 September
    with time_machine.travel(START, tick=False):
        process = move(process, State.PREPARING)
    with time_machine.travel(START + timedelta(days=9), tick=False):
        process = _ready(process)
    for days, state in ((11, State.PREPARING), (19, State.PREPARING)):
        with time_machine.travel(START + timedelta(days=days), tick=False):
            process = RestorativeProcess.objects.get(pk=process.pk)
            process.state = state
            process.save()  # history row, as any save makes
    RestorativeProcess.objects.update(stage_entered_at=timezone.now())  # forget it
    process.history.update(stage_entered_at=timezone.now())
    backfill_migration.backfill(django_apps, None)
    process.refresh_from_db()
    assert process.stage_entered_at == START + timedelta(days=11)
    history = {h.history_date: h.stage_entered_at for h in process.history.all()}
    assert history[START] == START
    assert history[START + timedelta(days=19)] == START + timedelta(days=11)


def test_the_backfill_falls_back_to_the_record_without_history(process: Any) -> None:
    process.history.all().delete()
    created = process.created_at
    RestorativeProcess.objects.filter(pk=process.pk).update(
        stage_entered_at=created + timedelta(days=30)
    )
    backfill_migration.backfill(django_apps, None)
    process.refresh_from_db()
    assert process.stage_entered_at == created  # referred: when it was made
