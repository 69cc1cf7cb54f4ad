"""The one application error type, and the conflict error for stale edits.

Services raise these; one handler turns them into form errors on pages and into
`application/problem+json` in the API.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404

NON_FIELD = "__all__"


class PracticeError(Exception):
    """A rule of practice (or of the data) is not met.

    `errors` maps a field name (or "__all__") to the messages about it, so pages can show each
    message beside its field and the API can list them field by field.
    """

    status = 422
    title = "The request breaks a rule"

    def __init__(self, message: str, *, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors: dict[str, list[str]] = errors or {}

    @classmethod
    def from_validation_error(cls, error: ValidationError) -> "PracticeError":
        if hasattr(error, "error_dict"):
            errors = {
                field: [str(m) for e in errs for m in e.messages]
                for field, errs in error.error_dict.items()
            }
        else:
            errors = {NON_FIELD: [str(m) for m in error.messages]}
        first = next(iter(errors.values()))[0]
        return cls(first, errors=errors)

    def all_messages(self) -> list[str]:
        if not self.errors:
            return [self.message]
        return [m for messages in self.errors.values() for m in messages]


class ConflictError(PracticeError):
    """Someone else saved the record since this user loaded it. Nothing was overwritten."""

    status = 409
    title = "The record was changed by someone else"

    def __init__(
        self, message: str, *, current: dict[str, Any], current_version: int, changed_by: str = ""
    ) -> None:
        super().__init__(message)
        self.current = current
        self.current_version = current_version
        self.changed_by = changed_by
        self.your_version: int | None = None


@contextmanager
def sent_version(version: int | None) -> Iterator[None]:
    """A conflict raised inside says which version the caller sent (the API's 409 shows both)."""
    try:
        yield
    except ConflictError as error:
        error.your_version = version
        raise


class InvalidTransition(PracticeError):
    """A state change whose conditions are not met; `errors` lists each unmet condition."""

    status = 409
    title = "The change is not allowed yet"


class NotFound(PracticeError, Http404):
    """Missing, or hidden from this user: the same answer either way."""

    status = 404
    title = "Not found"
