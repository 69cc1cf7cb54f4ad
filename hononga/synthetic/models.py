"""The marker a synthetic data set leaves in its database.

`hononga generate` writes one row here before anything else and refuses to touch a database
that holds users or whānau without it: real data is never replaced by a generator.
"""

from django.db import models


class SyntheticDataset(models.Model):
    size = models.CharField(max_length=20)
    seed = models.BigIntegerField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # Rows written per table, and the seconds each stage took.
    counts = models.JSONField(default=dict, blank=True)
    timings = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Synthetic data ({self.size}, seed {self.seed})"
