"""/api/v1/notifications: your own notifications (list, mark read). Nobody sees another's."""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from hononga.accounts.models import User
from hononga.core.api import ERRORS, READ_ERRORS, Id, reject_unknown_query
from hononga.core.pagination import Pagination
from hononga.notifications import selectors, services
from hononga.notifications.models import Notification

router = Router(tags=["notifications"])

KindName = Literal[
    "checkin_answered",
    "relationship_flagged",
    "agreement_item_due",
    "follow_up_due",
    "plan_review_due",
    "process_waiting",
    "process_moved",
    "break_glass",
    "advisory",
]


class NotificationOut(Schema):
    id: int
    kind: KindName = Field(description="What it is about (see the kinds in the description).")
    text: str = Field(description="A neutral sentence (English); never names or case detail.")
    url: str = Field(description="The page it is about (opening it checks access).")
    created_at: datetime
    read_at: datetime | None


class NotificationFilters(Schema):
    unread: bool | None = Field(None, description="true: only unread ones.")


class MarkedOut(Schema):
    marked: int = Field(description="How many were unread and are now read.")


class UnreadOut(Schema):
    unread: int = Field(
        description=f"Unread notifications, counted up to {selectors.COUNT_CAP + 1}."
    )


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def notification_out(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "text": notification.text,
        "url": notification.url,
        "created_at": notification.created_at,
        "read_at": notification.read_at,
    }


@router.get(
    "/notifications",
    response={200: list[NotificationOut], **READ_ERRORS},
    url_name="notification_list",
    summary="Your notifications, newest first",
)
@paginate(Pagination)
def notification_list(request: HttpRequest, filters: Query[NotificationFilters]) -> Any:
    reject_unknown_query(request, NotificationFilters)
    return selectors.notification_list(_user(request), unread_only=bool(filters.unread))


@router.get(
    "/notifications/unread-count",
    response={200: UnreadOut, **READ_ERRORS},
    url_name="notification_unread_count",
    summary="How many of your notifications are unread (the bell)",
)
def notification_unread_count(request: HttpRequest) -> Any:
    return {"unread": selectors.unread_count(_user(request))}


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, **ERRORS},
    url_name="notification_read",
    summary="Mark one of your notifications as read (again is harmless)",
)
def notification_read(request: HttpRequest, notification_id: Id) -> Any:
    notification = services.notification_mark_read(
        user=_user(request),
        notification_id=notification_id,
    )
    return notification_out(notification)


@router.post(
    "/notifications/read-all",
    response={200: MarkedOut, **ERRORS},
    url_name="notification_read_all",
    summary="Mark all your notifications as read",
)
def notification_read_all(request: HttpRequest) -> Any:
    return {"marked": services.notification_mark_all_read(user=_user(request))}
