"""The move to immunisation status per disease keeps what was recorded, and keeps a screening's
old "everyone present is immune" tick as the claim it was (migration advisories 0002)."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("advisories", "0001_initial"), ("whanau", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_measles_status_moves_into_immunisation_and_claims_stay_claims() -> None:
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    try:
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        region = old.get_model("core", "Region").objects.create(name="Waikato")
        team = old.get_model("accounts", "Team").objects.create(name="Kirikiriroa", region=region)
        user = old.get_model("accounts", "User").objects.create(username="aroha", role="admin")
        whanau = old.get_model("whanau", "Whanau").objects.create(
            name="Kōwhai whānau", team=team, region=region
        )
        person = old.get_model("whanau", "Person")
        mere = person.objects.create(
            preferred_name="Mere",
            kind="parent",
            measles_status="immune",
            measles_status_source="Well Child book",
            measles_status_date=date(2026, 3, 1),
        )
        person.objects.create(preferred_name="Tama", kind="parent")  # unknown: no row needed
        table = old.get_model("advisories", "RuleTable").objects.create(version=1, rows=[])
        advisory = old.get_model("advisories", "Advisory").objects.create(
            title="Measles",
            condition="measles",
            starts=date(2026, 3, 1),
            guidance="Screen.",
            rule_table=table,
            published_by=user,
        )
        old.get_model("advisories", "Screening").objects.create(
            advisory=advisory,
            rule_table=table,
            rule_row=5,
            whanau=whanau,
            practitioner=user,
            planned_mode="home_visit",
            fever=False,
            cough=True,
            rash=False,
            exposure=False,
            people_immunisation="all_immune",
            practitioner_immunisation="immune",
            vulnerable_pepi=True,
            vulnerable_pregnant=False,
            vulnerable_immunocompromised=False,
            vulnerable_housing=False,
            recommended_mode="proceed",
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    from hononga.advisories.models import Immunisation, RuleTable, Screening

    (record,) = Immunisation.objects.all()
    assert record.person_id == mere.pk and record.disease == "measles"
    assert (record.status, record.source, record.as_at) == (
        "immune",
        "Well Child book",
        date(2026, 3, 1),
    )
    # How it was known was never recorded: it does not count until someone says.
    assert record.evidence == ""
    screening = Screening.objects.get()
    assert screening.answers["cough"] is True and screening.answers["pepi"] is True
    assert screening.disease == "measles"
    assert screening.immunity_claim.startswith("Everyone who will be present is immune")
    assert screening.people_immunisation == ""
    assert RuleTable.objects.get().disease == "measles"
