"""What administrators see of the audit trail: no case content without breaking glass.

An administrator manages accounts and oversees the trail, but does not read case content. The
summary and reason of an event about a whānau (or about a record inside one: a person, a
relationship, a check-in, a contact, a harm, a restorative process, a screening …) can name
people and what happened to them, so administrators see such an event as its type, its target's
type and id and the whānau's id, with "Details behind break glass" in place of the words.
Supervisors see their teams' events in full, as before.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from hononga.accounts.models import Role

REDACTED = _("Details behind break glass")

# Records that belong to a whānau's case, by audit target type (the model's name).
CASE_TARGETS = frozenset(
    {
        "whanau",
        "person",
        "membership",
        "allocation",
        "relationship",
        "consent",
        "checkin",
        "checkinlink",
        "contact",
        "harm",
        "restorativeprocess",
        "participant",
        "safetyassessment",
        "response",
        "agreementitem",
        "followup",
        "screening",
        "immunisationrecord",
        "immunisation",
        "goal",
        "goalstep",
        "goalrating",
        "goallink",
        "correction",
        "withholding",
        "spaceaccess",
        "subjectaccessrequest",
        "legalhold",
    }
)


def is_case_content(whanau_id: int | None, target_type: str) -> bool:
    return whanau_id is not None or target_type in CASE_TARGETS


def redacts_for(user: Any) -> bool:
    """Whether this reader sees case events without their words (administrators)."""
    return getattr(user, "role", None) == Role.ADMIN


def redact_events(user: Any, events: Any) -> None:
    """Mark the events of a page whose words the reader may not read (`behind_break_glass`)."""
    hide = redacts_for(user)
    for event in events:
        event.behind_break_glass = hide and is_case_content(event.whanau_id, event.target_type)
