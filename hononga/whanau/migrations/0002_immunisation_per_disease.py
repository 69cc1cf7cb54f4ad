"""Immunisation status is recorded per disease (advisories.Immunisation): the measles columns on
Person go, after advisories 0002 copied them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("whanau", "0001_initial"),
        # The measles status moves to advisories.Immunisation before these columns go.
        ("advisories", "0002_immunisation_per_disease"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="historicalperson",
            name="measles_status",
        ),
        migrations.RemoveField(
            model_name="historicalperson",
            name="measles_status_date",
        ),
        migrations.RemoveField(
            model_name="historicalperson",
            name="measles_status_source",
        ),
        migrations.RemoveField(
            model_name="person",
            name="measles_status",
        ),
        migrations.RemoveField(
            model_name="person",
            name="measles_status_date",
        ),
        migrations.RemoveField(
            model_name="person",
            name="measles_status_source",
        ),
    ]
