"""Pages: the relationship's check-ins, starting one, hand-over, phone, mirror, links, settings."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hononga.audit.models import AuditEvent
from hononga.checkins import ratelimit, services
from hononga.checkins.models import CheckIn, CheckInLink, CheckInSettings
from hononga.checkins.tests import factories as f
from hononga.conftest import client_for
from hononga.factories import TEST_PASSWORD


def answers_post(value="8", **overrides):
    data = dict.fromkeys(f.ALL_EIGHT, value)
    data.update(overrides)
    return data


# --- The relationship's check-ins page -----------------------------------------------------------


def test_the_relationship_page_shows_scores_flags_words_and_others_apart(
    practitioner_client, relationship, person, whanau
):
    f.checkin(relationship, person, answers=f.items(9), when=timezone.now() - timedelta(days=30))
    f.checkin(relationship, person, answers=f.items(6), comment="Ring before you visit")
    aunty = f.member(whanau, "Ngaio")
    f.checkin(relationship, aunty, perspective="collateral", answers=f.items(7))
    response = practitioner_client.get(reverse("checkins:relationship", args=[relationship.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Reliable drop" in html and "Ring before you visit" in html
    assert "What others who know the relationship say" in html and "Ngaio" in html
    assert 'data-chart="checkin-scores-' in html and "The numbers behind the chart" in html
    assert AuditEvent.objects.filter(action="view", target_type="relationship").exists()


def test_the_relationship_page_has_a_helpful_empty_state(practitioner_client, relationship):
    response = practitioner_client.get(reverse("checkins:relationship", args=[relationship.pk]))
    assert "No check-ins yet — send Mere a link" in response.content.decode()


def test_outsiders_get_404_on_every_page(outsider_client, relationship, person, practitioner):
    f.give_consent(person, practitioner)
    link, _raw = services.link_create(
        actor=practitioner, relationship_id=relationship.pk, rater_id=person.pk
    )
    checkin = f.checkin(relationship, person)
    for url in [
        reverse("checkins:relationship", args=[relationship.pk]),
        reverse("checkins:start", args=[relationship.pk]),
        reverse("checkins:enter", args=[relationship.pk]) + f"?rater={person.pk}",
        reverse("checkins:mirror", args=[relationship.pk]),
        reverse("checkins:link_new", args=[relationship.pk]),
        reverse("checkins:settings"),
    ]:
        assert outsider_client.get(url).status_code == 404, url
    assert outsider_client.post(reverse("checkins:link_revoke", args=[link.pk])).status_code == 404
    assert (
        outsider_client.post(reverse("checkins:archive", args=[checkin.pk]), {"reason": "x"})
    ).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None
    assert CheckIn.objects.filter(archived_at__isnull=True).count() == 1


def test_a_break_glass_reader_sees_but_cannot_write(admin_user, relationship, person):
    from hononga.whanau.models import BreakGlassGrant

    BreakGlassGrant.objects.create(
        user=admin_user,
        whanau=relationship.whanau,
        reason="Complaint review",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    client = client_for(admin_user)
    page = client.get(reverse("checkins:relationship", args=[relationship.pk]))
    assert page.status_code == 200 and "Start a check-in" not in page.content.decode()
    assert client.get(reverse("checkins:start", args=[relationship.pk])).status_code == 404
    response = client.post(reverse("checkins:mirror", args=[relationship.pk]), answers_post())
    assert response.status_code == 404
    assert CheckIn.objects.count() == 0


# --- In session: the hand-over screen ------------------------------------------------------------


def _hand_over(client, relationship, person, form="adult"):
    return client.post(
        reverse("checkins:start", args=[relationship.pk]),
        {"rater": person.pk, "channel": "in_session", "form": form, "language": "en"},
    )


def test_the_hand_over_screen_shows_only_the_form_and_signs_the_practitioner_out(
    practitioner_client, relationship, person
):
    response = _hand_over(practitioner_client, relationship, person, form="child")
    assert response.status_code == 302 and response.url == reverse("checkins:handover")
    page = practitioner_client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "I feel safe with Aroha." in html and 'class="face"' in html
    assert "Kōwhai whānau" not in html and "Log out" not in html
    # Every other page now asks for a login: the person holding the device sees only the form.
    assert practitioner_client.get(reverse("home")).status_code == 302
    assert (
        practitioner_client.get(
            reverse("checkins:relationship", args=[relationship.pk])
        ).status_code
        == 302
    )


def test_answering_on_the_hand_over_screen_then_giving_the_device_back(
    practitioner_client, relationship, person
):
    _hand_over(practitioner_client, relationship, person)
    response = practitioner_client.post(
        reverse("checkins:handover"), answers_post("7", comment="Good kōrero")
    )
    assert response.status_code == 302 and response.url == reverse("checkins:handover_done")
    checkin = CheckIn.objects.get()
    assert (checkin.channel, checkin.comment, str(checkin.score)) == (
        "in_session",
        "Good kōrero",
        "7.0",
    )
    # Posting again does not make a second check-in.
    practitioner_client.post(reverse("checkins:handover"), answers_post("2"))
    assert CheckIn.objects.count() == 1
    wrong = practitioner_client.post(reverse("checkins:handover_leave"), {"password": "guess"})
    assert wrong.status_code == 422
    assert practitioner_client.get(reverse("home")).status_code == 302
    right = practitioner_client.post(
        reverse("checkins:handover_leave"), {"password": TEST_PASSWORD}
    )
    assert right.status_code == 302
    assert practitioner_client.get(reverse("home")).status_code == 200


def test_the_hand_over_screen_keeps_answers_after_an_error(
    practitioner_client, relationship, person
):
    _hand_over(practitioner_client, relationship, person)
    response = practitioner_client.post(
        reverse("checkins:handover"),
        {"safety": "4", "trust": "12", "comment": "kept"},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Choose a whole number from 0 to 10." in html
    assert 'value="4" id="safety-4" checked' in html and ">kept</textarea>" in html
    assert CheckIn.objects.count() == 0


def test_the_hand_over_page_without_a_hand_over_goes_home(client):
    assert client.get(reverse("checkins:handover")).status_code == 302
    assert client.get(reverse("checkins:handover_leave")).status_code == 302


# --- By phone and the mirror ---------------------------------------------------------------------


def test_a_phone_check_in_without_consent_gets_a_clear_message(
    practitioner_client, relationship, person
):
    response = practitioner_client.post(
        reverse("checkins:start", args=[relationship.pk]),
        {"rater": person.pk, "channel": "phone", "form": "adult", "language": "en"},
    )
    assert response.status_code == 200
    assert "has not given consent to be contacted" in response.content.decode()


def test_a_phone_check_in_is_entered_and_marked(practitioner_client, relationship, consented):
    start = practitioner_client.post(
        reverse("checkins:start", args=[relationship.pk]),
        {"rater": consented.pk, "channel": "phone", "form": "adult", "language": "en"},
    )
    assert start.status_code == 302
    page = practitioner_client.get(start.url)
    assert "By phone: you are entering their answers" in page.content.decode()
    saved = practitioner_client.post(
        start.url, {**answers_post("9"), "rater": consented.pk, "form": "adult", "language": "en"}
    )
    assert saved.status_code == 302
    assert CheckIn.objects.get().channel == "phone"
    listing = practitioner_client.get(reverse("checkins:relationship", args=[relationship.pk]))
    assert "By phone" in listing.content.decode()


def test_the_mirror_page_saves_the_practitioners_view(practitioner_client, relationship, worker):
    page = practitioner_client.get(reverse("checkins:mirror", args=[relationship.pk]))
    assert "Mere would say they feel safe working with me." in page.content.decode()
    response = practitioner_client.post(
        reverse("checkins:mirror", args=[relationship.pk]), answers_post("9")
    )
    assert response.status_code == 302
    assert CheckIn.objects.get().perspective == "mirror"


def test_too_few_answers_on_the_mirror_is_a_form_error(practitioner_client, relationship, worker):
    response = practitioner_client.post(
        reverse("checkins:mirror", args=[relationship.pk]), {"safety": "9", "trust": "9"}
    )
    assert response.status_code == 422
    assert "You have answered 2" in response.content.decode()
    assert CheckIn.objects.count() == 0


# --- One-time links ------------------------------------------------------------------------------


def test_making_a_link_shows_it_once(practitioner_client, relationship, consented):
    response = practitioner_client.post(
        reverse("checkins:link_new", args=[relationship.pk]),
        {"rater": consented.pk, "form": "adult", "language": "mi", "expires_in_days": 14},
    )
    assert response.status_code == 200
    html = response.content.decode()
    link = CheckInLink.objects.get()
    assert "/c/" in html and link.token_hash not in html
    assert response["Cache-Control"] == "no-store"


def test_making_a_link_without_consent_is_refused(practitioner_client, relationship, person):
    response = practitioner_client.post(
        reverse("checkins:link_new", args=[relationship.pk]),
        {"rater": person.pk, "form": "adult", "language": "en", "expires_in_days": 14},
    )
    assert response.status_code == 422
    assert "has not given consent" in response.content.decode()
    assert CheckInLink.objects.count() == 0


def test_revoking_a_link(practitioner_client, practitioner, relationship, consented):
    link, raw = services.link_create(
        actor=practitioner, relationship_id=relationship.pk, rater_id=consented.pk
    )
    practitioner_client.post(reverse("checkins:link_revoke", args=[link.pk]))
    link.refresh_from_db()
    assert link.revoked_at is not None
    response = Client().get(reverse("checkins:answer", args=[raw]))
    assert response.status_code == 410 and "This link is closed" in response.content.decode()


@pytest.fixture
def link_token(practitioner, relationship, consented):
    _link, raw = services.link_create(
        actor=practitioner, relationship_id=relationship.pk, rater_id=consented.pk
    )
    return raw


def test_the_public_page_shows_only_the_workers_name_and_the_questions(link_token):
    response = Client().get(reverse("checkins:answer", args=[link_token]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "I feel safe when I work with Aroha." in html
    assert "What would make our work together better?" in html
    for secret in ("Kōwhai", "Mere", "Team North", "Te Tai Tokerau", "practitioner"):
        assert secret not in html, secret
    assert response["Referrer-Policy"] == "same-origin"


def test_the_public_page_in_te_reo(practitioner, relationship, consented):
    _link, raw = services.link_create(
        actor=practitioner, relationship_id=relationship.pk, rater_id=consented.pk, language="mi"
    )
    html = Client().get(reverse("checkins:answer", args=[raw])).content.decode()
    assert '<html lang="mi">' in html and "Ka haumaru ahau ina mahi tahi ahau me Aroha." in html
    assert "He aha ka pai ake ai tā tāua mahi tahi?" in html


def test_answering_through_the_public_page(link_token):
    client = Client()
    response = client.post(reverse("checkins:answer", args=[link_token]), answers_post("4"))
    assert response.status_code == 302
    assert client.get(response.url).status_code == 200
    assert CheckIn.objects.get().channel == "link"
    again = client.post(reverse("checkins:answer", args=[link_token]), answers_post("9"))
    assert again.status_code == 410 and "already answered" in again.content.decode()
    assert CheckIn.objects.count() == 1


def test_too_few_answers_on_the_public_page_keeps_the_link_open(link_token):
    response = Client().post(
        reverse("checkins:answer", args=[link_token]), {"safety": "3", "comment": "hi"}
    )
    assert response.status_code == 422
    assert "Please answer at least 6 of the 8" in response.content.decode()
    assert CheckIn.objects.count() == 0
    assert CheckInLink.objects.get().used_at is None


def test_an_expired_link_gets_a_kind_page(link_token):
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        response = Client().get(reverse("checkins:answer", args=[link_token]))
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert "Aroha" not in response.content.decode()


def test_a_forged_link_gets_a_kind_page_that_says_nothing(link_token):
    response = Client().get(reverse("checkins:answer", args=["A" * 43]))
    html = response.content.decode()
    assert response.status_code == 404 and "This link doesn" in html
    assert "Aroha" not in html and "Kōwhai" not in html


def test_the_public_page_is_rate_limited(link_token, monkeypatch):
    client = Client()
    url = reverse("checkins:answer", args=["B" * 43])
    statuses = [
        client.post(url, answers_post()).status_code
        for _ in range(ratelimit.PUBLIC_POSTS_PER_WINDOW + 1)
    ]
    assert statuses[:-1] == [404] * ratelimit.PUBLIC_POSTS_PER_WINDOW
    assert statuses[-1] == 429
    # Even a good link is refused from that address until the window passes.
    assert (
        client.post(reverse("checkins:answer", args=[link_token]), answers_post()).status_code
        == 429
    )
    assert CheckIn.objects.count() == 0


# --- Thresholds ----------------------------------------------------------------------------------


def test_the_admin_thresholds_page(admin_client_):
    url = reverse("checkins:settings")
    page = admin_client_.get(url)
    assert page.status_code == 200 and "Cronbach" in page.content.decode()
    current = services.settings_get()
    data = {
        "version": current.version,
        "low_score": "7.5",
        "low_item": 5,
        "dropped": "1.0",
        "gap_item": "2.0",
        "gap_mean": "1.5",
        "overdue_days": 42,
        "rci_z": "1.96",
        "default_sd": "1.50",
        "default_alpha": "0.90",
        "min_sample": 100,
        "reliable_change_floor": "1.0",
        "link_expiry_days": 14,
    }
    assert admin_client_.post(url, data).status_code == 302
    assert str(CheckInSettings.objects.get().low_score) == "7.5"
    stale = admin_client_.post(url, {**data, "low_score": "7.0"})
    assert stale.status_code == 422 and "Someone else saved" in stale.content.decode()
    bad = admin_client_.post(url, {**data, "version": 2, "low_item": 20})
    assert bad.status_code == 422
    assert str(CheckInSettings.objects.get().low_score) == "7.5"


def test_only_admins_see_the_thresholds_page(practitioner_client, supervisor_client):
    assert practitioner_client.get(reverse("checkins:settings")).status_code == 404
    assert (
        supervisor_client.post(reverse("checkins:settings"), {"low_score": "1"}).status_code == 404
    )
    assert CheckInSettings.objects.filter(low_score=1).count() == 0


def test_a_phone_check_in_keeps_the_time_of_the_call(practitioner_client, relationship, consented):
    url = reverse("checkins:enter", args=[relationship.pk])
    base = {**answers_post("9"), "rater": consented.pk, "form": "adult", "language": "en"}
    when = timezone.localtime() - timedelta(days=2)
    saved = practitioner_client.post(url, {**base, "answered_at": when.strftime("%Y-%m-%dT%H:%M")})
    assert saved.status_code == 302
    answered = timezone.localtime(CheckIn.objects.get().answered_at)
    assert answered.strftime("%Y-%m-%d %H:%M") == when.strftime("%Y-%m-%d %H:%M")
    bad = practitioner_client.post(url, {**base, "answered_at": "yesterday"})
    assert bad.status_code == 422 and "Give the date and time of the call" in bad.content.decode()
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    assert practitioner_client.post(url, {**base, "answered_at": future}).status_code == 422
    assert CheckIn.objects.count() == 1


def test_a_collateral_link_does_not_name_the_person(practitioner, relationship, whanau):
    aunty = f.member(whanau, "Ngaio")
    f.give_consent(aunty, practitioner)
    _link, raw = services.link_create(
        actor=practitioner,
        relationship_id=relationship.pk,
        rater_id=aunty.pk,
        perspective="collateral",
    )
    html = Client().get(reverse("checkins:answer", args=[raw])).content.decode()
    assert "how you see their work with the person you know" in html
    assert "Mere" not in html and "Ngaio" not in html and "Kōwhai" not in html
    Client().post(reverse("checkins:answer", args=[raw]), answers_post("7"))
    assert CheckIn.objects.get().perspective == "collateral"
