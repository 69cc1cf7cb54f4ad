"""The audit page's chain panel: an administrator sees the chain sealed, its newest checkpoint and
the check intact; after someone rewrites an event in the database the page says the chain is
broken and names the event. On a long trail the check runs when asked. axe-clean throughout."""

import pytest
from django.db import connection
from playwright.sync_api import expect

from e2e.conftest import axe_check, login
from hononga.accounts.models import Role
from hononga.audit.models import Action, AuditEvent
from hononga.audit.sealer import seal_pending
from hononga.audit.services import record_event
from hononga.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_chain_panel_shows_intact_then_the_tampered_event(page, live_server, monkeypatch):
    admin = UserFactory(username="kaiwhakahaere", preferred_name="Mere", role=Role.ADMIN)
    for n in range(3):
        record_event(actor=admin, action=Action.SETTINGS, summary=f"Changed setting {n}")
    login(page, live_server.url, "kaiwhakahaere", TEST_PASSWORD)
    seal_pending()
    sealed = AuditEvent.objects.filter(seal__isnull=False).count()
    assert sealed >= 3

    page.goto(f"{live_server.url}/audit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    panel = page.locator("dl.audit-chain")
    expect(panel).to_contain_text("Sealed into the chain")
    expect(panel).to_contain_text(str(sealed))
    expect(panel).to_contain_text(f"at seal {sealed}")
    expect(page.get_by_role("status").filter(has_text="Chain check: intact.")).to_be_visible()
    axe_check(page, "audit-chain-intact")

    # Someone with database access rewrites an event (the model itself refuses to).
    victim = AuditEvent.objects.filter(seal=2).get()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET summary = %s WHERE id = %s",  # noqa: S608 (tampering on purpose; the table name is the model's)
            ["Nothing happened here", victim.pk],
        )
    page.reload()
    alert = page.get_by_role("alert").filter(has_text="Chain check: broken.")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text(f"event {victim.pk} (seal 2)")
    expect(alert).to_contain_text("hononga audit verify")
    axe_check(page, "audit-chain-broken")

    # A long trail is checked when asked, not on every visit.
    monkeypatch.setattr("hononga.audit.views.AUTO_VERIFY_LIMIT", 1)
    page.reload()
    expect(page.get_by_text("Chain check:")).to_have_count(0)
    offer = page.get_by_role("status").filter(has_text="checking the whole chain takes a while")
    expect(offer).to_be_visible()
    axe_check(page, "audit-chain-offer")
    offer.get_by_role("link", name="Check the chain now").click()
    expect(page.get_by_role("alert").filter(has_text="Chain check: broken.")).to_be_visible()
    axe_check(page, "audit-chain-asked")
