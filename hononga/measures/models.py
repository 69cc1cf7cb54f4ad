"""Stored rollups: the unrounded counts behind every figure, per period and cell, worked out by
the scheduled job `hononga measures rollup` (rollup.py) so pages read a few rows instead of
aggregating the agency's records in a request.

Counts are stored unrounded; confidentiality (random rounding, suppression, the denominator rule)
is applied when they are read (compute.figures_from), exactly as for live counts.
"""

from django.db import models


class RollupKind(models.TextChoices):
    # Whānau-level counts for one (region, team) pair: a region's or the agency's figures are
    # sums of these (every whānau belongs to one team and one region).
    REGION_TEAM = "region_team"
    # Practitioner-level counts for one (team, practitioner) pair: the team page's rows.
    TEAM_PRACTITIONER = "team_practitioner"
    # One per period: the period was worked out at `computed_at` (even if nothing happened).
    PERIOD = "period"


class MeasureRollup(models.Model):
    period = models.CharField(max_length=10)  # Period.key: 2026-10, 2026-Q4 or 2026
    kind = models.CharField(max_length=20, choices=RollupKind.choices)
    first = models.BigIntegerField(null=True)  # region (region_team) or team (team_practitioner)
    second = models.BigIntegerField(null=True)  # team (region_team) or practitioner
    counts = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["period", "kind", "first"], name="rollup_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.kind} {self.first}/{self.second}"
