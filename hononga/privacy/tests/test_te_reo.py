"""Every page a whānau member sees, in te reo Māori: no English wording from the catalogue is
left on it (sign-in and code messages, the whānau space, the correction form and its decision,
their own copy of the agreement, the check-in and goal links)."""

import io
import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hononga.checkins import services as checkin_services
from hononga.checkins.tests.factories import (
    checkin,
    give_consent,
    relationship_between,
    staff_person,
)
from hononga.goals import services as goal_services
from hononga.goals.models import GoalStep
from hononga.goals.tests.factories import goal, rate
from hononga.privacy.models import Correction, CorrectionStatus, RecordType
from hononga.privacy.tests.conftest import sign_in
from hononga.restorative.models import State
from hononga.restorative.tests.conftest import walk_to

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "hononga" / "locale" / "mi" / "LC_MESSAGES" / "django.po"
# Words that are the same in both languages, or names rather than wording.
SAME_IN_BOTH = {"Hononga", "Whānau", "whānau", "Kia ora", "Email", "Iwi", "Hapū", "PDF"}
# Pieces made only of these say nothing on their own (and match names and people's own words).
GLUE = {"of", "the", "a", "an", "to", "for", "and", "or", "in", "on", "at", "by", "with", "is"}


def _unquote(block: str) -> str:
    raw = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block))
    return raw.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def untranslated_wording() -> list[str]:
    """Literal pieces of catalogue entries with no te reo Māori yet (placeholders split out)."""
    found = []
    for entry in CATALOGUE.read_text(encoding="utf-8").split("\n\n"):
        match = re.search(r"^msgid (.*?)^msgstr (.*)", entry, re.M | re.S)
        if not match or "msgid_plural" in entry:
            continue
        msgid, msgstr = _unquote(match.group(1)), _unquote(match.group(2))
        if not msgid or msgstr:
            continue
        for piece in re.split(r"%\(\w+\)s|%s|\{\{.*?\}\}|<[^>]+>", msgid):
            piece = piece.strip(" .,:;—()")
            words = re.findall(r"[A-Za-z]+", piece)
            if piece in SAME_IN_BOTH or not words or {w.lower() for w in words} <= GLUE:
                continue
            if len(words) >= 2 or len(piece) >= 5:
                found.append(piece)
    return found


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    # Labels people hear or see: aria-label, alt, title, placeholder, and the page text.
    attributes = re.findall(r'(?:aria-label|alt|title|placeholder)="([^"]*)"', html)
    text = re.sub(r"<[^>]+>", " ", html)
    return unescape(" ".join([text, *attributes]))


def english_left(text: str) -> list[str]:
    text = re.sub(r"\s+", " ", text)
    return sorted(
        {
            piece
            for piece in untranslated_wording()
            if re.search(r"(?<![A-Za-zāēīōū])" + re.escape(piece) + r"(?![A-Za-zāēīōū])", text)
        }
    )


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def scene(space_person, whanau, practitioner, child, process):
    worker = staff_person(practitioner)
    own_rel = relationship_between(whanau, space_person, worker, started=timezone.localdate())
    checkin(own_rel, space_person, comment="Kia kaha tonu.")
    own_goal = goal(whanau, space_person, "Kia whai raihana au", why="Mō taku mahi")
    rate(own_goal, 4)
    GoalStep.objects.create(
        goal=own_goal, what="Pukapuka ako", who="Mere", by_when=timezone.localdate()
    )
    process = walk_to(process, State.MONITORING)
    item = process.agreement_items.get()
    decided = Correction.objects.create(
        person=space_person,
        whanau=whanau,
        record_type=RecordType.AGREEMENT_ITEM,
        record_id=item.pk,
        record_label=item.what,
        what_is_wrong="Kāore i pērā",
        due_on=timezone.localdate(),
        status=CorrectionStatus.NOT_CORRECTED,
        decided_by=practitioner,
        decided_at=timezone.now(),
        decision_note="I whakaaetia i te hui.",
        statement="Kāore i pērā",
    )
    return {"own_rel": own_rel, "process": process, "decided": decided, "goal": own_goal}


def maori(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "mi"
    return client


def test_signing_in_is_all_in_te_reo_maori(space_person, mailoutbox):
    client = maori(Client())
    pages = {"sign in": client.get(reverse("privacy:space_sign_in"))}
    pages["no address"] = client.post(reverse("privacy:space_sign_in"), {"address": ""})
    sign_in(client, "mere@example.org", mailoutbox)
    pages["code"] = client.get(reverse("privacy:space_code"))
    pages["no code"] = client.post(reverse("privacy:space_code"), {"code": ""})
    pages["wrong code"] = client.post(reverse("privacy:space_code"), {"code": "000000"})
    for name, response in pages.items():
        text = visible_text(response.content.decode())
        assert 'lang="mi"' in response.content.decode(), name
        assert english_left(text) == [], name


def test_the_space_is_all_in_te_reo_maori(scene, space_client, space_person):
    client = maori(space_client)
    mine = scene["process"].participants.get(person=space_person)
    urls = {
        "home": reverse("privacy:space_home"),
        "check-ins": reverse("privacy:space_checkins"),
        "correct": reverse("privacy:space_correct", args=[RecordType.GOAL, scene["goal"].pk]),
        "decision": reverse("privacy:space_asked", args=[scene["decided"].pk]),
    }
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert english_left(visible_text(response.content.decode())) == [], name
    empty = client.post(urls["correct"], {"what_is_wrong": ""})
    assert empty.status_code == 422
    assert english_left(visible_text(empty.content.decode())) == []
    asked = client.post(urls["correct"], {"what_is_wrong": "He hē"}, follow=True)
    assert english_left(visible_text(asked.content.decode())) == []
    pdf = client.get(reverse("privacy:space_agreement_pdf", args=[mine.pk]))
    # Headings are in both languages in every copy ("Our agreement / Tā mātou whakaaetanga").
    text = "\n".join(line for line in pdf_text(pdf.content).splitlines() if " / " not in line)
    assert english_left(text) == []


def test_the_check_in_and_goal_links_are_all_in_te_reo_maori(scene, practitioner, space_person):
    give_consent(space_person, practitioner)
    _link, token = checkin_services.link_create(
        actor=practitioner,
        relationship_id=scene["own_rel"].pk,
        rater_id=space_person.pk,
        language="mi",
    )
    response = Client().get(reverse("checkins:answer", args=[token]))
    assert response.status_code == 200
    assert english_left(visible_text(response.content.decode())) == []
    _goal_link, _raw, path = goal_services.link_create(
        actor=practitioner,
        whanau_id=scene["goal"].whanau_id,
        rater_id=space_person.pk,
        language="mi",
    )
    response = Client().get(path)
    assert response.status_code == 200
    assert english_left(visible_text(response.content.decode())) == []


def test_a_used_or_unknown_link_says_so_in_te_reo_maori(db):
    for url in (
        reverse("checkins:answer", args=["not-a-real-token-0000000000"]),
        reverse("goals:answer", args=["not-a-real-token-0000000000"]),
    ):
        response = maori(Client()).get(url)
        assert response.status_code in {404, 410}, url
        assert english_left(visible_text(response.content.decode())) == [], url
