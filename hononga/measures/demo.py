"""Demo: a practice lead who sees the agency's figures (never case content), and the figures
worked out once. Idempotent."""

from typing import Any

from hononga.accounts.models import Role, User

USERNAME = "demo-practice-lead"


def load(stdout: Any) -> None:
    from hononga.core.management.commands.demo import DEMO_PASSWORD

    # The figures pages read what the scheduled job works out: work it out once now, so they
    # show figures straight after `make run` (the worker's hourly job keeps them fresh).
    from hononga.measures import rollup

    count, _rows = rollup.run()
    stdout.write(f"  measures: figures worked out for {count} periods")
    if User.objects.filter(username=USERNAME).exists():
        return
    user = User(
        username=USERNAME,
        role=Role.PRACTICE_LEAD,
        preferred_name="Tania",
        first_name="Tania",
        last_name="Whakatōhea-Brown",
    )
    user.set_password(DEMO_PASSWORD)
    user.save()  # no regions ticked: the whole agency
    stdout.write("  measures: a practice lead for the whole agency")
