"""The demo computes what the agency learns, so the learning page shows figures after
`make run` (the nightly job "goals-learn" keeps them fresh)."""

import pytest
from django.core.management import call_command
from django.test import Client

from hononga.accounts.models import User
from hononga.core.schedule import job_named
from hononga.goals.models import Goal, OutcomeFigures


@pytest.mark.django_db
def test_the_demo_works_out_the_learning_figures_and_the_page_shows_their_date(capsys):
    call_command("demo", "--quiet")
    out = capsys.readouterr().out
    assert "what the agency learns, worked out from" in out
    agency = OutcomeFigures.objects.get(scope="agency")
    assert agency.computed_at is not None and agency.n > 0
    assert Goal.objects.filter(rating_count__gte=2).exists()
    lead = User.objects.get(username="demo-practice-lead")
    client = Client()
    client.force_login(lead)
    page = client.get("/goals/learning/").content.decode()
    assert "Worked out on" in page and "Not computed yet" not in page
    # Running the demo again does not compute it twice; the nightly job does.
    call_command("demo", "--quiet")
    assert OutcomeFigures.objects.get(scope="agency").computed_at == agency.computed_at
    job = job_named("goals-learn")
    assert (job.command, job.args, job.daily_at is not None) == ("goals", ("learn",), True)
