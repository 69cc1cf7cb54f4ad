"""The audit page: filters, pagination, CSV export (itself audited), chain status."""

import csv
from collections.abc import Iterator
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from hononga.accounts.models import Role
from hononga.audit.forms import AuditFilterForm
from hononga.audit.models import Action
from hononga.audit.redaction import REDACTED, is_case_content, redact_events, redacts_for
from hononga.audit.selectors import chain_status, events_for_user, filter_events
from hononga.audit.services import record_event
from hononga.audit.verify import audit_verify
from hononga.core.decorators import role_required
from hononga.core.request import AuthedRequest
from hononga.core.text import spreadsheet_safe

PAGE_SIZE = 50
# Up to this many events, the chain is checked each time an administrator opens the page.
AUTO_VERIFY_LIMIT = 20_000
CSV_COLUMNS = [
    "id",
    "at",
    "actor_username",
    "action",
    "target_type",
    "target_id",
    "whanau_id",
    "summary",
    "reason",
    "ip_address",
    "seal",
    "key_id",
    "digest",
    "link",
    "redacted_at",
    "redaction_rule",
]


def _query_without_page(request: AuthedRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("verify", None)
    encoded = query.urlencode()
    return f"{encoded}&" if encoded else ""


@role_required(Role.ADMIN, Role.SUPERVISOR)
def audit_list(request: AuthedRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filtered = bool(
        form.is_bound and any(v for k, v in request.GET.items() if k not in {"page", "verify"})
    )
    events = events_for_user(request.user)
    status = 200
    if form.is_bound and not form.is_valid():
        events = events.none()
        status = 400
    elif form.is_bound:
        events = filter_events(events, form.cleaned_data)
    else:
        events = events.order_by("-id")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    redact_events(request.user, page.object_list)
    context: dict[str, Any] = {
        "form": form,
        "page_obj": page,
        "filtered": filtered,
        "querystring_without_page": _query_without_page(request),
        "action_labels": dict(Action.choices),
    }
    if request.user.role == Role.ADMIN:
        # Sealed and waiting events, the newest checkpoint; the whole chain, read page by page
        # (never the whole table in memory), on every visit while the trail is small and on a
        # long trail when the administrator asks.
        chain = chain_status()
        context["chain"] = chain
        if chain.total <= AUTO_VERIFY_LIMIT or request.GET.get("verify") == "1":
            context["verify"] = audit_verify()
        else:
            context["verify_offer"] = chain.total
    return render(request, "audit/list.html", context, status=status)


class _Echo:
    def write(self, value: str) -> str:
        return value


@role_required(Role.ADMIN, Role.SUPERVISOR)
def audit_export(request: AuthedRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(
            request,
            "audit/list.html",
            {"form": form, "page_obj": None, "filtered": True, "export_refused": True},
            status=400,
        )
    filters = form.cleaned_data if form.is_bound else {}
    events = filter_events(events_for_user(request.user), filters)
    # The export itself is an audited event, recorded before any row leaves.
    record_event(
        actor=request.user,
        action=Action.EXPORT,
        summary="Exported the audit trail as CSV",
        data={"filters": {k: str(v) for k, v in filters.items() if v}},
        request=request,
    )
    writer = csv.writer(_Echo())
    hide = redacts_for(request.user)
    summary, reason = CSV_COLUMNS.index("summary"), CSV_COLUMNS.index("reason")
    whanau, target = CSV_COLUMNS.index("whanau_id"), CSV_COLUMNS.index("target_type")

    def rows() -> Iterator[str]:
        yield writer.writerow(CSV_COLUMNS)
        for event in events.values_list(*CSV_COLUMNS).iterator(chunk_size=2000):
            row = list(event)
            row[1] = timezone.localtime(row[1]).isoformat()
            if hide and is_case_content(row[whanau], row[target]):
                row[summary], row[reason] = str(REDACTED), ""
            yield writer.writerow([spreadsheet_safe(v) for v in row])

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hononga-audit-{stamp}.csv"'
    # A streamed response; role_required's typing only knows HttpResponse.
    return response  # type: ignore[return-value]
