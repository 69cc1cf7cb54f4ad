"""`hononga checkins estimate`: re-estimate the agency's check-in SD and alpha (the daily job)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hononga.checkins import services
from hononga.core.heartbeat import beat


class Command(BaseCommand):
    help = (
        "Check-in statistics. `checkins estimate` re-estimates the agency's SD and Cronbach's "
        "alpha from baseline check-ins (one per rater and relationship) and puts the resulting "
        "thresholds in force for later check-ins. Idempotent; scheduled daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser(
            "estimate",
            help="Re-estimate SD and alpha from baseline check-ins (SQL aggregates, any size).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        settings = services.estimates_refresh()
        in_use = (
            "in use"
            if settings.uses_agency_estimates
            else f"defaults in use until n ≥ {settings.min_sample}"
        )
        if settings.estimated_alpha is None:
            figures = "not enough variation to estimate"
        else:
            figures = (
                f"SD {settings.estimated_sd:.3f}, alpha {settings.estimated_alpha:.3f} "
                f"(95% CI {settings.estimated_alpha_low:.3f} to "
                f"{settings.estimated_alpha_high:.3f})"
            )
        message = f"Baseline check-ins: {settings.estimated_n}; {figures}; {in_use}."
        beat("checkin-estimates", message)
        self.stdout.write(message)
