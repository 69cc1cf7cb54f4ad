"""Optimistic concurrency: lock the row, compare versions, refuse stale edits."""

from typing import Any, TypeVar

from django.db import models
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from hononga.core.errors import ConflictError
from hononga.core.models import CaseRecord

T = TypeVar("T", bound=CaseRecord)


def lock_current(model: type[T], pk: int, *, expected_version: int | None) -> T:
    """Select the row FOR UPDATE and refuse if someone saved it after `expected_version`.

    Must run inside transaction.atomic(). A read-check-save without the lock loses updates
    when writers race on PostgreSQL.
    """
    obj = model._default_manager.select_for_update().get(pk=pk)
    if expected_version is not None and obj.version != expected_version:
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
            % {"yours": expected_version, "theirs": obj.version},
            current=snapshot(obj),
            current_version=obj.version,
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
