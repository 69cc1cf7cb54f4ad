"""My week: what is due for the signed-in user, by day; and the private calendar feed."""

from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.checkins import ratelimit
from hononga.core.request import AuthedRequest
from hononga.diary import ics, selectors, services
from hononga.diary.models import DiaryFeed

FEED_PAST = timedelta(days=7)
FEED_AHEAD = timedelta(days=54)  # with FEED_PAST, within selectors.MAX_DAYS


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _week_start(request: AuthedRequest, today: date) -> date:
    raw = request.GET.get("week", "")
    if not raw:
        return _monday(today)
    try:
        return _monday(date.fromisoformat(raw))
    except ValueError:
        raise Http404 from None


def _page(request: AuthedRequest, *, feed_url: str = "") -> HttpResponse:
    today = timezone.localdate()
    start = _week_start(request, today)
    end = start + timedelta(days=6)
    items = selectors.diary_items(request.user, start, end, today=today)
    days = [
        {
            "day": start + timedelta(days=n),
            "is_today": start + timedelta(days=n) == today,
            "items": [i for i in items if i.day == start + timedelta(days=n)],
        }
        for n in range(7)
    ]
    record_event(
        actor=request.user,
        action=Action.LIST,
        summary="Viewed their week",
        data={"from": start.isoformat(), "to": end.isoformat(), "items": len(items)},
        request=request,
    )
    response = render(
        request,
        "diary/week.html",
        {
            "days": days,
            "count": len(items),
            "start": start,
            "end": end,
            "previous": start - timedelta(days=7),
            "next": start + timedelta(days=7),
            "this_week": start == _monday(today),
            "feed": DiaryFeed.objects.filter(user=request.user, revoked_at__isnull=True).first(),
            "feed_url": feed_url,
            "labels": selectors.KIND_LABELS,
        },
    )
    if feed_url:
        response["Cache-Control"] = "no-store"
    return response


@login_required
def week_view(request: AuthedRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def feed_create_view(request: AuthedRequest) -> HttpResponse:
    _feed, raw = services.feed_create(user=request.user, request=request)
    url = request.build_absolute_uri(reverse("diary:feed", args=[raw]))
    return _page(request, feed_url=url)


@login_required
@require_POST
def feed_revoke_view(request: AuthedRequest) -> HttpResponse:
    if services.feed_revoke(user=request.user, request=request):
        messages.success(request, _("Your calendar feed is turned off; the link no longer works."))
    return redirect("diary:week")


def feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """The .ics feed: no login (calendar apps cannot sign in); the token is the key."""
    if not ratelimit.allow_public_view(request):
        return HttpResponse("Too many requests.", status=429, content_type="text/plain")
    feed = services.feed_for_token(token)
    if feed is None:
        return HttpResponse(
            "This calendar link does not work: it was turned off, or never existed.",
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    today = timezone.localdate()
    items = selectors.diary_items(feed.user, today - FEED_PAST, today + FEED_AHEAD, today=today)
    record_event(
        actor=feed.user,
        action=Action.EXPORT,
        target=feed,
        summary="Their calendar feed was read",
        data={"items": len(items)},
        request=request,
    )
    DiaryFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    body = ics.calendar(items, site_url=settings.SITE_URL, name="Hononga")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="hononga.ics"'
    return response
