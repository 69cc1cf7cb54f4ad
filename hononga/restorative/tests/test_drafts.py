"""Long restorative forms keep a draft on the device (static/js/drafts.js): each carries its own
key, a saved form tells the next page to drop its draft (once), and a draft of the conference
screen is tied to the answers it was typed over."""

from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hononga.restorative import selectors, services
from hononga.restorative.models import ParticipantRole, State
from hononga.restorative.tests.conftest import walk_to


def draft_attribute(user: Any, kind: str, *parts: object) -> str:
    return 'data-draft-key="' + ":".join(["draft", kind, str(user.pk), *map(str, parts)]) + '"'


def test_each_long_form_keeps_its_own_draft(
    facilitator_client: Client, practitioner_client: Client, practitioner: Any, process: Any
) -> None:
    walk_to(process, State.READY)
    facilitator = process.facilitator
    participant = process.participants.get(role=ParticipantRole.HARMED)
    pages = {
        reverse("restorative:conference", args=[process.pk]): ("conference", process.pk),
        reverse("restorative:preparation", args=[participant.pk]): (
            "preparation",
            participant.pk,
        ),
        reverse("restorative:safety", args=[process.pk]): ("safety", process.pk),
    }
    for path, (kind, pk) in pages.items():
        html = facilitator_client.get(path).content.decode()
        assert draft_attribute(facilitator, kind, pk) + " data-draft-restore" in html, path
        assert 'id="draft-notice"' in html and "Discard the draft" in html
    harm = process.harm
    new_harm = practitioner_client.get(
        reverse("restorative:harm_create", args=[process.whanau_id])
    ).content.decode()
    assert draft_attribute(practitioner, "harm", "whanau", process.whanau_id) in new_harm
    edit = practitioner_client.get(reverse("restorative:harm_edit", args=[harm.pk]))
    assert draft_attribute(practitioner, "harm", harm.pk) in edit.content.decode()


def test_a_saved_conference_screen_drops_its_draft_on_the_next_page_only(
    facilitator_client: Client, process: Any
) -> None:
    walk_to(process, State.READY)
    responsible = process.participants.get(role=ParticipantRole.RESPONSIBLE)
    path = reverse("restorative:conference", args=[process.pk])
    key = f"draft:conference:{process.facilitator.pk}:{process.pk}"
    response = facilitator_client.post(
        path, {f"p{responsible.pk}_happened": "I took the car."}, follow=True
    )
    html = response.content.decode()
    assert f'data-clear-draft="{key}"' in html
    assert "data-clear-draft" not in facilitator_client.get(path).content.decode()


def test_a_closed_conference_screen_keeps_no_draft(
    facilitator_client: Client, process: Any
) -> None:
    walk_to(process, State.MONITORING)
    html = facilitator_client.get(reverse("restorative:conference", args=[process.pk]))
    assert "data-draft-key" not in html.content.decode()


def test_a_form_sent_back_with_errors_does_not_restore_a_draft_over_what_was_sent(
    practitioner_client: Client, whanau: Any
) -> None:
    path = reverse("restorative:harm_create", args=[whanau.pk])
    html = practitioner_client.post(path, {"what": ""}).content.decode()
    assert "data-draft-key" in html and "data-draft-restore" not in html
    assert "data-clear-draft" not in html  # nothing was saved


def test_the_answers_version_moves_when_answers_are_saved(process: Any) -> None:
    walk_to(process, State.READY)
    before = selectors.answers_version(process)
    assert before == selectors.answers_version(process)
    responsible = process.participants.get(role=ParticipantRole.RESPONSIBLE)
    services.responses_record(
        actor=process.facilitator,
        process_id=process.pk,
        answers={responsible.pk: {"happened": "I took the car."}},
    )
    after = selectors.answers_version(process)
    assert after != before
    services.responses_record(
        actor=process.facilitator,
        process_id=process.pk,
        answers={responsible.pk: {"happened": "I took the car, and I am sorry."}},
    )
    assert selectors.answers_version(process) != after


def test_a_follow_up_draft_is_tied_to_the_follow_up_as_last_recorded(
    facilitator_client: Client, process: Any
) -> None:
    walk_to(process, State.HELD)
    harmed = process.participants.get(role=ParticipantRole.HARMED)
    follow_up = services.follow_up_schedule(
        actor=process.facilitator,
        process_id=process.pk,
        participant_id=harmed.pk,
        scheduled_for=timezone.localdate(),
    )
    path = reverse("restorative:follow_up", args=[follow_up.pk])

    def version() -> str:
        html = facilitator_client.get(path).content.decode()
        assert draft_attribute(process.facilitator, "follow-up", follow_up.pk) in html
        return html.split('name="version" value="')[1].split('"')[0]

    before = version()
    services.follow_up_record(
        actor=process.facilitator, follow_up_id=follow_up.pk, rating=7, own_words="Better now."
    )
    assert version() != before
