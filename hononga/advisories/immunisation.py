"""Immunisation status of the people present, editable from the screening form.

Recorded only with consent where the person can give it: adults and rangatahi aged 16 or more
(or of unknown age and not recorded as tamariki) need a current IMMUNISATION consent; for
tamariki the caregiver's word is recorded.
"""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from hononga.core.errors import ConflictError, PracticeError
from hononga.relationships.models import ConsentPurpose
from hononga.relationships.selectors import consent_current
from hononga.whanau import access, services
from hononga.whanau.models import ImmunisationStatus, Person, PersonKind

STATUS_CHOICES = ImmunisationStatus.choices
CONSENT_AGE = 16


def can_give_consent(person: Person, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    if person.date_of_birth:
        born = person.date_of_birth
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        return age >= CONSENT_AGE
    return person.kind != PersonKind.TAMARIKI


def consent_ok(person: Person) -> bool:
    if not can_give_consent(person):
        return True
    return consent_current(person, ConsentPurpose.IMMUNISATION)


def people_of(user: Any, whanau: Any) -> list[dict[str, Any]]:
    people = (
        access.people_for_user(user)
        .filter(memberships__whanau=whanau, archived_at__isnull=True)
        .distinct()
        .order_by("preferred_name", "pk")
    )
    return [
        {"person": p, "consent_ok": consent_ok(p), "needs_consent": can_give_consent(p)}
        for p in people
    ]


def apply_from_post(
    request: HttpRequest, whanau: Any, people: list[dict[str, Any]]
) -> dict[int, str]:
    """Save changed statuses (status-<id>, source-<id>); return errors per person id."""
    errors: dict[int, str] = {}
    for row in people:
        person: Person = row["person"]
        new = request.POST.get(f"status-{person.pk}")
        if not new or new == person.measles_status:
            continue
        if new not in ImmunisationStatus.values:
            errors[person.pk] = _("Choose a status from the list.")
            continue
        if not row["consent_ok"]:
            errors[person.pk] = _(
                "%(name)s has not consented to their immunisation status being recorded."
            ) % {"name": person.preferred_name}
            continue
        source = (request.POST.get(f"source-{person.pk}") or "").strip()[:100] or _(
            "Told at screening"
        )
        try:
            services.person_update(
                actor=request.user,  # type: ignore[arg-type]
                person_id=person.pk,
                expected_version=person.version,
                changes={
                    "measles_status": new,
                    "measles_status_source": source,
                    "measles_status_date": timezone.localdate(),
                },
                request=request,
            )
        except (PracticeError, ConflictError) as error:
            errors[person.pk] = str(getattr(error, "message", error))
    return errors
