import pytest

from hononga.tasks.tests import sample_tasks


@pytest.fixture(autouse=True)
def no_schedule(settings):
    """Tests of the runner start with no scheduled jobs; schedule tests set their own."""
    settings.TASKS_SCHEDULE = "hononga.tasks.tests.sample_schedule.NONE"


@pytest.fixture(autouse=True)
def clean_calls():
    sample_tasks.CALLS.clear()
    sample_tasks.GAVE_UP.clear()
    yield
    sample_tasks.CALLS.clear()
    sample_tasks.GAVE_UP.clear()
