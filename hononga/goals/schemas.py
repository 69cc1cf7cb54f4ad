from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, StrictInt
from pydantic_core import PydanticCustomError

from hononga.core.api import CLEAN_TEXT, BodyId, Day, Forbid, Version, optional, text


def _wording_given(value: Any) -> Any:
    # Empty wording gets the same words as on the pages, in the request's language
    # (Accept-Language), not pydantic's "String should have at least 1 character".
    if isinstance(value, str) and not value.strip():
        from hononga.goals.services import EMPTY_WORDING

        raise PydanticCustomError("empty_wording", str(EMPTY_WORDING))
    return value


Wording = Annotated[
    str,
    BeforeValidator(_wording_given),
    text(500, required=True),
    CLEAN_TEXT,
    Field(examples=["Get my licence so I can drive the kids to kura."]),
]
Why = Annotated[str, text(2000), CLEAN_TEXT, Field(examples=["So we are not late every day."])]
Rating = Annotated[StrictInt, Field(ge=0, le=10, description="A whole number from 0 to 10.")]


class GoalIn(Forbid):
    whanau: BodyId
    holder: BodyId | None = Field(
        None, description="The person who holds the goal; leave out for the whānau together."
    )
    wording: Wording
    why: Why = ""
    target_date: Day | None = None
    concerns_people: list[BodyId] = Field(default_factory=list, max_length=50)
    concerns_relationships: list[BodyId] = Field(default_factory=list, max_length=50)


class GoalPatch(Forbid):
    version: Version
    why: Why | None = optional()
    target_date: Day | None = optional()
    concerns_people: list[BodyId] | None = optional()
    concerns_relationships: list[BodyId] | None = optional()
    status: Literal["met", "set_aside"] | None = optional()
    status_reason: Why | None = optional()


class GoalChangeIn(Forbid):
    version: Version
    wording: Wording


class GoalOut(Schema):
    id: int
    whanau: int
    holder: int | None = Field(description="Empty when the whānau holds the goal together.")
    holder_name: str | None
    wording: str
    why: str
    set_on: date
    target_date: date | None
    status: str
    status_reason: str
    closed_on: date | None
    replaces: int | None
    concerns_people: list[int]
    concerns_relationships: list[int]
    baseline_rating: int | None
    latest_rating: int | None
    latest_rated_at: datetime | None
    rating_count: int
    flags: list[str] = Field(description="reliable_rise, reliable_drop, rating_due.")
    version: int


class GoalRatingIn(Forbid):
    value: Rating
    rated_by: BodyId | None = Field(
        None, description="The goal's holder (leave out for a goal the whānau holds together)."
    )


class GoalRatingOut(Schema):
    id: int
    goal: int
    value: int
    rated_by: int | None
    channel: str
    rated_at: datetime
    is_baseline: bool


class GoalStepIn(Forbid):
    what: Annotated[str, text(300, required=True), CLEAN_TEXT, Field(examples=["Book the test"])]
    who: Annotated[str, text(200, required=True), CLEAN_TEXT, Field(examples=["Mere"])]
    by_when: Day | None = None


class GoalStepPatch(Forbid):
    version: Version
    done: bool
    done_on: Day | None = None


class GoalStepOut(Schema):
    id: int
    goal: int
    what: str
    who: str
    by_when: date | None
    done_on: date | None
    version: int


class GoalLinkIn(Forbid):
    whanau: BodyId
    rater: BodyId = Field(description="The whānau member who rates their goals.")
    goals: list[BodyId] | None = Field(
        None,
        max_length=50,
        description="Which of their goals (theirs, or the whānau's together); leave out for all.",
    )
    form: Literal["adult", "child"] = "adult"
    language: Literal["en", "mi"] = "en"
    checkin_relationship: BodyId | None = Field(
        None,
        description="Their relationship with a practitioner: the same link asks the check-in "
        "on it first.",
    )
    expires_in_days: Annotated[int, Field(ge=1, le=60)] | None = Field(
        None, description="Default: the agency's setting (14 days)."
    )
    send_by: Literal["text", "email"] | None = Field(
        None,
        description="Hononga sends it by text message or email (with the person's consent for "
        "the channel); the token is then made by the sending task and not returned. Leave out "
        "to get the link to copy.",
    )


class GoalLinkOut(Schema):
    id: int
    whanau: int
    rater: int
    goals: list[int]
    form: str
    language: str
    checkin_link: int | None = Field(description="The check-in the same link asks first.")
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None
    state: Literal["open", "used", "revoked", "expired", "closed"]


class GoalLinkCreated(GoalLinkOut):
    token: str = Field(description="Shown once, never stored; empty when Hononga sends it.")
    url: str = Field(description="The address to send; empty when Hononga sends it.")
    send: int | None = Field(None, description="The send queued with `send_by`.")


class GoalLinkSendIn(Forbid):
    channel: Literal["text", "email"] = Field(
        description="Text message to the person's mobile, or email to their address; each "
        "needs their consent for that channel (and for check-ins)."
    )


class GoalLinkSendOut(Schema):
    id: int = Field(description="This send.")
    link: int
    channel: Literal["text", "email"]
    message: int
    status: Literal["queued", "sent", "delivered", "failed"] = Field(
        description="The message's delivery status: queued until the worker sends it."
    )
    reason: str = Field(description="Why it failed, when it did.")
    sent_by: str
    created_at: datetime
