"""Demo restorative processes: loaded once, the same every time, and consistent with the rules."""

from io import StringIO

import pytest
from django.utils import timezone

from hononga.core.management.commands.demo import Command
from hononga.restorative import demo, lifecycle
from hononga.restorative.models import Harm, RestorativeProcess, State

pytestmark = pytest.mark.django_db


def test_demo_processes_load_once_and_follow_the_rules() -> None:
    Command()._load()
    demo.load(StringIO())
    assert RestorativeProcess.objects.count() == 2
    held = RestorativeProcess.objects.get(state=State.MONITORING)
    # One item is still open, so closing is refused with the reasons.
    problems = lifecycle.unmet_conditions(held, State.CLOSED, today=timezone.localdate())
    assert any("1 still open" in p for p in problems)
    referred = RestorativeProcess.objects.get(state=State.REFERRED)
    assert lifecycle.unmet_conditions(referred, State.PREPARING, today=timezone.localdate()) == []
    out = StringIO()
    demo.load(out)
    assert "already loaded" in out.getvalue()
    assert Harm.objects.count() == 2
