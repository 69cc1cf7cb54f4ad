"""Demo contacts: a year of practice across the demo whānau (synthetic, deterministic).

Each allocated practitioner records two to four contacts a month with each open whānau, with
support and control ratings that drift towards WITH over the year, so the reflection pages have
something to show. Written directly (with history) rather than through the services: demo data
is not anyone's action, so it leaves no audit events and meets no screening gate.
"""

import random
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from hononga.contacts.models import Contact, DecisionsWith, Mode, save_with_history
from hononga.relationships.models import Relationship
from hononga.whanau.models import Allocation, Person, Whanau

SEED = 20261125
DAYS = 365
PURPOSES = [
    "Catch-up about how the week went",
    "Planning the school transition",
    "Talking through the safety plan",
    "Getting ready for the whānau hui",
    "Checking on koro's health appointments",
    "Following up the housing application",
    "Reviewing the goals the whānau set",
    "Talking about what happened at the weekend",
    "Kōrero with the tamariki about school",
    "Sorting transport to the marae",
]
OWN_WORDS = [
    "We want to do this our way, with koro there.",
    "I feel like you actually listen now.",
    "School is ok. I like the new teacher.",
    "Don't make decisions about us without us.",
    "It was hard this week but we got through.",
    "Can we meet at the park next time?",
    "Thank you for coming when you said you would.",
    "I want Mum to come to the hui too.",
    "We need help with the power bill, not another plan.",
]
NOTES = [
    "Met at the kitchen table; tamariki home from school.",
    "Short call; agreed to meet again next week.",
    "Whānau led the conversation about next steps.",
    "I set out the bottom lines and we worked out the rest together.",
    "",
]
MODES = [
    (Mode.HOME_VISIT, 40),
    (Mode.PHONE, 22),
    (Mode.OFFICE, 10),
    (Mode.VIDEO, 8),
    (Mode.OUTDOOR, 8),
    (Mode.SCHOOL, 8),
    (Mode.OTHER, 4),
]


def _ratings(rng: random.Random, progress: float) -> tuple[int, int]:
    """Support and control; earlier in the year a little more TO and FOR, later more WITH."""
    roll = rng.random()
    with_share = 0.45 + 0.35 * progress
    if roll < with_share:
        return rng.randint(6, 10), rng.randint(6, 9)
    if roll < with_share + 0.2:
        return rng.randint(6, 9), rng.randint(1, 5)  # FOR
    if roll < with_share + 0.35:
        return rng.randint(2, 5), rng.randint(6, 10)  # TO
    return rng.randint(1, 5), rng.randint(0, 5)  # NOT


def load(stdout: Any) -> None:
    if Contact.objects.filter(purpose__in=PURPOSES).exists():
        stdout.write("Demo contacts are already loaded.")
        return
    rng = random.Random(SEED)  # noqa: S311  (demo data, not secrets)
    tz = ZoneInfo(settings.TIME_ZONE)
    today = timezone.localdate()
    now = timezone.now()
    created = 0
    for whanau in Whanau.objects.filter(archived_at__isnull=True).order_by("pk"):
        members = list(
            Person.objects.filter(
                memberships__whanau=whanau, memberships__archived_at__isnull=True
            ).order_by("pk")
        )
        if not members:
            continue
        relationships = list(
            Relationship.objects.filter(whanau=whanau, archived_at__isnull=True).order_by("pk")
        )
        workers = [
            a.user
            for a in Allocation.objects.current()
            .filter(whanau=whanau)
            .select_related("user")
            .order_by("started", "pk")
        ]
        for index, worker in enumerate(workers):
            days = DAYS if index == 0 else 60  # co-workers joined recently
            day = today - timedelta(days=days)
            while day <= today:
                hour = rng.choice([9, 10, 11, 13, 14, 15, 16])
                when = datetime.combine(day, time(hour, rng.choice([0, 15, 30, 45])), tzinfo=tz)
                if when >= now:
                    break
                support, control = _ratings(rng, 1 - (today - day).days / DAYS)
                contact = Contact(
                    whanau=whanau,
                    practitioner=worker,
                    occurred_at=when,
                    mode=rng.choices([m for m, _ in MODES], weights=[w for _, w in MODES])[0],
                    purpose=rng.choice(PURPOSES),
                    note=rng.choice(NOTES),
                    own_words=rng.choice(OWN_WORDS) if rng.random() < 0.6 else "",
                    decisions_with=rng.choices(
                        [DecisionsWith.YES, DecisionsWith.NO, DecisionsWith.NOT_APPLICABLE],
                        weights=[55, 15, 30],
                    )[0],
                    support=support,
                    control=control,
                )
                contact._history_user = worker  # type: ignore[attr-defined]
                contact._history_date = when  # type: ignore[attr-defined]
                people = rng.sample(members, k=min(len(members), rng.randint(1, 3)))
                touched = (
                    rng.sample(relationships, k=1) if relationships and rng.random() < 0.4 else []
                )

                def set_related(
                    contact: Contact = contact,
                    people: list[Person] = people,
                    touched: list[Relationship] = touched,
                ) -> None:
                    contact.participants.set(people)
                    contact.relationships.set(touched)

                save_with_history(contact, "+", set_related)
                created += 1
                day += timedelta(days=rng.randint(7, 14))
    stdout.write(f"Demo contacts loaded ({created}).")
