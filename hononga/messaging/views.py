"""The outbox (administrators): every message Hononga queued, and what became of it; and the
status callback where a text gateway reports delivery."""

import json
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hononga.accounts.models import Role
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.decorators import role_required
from hononga.core.errors import PracticeError
from hononga.core.request import AuthedRequest
from hononga.messaging.forms import OutboxFilterForm, TestMessageForm
from hononga.messaging.models import Message, MessageStatus
from hononga.messaging.selectors import outbox_messages
from hononga.messaging.services import message_send
from hononga.messaging.transports import callback_signature

PAGE_SIZE = 50


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    encoded = query.urlencode()
    return f"{encoded}&" if encoded else ""


@role_required(Role.ADMIN)
def outbox(request: AuthedRequest) -> HttpResponse:
    form = OutboxFilterForm(request.GET or None)
    status = 200
    filters: dict[str, Any] = {}
    if form.is_bound:
        if form.is_valid():
            filters = form.cleaned_data
        else:
            status = 400
    messages = outbox_messages(filters) if status == 200 else Message.objects.none()
    page = Paginator(messages, PAGE_SIZE).get_page(request.GET.get("page"))
    record_event(
        actor=request.user,
        action=Action.LIST,
        summary="Listed the outbox",
        data={"page": page.number, **{k: v for k, v in filters.items() if v}},
        request=request,
    )
    context = {
        "form": form,
        "page_obj": page,
        "filtered": any(filters.values()),
        "querystring_without_page": _query_without_page(request),
        "test_form": TestMessageForm(),
        "show_secrets": settings.MESSAGES_SHOW_SECRETS,
    }
    return render(request, "messaging/outbox.html", context, status=status)


@role_required(Role.ADMIN)
def outbox_message(request: AuthedRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message.objects.select_related("person", "requested_by"), pk=pk)
    record_event(
        actor=request.user,
        action=Action.VIEW,
        target=message,
        summary=f"Viewed a {message.get_channel_display().lower()} in the outbox",
        request=request,
    )
    return render(
        request,
        "messaging/message.html",
        {"item": message, "show_secrets": settings.MESSAGES_SHOW_SECRETS},
    )


@role_required(Role.ADMIN)
def outbox_message_html(request: AuthedRequest, pk: int) -> HttpResponse:
    """The HTML body on its own, sandboxed: no script, no outside requests, no cookies."""
    message = get_object_or_404(Message, pk=pk)
    if not message.body_html:
        raise Http404
    record_event(
        actor=request.user,
        action=Action.VIEW,
        target=message,
        summary="Viewed the HTML of a message in the outbox",
        request=request,
    )
    response = HttpResponse(message.body_html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    )
    response["Referrer-Policy"] = "no-referrer"
    return response


@role_required(Role.ADMIN)
@require_POST
def outbox_test(request: AuthedRequest) -> HttpResponse:
    """Send a test message, to check the mail server or the text gateway is set up."""
    form = TestMessageForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                message = message_send(
                    channel=form.cleaned_data["channel"],
                    to=form.cleaned_data["to"],
                    purpose="test",
                    template="test",
                    context={"sender": request.user.display_name},
                    idempotency_key=f"test:{uuid.uuid4()}",
                    requested_by=request.user,
                )
                record_event(
                    actor=request.user,
                    action=Action.CREATE,
                    target=message,
                    summary="Sent a test message",
                    request=request,
                )
        except PracticeError as error:
            for field, errors in error.errors.items():
                for text in errors:
                    form.add_error(field if field in form.fields else None, text)
        else:
            flash.success(request, _("Test message queued. It appears below once sent."))
            return redirect("messaging:outbox")
    page = Paginator(outbox_messages({}), PAGE_SIZE).get_page(1)
    context = {
        "form": OutboxFilterForm(),
        "page_obj": page,
        "filtered": False,
        "querystring_without_page": "",
        "test_form": form,
        "show_secrets": settings.MESSAGES_SHOW_SECRETS,
    }
    return render(request, "messaging/outbox.html", context, status=400)


def _problem(status: int, title: str, detail: str) -> JsonResponse:
    return JsonResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail},
        status=status,
        content_type="application/problem+json",
    )


REPORTED = {
    "delivered": MessageStatus.DELIVERED,
    "failed": MessageStatus.FAILED,
    "undelivered": MessageStatus.FAILED,
}


@csrf_exempt  # called by the gateway, authenticated by its signature instead
@require_POST
def text_status(request: HttpRequest) -> HttpResponse:
    """A delivery report: {"reference": "<delivery key>" or "id": "<provider id>",
    "status": "delivered" | "failed" | "undelivered", "reason": "..."}, signed with
    `X-Hononga-Signature: sha256=<HMAC-SHA256 of the body with TEXT_GATEWAY_CALLBACK_SECRET>`."""
    secret = settings.TEXT_GATEWAY_CALLBACK_SECRET
    if not secret:
        raise Http404
    body = request.body
    given = request.headers.get("X-Hononga-Signature", "")
    if not constant_time_compare(given, callback_signature(body, secret)):
        return _problem(403, "Bad signature", "The report is not signed with our shared secret.")
    try:
        report = json.loads(body)
        if not isinstance(report, dict):
            raise ValueError
    except ValueError:
        return _problem(400, "Not JSON", "Send a JSON object.")
    status = REPORTED.get(str(report.get("status", "")).lower())
    if status is None:
        return _problem(422, "Unknown status", "status must be delivered, failed or undelivered.")
    reference, provider_id = str(report.get("reference", "")), str(report.get("id", ""))
    messages = Message.objects.none()
    if reference:
        try:
            messages = Message.objects.filter(delivery_key=uuid.UUID(reference))
        except ValueError:
            return _problem(422, "Bad reference", "reference must be the key we sent.")
    elif provider_id:
        messages = Message.objects.filter(provider_id=provider_id[:100])
    now = timezone.now()
    if status == MessageStatus.DELIVERED:
        updated = messages.exclude(status=MessageStatus.FAILED).update(
            status=status, delivered_at=now
        )
    else:
        reason = str(report.get("reason", ""))[:500] or _("The gateway could not deliver it.")
        updated = messages.update(status=status, failed_at=now, last_error=reason)
    if not updated and not messages.exists():
        return _problem(404, "No such message", "No message has that reference or id.")
    return HttpResponse(status=204)
