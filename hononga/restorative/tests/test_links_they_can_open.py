"""Never show a link the user cannot open: a name the viewer may not open is plain text."""

from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hononga.conftest import client_for
from hononga.contacts.tests.factories import make_contact
from hononga.whanau.models import Membership


def test_a_facilitator_sees_the_whanau_name_on_a_harm_page_as_plain_text(
    facilitator_client: Client, practitioner_client: Client, process: Any, whanau: Any
) -> None:
    whanau_url = reverse("whanau:detail", args=[whanau.pk])
    harm_url = reverse("restorative:harm", args=[process.harm_id])
    page = facilitator_client.get(harm_url)
    html = page.content.decode()
    assert page.status_code == 200 and "Kōwhai whānau" in html
    assert whanau_url not in html  # the facilitator would get "not found" there
    assert facilitator_client.get(whanau_url).status_code == 404
    # The practitioner allocated to the whānau gets the link, and it opens.
    own = practitioner_client.get(harm_url).content.decode()
    assert f'<a href="{whanau_url}">Kōwhai whānau</a>' in own
    assert practitioner_client.get(whanau_url).status_code == 200
    # The page's title is the title (no markup in it).
    title = html[html.index("<title>") : html.index("</title>")]
    assert "<details" not in title and "Harm — Kōwhai whānau" in title


def test_someone_who_has_left_the_whanau_is_named_without_a_link_on_a_contact(
    practitioner: Any, whanau: Any, person: Any, aunt: Any
) -> None:
    contact = make_contact(whanau=whanau, practitioner=practitioner, participants=[person, aunt])
    Membership.objects.filter(person=aunt).update(archived_at=timezone.now())
    client = client_for(practitioner)
    html = client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    aunt_url = reverse("whanau:person", args=[aunt.pk])
    assert "Hine Kōwhai" in html and aunt_url not in html
    assert client.get(aunt_url).status_code == 404
    mere_url = reverse("whanau:person", args=[person.pk])
    assert f'<a href="{mere_url}">Mere Kōwhai</a>' in html
