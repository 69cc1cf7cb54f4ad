"""Optimistic concurrency: lock the row, compare versions, refuse stale edits."""

from typing import Any, TypeVar, cast

from django.db import models
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from hononga.core.errors import ConflictError

# Case records, and any other model with an integer `version` that goes up on every change.
T = TypeVar("T", bound=models.Model)


def lock_current(model: type[T], pk: int, *, expected_version: int | None) -> T:
    """Select the row FOR UPDATE and refuse if someone saved it after `expected_version`.

    Must run inside transaction.atomic(). A read-check-save without the lock loses updates
    when writers race on PostgreSQL.
    """
    obj = model._default_manager.select_for_update().get(pk=pk)
    saved_version = cast(Any, obj).version
    if expected_version is not None and saved_version != expected_version:
        changed_by = ""
        history = getattr(obj, "history", None)
        if history is not None:
            latest = history.order_by("-history_date").select_related("history_user").first()
            if latest is not None and latest.history_user is not None:
                changed_by = str(latest.history_user)
        raise ConflictError(
            _(
                "Someone else saved this record after you opened it (your copy is version "
                "%(yours)s, the saved one is version %(theirs)s). Nothing was overwritten: "
                "compare the two versions, then make your change again."
            )
            % {"yours": expected_version, "theirs": saved_version},
            current=snapshot(obj),
            current_version=saved_version,
            changed_by=changed_by,
        )
    return obj


def snapshot(obj: models.Model) -> dict[str, Any]:
    """Field values of a record, for conflict messages and audit data."""
    data = model_to_dict(obj)
    return {
        k: (str(v) if v is not None and not isinstance(v, int | str | bool) else v)
        for k, v in data.items()
    }
