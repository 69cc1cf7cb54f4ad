"""Reads: what a whānau member sees in their space, and who sees corrections.

What the space shows is decided here, once, per record type (docs/privacy.md says why):
shared by default are the person's own details, the whānau they belong to, the relationships
they are part of (without the practitioner's notes), their own check-in answers (never anyone
else's, never the practitioner's mirror), the agreements of restorative processes they took part
in and how each item is going, who their practitioner is, their consents and their own requests
for correction. Nothing else is shared: contact notes and reflections, safety assessments,
harms, other people's answers and details. A record a practitioner marks not for sharing
(Withholding) is left out too.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from hononga.accounts.models import User
from hononga.checkins.models import CheckIn, Perspective
from hononga.goals.models import Goal, GoalRating, GoalStatus, GoalStep
from hononga.privacy.models import Correction, CorrectionStatus, RecordType, Withholding
from hononga.relationships.models import Consent, Relationship
from hononga.restorative.models import (
    AgreementItem,
    FollowUp,
    ItemStatus,
    Participant,
    ProcessKind,
    State,
)
from hononga.whanau.access import whanau_editable_by, whanau_for_user
from hononga.whanau.models import Allocation, Membership, Person

AGREEMENT_STATES = [State.HELD, State.MONITORING, State.CLOSED]
# Before the meeting: a person who has been invited knows it is being arranged.
ARRANGING_STATES = [State.REFERRED, State.PREPARING, State.READY]
FINISHED_STATES = [State.CLOSED, State.NOT_PROCEEDING]
GOALS_SHOWN = 20
RATINGS_SHOWN = 12
CHECKINS_PER_PAGE = 10


def is_privacy_officer(user: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm("privacy.privacy_officer")
    )


def withheld_ids(person: Person) -> dict[str, set[int]]:
    found: dict[str, set[int]] = defaultdict(set)
    for record_type, record_id in Withholding.objects.filter(
        person=person, lifted_at__isnull=True
    ).values_list("record_type", "record_id"):
        found[record_type].add(record_id)
    return found


def statements_for(pairs: list[tuple[str, int]]) -> dict[tuple[str, int], list[Correction]]:
    """Statements of correction attached to these records (one query)."""
    if not pairs:
        return {}
    condition = Q()
    by_type: dict[str, set[int]] = defaultdict(set)
    for record_type, record_id in pairs:
        by_type[record_type].add(record_id)
    for record_type, ids in by_type.items():
        condition |= Q(record_type=record_type, record_id__in=ids)
    found: dict[tuple[str, int], list[Correction]] = defaultdict(list)
    for correction in (
        Correction.objects.filter(
            condition, status__in=[CorrectionStatus.NOT_CORRECTED, CorrectionStatus.CORRECTED]
        )
        .select_related("person")
        .order_by("decided_at", "id")
    ):
        found[(correction.record_type, correction.record_id)].append(correction)
    return found


@dataclass
class Item:
    """One record as the person sees it, with what can be said about it."""

    record_type: str
    record_id: int
    label: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    statements: list[Correction] = field(default_factory=list)
    pending: Correction | None = None


@dataclass
class AgreementView:
    participant: Participant
    process_kind: str
    state: str
    items: list[Item]


@dataclass
class GoalCard:
    """One of the person's goals: the goal as an item, its steps and its ratings."""

    item: Item
    together: bool
    active: bool
    steps: list[GoalStep]
    ratings: list[GoalRating]


@dataclass
class Upcoming:
    """Something coming up for the person: a meeting, a step or an agreement item due."""

    day: date | None
    what: str
    kind: str  # agreement_item, goal_step, follow_up, plan_review, meeting, arranging


@dataclass
class SpaceContent:
    person: Person
    memberships: list[Membership]
    practitioners: list[User]
    details: Item
    relationships: list[Item]
    agreements: list[AgreementView]
    upcoming: list[Upcoming]
    consents: list[Consent]
    corrections: list[Correction]
    goals: list[GoalCard] = field(default_factory=list)


def _other(relationship: Relationship, person: Person) -> Person:
    return relationship.person_b if relationship.person_a_id == person.pk else relationship.person_a


def visible_relationships(person: Person, withheld: dict[str, set[int]]) -> QuerySet[Relationship]:
    return (
        Relationship.objects.filter(
            Q(person_a=person) | Q(person_b=person), archived_at__isnull=True
        )
        .exclude(pk__in=withheld.get(RecordType.RELATIONSHIP, set()))
        .select_related("person_a", "person_b", "whanau")
        .order_by("ended", "id")
    )


def visible_checkins(person: Person, withheld: dict[str, set[int]]) -> QuerySet[CheckIn]:
    return (
        CheckIn.objects.filter(rater=person, archived_at__isnull=True)
        .exclude(perspective=Perspective.MIRROR)
        .exclude(pk__in=withheld.get(RecordType.CHECKIN, set()))
        .select_related("relationship__person_a", "relationship__person_b")
        .order_by("-answered_at", "-id")
    )


def withheld_processes(person: Person) -> Any:
    """Ids of the restorative processes marked not for sharing with this person, as a subquery:
    the process's agreement, its PDF copy and its meetings are then not in their space."""
    return Withholding.objects.filter(
        person=person, record_type=RecordType.PROCESS, lifted_at__isnull=True
    ).values("record_id")


def visible_participations(person: Person) -> QuerySet[Participant]:
    return (
        Participant.objects.filter(
            person=person,
            process__state__in=AGREEMENT_STATES,
            process__archived_at__isnull=True,
        )
        .exclude(process_id__in=withheld_processes(person))
        .select_related("process")
        .order_by("-process__created_at")
    )


def visible_goals(
    person: Person, withheld: dict[str, set[int]], whanau_ids: list[int]
) -> QuerySet[Goal]:
    """The person's own goals, and goals their whānau holds together that name them (never a
    goal held by someone else, never one replaced by a new wording, nothing withheld)."""
    named = Goal.concerns_people.through.objects.filter(person_id=person.pk).values("goal_id")
    return (
        Goal.objects.filter(
            Q(holder=person) | Q(holder__isnull=True, whanau_id__in=whanau_ids, pk__in=named),
            archived_at__isnull=True,
        )
        .exclude(status=GoalStatus.CHANGED)
        .exclude(pk__in=withheld.get(RecordType.GOAL, set()))
    )


def _goal_cards(person: Person, goals: list[Goal]) -> list[GoalCard]:
    from django.utils.translation import gettext as _

    cards = []
    for goal in goals:
        together = goal.holder_id is None
        facts = [
            (
                _("Whose goal"),
                _("Your whānau's, together") if together else _("Yours"),
            ),
            (_("How it is going"), goal.get_status_display()),
        ]
        if goal.why:
            facts.append((_("Why it matters"), goal.why))
        if goal.target_date:
            facts.append((_("Hoping for it by"), goal.target_date.strftime("%d/%m/%Y")))
        ratings = list(goal.ratings.all())
        if ratings:
            facts.append(
                (
                    _("How close (0 to 10)"),
                    _("%(latest)s now (first: %(first)s)")
                    % {"latest": ratings[-1].value, "first": ratings[0].value},
                )
            )
        cards.append(
            GoalCard(
                item=Item(RecordType.GOAL, goal.pk, goal.wording, facts),
                together=together,
                active=goal.status == GoalStatus.ACTIVE,
                steps=list(goal.steps.all()),
                ratings=ratings[-RATINGS_SHOWN:],
            )
        )
    return cards


def _goals(person: Person, withheld: dict[str, set[int]], whanau_ids: list[int]) -> list[GoalCard]:
    goals = list(
        visible_goals(person, withheld, whanau_ids)
        .prefetch_related(
            # Ratings the person gave, or that the whānau gave together: never someone else's.
            Prefetch(
                "ratings",
                queryset=GoalRating.objects.filter(
                    Q(rated_by=person) | Q(rated_by__isnull=True)
                ).order_by("rated_at", "id"),
            ),
            Prefetch(
                "steps",
                queryset=GoalStep.objects.filter(archived_at__isnull=True).order_by(
                    "done_on", "by_when", "id"
                ),
            ),
        )
        .order_by("status", "-set_on", "-id")[:GOALS_SHOWN]
    )
    return _goal_cards(person, goals)


def _meetings(person: Person, today: date) -> list[Upcoming]:
    """Restorative meetings the person is part of: being arranged (once they were invited),
    follow-ups with them, and family group conference plan reviews (two queries)."""
    from django.utils.translation import gettext as _

    found: list[Upcoming] = []
    for participant in (
        Participant.objects.filter(person=person, process__archived_at__isnull=True)
        .exclude(process__state__in=FINISHED_STATES)
        .exclude(process_id__in=withheld_processes(person))
        .select_related("process")
        .order_by("id")[:20]
    ):
        process = participant.process
        kind = process.get_kind_display()
        if process.state in ARRANGING_STATES and participant.invited_on is not None:
            planned = process.conference_planned_on
            if planned is not None and planned >= today:
                found.append(Upcoming(planned, _("%(kind)s, with you") % {"kind": kind}, "meeting"))
            else:
                found.append(
                    Upcoming(
                        None, _("%(kind)s: being arranged with you") % {"kind": kind}, "arranging"
                    )
                )
        if (
            process.kind == ProcessKind.FAMILY_GROUP_CONFERENCE
            and process.plan_review_date is not None
            and process.plan_review_date >= today
        ):
            found.append(
                Upcoming(
                    process.plan_review_date,
                    _("Review of the family group conference plan"),
                    "plan_review",
                )
            )
    for follow_up in (
        FollowUp.objects.filter(
            participant__person=person,
            participant__removed_at__isnull=True,
            held_at__isnull=True,
            scheduled_for__gte=today,
            process__state__in=[State.HELD, State.MONITORING],
            process__archived_at__isnull=True,
        )
        .exclude(process_id__in=withheld_processes(person))
        .select_related("process")
        .order_by("scheduled_for", "id")[:10]
    ):
        found.append(
            Upcoming(
                follow_up.scheduled_for,
                _("Follow-up about your agreement (%(kind)s)")
                % {"kind": follow_up.process.get_kind_display()},
                "follow_up",
            )
        )
    return found


def _relationship_item(relationship: Relationship, person: Person) -> Item:
    from django.utils.translation import gettext as _

    other = _other(relationship, person)
    facts = [
        (_("Kind"), relationship.get_kind_display()),
        (_("Strength"), relationship.get_strength_display()),
        (_("Stress"), relationship.get_stress_display()),
    ]
    if relationship.started:
        facts.append((_("Since"), relationship.started.strftime("%d/%m/%Y")))
    if relationship.ended:
        facts.append((_("Ended"), relationship.ended.strftime("%d/%m/%Y")))
    return Item(RecordType.RELATIONSHIP, relationship.pk, other.preferred_name, facts)


def details_item(person: Person) -> Item:
    from django.utils.translation import gettext as _

    facts = [
        (_("Preferred name"), person.preferred_name),
        (_("Other names"), person.other_names or "—"),
        (
            _("Date of birth"),
            person.date_of_birth.strftime("%d/%m/%Y") if person.date_of_birth else "—",
        ),
        (_("Languages"), person.languages or "—"),
        (_("Phone"), person.phone or "—"),
        (_("Email"), person.email or "—"),
        (_("Iwi"), person.iwi or "—"),
        (_("Hapū"), person.hapu or "—"),
    ]
    return Item(RecordType.PERSON, person.pk, person.full_name, facts)


def _attach(items: list[Item], person: Person) -> None:
    """Statements of correction and pending requests for the items (two queries)."""
    pairs = [(i.record_type, i.record_id) for i in items]
    statements = statements_for(pairs)
    pending: dict[tuple[str, int], Correction] = {}
    if pairs:
        for correction in Correction.objects.filter(person=person, status=CorrectionStatus.OPEN):
            pending[(correction.record_type, correction.record_id)] = correction
    for item in items:
        key = (item.record_type, item.record_id)
        item.statements = [s for s in statements.get(key, []) if s.statement]
        item.pending = pending.get(key)


def space_content(person: Person) -> SpaceContent:
    """Everything on the whānau space's home page, in a fixed number of queries."""
    from django.utils.translation import gettext as _

    withheld = withheld_ids(person)
    memberships = list(
        Membership.objects.filter(person=person, archived_at__isnull=True)
        .exclude(pk__in=withheld.get(RecordType.MEMBERSHIP, set()))
        .select_related("whanau")
    )
    whanau_ids = [m.whanau_id for m in memberships]
    practitioners = [
        allocation.user
        for allocation in Allocation.objects.current()
        .filter(whanau_id__in=whanau_ids, user__is_active=True)
        .select_related("user")
        .order_by("started", "id")[:10]
    ]
    seen: set[int] = set()
    practitioners = [u for u in practitioners if not (u.pk in seen or seen.add(u.pk))]  # type: ignore[func-returns-value]
    details = details_item(person)
    relationships = [
        _relationship_item(r, person) for r in visible_relationships(person, withheld)[:50]
    ]
    participations = list(visible_participations(person)[:20])
    process_ids = [p.process_id for p in participations]
    items_by_process: dict[int, list[AgreementItem]] = defaultdict(list)
    withheld_items = withheld.get(RecordType.AGREEMENT_ITEM, set())
    for agreement_item in (
        AgreementItem.objects.filter(process_id__in=process_ids, archived_at__isnull=True)
        .exclude(pk__in=withheld_items)
        .select_related("owner__person", "for_whom__person")
        .order_by("due", "id")
    ):
        items_by_process[agreement_item.process_id].append(agreement_item)
    agreements = []
    all_items: list[Item] = [details, *relationships]
    for participant in participations:
        views = []
        for agreement_item in items_by_process.get(participant.process_id, []):
            facts = [
                (_("Who does it"), agreement_item.owner.person.preferred_name),
                (_("By when"), agreement_item.due.strftime("%d/%m/%Y")),
                (_("How it is going"), agreement_item.get_status_display()),
            ]
            if agreement_item.for_whom_id:
                facts.insert(1, (_("For whom"), agreement_item.for_whom.person.preferred_name))  # type: ignore[union-attr]
            views.append(
                Item(RecordType.AGREEMENT_ITEM, agreement_item.pk, agreement_item.what, facts)
            )
        all_items += views
        agreements.append(
            AgreementView(
                participant=participant,
                process_kind=participant.process.get_kind_display(),
                state=participant.process.get_state_display(),
                items=views,
            )
        )
    today = timezone.localdate()
    upcoming = [
        Upcoming(agreement_item.due, agreement_item.what, "agreement_item")
        for items in items_by_process.values()
        for agreement_item in items
        if agreement_item.status == ItemStatus.OPEN
        and agreement_item.due >= today
        and person.pk
        in {agreement_item.owner.person_id, getattr(agreement_item.for_whom, "person_id", None)}
    ]
    goals = _goals(person, withheld, whanau_ids)
    all_items += [card.item for card in goals]
    upcoming += [
        Upcoming(step.by_when, step.what, "goal_step")
        for card in goals
        if card.active
        for step in card.steps
        if step.done_on is None and step.by_when is not None and step.by_when >= today
    ]
    upcoming += _meetings(person, today)
    # Dated first, soonest first; then what is being arranged (no date yet).
    upcoming.sort(key=lambda u: (u.day is None, u.day or today))
    _attach(all_items, person)
    consents = list(
        Consent.objects.filter(person=person).exclude(
            pk__in=withheld.get(RecordType.CONSENT, set())
        )[:20]
    )
    corrections = list(Correction.objects.filter(person=person).order_by("-asked_at")[:20])
    return SpaceContent(
        person=person,
        memberships=memberships,
        practitioners=practitioners,
        details=details,
        relationships=relationships,
        agreements=agreements,
        upcoming=upcoming[:15],
        consents=consents,
        corrections=corrections,
        goals=goals,
    )


def checkin_items(person: Person, checkins: list[CheckIn]) -> list[Item]:
    from django.utils.translation import gettext as _

    items = []
    for checkin in checkins:
        other = _other(checkin.relationship, person)
        facts = [(_("About"), other.preferred_name)]
        if checkin.score is not None:
            facts.append((_("Score"), f"{checkin.score}"))
        if checkin.comment:
            facts.append((_("What you said would make it better"), checkin.comment))
        items.append(
            Item(
                RecordType.CHECKIN,
                checkin.pk,
                timezone.localtime(checkin.answered_at).strftime("%d/%m/%Y"),
                facts,
            )
        )
    _attach(items, person)
    return items


def find_visible_item(person: Person, record_type: str, record_id: int) -> Item | None:
    """The item as the person sees it, if they can see it (anything else: None, then 404)."""
    withheld = withheld_ids(person)
    if record_id in withheld.get(record_type, set()):
        return None
    if record_type == RecordType.PERSON:
        return details_item(person) if record_id == person.pk else None
    if record_type == RecordType.RELATIONSHIP:
        found = visible_relationships(person, withheld).filter(pk=record_id).first()
        return _relationship_item(found, person) if found else None
    if record_type == RecordType.CHECKIN:
        checkin = visible_checkins(person, withheld).filter(pk=record_id).first()
        return checkin_items(person, [checkin])[0] if checkin else None
    if record_type == RecordType.AGREEMENT_ITEM:
        item = (
            AgreementItem.objects.filter(
                pk=record_id,
                archived_at__isnull=True,
                process__in=visible_participations(person).values("process"),
            )
            .select_related("owner__person")
            .first()
        )
        return Item(RecordType.AGREEMENT_ITEM, item.pk, item.what) if item else None
    if record_type == RecordType.GOAL:
        whanau_ids = list(
            Membership.objects.filter(person=person, archived_at__isnull=True)
            .exclude(pk__in=withheld.get(RecordType.MEMBERSHIP, set()))
            .values_list("whanau_id", flat=True)
        )
        goal = visible_goals(person, withheld, whanau_ids).filter(pk=record_id).first()
        return Item(RecordType.GOAL, goal.pk, goal.wording) if goal else None
    if record_type == RecordType.MEMBERSHIP:
        membership = (
            Membership.objects.filter(pk=record_id, person=person, archived_at__isnull=True)
            .select_related("whanau")
            .first()
        )
        return (
            Item(RecordType.MEMBERSHIP, membership.pk, membership.whanau.name)
            if membership
            else None
        )
    return None


# --- Staff side ------------------------------------------------------------------------------


def corrections_for_user(user: Any, *, deciding: bool = False) -> QuerySet[Correction]:
    """Requests the user may see (their whānau's; privacy officers: all) or decide (the
    whānau's practitioners and supervisors only)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Correction.objects.none()
    if deciding:
        return Correction.objects.filter(whanau__in=whanau_editable_by(user).values("pk"))
    if is_privacy_officer(user):
        return Correction.objects.all()
    return Correction.objects.filter(whanau__in=whanau_for_user(user).values("pk"))


def record_label_for_staff(correction: Correction) -> str:
    return correction.record_label
