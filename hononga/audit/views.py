from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hononga.audit.models import AuditEvent
from hononga.core.decorators import role_required


@role_required("admin", "supervisor")
def audit_list(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.order_by("-id")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"page_obj": page})
