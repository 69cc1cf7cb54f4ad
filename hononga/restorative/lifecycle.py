"""The restorative lifecycle: the one place its rules live (DESIGN.md, "Restorative processes").

referred → preparing → ready → held → monitoring → closed, or → not proceeding (with a reason)
from any state before held; the facilitator may also stop a process on safety grounds at any
point before it closes. `unmet_conditions` lists, in plain words, every condition a move still
needs; services refuse a move while the list is not empty, and pages show it as "what is left".
"""

import calendar
from datetime import date

from django.db.models import Max
from django.utils.translation import gettext as _

from hononga.relationships.models import Consent, ConsentPurpose, ConsentStatus
from hononga.restorative.models import (
    CREDENTIAL_NEEDED,
    FacilitatorCredential,
    ParticipantRole,
    ProcessKind,
    RestorativeProcess,
    SafetyOutcome,
    State,
    current_credentials_q,
)
from hononga.whanau.models import PersonKind

NEXT: dict[str, list[str]] = {
    State.REFERRED: [State.PREPARING, State.NOT_PROCEEDING],
    State.PREPARING: [State.READY, State.NOT_PROCEEDING],
    State.READY: [State.HELD, State.NOT_PROCEEDING],
    State.HELD: [State.MONITORING, State.NOT_PROCEEDING],
    State.MONITORING: [State.CLOSED, State.NOT_PROCEEDING],
    State.CLOSED: [],
    State.NOT_PROCEEDING: [],
}
# From these, "not proceeding" needs no safety grounds.
BEFORE_HELD = {State.REFERRED, State.PREPARING, State.READY}
CHILD_KINDS = {PersonKind.TAMARIKI, PersonKind.RANGATAHI}
YOUNG_CHILD_AGE = 7
REVIEW_MONTHS_YOUNG = 6
REVIEW_MONTHS_OLDER = 12


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def birthday(born: date, years: int) -> date:
    """The day a person born on `born` turns `years` (29 February: 28 February in other years)."""
    year = born.year + years
    if born.month == 2 and born.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return born.replace(year=year)


def fgc_review_date(plan_date: date, youngest_born: date) -> date:
    """A family group conference plan's review date: within 6 months if the youngest child it
    concerns is under 7 on the day the plan is made, otherwise within 12 months."""
    under_seven = plan_date < birthday(youngest_born, YOUNG_CHILD_AGE)
    return add_months(plan_date, REVIEW_MONTHS_YOUNG if under_seven else REVIEW_MONTHS_OLDER)


def youngest_child_born(process: RestorativeProcess) -> date | None:
    """The latest birth date among the tamariki and rangatahi the process concerns: the
    participants and the people the harm was done to."""
    from hononga.whanau.models import Person

    people = Person.objects.filter(kind__in=CHILD_KINDS, date_of_birth__isnull=False).filter(
        pk__in=list(process.participants.values_list("person_id", flat=True))
        + list(process.harm.harmed.values_list("pk", flat=True))
    )
    return people.aggregate(youngest=Max("date_of_birth"))["youngest"]


def credential_problem(process: RestorativeProcess, *, today: date) -> str | None:
    return facilitator_credential_problem(process.facilitator_id, process.kind, today=today)


def facilitator_credential_problem(user_id: int, kind: str, *, today: date) -> str | None:
    """Why this facilitator may not run a process of this kind today, or None if they may."""
    level = CREDENTIAL_NEEDED.get(ProcessKind(kind))
    if level is None:
        return None
    held = FacilitatorCredential.objects.filter(user_id=user_id, level=level)
    if held.filter(current_credentials_q(today)).exists():
        return None
    if held.exists():
        return _(
            "The facilitator's %(level)s credential is not current (expired, ended early or not "
            "yet issued): an administrator must record a current one."
        ) % {"level": level.label}
    return _(
        "The facilitator holds no %(level)s credential: a %(kind)s needs a facilitator with a "
        "current one."
    ) % {"level": level.label, "kind": ProcessKind(kind).label}


def _harmed_problem(process: RestorativeProcess) -> str | None:
    """A process responds to a harm: from preparing on it needs someone harmed taking part, so
    that it cannot close without follow-up with anyone harmed."""
    if process.participants.filter(role=ParticipantRole.HARMED).exists():
        return None
    return _("Add the person or people harmed as participants.")


def _principal_problems(process: RestorativeProcess) -> list[str]:
    """Every person harmed and responsible has consented (and not withdrawn) and been prepared:
    what "ready" needs, checked again at the moment the conference is marked held."""
    problems: list[str] = []
    participants = list(process.participants.select_related("person"))
    if not any(p.role == ParticipantRole.HARMED for p in participants):
        problems.append(_("Add the person or people harmed as participants."))
    for p in participants:
        if p.role not in (ParticipantRole.HARMED, ParticipantRole.RESPONSIBLE):
            continue
        if p.consented_on is None:
            problems.append(
                _("Record %(name)s's consent to take part.") % {"name": p.person.full_name}
            )
        elif _consent_withdrawn(p.person_id):
            problems.append(
                _("%(name)s has withdrawn consent to take part in a restorative process.")
                % {"name": p.person.full_name}
            )
        if p.prepared_on is None:
            problems.append(
                _("Hold and record the preparation meeting with %(name)s.")
                % {"name": p.person.full_name}
            )
    return problems


def _consent_withdrawn(person_id: int) -> bool:
    latest = (
        Consent.objects.filter(person_id=person_id, purpose=ConsentPurpose.RESTORATIVE)
        .order_by("-date", "-id")
        .values_list("status", flat=True)
        .first()
    )
    return latest == ConsentStatus.WITHDRAWN


def _safety_problem(process: RestorativeProcess) -> str | None:
    latest = process.safety_assessments.order_by("-assessed_at", "-id").first()
    if latest is None:
        return _("Record a safety assessment.")
    if latest.outcome == SafetyOutcome.NOT_SUITABLE:
        return _(
            "The latest safety assessment found the process not suitable: it cannot go ahead "
            "unless a new assessment finds it safe."
        )
    if latest.outcome == SafetyOutcome.SAFEGUARDS and not latest.safeguards.strip():
        return _("List the safeguards the safety assessment asks for.")
    return None


def _voice_problems(process: RestorativeProcess) -> list[str]:
    problems = []
    for p in process.participants.select_related("person"):
        if p.role not in (ParticipantRole.HARMED, ParticipantRole.RESPONSIBLE):
            continue
        if not p.responses.exists():
            problems.append(
                _("Record %(name)s's answers to the restorative questions.")
                % {"name": p.person.full_name}
            )
    return problems


def _closure_problems(process: RestorativeProcess) -> list[str]:
    problems = []
    items = list(process.agreement_items.all())
    open_items = [i for i in items if not i.is_resolved]
    if open_items:
        problems.append(
            _(
                "Resolve every agreement item (done, varied with a reason, or not done with a "
                "reason): %(n)s still open."
            )
            % {"n": len(open_items)}
        )
    last_resolved = max((i.resolved_at for i in items if i.resolved_at), default=None)
    for p in process.participants.filter(role=ParticipantRole.HARMED).select_related("person"):
        follow_ups = p.follow_ups.filter(held_at__isnull=False, rating__isnull=False)
        if last_resolved is not None:
            follow_ups = follow_ups.filter(held_at__gte=last_resolved)
        if not follow_ups.exists():
            problems.append(
                _(
                    "Follow up with %(name)s after the last agreement item was resolved, and "
                    "record how far they feel things have been put right (0–10)."
                )
                % {"name": p.person.full_name}
            )
    if not process.outcome_summary.strip():
        problems.append(_("Write the outcome summary."))
    return problems


def unmet_conditions(
    process: RestorativeProcess,
    target: str,
    *,
    today: date,
    reason: str = "",
    on_safety_grounds: bool = False,
) -> list[str]:
    """Every condition the move from the process's stage to `target` still needs (empty: go)."""
    try:
        target_state = State(target)
        current = State(process.state)
    except ValueError:
        return [_("“%(target)s” is not a stage of a restorative process.") % {"target": target}]
    if target_state == State.NOT_PROCEEDING:
        problems = []
        if current in (State.CLOSED, State.NOT_PROCEEDING):
            problems.append(_("The process has already ended."))
        elif current not in BEFORE_HELD and not on_safety_grounds:
            problems.append(
                _(
                    "After the conference a process stops only on safety grounds: say that "
                    "this is on safety grounds."
                )
            )
        if not reason.strip():
            problems.append(_("Give the reason it is not proceeding."))
        return problems
    if target_state not in NEXT[current]:
        return [
            _("A process that is %(current)s cannot move to %(target)s.")
            % {"current": current.label.lower(), "target": target_state.label.lower()}
        ]
    problems = []
    if target_state in (State.PREPARING, State.READY, State.HELD):
        problem = credential_problem(process, today=today)
        if problem:
            problems.append(problem)
    if target_state == State.PREPARING:
        harmed = _harmed_problem(process)
        if harmed:
            problems.append(harmed)
    elif target_state in (State.READY, State.HELD):
        # Held re-checks everything ready needed, as it stands at that moment: consent can be
        # withdrawn, and a person harmed or responsible can join, after the process was ready.
        problems.extend(_principal_problems(process))
        safety = _safety_problem(process)
        if safety:
            problems.append(safety)
        if target_state == State.HELD:
            problems.extend(_voice_problems(process))
    elif target_state == State.MONITORING:
        harmed = _harmed_problem(process)
        if harmed:
            problems.append(harmed)
        if not process.agreement_items.exists():
            problems.append(
                _("Record the agreement: at least one item (what, who does it, by when).")
            )
        if process.is_family_group_conference and youngest_child_born(process) is None:
            problems.append(
                _(
                    "Record the date of birth of the tamariki the plan concerns, so its review "
                    "date can be set."
                )
            )
    elif target_state == State.CLOSED:
        harmed = _harmed_problem(process)
        if harmed:
            problems.append(harmed)
        problems.extend(_closure_problems(process))
    return problems


def next_steps(process: RestorativeProcess, *, today: date) -> list[tuple[str, list[str]]]:
    """For the process page: each forward move and what it still needs."""
    return [
        (state, unmet_conditions(process, state, today=today))
        for state in NEXT[State(process.state)]
        if state != State.NOT_PROCEEDING
    ]
