"""Retention and disposal under the agency's disposal authority (Privacy Act IPP 9; Public Records
Act 2005).

Each RetentionRule names the records it covers, how long they are kept, what happens then
(delete, or de-identify: the personal content is blanked and the change history deleted, while
counts and scores stay for statistics), and the disposal authority and class it implements.

`retention_run(dry_run=True)` reports what would be disposed of now. A real run disposes only
what has been due for RETENTION_NOTICE_DAYS already — so everything disposed of appeared in the
daily dry-run reports for a week first, when a privacy officer could still place a legal hold.
Records under a legal hold (on the whānau, or on any of its members) are kept and reported.
Every disposal is recorded (Disposal: what, when, which rule) and audited without personal
content; audit events about disposed records have their content redacted through the audit
trail's own redaction service, so the chain still verifies.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from hononga.advisories.models import Immunisation, Override, Screening
from hononga.audit.models import Action, AuditEvent
from hononga.audit.services import record_event
from hononga.checkins.models import CheckIn, CheckInLink
from hononga.contacts.models import Contact
from hononga.goals.models import Goal, GoalStep
from hononga.messaging.models import Message
from hononga.privacy.models import (
    Correction,
    Disposal,
    DisposalRun,
    ExportStatus,
    LegalHold,
    RetentionRule,
    RetentionTarget,
    SignInCode,
    SpaceAccess,
    SubjectAccessRequest,
    Withholding,
)
from hononga.relationships.models import Consent, Relationship
from hononga.restorative.models import (
    AgreementItem,
    FollowUp,
    Harm,
    Participant,
    Response,
    RestorativeProcess,
    SafetyAssessment,
)
from hononga.whanau.models import Membership, Person, Whanau, WhanauStatus

BATCH = 500
DISPOSED = "[disposed]"


def notice() -> timedelta:
    return timedelta(days=settings.RETENTION_NOTICE_DAYS)


@dataclass
class RuleReport:
    rule: str
    authority: str
    due: int = 0
    disposed: int = 0
    held: list[int] = field(default_factory=list)
    audit_redacted: int = 0
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "authority": self.authority,
            "due": self.due,
            "disposed": self.disposed,
            "held": self.held[:100],
            "held_count": len(self.held),
            "audit_redacted": self.audit_redacted,
            "note": self.note,
        }


def _ids(queryset: models.QuerySet[Any]) -> Iterator[list[int]]:
    """Keyset batches of ids (bounded memory, short transactions)."""
    last = 0
    while True:
        ids = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return
        yield ids
        last = ids[-1]


def _record(run: DisposalRun, rule: RetentionRule, record_type: str, ids: list[int]) -> None:
    Disposal.objects.bulk_create(
        [
            Disposal(run=run, rule=rule, record_type=record_type, record_id=i, action=rule.action)
            for i in ids
        ]
    )


def _forget_history(model: type[models.Model], ids: list[int] | models.QuerySet[Any]) -> None:
    historical = getattr(model, "history", None)
    if historical is not None:
        historical.model.objects.filter(id__in=ids).delete()


# --- Audit redaction: the audit trail's own service ---------------------------------------------


def redact_audit(events: models.QuerySet[AuditEvent], rule: RetentionRule) -> tuple[int, str]:
    """Redact the personal content of these audit events under `rule`, through the audit app's
    `redact(event, rule)` (the event keeps its digest, so the chain still verifies). Until the
    audit app provides it, nothing is changed and the report says so."""
    try:
        from hononga.audit.services import redact
    except ImportError:
        return 0, "audit content kept: the audit trail's redaction service is not installed yet"
    label = f"{rule.target}: {rule.authority}"[:100]
    count = 0
    for event in events.iterator(chunk_size=BATCH):
        redact(event, label)
        count += 1
    return count, ""


# --- Rules ---------------------------------------------------------------------------------------


def _checkin_links(rule: RetentionRule, cutoff: datetime) -> models.QuerySet[CheckInLink]:
    return CheckInLink.objects.filter(
        Q(used_at__lt=cutoff) | Q(revoked_at__lt=cutoff) | Q(expires_at__lt=cutoff)
    )


def _dispose_links(
    run: DisposalRun, rule: RetentionRule, report: RuleReport, cutoff: datetime
) -> None:
    for ids in _ids(_checkin_links(rule, cutoff)):
        with transaction.atomic():
            # A check-in answered through a link keeps its answers; only the link goes.
            CheckIn.objects.filter(link_id__in=ids).update(link=None)
            CheckIn.history.model.objects.filter(link_id__in=ids).update(link=None)
            CheckInLink.objects.filter(pk__in=ids).delete()
            _record(run, rule, "checkinlink", ids)
        report.disposed += len(ids)


def _dispose_codes(
    run: DisposalRun, rule: RetentionRule, report: RuleReport, cutoff: datetime
) -> None:
    for ids in _ids(SignInCode.objects.filter(created_at__lt=cutoff)):
        with transaction.atomic():
            SignInCode.objects.filter(pk__in=ids).delete()
            _record(run, rule, "signincode", ids)
        report.disposed += len(ids)


def _exports(cutoff: datetime) -> models.QuerySet[SubjectAccessRequest]:
    return SubjectAccessRequest.objects.filter(
        Q(expires_at__lt=cutoff) | Q(status=ExportStatus.FAILED, created_at__lt=cutoff)
    ).exclude(status=ExportStatus.EXPIRED)


def _dispose_exports(
    run: DisposalRun, rule: RetentionRule, report: RuleReport, cutoff: datetime
) -> None:
    import shutil

    from hononga.privacy.export import export_dir

    for sar in _exports(cutoff).iterator(chunk_size=BATCH):
        shutil.rmtree(export_dir(sar), ignore_errors=True)
        with transaction.atomic():
            SubjectAccessRequest.objects.filter(pk=sar.pk).update(status=ExportStatus.EXPIRED)
            _record(run, rule, "export_files", [sar.pk])
        report.disposed += 1


def _held_whanau_ids(whanau_ids: list[int]) -> set[int]:
    held = set(
        LegalHold.objects.filter(whanau_id__in=whanau_ids, lifted_at__isnull=True).values_list(
            "whanau_id", flat=True
        )
    )
    held |= set(
        Membership.objects.filter(
            whanau_id__in=whanau_ids,
            person__in=LegalHold.objects.filter(
                lifted_at__isnull=True, person__isnull=False
            ).values("person"),
        ).values_list("whanau_id", flat=True)
    )
    return {i for i in held if i is not None}


def _closed_whanau(cutoff: datetime) -> models.QuerySet[Whanau]:
    """Closed whānau whose last change (never earlier than the closure) is before the cutoff,
    not already disposed."""
    disposed = Disposal.objects.filter(record_type="whanau", record_id=OuterRef("pk"))
    return Whanau.objects.filter(status=WhanauStatus.CLOSED, updated_at__lt=cutoff).exclude(
        Exists(disposed)
    )


def _blank(model: type[models.Model], queryset: models.QuerySet[Any], **values: Any) -> None:
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return
    model._default_manager.filter(pk__in=ids).update(**values)
    _forget_history(model, ids)


def deidentify_whanau(whanau: Whanau) -> list[int]:
    """Blank the personal content of one whānau's case records and delete their history.
    Returns the ids of the people de-identified (those with no other live whānau)."""
    relationships = Relationship.objects.filter(whanau=whanau)
    _blank(Relationship, relationships, notes="")
    _blank(CheckIn, CheckIn.objects.filter(relationship__in=relationships), comment="")
    contacts = Contact.objects.filter(whanau=whanau)
    _blank(Contact, contacts, note="", own_words="", purpose=DISPOSED)
    harms = Harm.objects.filter(whanau=whanau)
    _blank(Harm, harms, what=DISPOSED)
    processes = RestorativeProcess.objects.filter(whanau=whanau)
    _blank(RestorativeProcess, processes, not_proceeding_reason="", outcome_summary="")
    _blank(
        Participant,
        Participant.all_objects.filter(process__in=processes),
        preparation_notes="",
        support_person="",
        venue="",
        interpreter="",
        accessibility="",
        removal_reason="",
    )
    _blank(Response, Response.objects.filter(participant__process__in=processes), answer=DISPOSED)
    _blank(
        AgreementItem,
        AgreementItem.objects.filter(process__in=processes),
        what=DISPOSED,
        status_reason="",
    )
    _blank(FollowUp, FollowUp.objects.filter(process__in=processes), own_words="")
    SafetyAssessment.objects.filter(process__in=processes).update(
        readiness="", safeguards="", reason=""
    )
    goals = Goal.objects.filter(whanau=whanau)
    _blank(Goal, goals, wording=DISPOSED, why="", status_reason="")
    _blank(GoalStep, GoalStep.objects.filter(goal__in=goals), what=DISPOSED, who="")
    _blank(Screening, Screening.objects.filter(whanau=whanau), immunity_claim="", outcome="")
    Override.objects.filter(whanau=whanau).update(reason="")
    Correction.objects.filter(whanau=whanau).update(
        record_label="", what_is_wrong=DISPOSED, should_say="", decision_note="", statement=""
    )
    Whanau.objects.filter(pk=whanau.pk).update(
        name=f"Disposed whānau {whanau.pk}", summary="", search_key=""
    )
    _forget_history(Whanau, [whanau.pk])
    members = Person.objects.filter(memberships__whanau=whanau).distinct()
    elsewhere = (
        Membership.objects.filter(person=OuterRef("pk"))
        .exclude(whanau=whanau)
        .exclude(
            Exists(Disposal.objects.filter(record_type="whanau", record_id=OuterRef("whanau_id")))
        )
    )
    people = list(
        members.exclude(Exists(elsewhere)).exclude(user__isnull=False).values_list("pk", flat=True)
    )
    if people:
        Person.objects.filter(pk__in=people).update(
            preferred_name=DISPOSED,
            other_names="",
            search_key="",
            date_of_birth=None,
            languages="",
            phone="",
            email="",
            iwi="",
            hapu="",
        )
        _forget_history(Person, people)
        Consent.objects.filter(person__in=people).update(note="")
        _blank(Immunisation, Immunisation.objects.filter(person__in=people), source="")
        Message.objects.filter(person__in=people).update(
            to="", subject="", body_text="", body_html=""
        )
        Withholding.objects.filter(person__in=people).update(reason="")
        SpaceAccess.objects.filter(person__in=people).update(
            is_open=False, reason="", close_reason=""
        )
    _blank(Membership, Membership.objects.filter(whanau=whanau), role="")
    return people


def _dispose_closed_whanau(
    run: DisposalRun, rule: RetentionRule, report: RuleReport, cutoff: datetime
) -> None:
    for ids in _ids(_closed_whanau(cutoff)):
        held = _held_whanau_ids(ids)
        report.held.extend(sorted(held))
        for whanau in Whanau.objects.filter(pk__in=[i for i in ids if i not in held]):
            with transaction.atomic():
                people = deidentify_whanau(whanau)
                _record(run, rule, "whanau", [whanau.pk])
                _record(run, rule, "person", people)
                events = AuditEvent.objects.filter(
                    Q(whanau_id=whanau.pk)
                    | Q(target_type="person", target_id__in=[str(p) for p in people])
                )
                redacted, note = redact_audit(events, rule)
                report.audit_redacted += redacted
                report.note = note
            report.disposed += 1


RULES = {
    RetentionTarget.CHECKIN_LINKS: (_checkin_links, _dispose_links),
    RetentionTarget.SIGN_IN_CODES: (
        lambda rule, cutoff: SignInCode.objects.filter(created_at__lt=cutoff),
        _dispose_codes,
    ),
    RetentionTarget.EXPORTS: (lambda rule, cutoff: _exports(cutoff), _dispose_exports),
    RetentionTarget.CLOSED_WHANAU: (
        lambda rule, cutoff: _closed_whanau(cutoff),
        _dispose_closed_whanau,
    ),
}


def retention_run(*, dry_run: bool, now: datetime | None = None) -> DisposalRun:
    """Report (dry run) or dispose (real run) under every active rule."""
    moment = now or timezone.now()
    run = DisposalRun.objects.create(dry_run=dry_run, started_at=moment)
    reports = []
    for rule in RetentionRule.objects.filter(active=True).order_by("target"):
        select, dispose = RULES[RetentionTarget(rule.target)]
        cutoff = moment - timedelta(days=rule.keep_days)
        report = RuleReport(rule=rule.target, authority=f"{rule.authority} {rule.authority_class}")
        due = select(rule, cutoff)
        report.due = due.count()
        if rule.target == RetentionTarget.CLOSED_WHANAU:
            report.held = sorted(_held_whanau_ids(list(due.values_list("pk", flat=True)[:10000])))
        if not dry_run:
            report.held = []
            dispose(run, rule, report, cutoff - notice())
        reports.append(report.as_dict())
    run.report = {"rules": reports, "notice_days": settings.RETENTION_NOTICE_DAYS}
    run.finished_at = timezone.now()
    run.save(update_fields=["report", "finished_at"])
    record_event(
        actor=None,
        actor_username="retention",
        action=Action.ARCHIVE if not dry_run else Action.LIST,
        target=run,
        summary=("Retention: disposal run" if not dry_run else "Retention: dry run")
        + " — "
        + ", ".join(f"{r['rule']} {r['disposed'] if not dry_run else r['due']}" for r in reports),
        data={"dry_run": dry_run},
    )
    return run
