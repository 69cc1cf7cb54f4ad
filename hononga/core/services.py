"""Helpers shared by the services of every app."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from hononga.core.errors import PracticeError


def validate(obj: models.Model, *, exclude: list[str] | None = None) -> None:
    """Model validation, raised as the application error so pages and API show it alike."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=True, validate_constraints=True)
    except ValidationError as error:
        raise PracticeError.from_validation_error(error) from None


def apply_changes(
    obj: models.Model, changes: dict[str, Any], allowed: set[str]
) -> dict[str, list[Any]]:
    """Set the allowed fields that differ; return {field: [old, new]} for the audit trail."""
    unknown = set(changes) - allowed
    if unknown:
        raise PracticeError(
            "These fields cannot be changed here: " + ", ".join(sorted(unknown)),
            errors={name: ["This field cannot be changed here."] for name in sorted(unknown)},
        )
    diff: dict[str, list[Any]] = {}
    for name, value in changes.items():
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        old = getattr(obj, attname)
        new = value.pk if isinstance(value, models.Model) else value
        if old != new:
            diff[name] = [_plain(old), _plain(new)]
            setattr(obj, attname, new)
    return diff


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
