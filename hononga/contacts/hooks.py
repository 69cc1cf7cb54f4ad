"""Checks that other apps add to recording a contact, without contacts importing them.

Practice advisories (hononga.advisories) register here in their AppConfig.ready(): under an
active advisory an in-person contact needs a screening or a stated urgent reason.

`contact_create`/`contact_update` in contacts.services call, inside their transaction:

- every function in BEFORE_SAVE with keyword arguments
  (actor, whanau, fields, screening_id, urgent_reason) before anything is written; a function
  raises hononga.core.errors.PracticeError (with field errors) to refuse the contact;
- every function in AFTER_SAVE with (actor, contact, screening_id, urgent_reason) once the
  contact row exists (to link a screening to it, or to log an override).

`fields` holds the contact's validated values (at least "mode" and "occurred_at").

The contact form asks every function in SCREENED_PEOPLE (actor, whanau, screening_id) for the
people a screening listed; the first answer that is not None ticks exactly those people.
"""

from collections.abc import Callable
from typing import Any

BeforeSave = Callable[..., None]
AfterSave = Callable[..., None]

BEFORE_SAVE: list[BeforeSave] = []
AFTER_SAVE: list[AfterSave] = []
SCREENED_PEOPLE: list[Callable[..., list[int] | None]] = []


def run_before_save(**kwargs: Any) -> None:
    for check in BEFORE_SAVE:
        check(**kwargs)


def run_after_save(**kwargs: Any) -> None:
    for hook in AFTER_SAVE:
        hook(**kwargs)


def screened_people(**kwargs: Any) -> list[int] | None:
    """The people a screening listed (None: no usable screening)."""
    for ask in SCREENED_PEOPLE:
        people = ask(**kwargs)
        if people is not None:
            return people
    return None
