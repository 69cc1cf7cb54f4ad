"""The date a conference is planned for: set where the conference is prepared (the process page
and the API), validated, audited, shown, and in the facilitator's diary."""

import json
from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hononga.accounts.models import User
from hononga.audit.models import AuditEvent
from hononga.conftest import bearer
from hononga.core.errors import PracticeError
from hononga.restorative import services
from hononga.restorative.models import RestorativeProcess, State
from hononga.restorative.tests.conftest import walk_to


def _put(user: User, process: RestorativeProcess, body: dict[str, Any]) -> Any:
    return Client().put(
        f"/api/v1/processes/{process.pk}/conference-date",
        data=json.dumps(body),
        content_type="application/json",
        **bearer(user),
    )


def test_the_facilitator_plans_the_date_on_the_process_page(
    facilitator_client: Client, process: RestorativeProcess
) -> None:
    url = reverse("restorative:conference_date", args=[process.pk])
    page = facilitator_client.get(reverse("restorative:process", args=[process.pk]))
    assert url in page.content.decode()
    day = timezone.localdate() + timedelta(days=10)
    response = facilitator_client.post(
        url, {"conference_planned_on": day.isoformat(), "version": process.version}, follow=True
    )
    html = response.content.decode()
    assert "The planned conference date was saved." in html
    assert f"Planned for {day:%A} {day.day} {day:%B %Y}" in html
    process.refresh_from_db()
    assert process.conference_planned_on == day
    event = AuditEvent.objects.get(summary="Planned the conference date")
    assert event.data["conference_planned_on"] == [None, day.isoformat()]
    assert process.history.first().conference_planned_on == day  # type: ignore[attr-defined]


def test_bad_dates_and_stale_versions_are_refused_with_clear_messages(
    facilitator: User, facilitator_client: Client, process: RestorativeProcess
) -> None:
    url = reverse("restorative:conference_date", args=[process.pk])
    today = timezone.localdate()
    for value, expected in (
        ((today - timedelta(days=1)).isoformat(), "The planned date is in the past."),
        ((today + timedelta(days=400)).isoformat(), "Choose a date within a year from today."),
        ("31/02/2027", "Enter the date as a day, month and year"),
    ):
        response = facilitator_client.post(
            url, {"conference_planned_on": value, "version": process.version}, follow=True
        )
        assert expected in response.content.decode(), value
    stale = facilitator_client.post(
        url,
        {"conference_planned_on": today.isoformat(), "version": process.version + 5},
        follow=True,
    )
    assert "Someone changed this process" in stale.content.decode()
    process.refresh_from_db()
    assert process.conference_planned_on is None


def test_a_refused_date_is_shown_beside_the_field_with_what_was_typed(
    facilitator_client: Client, process: RestorativeProcess
) -> None:
    url = reverse("restorative:conference_date", args=[process.pk])
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = facilitator_client.post(
        url, {"conference_planned_on": past, "version": process.version}
    )
    assert response.status_code == 422
    html = response.content.decode()
    field = html[
        html.index('<div class="field field--error"><label for="id_conference_planned_on">') :
    ]
    field = field[: field.index("</div>")]
    assert "The planned date is in the past." in field
    assert 'aria-invalid="true"' in field
    assert f'value="{past}"' in field
    # The problem is named at the conference form, which takes the focus, and links to the field.
    assert 'href="#id_conference_planned_on"' in html
    missing_version = facilitator_client.post(url, {"conference_planned_on": past})
    assert missing_version.status_code == 422
    assert "This page is out of date. Reload it and try again." in missing_version.content.decode()
    process.refresh_from_db()
    assert process.conference_planned_on is None


def test_only_the_facilitator_before_the_conference_is_held(
    practitioner: User,
    practitioner_client: Client,
    outsider_client: Client,
    facilitator: User,
    process: RestorativeProcess,
) -> None:
    url = reverse("restorative:conference_date", args=[process.pk])
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    assert (
        outsider_client.post(url, {"conference_planned_on": day, "version": 1}).status_code == 404
    )
    assert (
        practitioner_client.post(url, {"conference_planned_on": day, "version": 1}).status_code
        == 403
    )
    walk_to(process, State.HELD)
    process.refresh_from_db()
    try:
        services.process_plan_conference(
            actor=facilitator,
            process_id=process.pk,
            expected_version=process.version,
            planned_on=timezone.localdate(),
        )
    except PracticeError as error:
        assert "has been held" in error.message
    else:  # pragma: no cover
        raise AssertionError("a held conference's date changed")


def test_the_api_sets_clears_and_refuses(
    facilitator: User, outsider: User, practitioner: User, process: RestorativeProcess
) -> None:
    day = timezone.localdate() + timedelta(days=7)
    response = _put(
        facilitator, process, {"version": process.version, "conference_planned_on": str(day)}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["conference_planned_on"] == day.isoformat()
    cleared = _put(
        facilitator, process, {"version": body["version"], "conference_planned_on": None}
    )
    assert cleared.status_code == 200 and cleared.json()["conference_planned_on"] is None
    version = cleared.json()["version"]
    past = _put(
        facilitator,
        process,
        {"version": version, "conference_planned_on": str(day - timedelta(days=30))},
    )
    assert past.status_code == 422 and past["Content-Type"] == "application/problem+json"
    assert past.json()["errors"][0]["field"] == "conference_planned_on"
    stale = _put(facilitator, process, {"version": version - 1, "conference_planned_on": str(day)})
    assert stale.status_code == 409
    extra = _put(
        facilitator, process, {"version": version, "conference_planned_on": str(day), "x": 1}
    )
    assert extra.status_code == 422
    assert (
        _put(outsider, process, {"version": version, "conference_planned_on": None}).status_code
        == 404
    )
    assert (
        _put(practitioner, process, {"version": version, "conference_planned_on": None}).status_code
        == 403
    )
