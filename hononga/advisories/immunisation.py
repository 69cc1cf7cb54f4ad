"""Immunisation status per person per disease: recording it, and reading it as evidence.

Recorded only with consent where the person can give it: adults and rangatahi aged 16 or more
(or of unknown age and not recorded as tamariki) need a current IMMUNISATION consent; for
tamariki the caregiver's word is recorded. A screening's recommendation rests only on this
record: someone counts as immune for a disease when their status for that disease is "immune",
how it is known is documented (a record, a test, or for measles birth before 1969), it is not
too old for the disease (a flu vaccine is for one season), and their consent still stands.
Whatever anyone says during a screening is kept as a claim and never counts.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from hononga.accounts.models import User
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.concurrency import lock_current
from hononga.core.errors import NotFound, PracticeError
from hononga.relationships.models import ConsentPurpose
from hononga.relationships.selectors import consent_current
from hononga.whanau import access
from hononga.whanau.models import Person, PersonKind

from . import diseases, rules
from .models import (
    DOCUMENTED,
    Evidence,
    Immunisation,
    ImmunisationStatus,
    RecordedDisease,
)

STATUS_CHOICES = ImmunisationStatus.choices
EVIDENCE_CHOICES = Evidence.choices
CONSENT_AGE = 16
SOURCE_MAX = 200


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


# --- Reading: evidence -------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonEvidence:
    person: Person
    record: Immunisation | None
    consent_ok: bool
    counts: bool  # counts as evidence of immunity for this disease, today
    why: str  # in words, for the screening page

    @property
    def status(self) -> str:
        return self.record.status if self.record else ImmunisationStatus.UNKNOWN

    def as_json(self) -> dict[str, Any]:
        record = self.record
        return {
            "person": self.person.pk,
            "name": self.person.full_name,
            "status": self.status,
            "evidence": record.evidence if record else "",
            "as_at": record.as_at.isoformat() if record and record.as_at else None,
            "consent": self.consent_ok,
            "counts": self.counts,
            "why": self.why,
        }


def _weigh(
    disease: diseases.Disease, person: Person, record: Immunisation | None, today: date
) -> PersonEvidence:
    consent = consent_ok(person)
    rule = disease.immunity
    if rule is None:
        return PersonEvidence(
            person, record, consent, False, _("No immunity rule for this disease.")
        )
    if not consent:
        return PersonEvidence(
            person, None, False, False, _("No consent to record their status: unknown.")
        )
    if record is None or record.status == ImmunisationStatus.UNKNOWN:
        return PersonEvidence(person, record, True, False, _("No status recorded: unknown."))
    if record.status != ImmunisationStatus.IMMUNE:
        return PersonEvidence(person, record, True, False, str(record.get_status_display()))
    if record.evidence not in DOCUMENTED or (
        record.evidence == Evidence.BORN_BEFORE_1969 and not rule.born_before_1969
    ):
        return PersonEvidence(
            person,
            record,
            True,
            False,
            _("Recorded as immune without documented evidence: not counted."),
        )
    if rule.valid_for_days is not None and (
        record.as_at is None or record.as_at < today - timedelta(days=rule.valid_for_days)
    ):
        return PersonEvidence(
            person, record, True, False, _("Recorded too long ago for this disease: not counted.")
        )
    return PersonEvidence(person, record, True, True, _("Documented evidence of immunity."))


def evidence_for(
    disease: diseases.Disease, people: list[Person], today: date | None = None
) -> list[PersonEvidence]:
    """Each person's recorded status for this disease, weighed as evidence (one query)."""
    today = today or timezone.localdate()
    records: dict[int, Immunisation] = {}
    if disease.immunity is not None:
        records = {
            r.person_id: r
            for r in Immunisation.objects.filter(
                person__in=[p.pk for p in people], disease=disease.key
            )
        }
    return [_weigh(disease, p, records.get(p.pk), today) for p in people]


def summary(weighed: list[PersonEvidence]) -> str:
    """What the people present add up to: all immune only when every one counts."""
    if weighed and all(w.counts for w in weighed):
        return rules.ALL_IMMUNE
    if any(w.consent_ok and w.status == ImmunisationStatus.NOT_IMMUNE for w in weighed):
        return rules.SOME_NOT_IMMUNE
    return rules.SOME_UNKNOWN


def people_of(user: Any, whanau: Any, disease: diseases.Disease) -> list[PersonEvidence]:
    people = list(
        access.people_for_user(user)
        .filter(memberships__whanau=whanau, memberships__archived_at__isnull=True)
        .filter(archived_at__isnull=True)
        .distinct()
        .order_by("preferred_name", "pk")[:200]
    )
    return evidence_for(disease, people)


# --- Writing -----------------------------------------------------------------------------------


def immunisation_record(
    *,
    actor: User,
    person_id: int,
    disease: str,
    status: str,
    evidence: str = "",
    source: str = "",
    as_at: date | None = None,
    expected_version: int | None = None,
    request: HttpRequest | None = None,
) -> Immunisation:
    """Record (or change) one person's status for one disease. Refused without the person's
    consent where they can give it; "immune" needs to say how it is known."""
    errors: dict[str, list[str]] = {}
    if disease not in RecordedDisease.values:
        errors["disease"] = [_("Choose a disease whose immunisation status is recorded.")]
    if status not in ImmunisationStatus.values:
        errors["status"] = [_("Choose a status from the list.")]
    if evidence and evidence not in Evidence.values:
        errors["evidence"] = [_("Choose how it is known from the list.")]
    if status == ImmunisationStatus.IMMUNE and not evidence:
        errors["evidence"] = [_("Say how you know: a record seen, a test, or their word.")]
    rule = diseases.DISEASES[disease].immunity if disease in RecordedDisease.values else None
    if evidence == Evidence.BORN_BEFORE_1969 and not (rule and rule.born_before_1969):
        errors["evidence"] = [_("Birth before 1969 is evidence of immunity to measles only.")]
    source = (source or "").strip()
    if len(source) > SOURCE_MAX:
        errors["source"] = [_("Keep the details under 200 characters.")]
    today = timezone.localdate()
    if as_at is not None and as_at > today:
        errors["as_at"] = [_("The date cannot be in the future.")]
    with transaction.atomic():
        person = access.people_for_user(actor).filter(pk=person_id).first()
        if person is None:
            raise NotFound(_("That person was not found."))
        if not access.can_edit_person(actor, person):
            raise PermissionDenied(_("You can see this person but not change their record."))
        if not consent_ok(person):
            errors["status"] = [
                _("%(name)s has not consented to their immunisation status being recorded.")
                % {"name": person.preferred_name}
            ]
        if errors:
            first = next(iter(errors.values()))[0]
            raise PracticeError(first, errors=errors)
        existing = Immunisation.objects.filter(person=person, disease=disease).first()
        if existing is None:
            record = Immunisation(person=person, disease=disease)
            action = Action.CREATE
        else:
            record = lock_current(Immunisation, existing.pk, expected_version=expected_version)
            record.version += 1
            action = Action.UPDATE
        before = (record.status, record.evidence, record.source, record.as_at)
        record.status = status
        record.evidence = evidence
        record.source = source
        record.as_at = as_at or today
        if existing is not None and before == (status, evidence, source, record.as_at):
            return existing
        record.recorded_by = actor
        record._history_user = actor  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError:
            # Someone recorded this person's status for the disease at the same moment.
            raise PracticeError(
                _("Someone else has just recorded this status: open it again and check."),
                errors={"status": [_("Someone else has just recorded this status.")]},
            ) from None
        whanau_ids: list[int | None] = list(
            person.memberships.filter(archived_at__isnull=True).values_list("whanau_id", flat=True)
        )
        for whanau_id in whanau_ids or [None]:
            record_event(
                actor=actor,
                action=action,
                target=record,
                whanau_id=whanau_id,
                summary=f"Recorded {disease} immunisation status of {person.full_name}: {status}",
                data={"evidence": evidence, "as_at": record.as_at.isoformat()},
                request=request,
            )
    return record


def apply_from_post(
    request: HttpRequest, disease: diseases.Disease, people: list[PersonEvidence]
) -> dict[int, str]:
    """The screening page's inline recording (status-<id>, evidence-<id>, source-<id>): save the
    changed ones; return errors per person id."""
    errors: dict[int, str] = {}
    if disease.immunity is None:
        return errors
    for row in people:
        person = row.person
        new = request.POST.get(f"status-{person.pk}")
        evidence = request.POST.get(f"evidence-{person.pk}", "")
        source = request.POST.get(f"source-{person.pk}", "")
        record = row.record
        unchanged = (
            record is not None
            and new == record.status
            and evidence == record.evidence
            and source.strip() == record.source
        ) or (record is None and new in (None, "", ImmunisationStatus.UNKNOWN) and not evidence)
        if new is None or unchanged:
            continue
        try:
            immunisation_record(
                actor=request.user,  # type: ignore[arg-type]
                person_id=person.pk,
                disease=disease.key,
                status=new,
                evidence=evidence,
                source=source,
                expected_version=record.version if record else None,
                request=request,
            )
        except (PracticeError, PermissionDenied) as error:
            errors[person.pk] = str(getattr(error, "message", error))
    return errors
