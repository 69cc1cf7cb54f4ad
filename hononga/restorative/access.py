"""Who sees and who runs restorative records.

Harms and processes belong to a whānau: whoever may see the whānau sees them (hononga.whanau.
access). A facilitator also sees the processes they facilitate, and those processes' harms,
without an allocation. Only the process's facilitator runs it (preparation, safety, conference,
agreement, follow-up, stage changes); staff who may change the whānau record harm and refer.
Administrators, and supervisors for their teams' whānau, reassign a process to another
facilitator (as they allocate work). Outsiders get 404 whatever exists.
"""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest

from hononga.accounts.models import Role
from hononga.core.errors import NotFound
from hononga.restorative.models import Harm, RestorativeProcess
from hononga.whanau import access as whanau_access
from hononga.whanau.models import Whanau


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def processes_for_user(user: Any, visible: list[int] | None = None) -> QuerySet[RestorativeProcess]:
    """Processes in whānau the user may see, and those they facilitate; `visible` stands for
    the ids of those whānau when the caller has read them already."""
    if not _active(user):
        return RestorativeProcess.objects.none()
    whanau: Any = whanau_access.whanau_for_user(user).values("pk") if visible is None else visible
    return RestorativeProcess.objects.filter(Q(whanau__in=whanau) | Q(facilitator=user))


def harms_for_user(user: Any) -> QuerySet[Harm]:
    if not _active(user):
        return Harm.objects.none()
    visible = whanau_access.whanau_for_user(user).values("pk")
    facilitated = Exists(RestorativeProcess.objects.filter(harm=OuterRef("pk"), facilitator=user))
    return Harm.objects.filter(Q(whanau__in=visible) | facilitated)


def harms_in_whanau(request: HttpRequest, whanau: Whanau) -> QuerySet[Harm]:
    """One whānau's harms that the request's user may see: all of them when they may see the
    whānau (decided once for the request), none otherwise — a facilitator without it sees only
    their processes' harms, through `harms_for_user`. Here the same rows as
    `harms_for_user(user).filter(whanau_id=whanau.pk)` for someone who sees the whānau."""
    if not whanau_access.whanau_access(request, whanau).can_see:
        return harms_for_user(request.user).filter(whanau_id=whanau.pk)
    return Harm.objects.filter(whanau_id=whanau.pk)


def processes_in_whanau(request: HttpRequest, whanau: Whanau) -> QuerySet[RestorativeProcess]:
    """One whānau's processes that the request's user may see: all of them when they may see the
    whānau (decided once for the request), otherwise those `processes_for_user` gives them."""
    if not whanau_access.whanau_access(request, whanau).can_see:
        return processes_for_user(request.user).filter(whanau_id=whanau.pk)
    return RestorativeProcess.objects.filter(whanau_id=whanau.pk)


def _not_found() -> NotFound:
    from django.utils.translation import gettext as _

    return NotFound(_("That record was not found."))


def get_process_for_user(user: Any, pk: Any) -> RestorativeProcess:
    try:
        return (
            processes_for_user(user)
            .select_related("harm", "whanau", "facilitator", "referred_by")
            .get(pk=int(pk))
        )
    except (RestorativeProcess.DoesNotExist, TypeError, ValueError, OverflowError):
        raise _not_found() from None


def get_harm_for_user(user: Any, pk: Any) -> Harm:
    try:
        return harms_for_user(user).select_related("whanau", "recorded_by").get(pk=int(pk))
    except (Harm.DoesNotExist, TypeError, ValueError, OverflowError):
        raise _not_found() from None


def can_run_process(user: Any, process: RestorativeProcess) -> bool:
    """The process's own facilitator, while it is a facilitator account."""
    return (
        _active(user)
        and getattr(user, "role", None) == Role.FACILITATOR
        and process.facilitator_id == user.pk
    )


def reassignable_processes(user: Any) -> QuerySet[RestorativeProcess]:
    """Processes whose facilitator the user may change: administrators any (they allocate all
    work), supervisors those of their teams' whānau (as for allocations)."""
    if not _active(user):
        return RestorativeProcess.objects.none()
    if user.role == Role.ADMIN:
        return RestorativeProcess.objects.all()
    if user.role == Role.SUPERVISOR:
        return RestorativeProcess.objects.filter(whanau__team__in=user.teams.values("pk"))
    return RestorativeProcess.objects.none()


def can_reassign(user: Any, process: RestorativeProcess) -> bool:
    return not process.is_finished and reassignable_processes(user).filter(pk=process.pk).exists()


def can_record_harm(user: Any, whanau: Whanau) -> bool:
    return (
        _active(user)
        and getattr(user, "role", None) in whanau_access.CASE_WRITER_ROLES
        and whanau.archived_at is None
        and whanau_access.can_edit_whanau(user, whanau)
    )
