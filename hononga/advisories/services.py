"""Writes for advisories and screenings, and the screening gate on recording a contact."""

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from hononga.accounts.models import Role, User
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.concurrency import lock_current
from hononga.core.errors import NotFound, PracticeError
from hononga.core.models import Region
from hononga.whanau import access

from . import diseases, immunisation, rules, selectors
from .models import Advisory, Condition, ImmunisationStatus, Override, Screening

ADVISORY_FIELDS = {"title", "condition", "disease_name", "starts", "ends", "guidance"}
CLAIM_MAX = 1000
# A screening counts for a contact recorded within this time of it.
SCREENING_VALID_FOR = timedelta(days=2)
URGENT_REASON_MIN = 10


def _require_admin(actor: User) -> None:
    if getattr(actor, "role", None) != Role.ADMIN:
        raise PermissionDenied(_("Only administrators manage practice advisories."))


def _as_date(value: Any, field: str, errors: dict[str, list[str]]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.setdefault(field, []).append(_("Enter a date like 2026-03-01."))
        return None


def _check_advisory(
    data: dict[str, Any], region_ids: list[Any], exclude_pk: int | None
) -> tuple[dict[str, Any], list[Region]]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = [_("Give the advisory a title, e.g. “Measles outbreak”.")]
    clean["title"] = title[:200]
    condition = data.get("condition") or ""
    if condition not in Condition.values:
        errors["condition"] = [_("Choose the disease the advisory is about.")]
    clean["condition"] = condition
    disease_name = str(data.get("disease_name") or "").strip()
    if condition == Condition.OTHER and not disease_name:
        errors["disease_name"] = [_("Name the disease, for example “Mumps”.")]
    if len(disease_name) > 100:
        errors["disease_name"] = [_("Keep the name under 100 characters.")]
    # A disease in the list is named by the list; a name is kept only for "another disease".
    clean["disease_name"] = disease_name if condition == Condition.OTHER else ""
    guidance = str(data.get("guidance") or "").strip()
    if not guidance:
        errors["guidance"] = [_("Write the guidance practitioners should follow.")]
    clean["guidance"] = guidance
    starts = _as_date(data.get("starts"), "starts", errors)
    if starts is None and "starts" not in errors:
        errors["starts"] = [_("Give the date the advisory starts.")]
    ends = _as_date(data.get("ends"), "ends", errors)
    if starts and ends and ends < starts:
        errors["ends"] = [_("The advisory cannot end before it starts.")]
    clean["starts"], clean["ends"] = starts, ends
    ids: list[int] = []
    for raw in region_ids or []:
        try:
            ids.append(int(raw))
        except (TypeError, ValueError):
            errors["regions"] = [_("Unknown region: %(r)s.") % {"r": raw}]
    regions = list(Region.objects.filter(pk__in=ids))
    if not ids and "regions" not in errors:
        errors["regions"] = [_("Choose at least one region.")]
    elif len(regions) != len(set(ids)):
        missing = sorted(set(ids) - {r.pk for r in regions})
        errors["regions"] = [
            _("Unknown region: %(ids)s.") % {"ids": ", ".join(str(i) for i in missing)}
        ]
    if not errors:
        overlapping = Advisory.objects.filter(
            archived_at__isnull=True, condition=condition, regions__in=regions
        )
        if exclude_pk:
            overlapping = overlapping.exclude(pk=exclude_pk)
        if ends:
            overlapping = overlapping.filter(starts__lte=ends)
        overlapping = overlapping.exclude(ends__lt=starts).distinct()
        clash = overlapping.prefetch_related("regions").first()
        if clash:
            names = ", ".join(r.name for r in clash.regions.all() if r in regions)
            errors["regions"] = [
                _(
                    "“%(title)s” already covers %(condition)s in %(regions)s for some of these "
                    "dates. End or change it first."
                )
                % {
                    "title": clash.title,
                    "condition": clash.get_condition_display(),
                    "regions": names,
                }
            ]
    if errors:
        raise PracticeError(next(iter(errors.values()))[0], errors=errors)
    return clean, regions


@transaction.atomic
def advisory_create(
    *,
    actor: User,
    data: dict[str, Any],
    region_ids: list[Any],
    request: HttpRequest | None = None,
) -> Advisory:
    _require_admin(actor)
    clean, regions = _check_advisory(data, region_ids, None)
    advisory = Advisory(published_by=actor, **clean)
    advisory._history_user = actor  # type: ignore[attr-defined]
    advisory.save()
    advisory.regions.set(regions)
    record_event(
        actor=actor,
        action=Action.CREATE,
        target=advisory,
        summary=f"Published advisory {advisory.title}",
        data={"regions": [r.pk for r in regions]},
        request=request,
    )
    return advisory


@transaction.atomic
def advisory_update(
    *,
    actor: User,
    advisory_id: int,
    expected_version: int,
    changes: dict[str, Any],
    region_ids: list[Any] | None = None,
    request: HttpRequest | None = None,
) -> Advisory:
    _require_admin(actor)
    if not Advisory.objects.filter(pk=advisory_id).exists():
        raise NotFound(_("That advisory was not found."))
    advisory = lock_current(Advisory, advisory_id, expected_version=expected_version)
    unknown = set(changes) - ADVISORY_FIELDS
    if unknown:
        raise PracticeError(
            _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))},
            errors={n: [_("This field cannot be set here.")] for n in sorted(unknown)},
        )
    data = {f: getattr(advisory, f) for f in ADVISORY_FIELDS} | changes
    if region_ids is None:
        region_ids = list(advisory.regions.values_list("pk", flat=True))
    clean, regions = _check_advisory(data, region_ids, advisory.pk)
    diff = {
        f: [str(getattr(advisory, f)), str(v)]
        for f, v in clean.items()
        if getattr(advisory, f) != v
    }
    for f, v in clean.items():
        setattr(advisory, f, v)
    advisory.version += 1
    advisory._history_user = actor  # type: ignore[attr-defined]
    advisory.save()
    advisory.regions.set(regions)
    record_event(
        actor=actor,
        action=Action.UPDATE,
        target=advisory,
        summary=f"Changed advisory {advisory.title}",
        data={"changes": diff, "regions": [r.pk for r in regions]},
        request=request,
    )
    return advisory


def advisory_end(
    *, actor: User, advisory_id: int, expected_version: int, request: HttpRequest | None = None
) -> Advisory:
    """End an advisory today (or leave it ending earlier if it already does)."""
    today = selectors.today()
    advisory = Advisory.objects.filter(pk=advisory_id).first()
    if advisory is None:
        raise NotFound(_("That advisory was not found."))
    end = max(advisory.starts, today - timedelta(days=1)) if advisory.starts <= today else None
    if end is None:
        # Not yet started: withdraw it.
        end = advisory.starts
    return advisory_update(
        actor=actor,
        advisory_id=advisory_id,
        expected_version=expected_version,
        changes={"ends": end},
        request=request,
    )


def _answers(
    disease: diseases.Disease, data: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    given = data.get("answers")
    if not isinstance(given, dict):
        given = {}
        errors["answers"] = [_("Answer every screening question.")]
    answers, answer_errors = diseases.clean_answers(disease, given)
    errors.update({key: [str(m) for m in messages] for key, messages in answer_errors.items()})
    clean["answers"] = answers
    practitioner = data.get("practitioner_immunisation") or ""
    if disease.asks_practitioner:
        if practitioner not in ImmunisationStatus.values:
            errors["practitioner_immunisation"] = [_("Give your own immunisation status.")]
    elif practitioner:
        errors["practitioner_immunisation"] = [
            _("Your own status is not asked for %(disease)s.") % {"disease": disease.label}
        ]
    clean["practitioner_immunisation"] = practitioner if disease.asks_practitioner else ""
    claim = data.get("immunity_claim") or ""
    if not isinstance(claim, str) or len(claim) > CLAIM_MAX:
        errors["immunity_claim"] = [_("Keep this under 1,000 characters.")]
        claim = ""
    clean["immunity_claim"] = claim.strip()
    planned = data.get("planned_mode")
    if planned not in rules.IN_PERSON_MODES:
        errors["planned_mode"] = [_("Choose the in-person contact you are planning.")]
    clean["planned_mode"] = planned
    return clean, errors


@transaction.atomic
def screening_create(
    *,
    actor: User,
    whanau_id: int,
    answers: dict[str, Any],
    person_ids: list[int] | None = None,
    request: HttpRequest | None = None,
) -> Screening:
    """Screen a planned in-person contact under the advisory active for the whānau's region.

    `answers` holds the disease's yes/no answers ({"answers": {key: bool}}), the planned mode,
    the practitioner's own status (where the disease's rules read it) and, optionally, what
    people said about immunity (`immunity_claim`: kept, never evidence). The people present
    must be named: the recommendation reads their recorded status for this disease only.
    """
    if actor.role not in access.CASE_WRITER_ROLES:
        raise PermissionDenied(_("Your role cannot screen contacts."))
    whanau = access.whanau_editable_by(actor).filter(pk=whanau_id).first()
    if whanau is None:
        if not access.whanau_for_user(actor).filter(pk=whanau_id).exists():
            raise NotFound(_("That whānau was not found."))
        raise PracticeError(_("You can see this whānau but not plan contacts with them."))
    advisory = selectors.active_for_whanau(whanau)
    if advisory is None:
        raise PracticeError(
            _("No practice advisory is active for this whānau's region; no screening is needed.")
        )
    disease = advisory.disease
    clean, errors = _answers(disease, answers)
    wanted = set(person_ids or [])
    people = list(
        access.people_for_user(actor)
        .filter(
            pk__in=wanted,
            memberships__whanau=whanau,
            memberships__archived_at__isnull=True,
            archived_at__isnull=True,
        )
        .distinct()
        .order_by("preferred_name", "pk")
    )
    if not wanted:
        errors["people_present"] = [_("Tick who will be there (at least one person).")]
    elif len(people) != len(wanted):
        errors["people_present"] = [_("Choose people who belong to this whānau.")]
    if errors:
        raise PracticeError(_("Answer every screening question."), errors=errors)
    weighed = immunisation.evidence_for(disease, people)
    people_immunity = immunisation.summary(weighed) if disease.reads_people_present else ""
    symptoms, exposure, vulnerable = diseases.summarise(disease, clean["answers"])
    table = selectors.current_rule_table(disease.key)
    recommendation, row = rules.evaluate(
        table.rows,
        rules.Answers(
            symptoms=symptoms,
            exposure=exposure,
            vulnerable=vulnerable,
            people_immunity=people_immunity,
            practitioner_immunisation=clean["practitioner_immunisation"],
        ),
    )
    screening = Screening(
        advisory=advisory,
        rule_table=table,
        rule_row=row,
        whanau=whanau,
        practitioner=actor,
        disease=disease.key,
        recommended_mode=recommendation,
        people_immunisation=people_immunity,
        evidence=[w.as_json() for w in weighed],
        **clean,
    )
    screening._history_user = actor  # type: ignore[attr-defined]
    screening.save()
    screening.people_present.set(people)
    record_event(
        actor=actor,
        action=Action.CREATE,
        target=screening,
        whanau_id=whanau.pk,
        summary=f"Screened a planned contact with {whanau.name}: {recommendation}",
        data={
            "advisory": advisory.pk,
            "disease": disease.key,
            "rule_table": table.version,
            "row": row + 1,
            "people": [p.pk for p in people],
        },
        request=request,
    )
    return screening


def screenings_for_user(user: Any) -> Any:
    return Screening.objects.filter(whanau__in=access.whanau_for_user(user))


# --- the gate (hononga.contacts.hooks) --------------------------------------------------------


def _SCREENING_UNUSABLE() -> str:
    return _("That screening cannot be used: it is for another whānau, already used or too old.")


def usable_screening(actor: Any, whanau: Any, screening_id: Any) -> Screening | None:
    try:
        pk = int(screening_id)
    except (TypeError, ValueError):
        return None
    since = timezone.now() - SCREENING_VALID_FOR
    return (
        Screening.objects.select_for_update()
        .filter(pk=pk, whanau=whanau, contact__isnull=True, created_at__gte=since)
        .first()
    )


def gate_before_save(
    *,
    actor: Any,
    whanau: Any,
    fields: dict[str, Any],
    screening_id: Any = None,
    urgent_reason: str = "",
    **_kwargs: Any,
) -> None:
    """Refuse an in-person contact under an active advisory without a screening or reason."""
    mode = str(fields.get("mode") or "")
    occurred = fields.get("occurred_at")
    day = timezone.localdate(occurred) if occurred else None
    if mode not in rules.IN_PERSON_MODES:
        return  # phone and video need no screening (one given is linked after saving if usable)
    advisory = selectors.active_for_whanau(whanau, day)
    if advisory is None:
        return
    if screening_id:
        screening = usable_screening(actor, whanau, screening_id)
        if screening is None:
            raise PracticeError(
                _SCREENING_UNUSABLE(),
                errors={"screening": [_("Screen again before recording this contact.")]},
            )
        # The recommendation was for the people the screening listed: nobody else meets in
        # person on the strength of it.
        screened = set(screening.people_present.values_list("pk", flat=True))
        unscreened = set(fields.get("participant_ids") or []) - screened
        if unscreened:
            from hononga.whanau.models import Person

            names = ", ".join(
                Person.objects.filter(pk__in=unscreened)
                .order_by("preferred_name", "pk")
                .values_list("preferred_name", flat=True)
            )
            raise PracticeError(
                _(
                    "The screening did not list %(names)s: record only the people it listed, or "
                    "screen again with everyone who will be there."
                )
                % {"names": names},
                errors={
                    "participants": [
                        _("Only the people the screening listed: %(names)s was not screened.")
                        % {"names": names}
                    ]
                },
            )
        return
    reason = (urgent_reason or "").strip()
    if reason and len(reason) >= URGENT_REASON_MIN:
        return
    message = _(
        "“%(title)s” is active for this whānau's region: screen before an in-person contact, "
        "or give the urgent reason it could not wait (for example the child's immediate safety)."
    ) % {"title": advisory.title}
    field_message = (
        _("Say more about why it could not wait (at least %(n)s characters).")
        % {"n": URGENT_REASON_MIN}
        if reason
        else _("Screen first, or give the urgent reason.")
    )
    raise PracticeError(message, errors={"urgent_reason": [field_message]})


def gate_after_save(
    *, actor: Any, contact: Any, screening_id: Any = None, urgent_reason: str = "", **_kwargs: Any
) -> None:
    """Link the screening to the contact, or log an urgent override."""
    whanau = contact.whanau
    if screening_id:
        screening = usable_screening(actor, whanau, screening_id)
        if screening is not None:
            screening.contact = contact
            screening.actual_mode = contact.mode
            screening.version += 1
            screening._history_user = actor  # type: ignore[attr-defined]
            screening.save()
            return
    if contact.mode not in rules.IN_PERSON_MODES:
        return
    advisory = selectors.active_for_whanau(whanau, timezone.localdate(contact.occurred_at))
    if advisory is None or Override.objects.filter(contact=contact).exists():
        return
    reason = (urgent_reason or "").strip()
    Override.objects.create(
        advisory=advisory, contact=contact, whanau=whanau, practitioner=actor, reason=reason
    )
    record_event(
        actor=actor,
        action=Action.UPDATE,
        target=contact,
        whanau_id=whanau.pk,
        summary=f"In-person contact without screening under {advisory.title}",
        reason=reason,
        data={"advisory": advisory.pk, "override": True},
    )


def screening_record_outcome(
    *, actor: User, screening_id: int, outcome: str, request: HttpRequest | None = None
) -> Screening:
    with transaction.atomic():
        screening = screenings_for_user(actor).filter(pk=screening_id, practitioner=actor).first()
        if screening is None:
            raise NotFound(_("That screening was not found."))
        screening.outcome = outcome.strip()[:2000]
        screening.version += 1
        screening.save()
        record_event(
            actor=actor,
            action=Action.UPDATE,
            target=screening,
            whanau_id=screening.whanau_id,
            summary="Recorded a screening outcome",
            request=request,
        )
    return screening


def screened_people(*, actor: Any, whanau: Any, screening_id: Any) -> list[int] | None:
    """For the contact form (contacts.hooks.SCREENED_PEOPLE): the people a usable screening by
    this practitioner listed, or None."""
    try:
        pk = int(screening_id)
    except (TypeError, ValueError):
        return None
    screening = (
        Screening.objects.filter(
            pk=pk,
            whanau=whanau,
            practitioner=actor,
            contact__isnull=True,
            created_at__gte=timezone.now() - SCREENING_VALID_FOR,
        )
        .only("pk")
        .first()
    )
    if screening is None:
        return None
    return sorted(screening.people_present.values_list("pk", flat=True))
