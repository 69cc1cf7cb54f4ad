"""Pages for whānau and people. Thin: parse input, call a service or selector, render."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render

from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.request import AuthedRequest
from hononga.whanau import access, selectors

PAGE_SIZE = 25


@login_required
def whanau_list_view(request: AuthedRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    whanau = selectors.whanau_list(user=request.user, query=query)
    page = Paginator(whanau, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "whanau/list.html", {"page_obj": page, "q": query})


@login_required
def whanau_create_view(request: AuthedRequest) -> HttpResponse:
    return redirect("whanau:list")


@login_required
def whanau_detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    whanau = access.get_whanau_for_user(request.user, pk)
    record_event(
        actor=request.user,
        action=Action.VIEW,
        target=whanau,
        whanau_id=whanau.pk,
        summary=f"Viewed whānau {whanau.name}",
        request=request,
    )
    return render(request, "whanau/detail.html", {"whanau": whanau})


@login_required
def people_list_view(request: AuthedRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    people = selectors.people_list(user=request.user, query=query)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "whanau/people.html", {"page_obj": page, "q": query})


@login_required
def person_detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    person = access.get_person_for_user(request.user, pk)
    return render(request, "whanau/person.html", {"person": person})


@login_required
def break_glass_view(request: AuthedRequest) -> HttpResponse:
    return render(request, "whanau/break_glass.html", {})
