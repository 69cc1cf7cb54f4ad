"""Immunisation status per person per disease, and screenings by disease (issue 14, points 7–8).

- Each person's measles status (Person.measles_*) becomes an Immunisation row for measles. How
  it was known was never recorded, so `evidence` is left empty: it shows on the person page as
  "not stated" and does not count as evidence of immunity until someone records how it is known
  (a record seen, a test, or birth before 1969). The safe direction: an unknown is never
  mistaken for immune.
- Screenings keep their answers, now by question key; what was ticked about the people present
  ("everyone present is immune") was a claim, and is kept as one (immunity_claim), not evidence.
- Existing rule tables were the measles rules; an advisory now reads its disease's table.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

CLAIMS = {
    "all_immune": "Everyone who will be present is immune (ticked at screening)",
    "some_not_immune": "Someone present is not immune (ticked at screening)",
    "some_unknown": "Someone's status is unknown (ticked at screening)",
}
VULNERABLE = {
    "vulnerable_pepi": "pepi",
    "vulnerable_pregnant": "pregnant",
    "vulnerable_immunocompromised": "immunocompromised",
    "vulnerable_housing": "housing",
}


def forwards(apps, schema_editor):
    person = apps.get_model("whanau", "Person")
    immunisation = apps.get_model("advisories", "Immunisation")
    screening = apps.get_model("advisories", "Screening")
    rule_table = apps.get_model("advisories", "RuleTable")
    rule_table.objects.update(disease="measles")
    recorded = person.objects.exclude(
        measles_status="unknown", measles_status_source="", measles_status_date__isnull=True
    )
    batch = []
    for row in recorded.values(
        "pk", "measles_status", "measles_status_source", "measles_status_date"
    ).iterator():
        batch.append(
            immunisation(
                person_id=row["pk"],
                disease="measles",
                status=row["measles_status"] or "unknown",
                evidence="",
                source=(row["measles_status_source"] or "")[:200],
                as_at=row["measles_status_date"],
            )
        )
        if len(batch) >= 1000:
            immunisation.objects.bulk_create(batch)
            batch = []
    immunisation.objects.bulk_create(batch)
    for old in screening.objects.select_related("advisory").iterator():
        answers = {
            "fever": old.fever,
            "cough": old.cough,
            "rash": old.rash,
            "exposure": old.exposure,
        }
        answers.update({new: getattr(old, name) for name, new in VULNERABLE.items()})
        old.answers = answers
        old.disease = old.advisory.condition
        old.immunity_claim = CLAIMS.get(old.people_immunisation, "")
        # Those screenings rested on the claim: nothing about the people present was read from
        # their records, so the record says so.
        old.people_immunisation = ""
        old.save(update_fields=["answers", "disease", "immunity_claim", "people_immunisation"])


class Migration(migrations.Migration):
    dependencies = [
        ("advisories", "0001_initial"),
        ("whanau", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalImmunisation",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                ("created_at", models.DateTimeField(blank=True, editable=False)),
                ("archived_at", models.DateTimeField(blank=True, editable=False, null=True)),
                (
                    "disease",
                    models.CharField(
                        choices=[
                            ("measles", "Measles"),
                            ("pertussis", "Whooping cough"),
                            ("influenza", "Influenza"),
                        ],
                        max_length=20,
                        verbose_name="disease",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("immune", "Immune or up to date"),
                            ("not_immune", "Not immune or not up to date"),
                            ("unknown", "Unknown"),
                            ("declined", "Declined to say"),
                        ],
                        default="unknown",
                        max_length=12,
                        verbose_name="status",
                    ),
                ),
                (
                    "evidence",
                    models.CharField(
                        blank=True,
                        choices=[
                            (
                                "record",
                                "Immunisation record seen (Well Child Tamariki Ora or Plunket book, GP, or the National Immunisation Register)",
                            ),
                            (
                                "test",
                                "Blood test showing immunity, or a past infection confirmed by a test",
                            ),
                            ("born_before_1969", "Born in New Zealand before 1969 (measles)"),
                            ("word", "Their own or their caregiver's word (not documented)"),
                        ],
                        max_length=20,
                        verbose_name="how it is known",
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        blank=True,
                        help_text="For example: Well Child book seen at the visit, MMR doses 2012 and 2015.",
                        max_length=200,
                        verbose_name="details",
                    ),
                ),
                ("as_at", models.DateField(blank=True, null=True, verbose_name="as at")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical immunisation status",
                "verbose_name_plural": "historical immunisation statuses",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Immunisation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("archived_at", models.DateTimeField(blank=True, editable=False, null=True)),
                (
                    "disease",
                    models.CharField(
                        choices=[
                            ("measles", "Measles"),
                            ("pertussis", "Whooping cough"),
                            ("influenza", "Influenza"),
                        ],
                        max_length=20,
                        verbose_name="disease",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("immune", "Immune or up to date"),
                            ("not_immune", "Not immune or not up to date"),
                            ("unknown", "Unknown"),
                            ("declined", "Declined to say"),
                        ],
                        default="unknown",
                        max_length=12,
                        verbose_name="status",
                    ),
                ),
                (
                    "evidence",
                    models.CharField(
                        blank=True,
                        choices=[
                            (
                                "record",
                                "Immunisation record seen (Well Child Tamariki Ora or Plunket book, GP, or the National Immunisation Register)",
                            ),
                            (
                                "test",
                                "Blood test showing immunity, or a past infection confirmed by a test",
                            ),
                            ("born_before_1969", "Born in New Zealand before 1969 (measles)"),
                            ("word", "Their own or their caregiver's word (not documented)"),
                        ],
                        max_length=20,
                        verbose_name="how it is known",
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        blank=True,
                        help_text="For example: Well Child book seen at the visit, MMR doses 2012 and 2015.",
                        max_length=200,
                        verbose_name="details",
                    ),
                ),
                ("as_at", models.DateField(blank=True, null=True, verbose_name="as at")),
            ],
            options={
                "verbose_name": "immunisation status",
                "verbose_name_plural": "immunisation statuses",
                "ordering": ["person_id", "disease"],
            },
        ),
        migrations.AlterModelOptions(
            name="ruletable",
            options={"ordering": ["disease", "-version"], "verbose_name": "screening rule table"},
        ),
        migrations.AddField(
            model_name="advisory",
            name="disease_name",
            field=models.CharField(
                blank=True,
                help_text="Needed when the disease is not in the list.",
                max_length=100,
                verbose_name="name of the disease",
            ),
        ),
        migrations.AddField(
            model_name="historicaladvisory",
            name="disease_name",
            field=models.CharField(
                blank=True,
                help_text="Needed when the disease is not in the list.",
                max_length=100,
                verbose_name="name of the disease",
            ),
        ),
        migrations.AddField(
            model_name="historicalscreening",
            name="answers",
            field=models.JSONField(default=dict, verbose_name="answers"),
        ),
        migrations.AddField(
            model_name="historicalscreening",
            name="disease",
            field=models.CharField(default="measles", max_length=20, verbose_name="disease"),
        ),
        migrations.AddField(
            model_name="historicalscreening",
            name="evidence",
            field=models.JSONField(default=list, verbose_name="evidence"),
        ),
        migrations.AddField(
            model_name="historicalscreening",
            name="immunity_claim",
            field=models.TextField(blank=True, verbose_name="what people said about immunity"),
        ),
        migrations.AddField(
            model_name="ruletable",
            name="disease",
            field=models.CharField(default="measles", max_length=20, verbose_name="disease"),
        ),
        migrations.AddField(
            model_name="screening",
            name="answers",
            field=models.JSONField(default=dict, verbose_name="answers"),
        ),
        migrations.AddField(
            model_name="screening",
            name="disease",
            field=models.CharField(default="measles", max_length=20, verbose_name="disease"),
        ),
        migrations.AddField(
            model_name="screening",
            name="evidence",
            field=models.JSONField(default=list, verbose_name="evidence"),
        ),
        migrations.AddField(
            model_name="screening",
            name="immunity_claim",
            field=models.TextField(blank=True, verbose_name="what people said about immunity"),
        ),
        migrations.AlterField(
            model_name="advisory",
            name="condition",
            field=models.CharField(
                choices=[
                    ("measles", "Measles"),
                    ("pertussis", "Whooping cough (pertussis)"),
                    ("influenza", "Influenza"),
                    ("covid", "COVID-19"),
                    ("other", "Another disease (general questions)"),
                ],
                max_length=20,
                verbose_name="disease",
            ),
        ),
        migrations.AlterField(
            model_name="historicaladvisory",
            name="condition",
            field=models.CharField(
                choices=[
                    ("measles", "Measles"),
                    ("pertussis", "Whooping cough (pertussis)"),
                    ("influenza", "Influenza"),
                    ("covid", "COVID-19"),
                    ("other", "Another disease (general questions)"),
                ],
                max_length=20,
                verbose_name="disease",
            ),
        ),
        migrations.AlterField(
            model_name="historicalscreening",
            name="people_immunisation",
            field=models.CharField(
                blank=True,
                choices=[
                    ("all_immune", "Everyone present has recorded evidence of immunity"),
                    ("some_not_immune", "Someone present is recorded as not immune"),
                    ("some_unknown", "Someone present has no recorded evidence of immunity"),
                    ("", "Not part of this disease's rules"),
                ],
                max_length=20,
                verbose_name="immunisation of the people present (from their records)",
            ),
        ),
        migrations.AlterField(
            model_name="historicalscreening",
            name="practitioner_immunisation",
            field=models.CharField(
                blank=True,
                choices=[
                    ("immune", "Immune or up to date"),
                    ("not_immune", "Not immune or not up to date"),
                    ("unknown", "Unknown"),
                    ("declined", "Declined to say"),
                ],
                max_length=20,
                verbose_name="your immunisation",
            ),
        ),
        migrations.AlterField(
            model_name="ruletable",
            name="version",
            field=models.PositiveIntegerField(verbose_name="version"),
        ),
        migrations.AlterField(
            model_name="screening",
            name="people_immunisation",
            field=models.CharField(
                blank=True,
                choices=[
                    ("all_immune", "Everyone present has recorded evidence of immunity"),
                    ("some_not_immune", "Someone present is recorded as not immune"),
                    ("some_unknown", "Someone present has no recorded evidence of immunity"),
                    ("", "Not part of this disease's rules"),
                ],
                max_length=20,
                verbose_name="immunisation of the people present (from their records)",
            ),
        ),
        migrations.AlterField(
            model_name="screening",
            name="practitioner_immunisation",
            field=models.CharField(
                blank=True,
                choices=[
                    ("immune", "Immune or up to date"),
                    ("not_immune", "Not immune or not up to date"),
                    ("unknown", "Unknown"),
                    ("declined", "Declined to say"),
                ],
                max_length=20,
                verbose_name="your immunisation",
            ),
        ),
        migrations.AddConstraint(
            model_name="ruletable",
            constraint=models.UniqueConstraint(
                fields=("disease", "version"), name="one_rule_table_version_per_disease"
            ),
        ),
        migrations.AddField(
            model_name="historicalimmunisation",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalimmunisation",
            name="person",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="whanau.person",
            ),
        ),
        migrations.AddField(
            model_name="historicalimmunisation",
            name="recorded_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="immunisation",
            name="person",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="immunisations",
                to="whanau.person",
            ),
        ),
        migrations.AddField(
            model_name="immunisation",
            name="recorded_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="immunisation",
            index=models.Index(fields=["disease", "status"], name="immunisation_disease_idx"),
        ),
        migrations.AddConstraint(
            model_name="immunisation",
            constraint=models.UniqueConstraint(
                fields=("person", "disease"), name="one_immunisation_status_per_disease"
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="advisory",
            name="rule_table",
        ),
        migrations.RemoveField(
            model_name="historicaladvisory",
            name="rule_table",
        ),
        migrations.RemoveField(
            model_name="historicalscreening",
            name="cough",
        ),
        migrations.RemoveField(
            model_name="historicalscreening",
            name="exposure",
        ),
        migrations.RemoveField(
            model_name="historicalscreening",
            name="fever",
        ),
        migrations.RemoveField(
            model_name="historicalscreening",
            name="rash",
        ),
        migrations.RemoveField(
            model_name="historicalscreening",
            name="vulnerable_housing",
        ),
        migrations.RemoveField(
            model_name="historicalscreening",
            name="vulnerable_immunocompromised",
        ),
        migrations.RemoveField(
            model_name="historicalscreening",
            name="vulnerable_pepi",
        ),
        migrations.RemoveField(
            model_name="historicalscreening",
            name="vulnerable_pregnant",
        ),
        migrations.RemoveField(
            model_name="screening",
            name="cough",
        ),
        migrations.RemoveField(
            model_name="screening",
            name="exposure",
        ),
        migrations.RemoveField(
            model_name="screening",
            name="fever",
        ),
        migrations.RemoveField(
            model_name="screening",
            name="rash",
        ),
        migrations.RemoveField(
            model_name="screening",
            name="vulnerable_housing",
        ),
        migrations.RemoveField(
            model_name="screening",
            name="vulnerable_immunocompromised",
        ),
        migrations.RemoveField(
            model_name="screening",
            name="vulnerable_pepi",
        ),
        migrations.RemoveField(
            model_name="screening",
            name="vulnerable_pregnant",
        ),
    ]
