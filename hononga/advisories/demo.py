"""Demo data: an active measles advisory for Waikato."""

from datetime import timedelta
from typing import Any

from django.db import transaction

from hononga.accounts.models import User
from hononga.core.models import Region

from . import selectors
from .models import Advisory

TITLE = "Measles outbreak — Waikato"
GUIDANCE = (
    "Public health has confirmed measles cases in Waikato. Screen before every in-person "
    "contact. Meet outdoors or by phone or video where the screening recommends it. Postpone "
    "when anyone in the household has a fever, cough or rash, and tell them to phone Healthline "
    "(0800 611 116) rather than go to a clinic unannounced."
)


@transaction.atomic
def load(stdout: Any) -> None:
    if Advisory.objects.filter(title=TITLE).exists():
        stdout.write("  advisories: already loaded")
        return
    region = Region.objects.filter(name="Waikato").first()
    admin = User.objects.filter(username="demo-admin").first()
    if region is None or admin is None:
        stdout.write("  advisories: no Waikato region or demo-admin; skipped")
        return
    today = selectors.today()
    advisory = Advisory.objects.create(
        title=TITLE,
        condition="measles",
        starts=today - timedelta(days=10),
        ends=today + timedelta(days=60),
        guidance=GUIDANCE,
        rule_table=selectors.current_rule_table(),
        published_by=admin,
    )
    advisory.regions.set([region])
    stdout.write("  advisories: measles advisory for Waikato")
