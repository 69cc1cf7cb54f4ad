import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from hononga.accounts.models import Role, User
from hononga.audit.verify import audit_verify
from hononga.whanau.models import Person, Whanau


@pytest.mark.django_db
def test_demo_data_loads_once_with_stable_logins(capsys):
    call_command("demo")
    out = capsys.readouterr().out
    for username in [
        "demo-practitioner",
        "demo-practitioner2",
        "demo-facilitator",
        "demo-facilitator2",
        "demo-supervisor",
        "demo-admin",
    ]:
        assert username in out
        assert User.objects.get(username=username).check_password("hononga-demo")
    assert Whanau.objects.count() == 12
    counts = [w.memberships.count() for w in Whanau.objects.all()]
    assert min(counts) >= 4 and max(counts) <= 8
    p1 = User.objects.get(username="demo-practitioner")
    p2 = User.objects.get(username="demo-practitioner2")
    assert set(p1.teams.all()).isdisjoint(p2.teams.all())
    assert {u.role for u in User.objects.all()} == set(Role.values)
    assert any("ā" in p.full_name or "ō" in p.full_name for p in Person.objects.all())
    people = Person.objects.count()

    assert "Open http://127.0.0.1:8000/ and log in." in out
    # The figures pages read what the scheduled job works out: the demo works it out once, so
    # `make run` shows figures (the demo's contacts this month are counted).
    from hononga.measures import compute, periods

    assert "measures: figures worked out for 86 periods" in out
    month = periods.period_of("month", timezone.localdate())
    agency = compute.table(compute.Scope("agency"), month, confidential=False, stored=True)
    assert agency.as_of is not None and agency.total is not None
    assert (
        agency.total.figures["contacts"].value
        == compute.table(compute.Scope("agency"), month, confidential=False)
        .total.figures["contacts"]
        .value
    )  # type: ignore[union-attr]

    call_command("demo", "--port", "8001")  # idempotent; `PORT=8001 make run` passes the port
    again = capsys.readouterr().out
    assert "already loaded" in again and "Open http://127.0.0.1:8001/ and log in." in again
    assert Person.objects.count() == people
    assert Whanau.objects.count() == 12
    assert audit_verify().ok


@pytest.mark.django_db
def test_production_settings_refuse_demo_data():
    with override_settings(PRODUCTION=True), pytest.raises(CommandError, match="production"):
        call_command("demo")
    assert not User.objects.exists()
