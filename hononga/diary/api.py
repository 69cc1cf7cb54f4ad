"""/api/v1/diary?from=&to=: what is due for you, by day (the same items as My week)."""

from datetime import date, timedelta
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate

from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.api import READ_ERRORS, Day
from hononga.core.pagination import Pagination
from hononga.diary import selectors

router = Router(tags=["diary"])


class DiaryFilters(Schema):
    from_: Day | None = Field(None, alias="from", description="First day (default: today).")
    to: Day | None = Field(
        None, description=f"Last day (default: 6 days after `from`; at most {selectors.MAX_DAYS})."
    )


class DiaryItemOut(Schema):
    day: date
    kind: Literal[
        "follow_up",
        "agreement_item",
        "plan_review",
        "checkin_due",
        "conference",
        "goal_rating_due",
    ]
    title: str
    whanau: str
    url: str = Field(description="The page it is about.")
    overdue: bool = Field(description="Due before today (overdue items are given on today).")


@router.get(
    "/diary",
    response={200: list[DiaryItemOut], **READ_ERRORS},
    url_name="diary",
    summary="What is due for you from `from` to `to`, by day",
)
@paginate(Pagination)
def diary(request: HttpRequest, filters: Query[DiaryFilters]) -> Any:
    unknown = sorted(set(request.GET) - {"from", "to", "page", "page_size"})
    if unknown:  # a misspelt filter would otherwise be ignored
        raise NinjaValidationError(
            [{"loc": ("query", name), "msg": "Unknown query parameter"} for name in unknown]
        )
    today = timezone.localdate()
    start = filters.from_ or today
    end = filters.to or start + timedelta(days=6)
    if end < start or (end - start).days > selectors.MAX_DAYS:
        raise NinjaValidationError(
            [
                {
                    "loc": ("query", "to"),
                    "msg": f"`to` must be on or after `from`, and at most "
                    f"{selectors.MAX_DAYS} days after it.",
                }
            ]
        )
    user = request.auth  # type: ignore[attr-defined]
    items = selectors.diary_items(user, start, end, today=today)
    record_event(
        actor=user,
        action=Action.LIST,
        summary="Listed their diary (API)",
        data={"from": start.isoformat(), "to": end.isoformat()},
        request=request,
    )
    return [item.__dict__ for item in items]
