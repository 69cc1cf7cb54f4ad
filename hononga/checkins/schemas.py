from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, StrictInt

from hononga.core.api import Forbid, Id, text_field

Answer = Annotated[StrictInt, Field(ge=0, le=10)] | None


def _text_only(value: object) -> object:
    # JSON numbers would otherwise be read as seconds since 1970.
    if not isinstance(value, str):
        raise ValueError("Give the date and time as text, e.g. 2026-03-01T14:30:00+13:00.")
    return value


Moment = Annotated[datetime, BeforeValidator(_text_only)]
Comment = text_field(5000, examples=["More time to talk before decisions are made."])


class Answers(Schema):
    """The eight answers, each a whole number 0–10 or null (skipped). At least 6 answered."""

    safety: Answer = None
    trust: Answer = None
    respect: Answer = None
    empathy: Answer = None
    honesty: Answer = None
    responsibility: Answer = None
    power_sharing: Answer = None
    heard: Answer = None
    comment: Comment = ""  # type: ignore[valid-type]
    overall: Answer = Field(
        None,
        description="“How are things for you and your whānau?” 0–10, not part of the score "
        "(an outcome every whānau has); null to skip. Not asked on the mirror.",
    )


class CheckInIn(Answers):
    relationship: Id
    rater: Id = Field(description="The person answering (the practitioner for a mirror).")
    perspective: Literal["self", "mirror", "collateral"]
    form: Literal["adult", "child", "mirror"]
    channel: Literal["in_session", "phone"] = Field(
        description="Answered now on this device, or entered by the practitioner from a call. "
        "Links are answered through the public endpoint."
    )
    language: Literal["en", "mi"] = "en"
    answered_at: Moment | None = Field(
        None, description="When it was answered (for a phone call earlier today); default now."
    )


class CheckInOut(Schema):
    id: int
    relationship: int
    whanau: int
    rater: int
    rater_name: str
    perspective: str
    form: str
    channel: str
    language: str
    safety: int | None
    trust: int | None
    respect: int | None
    empathy: int | None
    honesty: int | None
    responsibility: int | None
    power_sharing: int | None
    heard: int | None
    comment: str
    overall: int | None = Field(description="“How are things for you and your whānau?” 0–10.")
    score: float | None = Field(description="Mean of the answered items, one decimal.")
    mean: float | None = Field(
        description="Mean of the answered items, unrounded: what the flags are computed from."
    )
    previous_score: float | None = Field(
        description="The score of the same rater's previous check-in on this relationship."
    )
    previous_mean: float | None = Field(
        description="The unrounded mean of the same rater's previous check-in."
    )
    flags: list[str] = Field(
        description="low, reliable_drop, reliable_rise, dropped, perception_gap; most urgent first."
    )
    answered_at: datetime
    recorded_by: str | None
    version: int


class CheckInLinkIn(Schema):
    relationship: Id
    rater: Id = Field(description="The whānau member (or someone else who knows them).")
    perspective: Literal["self", "collateral"] = "self"
    form: Literal["adult", "child"] = "adult"
    language: Literal["en", "mi"] = "en"
    expires_in_days: Annotated[int, Field(ge=1, le=60)] | None = Field(
        None, description="Default: the agency's setting (14 days)."
    )


class CheckInLinkOut(Schema):
    id: int
    relationship: int
    rater: int
    perspective: str
    form: str
    language: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None
    state: Literal["open", "used", "revoked", "expired"]


class CheckInLinkCreated(CheckInLinkOut):
    token: str = Field(description="Shown once; only its hash is stored.")
    url: str = Field(description="The page to send to the person. Shown once.")


class CheckInLinkSendIn(Forbid):
    channel: Literal["text", "email"] = Field(
        description="Text message to the person's mobile, or email to their address; each "
        "needs their consent for that channel (and for check-ins)."
    )


class CheckInLinkSendOut(Schema):
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


class LinkAnswerIn(Answers):
    token: Annotated[
        str,
        Field(
            min_length=1,
            max_length=100,
            pattern=r"^[A-Za-z0-9_-]+$",
            description="The token from the link (after /c/).",
        ),
    ]


class LinkAnswerOut(Schema):
    received: bool
    answered_at: datetime
