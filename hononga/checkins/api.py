"""/api/v1/check-ins and /api/v1/check-in-links, and the public endpoint behind a link."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.checkins import ratelimit, selectors, sending, services
from hononga.checkins.models import Channel, CheckIn, CheckInLink, Perspective
from hononga.checkins.schemas import (
    CheckInIn,
    CheckInLinkCreated,
    CheckInLinkIn,
    CheckInLinkOut,
    CheckInLinkSendIn,
    CheckInLinkSendOut,
    CheckInOut,
    LinkAnswerIn,
    LinkAnswerOut,
)
from hononga.core.api import ERRORS, READ_ERRORS, Id, Problem, problem
from hononga.core.errors import PracticeError
from hononga.core.pagination import Pagination
from hononga.relationships import access as relationship_access

router = Router(tags=["check-ins"])

ITEM_FIELDS = (
    "safety",
    "trust",
    "respect",
    "empathy",
    "honesty",
    "responsibility",
    "power_sharing",
    "heard",
)


def checkin_out(checkin: CheckIn, flags: tuple[str, ...]) -> dict[str, Any]:
    return {
        "id": checkin.pk,
        "relationship": checkin.relationship_id,
        "whanau": checkin.relationship.whanau_id,
        "rater": checkin.rater_id,
        "rater_name": checkin.rater.preferred_name,
        "perspective": checkin.perspective,
        "form": checkin.form,
        "channel": checkin.channel,
        "language": checkin.language,
        **{key: getattr(checkin, key) for key in ITEM_FIELDS},
        "comment": checkin.comment,
        "overall": checkin.overall,
        "score": float(checkin.score) if checkin.score is not None else None,
        "mean": checkin.mean,
        "previous_score": float(checkin.previous_score)
        if checkin.previous_score is not None
        else None,
        "previous_mean": checkin.previous_mean,
        "flags": list(flags),
        "answered_at": checkin.answered_at,
        "recorded_by": checkin.recorded_by.get_username() if checkin.recorded_by else None,
        "version": checkin.version,
    }


def link_out(link: CheckInLink) -> dict[str, Any]:
    return {
        "id": link.pk,
        "relationship": link.relationship_id,
        "rater": link.rater_id,
        "perspective": link.perspective,
        "form": link.form,
        "language": link.language,
        "created_at": link.created_at,
        "expires_at": link.expires_at,
        "used_at": link.used_at,
        "revoked_at": link.revoked_at,
        "state": link.state(),
    }


PAGE_PARAMS = {"page", "page_size"}


def _refuse_unknown_filters(request: HttpRequest, allowed: set[str]) -> None:
    """A misspelt filter would otherwise be ignored silently and return everything."""
    unknown = sorted(set(request.GET) - allowed - PAGE_PARAMS)
    if unknown:
        raise PracticeError(
            "Unknown filter: " + ", ".join(repr(name) for name in unknown),
            errors={name or "__all__": ["There is no such filter."] for name in unknown},
        )


class CheckInFilters(Schema):
    relationship: Id | None = None
    whanau: Id | None = None
    rater: Id | None = None
    since: str | None = Field(
        None,
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        description="Only check-ins answered on or after this date (YYYY-MM-DD, NZ time).",
        examples=["2026-01-31"],
    )
    until: str | None = Field(
        None,
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        description="Only check-ins answered on or before this date (YYYY-MM-DD, NZ time).",
        examples=["2026-12-31"],
    )
    perspective: Perspective | None = Field(
        None, description="self (the person's own), mirror (the practitioner's) or collateral."
    )
    channel: Channel | None = Field(None, description="in_session, link (one-time link) or phone.")
    flag: str | None = Field(
        None,
        description="Only check-ins that carry this flag: " + ", ".join(selectors.CHECKIN_FLAGS),
        json_schema_extra={"enum": list(selectors.CHECKIN_FLAGS)},
        examples=["low"],
    )


def _flag(value: str | None) -> str | None:
    if value is None or value in selectors.CHECKIN_FLAGS:
        return value
    message = "There is no such flag; use one of: " + ", ".join(selectors.CHECKIN_FLAGS) + "."
    raise PracticeError(message, errors={"flag": [message]})


def _day(value: str | None, field: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PracticeError(
            "There is no such date.", errors={field: ["There is no such date."]}
        ) from None


@router.get(
    "/check-ins",
    response={200: list[CheckInOut], **READ_ERRORS},
    url_name="checkin_list",
    summary="List check-ins you may see, newest first",
)
@paginate(Pagination)
def checkin_list(request: HttpRequest, filters: Query[CheckInFilters]) -> Any:
    _refuse_unknown_filters(
        request,
        {"relationship", "whanau", "rater", "since", "until", "perspective", "channel", "flag"},
    )
    flag = _flag(filters.flag)
    since = _day(filters.since, "since")
    until = _day(filters.until, "until")
    if since is not None and until is not None and until < since:
        raise PracticeError(
            "The end date is before the start date.",
            errors={"until": ["Give a date on or after 'since'."]},
        )
    record_event(
        actor=request.auth,  # type: ignore[attr-defined]
        action=Action.LIST,
        whanau_id=filters.whanau,
        summary="Listed check-ins (API)",
        data={"filters": filters.model_dump(mode="json", exclude_none=True)},
        request=request,
    )
    checkins = selectors.checkin_list(
        user=request.auth,  # type: ignore[attr-defined]
        relationship_id=filters.relationship,
        whanau_id=filters.whanau,
        rater_id=filters.rater,
        since=since,
        until=until,
        perspective=filters.perspective,
        channel=filters.channel,
        flag=flag,
    )
    return _Page(checkins, lambda c: checkin_out(c, selectors.flags_of(c)))


class _Page:
    """A queryset the paginator counts and slices, turning only the page into output."""

    def __init__(self, queryset: Any, convert: Callable[[Any], dict[str, Any]]) -> None:
        self.queryset = queryset
        self.convert = convert

    def count(self) -> int:
        return int(self.queryset.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        return [self.convert(row) for row in self.queryset[key]]


@router.post(
    "/check-ins",
    response={201: CheckInOut, **ERRORS},
    url_name="checkin_create",
    summary="Record a check-in answered in session or by phone, or your mirror",
)
def checkin_create(request: HttpRequest, payload: CheckInIn) -> Any:
    data = payload.dict()
    checkin = services.checkin_record(
        actor=request.auth,  # type: ignore[attr-defined]
        relationship_id=data["relationship"],
        rater_id=data["rater"],
        perspective=data["perspective"],
        form=data["form"],
        channel=data["channel"],
        items={key: data[key] for key in ITEM_FIELDS},
        comment=data["comment"],
        language=data["language"],
        answered_at=data["answered_at"],
        request=request,
        overall=data["overall"],
    )
    checkin = CheckIn.objects.select_related(
        "relationship", "rater", "recorded_by", "counterpart", "flagged_with__in_effect"
    ).get(pk=checkin.pk)
    return Status(201, checkin_out(checkin, selectors.flags_of(checkin)))


@router.get(
    "/check-ins/{checkin_id}",
    response={200: CheckInOut, **READ_ERRORS},
    url_name="checkin_detail",
)
def checkin_detail(request: HttpRequest, checkin_id: Id) -> Any:
    checkin = selectors.checkins_for_user(request.auth).filter(pk=checkin_id).first()  # type: ignore[attr-defined]
    if checkin is None:
        raise services.NotFound("Not found")
    record_event(
        actor=request.auth,  # type: ignore[attr-defined]
        action=Action.VIEW,
        target=checkin,
        whanau_id=checkin.relationship.whanau_id,
        summary=f"Viewed check-in {checkin.pk} (API)",
        request=request,
    )
    return checkin_out(checkin, selectors.flags_of(checkin))


@router.get(
    "/check-in-links",
    response={200: list[CheckInLinkOut], **READ_ERRORS},
    url_name="checkin_link_list",
    summary="Links for the relationships you may see, newest first",
)
@paginate(Pagination)
def link_list(request: HttpRequest, relationship: Id | None = None) -> Any:
    _refuse_unknown_filters(request, {"relationship"})
    links = CheckInLink.objects.filter(
        relationship__in=relationship_access.relationships_for_user(request.auth).values("pk")  # type: ignore[attr-defined]
    ).order_by("-created_at", "-id")
    if relationship is not None:
        links = links.filter(relationship_id=relationship)
    record_event(
        actor=request.auth,  # type: ignore[attr-defined]
        action=Action.LIST,
        summary="Listed check-in links (API)",
        data={"filters": {"relationship": relationship} if relationship else {}},
        request=request,
    )
    return _Page(links, link_out)


@router.post(
    "/check-in-links",
    response={201: CheckInLinkCreated, **ERRORS},
    url_name="checkin_link_create",
    summary="Make a one-time link (needs the person's consent for check-in contact)",
)
def link_create(request: HttpRequest, payload: CheckInLinkIn) -> Any:
    link, raw = services.link_create(
        actor=request.auth,  # type: ignore[attr-defined]
        relationship_id=payload.relationship,
        rater_id=payload.rater,
        perspective=payload.perspective,
        form=payload.form,
        language=payload.language,
        expires_in_days=payload.expires_in_days,
        request=request,
    )
    url = request.build_absolute_uri(reverse("checkins:answer", args=[raw]))
    return Status(201, {**link_out(link), "token": raw, "url": url})


@router.post(
    "/check-in-links/{link_id}/revoke",
    response={200: CheckInLinkOut, **ERRORS},
    url_name="checkin_link_revoke",
    summary="Revoke a link so that it no longer works",
)
def link_revoke(request: HttpRequest, link_id: Id) -> Any:
    link = services.link_revoke(actor=request.auth, link_id=link_id, request=request)  # type: ignore[attr-defined]
    return link_out(link)


@router.post(
    "/check-in-links/{link_id}/send",
    response={202: CheckInLinkSendOut, 429: Problem, **ERRORS},
    url_name="checkin_link_send",
    summary="Send the link by text message or email (a new token; the earlier one stops working)",
    description="Queued for the worker, never sent inside the request: the answer is 202 with "
    "the message's status (`queued`); read it again from `GET /check-in-links/{id}/sends`. "
    "Refused with 422 without the person's consent for check-ins and for the channel, or "
    "without a valid mobile number or address; 429 past the limits (3 sends of one link and 5 "
    "links to one person a day, 60 sends by one user an hour).",
)
def link_send(request: HttpRequest, link_id: Id, payload: CheckInLinkSendIn) -> Any:
    send = sending.link_send(
        actor=request.auth,  # type: ignore[attr-defined]
        link_id=link_id,
        channel=payload.channel,
        request=request,
    )
    return Status(202, send_out(send))


@router.get(
    "/check-in-links/{link_id}/sends",
    response={200: list[CheckInLinkSendOut], **READ_ERRORS},
    url_name="checkin_link_sends",
    summary="Each time the link was sent, newest first, with its delivery status",
)
@paginate(Pagination)
def link_send_list(request: HttpRequest, link_id: Id) -> Any:
    link = (
        CheckInLink.objects.filter(
            pk=link_id,
            relationship__in=relationship_access.relationships_for_user(request.auth).values("pk"),  # type: ignore[attr-defined]
        )
        .select_related("relationship")
        .first()
    )
    if link is None:
        raise services.NotFound("Not found")
    record_event(
        actor=request.auth,  # type: ignore[attr-defined]
        action=Action.VIEW,
        target=link,
        whanau_id=link.relationship.whanau_id,
        summary=f"Viewed the sends of check-in link {link.pk} (API)",
        request=request,
    )
    return _Page(
        link.sends.select_related("message", "sent_by").order_by("-created_at", "-id"), send_out
    )


def send_out(send: Any) -> dict[str, Any]:
    return {
        "id": send.pk,
        "link": send.link_id,
        "channel": send.channel,
        "message": send.message_id,
        "status": send.message.status,
        "reason": send.message.last_error if send.message.status == "failed" else "",
        "sent_by": send.sent_by.get_username(),
        "created_at": send.created_at,
    }


@router.post(
    "/check-in-links/answer",
    auth=None,
    response={
        201: LinkAnswerOut,
        400: Problem,
        404: Problem,
        410: Problem,
        413: Problem,
        422: Problem,
        429: Problem,
    },
    url_name="checkin_link_answer",
    summary="Answer through a one-time link (no login; rate-limited)",
    description="The body carries the link's token. Nothing about the whānau is returned, and "
    "a used, expired, revoked or unknown link gets the same kind of answer as on the page.",
)
def link_answer(request: HttpRequest, payload: LinkAnswerIn) -> Any:
    if not ratelimit.allow_public_post(request):
        response: HttpResponse = problem(
            request,
            429,
            "Too many tries",
            "There have been too many tries from this address. Try again in a few minutes.",
        )
        response["Retry-After"] = str(ratelimit.WINDOW_SECONDS)
        return response
    data = payload.dict()
    checkin = services.link_answer(
        raw_token=data["token"],
        items={key: data[key] for key in ITEM_FIELDS},
        comment=data["comment"],
        request=request,
        overall=data["overall"],
    )
    return Status(201, {"received": True, "answered_at": checkin.answered_at})
