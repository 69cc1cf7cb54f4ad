"""Demo: a practice lead who sees the agency's figures (never case content). Idempotent."""

from typing import Any

from hononga.accounts.models import Role, User

USERNAME = "demo-practice-lead"


def load(stdout: Any) -> None:
    from hononga.core.management.commands.demo import DEMO_PASSWORD

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
