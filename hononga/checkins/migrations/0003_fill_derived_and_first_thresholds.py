"""Fill the new derived fields of existing check-ins and keep the thresholds in force with them.

The agency's SD and alpha were estimated from every complete check-in, repeats by the same
person included; that estimate is dropped here (the defaults apply until the daily job
re-estimates from baseline check-ins only). Existing check-ins are flagged with the thresholds
in force after this migration. Batched (see hononga.checkins.backfill): no long table lock.
"""

import math
from decimal import Decimal

from django.db import migrations
from django.utils import timezone

from hononga.checkins.backfill import fill_derived


def forwards(apps, schema_editor):
    CheckIn = apps.get_model("checkins", "CheckIn")
    CheckInSettings = apps.get_model("checkins", "CheckInSettings")
    FlagThresholds = apps.get_model("checkins", "FlagThresholds")
    settings = CheckInSettings.objects.filter(pk=1).first()
    if settings is None and not CheckIn.objects.exists():
        return  # a new database: the thresholds are made when first needed
    if settings is None:
        settings = CheckInSettings.objects.create(pk=1)
    CheckInSettings.objects.filter(pk=1).update(
        estimated_n=0,
        estimated_sd=None,
        estimated_alpha=None,
        estimated_alpha_low=None,
        estimated_alpha_high=None,
        estimated_at=None,
    )
    sd, alpha = float(settings.default_sd), float(settings.default_alpha)
    z = float(settings.rci_z)
    floor = Decimal(settings.reliable_change_floor)
    statistical = z * (math.sqrt(2) * (sd * math.sqrt(1 - alpha)))  # as statistics.py does
    first = FlagThresholds.objects.create(
        low_score=settings.low_score,
        low_item=settings.low_item,
        dropped=settings.dropped,
        gap_item=settings.gap_item,
        gap_mean=settings.gap_mean,
        rci_z=settings.rci_z,
        sd=sd,
        alpha=alpha,
        uses_agency_estimates=False,
        sample_n=0,
        reliable_change_floor=floor,
        reliable_change=max(statistical, float(floor)),
        reason="first",
        created_at=timezone.now(),
    )
    first.in_effect_id = first.pk
    first.save(update_fields=["in_effect"])
    CheckInSettings.objects.filter(pk=1).update(flag_thresholds=first)
    fill_derived(CheckIn, flagged_with_id=first.pk)


class Migration(migrations.Migration):
    atomic = False  # each batch of check-ins commits on its own (see the docstring)

    dependencies = [
        ("checkins", "0002_thresholds_kept_with_checkins"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
