"""Demo whānau space and privacy officer (synthetic, deterministic, idempotent).

The person harmed in the demo's held conference gets an email address, consent to be emailed,
and an open whānau space; `demo-privacy` is an administrator who also holds the privacy officer
permission. Written directly: demo data is nobody's action, so it leaves no audit events.
"""

import unicodedata
from typing import Any

from django.contrib.auth.models import Permission
from django.utils import timezone

from hononga.accounts.models import Role, User
from hononga.relationships.models import Consent, ConsentPurpose, ConsentStatus
from hononga.restorative.models import Participant, ParticipantRole

DEMO_PASSWORD = "hononga-demo"  # noqa: S105  (documented demo login; never in production)


def load(stdout: Any) -> None:
    from hononga.privacy.models import SpaceAccess
    from hononga.restorative.demo import HARM_HELD

    practitioner = User.objects.filter(username="demo-practitioner").first()
    participant = (
        Participant.objects.filter(process__harm__what=HARM_HELD, role=ParticipantRole.HARMED)
        .select_related("person")
        .first()
    )
    if practitioner is None or participant is None:
        return
    person = participant.person
    if not SpaceAccess.objects.filter(person=person).exists():
        if not person.email:
            plain = unicodedata.normalize("NFKD", person.preferred_name.lower())
            plain = "".join(ch for ch in plain if ch.isascii() and ch.isalnum())
            person.email = f"{plain or 'whanau'}.whanau@example.org"
            person.save()
        Consent.objects.create(
            person=person,
            purpose=ConsentPurpose.CONTACT_EMAIL,
            status=ConsentStatus.GIVEN,
            date=timezone.localdate(),
            recorded_by=practitioner,
            note="Demo",
        )
        SpaceAccess.objects.create(
            person=person,
            is_open=True,
            reason="Demo: her own email; nobody else reads it.",
            opened_by=practitioner,
            opened_at=timezone.now(),
        )
    officer, created = User.objects.get_or_create(
        username="demo-privacy",
        defaults={
            "role": Role.ADMIN,
            "preferred_name": "Ngaire",
            "email": "demo-privacy@example.org",
        },
    )
    if created:
        officer.set_password(DEMO_PASSWORD)
        officer.save()
        officer.user_permissions.add(Permission.objects.get(codename="privacy_officer"))
    stdout.write(
        f"\nWhānau space (/whanau-space/): sign in as {person.preferred_name} with "
        f"{person.email}; the code arrives in the outbox (log in as demo-admin: Outbox)."
    )
