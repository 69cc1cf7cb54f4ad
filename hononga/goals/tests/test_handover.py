"""Rating goals in session on the practitioner's device: the hand-over, as for check-ins."""

from typing import Any

from django.test import Client
from django.urls import reverse

from hononga.accounts.models import User
from hononga.audit.models import AuditEvent
from hononga.factories import TEST_PASSWORD
from hononga.goals.models import GoalRating
from hononga.goals.tests import factories as gf
from hononga.whanau.models import Person, Whanau


def _hand_over(client: Client, whanau: Whanau, holder: str, **fields: str) -> Any:
    return client.post(
        reverse("goals:handover_start", args=[whanau.pk]),
        {"holder": holder, "form": "adult", "language": "en", **fields},
    )


def test_the_hand_over_signs_the_practitioner_out_and_shows_only_the_goals(
    practitioner_client: Client, whanau: Whanau, person: Person
) -> None:
    goal = gf.goal(whanau, person, "Be home for tea")
    page = practitioner_client.get(reverse("goals:rate", args=[whanau.pk]) + f"?holder={person.pk}")
    assert reverse("goals:handover_start", args=[whanau.pk]) in page.content.decode()
    response = _hand_over(practitioner_client, whanau, str(person.pk), form="child")
    assert response.status_code == 302 and response.url == reverse("goals:handover")  # type: ignore[attr-defined]
    screen = practitioner_client.get(reverse("goals:handover"))
    html = screen.content.decode()
    assert screen.status_code == 200 and "Be home for tea" in html and 'class="face"' in html
    assert whanau.name not in html and "Log out" not in html
    assert reverse("goals:handover_leave") in html
    # Every other page asks for a login: the practitioner's session is signed out.
    assert practitioner_client.get(reverse("home")).status_code == 302
    assert practitioner_client.get(reverse("goals:detail", args=[goal.pk])).status_code == 302
    assert AuditEvent.objects.filter(summary__startswith="Handed the device over for goal").exists()


def test_rating_on_the_hand_over_screen_then_giving_the_device_back(
    practitioner_client: Client, practitioner: User, whanau: Whanau, person: Person
) -> None:
    goal = gf.goal(whanau, person)
    _hand_over(practitioner_client, whanau, str(person.pk), language="mi")
    bad = practitioner_client.post(reverse("goals:handover"), {f"goal-{goal.pk}": "11"})
    assert bad.status_code == 422
    assert "Kōwhiria he tau tōpū mai i te 0 ki te 10." in bad.content.decode()
    assert not GoalRating.objects.exists()
    done = practitioner_client.post(reverse("goals:handover"), {f"goal-{goal.pk}": "4"})
    assert done.status_code == 302 and done.url == reverse("goals:handover_done")  # type: ignore[attr-defined]
    rating = GoalRating.objects.get()
    assert (rating.value, rating.channel, rating.recorded_by, rating.rated_by) == (
        4,
        "in_session",
        practitioner,
        person,
    )
    thanks = practitioner_client.get(reverse("goals:handover_done")).content.decode()
    assert "Whakahokia te pūrere" in thanks
    # Posting again makes no second rating; the screen stays on the thank-you.
    again = practitioner_client.post(reverse("goals:handover"), {f"goal-{goal.pk}": "9"})
    assert again.url == reverse("goals:handover_done")  # type: ignore[attr-defined]
    assert GoalRating.objects.count() == 1
    # Only the practitioner's own password hands the device back.
    wrong = practitioner_client.post(reverse("goals:handover_leave"), {"password": "guess"})
    assert wrong.status_code == 422
    assert practitioner_client.get(reverse("home")).status_code == 302
    right = practitioner_client.post(reverse("goals:handover_leave"), {"password": TEST_PASSWORD})
    assert right.status_code == 302
    assert right.url.startswith(reverse("whanau:detail", args=[whanau.pk]))  # type: ignore[attr-defined]
    assert practitioner_client.get(reverse("home")).status_code == 200
    assert practitioner_client.get(reverse("goals:handover")).status_code == 302


def test_a_deactivated_practitioner_cannot_save_or_sign_back_in(
    practitioner_client: Client, practitioner: User, whanau: Whanau, person: Person
) -> None:
    goal = gf.goal(whanau, person)
    _hand_over(practitioner_client, whanau, str(person.pk))
    User.objects.filter(pk=practitioner.pk).update(is_active=False)
    response = practitioner_client.post(reverse("goals:handover"), {f"goal-{goal.pk}": "5"})
    assert response.status_code == 302 and not GoalRating.objects.exists()
    assert practitioner_client.get(reverse("goals:handover_leave")).status_code == 302


def test_a_logged_out_device_shows_no_hand_over(client: Client, whanau: Whanau) -> None:
    for name in ("goals:handover", "goals:handover_done", "goals:handover_leave"):
        assert client.get(reverse(name)).status_code == 302
    start = client.post(reverse("goals:handover_start", args=[whanau.pk]), {"holder": ""})
    assert start.status_code == 302 and "login" in start.url  # type: ignore[attr-defined]


def test_outsiders_and_unknown_holders_get_404_and_nothing_is_signed_out(
    outsider_client: Client, practitioner_client: Client, whanau: Whanau, person: Person
) -> None:
    gf.goal(whanau, person)
    assert _hand_over(outsider_client, whanau, str(person.pk)).status_code == 404  # type: ignore[attr-defined]
    assert outsider_client.get(reverse("home")).status_code == 200
    assert _hand_over(practitioner_client, whanau, "999999").status_code == 404  # type: ignore[attr-defined]
    assert practitioner_client.get(reverse("home")).status_code == 200
    # No active goal for the whānau together: no hand-over, a message instead.
    response = _hand_over(practitioner_client, whanau, "whanau")
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert practitioner_client.get(reverse("home")).status_code == 200
