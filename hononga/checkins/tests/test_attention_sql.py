"""The attention list decides in the database which relationships need attention (the flags of
each latest own check-in through flag_condition, read with that check-in's own thresholds); it
must give exactly what the Python rules give (flags_of, attention_for) for every relationship:
the same items, flags, order and reasons. Checked on a generated agency whose latest check-ins
are read with three sets of thresholds: those they were recorded with, stricter ones history was
re-flagged with, and none stored yet (read with today's)."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Q
from django.utils import timezone

from hononga.accounts.models import Role, User
from hononga.checkins import scoring, selectors
from hononga.checkins.models import CheckIn, FlagThresholds, Perspective
from hononga.checkins.services import thresholds
from hononga.relationships.models import Relationship
from hononga.synthetic.generator import Size, generate
from hononga.whanau import access as whanau_access
from hononga.whanau.models import Allocation, Person, WhanauStatus


def reference_items(*, user: Any, team: Any = None, today: date) -> list[selectors.Attention]:
    """The list as the Python rules make it: every relationship loaded with its people and its
    latest own check-in, flagged by attention_for (flags_of and is_overdue)."""
    t = thresholds()
    practitioners = selectors.attention_practitioners(user=user, team=team)
    by_user = {p.pk: p for p in practitioners}
    person_user = dict(Person.objects.filter(user__in=list(by_user)).values_list("pk", "user_id"))
    allocated = set(
        Allocation.objects.current()
        .filter(user__in=list(by_user))
        .values_list("user_id", "whanau_id")
    )
    relationships = Relationship.objects.filter(
        Q(person_a_id__in=list(person_user)) | Q(person_b_id__in=list(person_user)),
        whanau_id__in={whanau for _user, whanau in allocated},
        whanau__status=WhanauStatus.OPEN,
        whanau__archived_at__isnull=True,
        archived_at__isnull=True,
        ended__isnull=True,
    )
    if any(p.pk != user.pk for p in practitioners):
        relationships = relationships.filter(
            whanau_id__in=whanau_access.whanau_for_user(user).values("pk")
        )
    found = []
    for relationship in relationships.select_related("person_a", "person_b", "whanau"):
        sides = [
            (person_user.get(worker.pk), member)
            for worker, member in (
                (relationship.person_a, relationship.person_b),
                (relationship.person_b, relationship.person_a),
            )
        ]
        mine = [
            (o, m) for o, m in sides if o is not None and (o, relationship.whanau_id) in allocated
        ]
        if not mine:
            continue
        owner, member = mine[0]
        latest = (
            CheckIn.objects.filter(
                relationship=relationship,
                perspective=Perspective.SELF,
                is_latest=True,
                archived_at__isnull=True,
            )
            .select_related("counterpart", "flagged_with__in_effect")
            .order_by("answered_at", "id")
            .first()
        )
        item = selectors.attention_for(relationship, member, latest, t, today)
        if item.flags:
            item.practitioner = by_user[owner]
            found.append(item)
    order = {p.pk: index for index, p in enumerate(practitioners)}
    found.sort(
        key=lambda a: (
            order[a.practitioner.pk],
            a.urgency,
            a.latest.mean if a.latest is not None and a.latest.mean is not None else 11,
            a.last_date or date.min,
            a.relationship.pk,
        )
    )
    return found


def summary(items: list[selectors.Attention]) -> list[tuple[Any, ...]]:
    return [
        (
            item.practitioner.pk,
            item.relationship.pk,
            item.member.pk,
            item.flags,
            item.last_date,
            item.latest.pk if item.latest is not None else None,
            item.reasons,
        )
        for item in items
    ]


@pytest.mark.django_db
def test_the_database_decides_as_the_python_rules_do_for_every_relationship():
    generate(Size("tiny", 40, history_days=240), seed=11)
    latest = list(
        CheckIn.objects.filter(perspective=Perspective.SELF, is_latest=True).order_by("id")
    )
    assert len(latest) > 30
    # History re-flagged with stricter thresholds for a third of the latest check-ins (a higher
    # low score, a smaller gap, a smaller reliable change), and no thresholds stored yet for
    # another few (read with today's).
    recorded = latest[0].flagged_with
    strict = FlagThresholds.objects.create(
        low_score=Decimal("8.9"),
        low_item=6,
        dropped=Decimal("0.5"),
        gap_item=Decimal("1.0"),
        gap_mean=Decimal("0.5"),
        rci_z=Decimal("1.96"),
        sd=0.5,
        alpha=0.9,
        reliable_change_floor=Decimal("0.3"),
        reliable_change=0.44,
        reason=FlagThresholds.Reason.SETTINGS,
    )
    reflagged = FlagThresholds.objects.create(
        **{
            name: getattr(recorded, name)
            for name in selectors.THRESHOLD_FIELDS
            if name not in {"id", "in_effect_id"}
        },
        reason=FlagThresholds.Reason.ESTIMATES,
        in_effect=strict,
    )
    CheckIn.objects.filter(pk__in=[c.pk for c in latest[::3]]).update(flagged_with=reflagged)
    CheckIn.objects.filter(pk__in=[c.pk for c in latest[1::7]]).update(flagged_with=None)
    viewers = list(
        User.objects.filter(role__in=[Role.PRACTITIONER, Role.FACILITATOR, Role.SUPERVISOR])
    )
    flags_seen: set[str] = set()
    compared = 0
    # Today, and a month on (when some are overdue).
    for today in (timezone.localdate(), timezone.localdate() + timedelta(days=30)):
        for viewer in viewers:
            expected = reference_items(user=viewer, today=today)
            found = selectors.attention_items(user=viewer, today=today)
            selectors.explain(found, today=today)
            assert summary(found) == summary(expected), (viewer.username, today)
            compared += len(found)
            flags_seen |= {flag for item in found for flag in item.flags}
    assert compared > 20
    assert flags_seen == set(scoring.URGENCY)  # every kind of flag was decided both ways


@pytest.mark.django_db
def test_an_item_read_before_it_is_explained_loads_its_records(django_assert_num_queries):
    generate(Size("tiny", 20, history_days=120), seed=5)
    practitioner = User.objects.get(username="syn-practitioner-0001")
    items = selectors.attention_items(user=practitioner)
    assert items
    first = items[0]
    with django_assert_num_queries(2 if first.latest_id is not None else 1):
        relationship = first.relationship
    assert relationship.pk == first.relationship_id
    assert first.member.pk in {relationship.person_a_id, relationship.person_b_id}
    assert first.member.user_id is None  # the whānau member, not the practitioner
    assert (first.latest.pk if first.latest else None) == first.latest_id
