"""Te reo Māori as a second UI language: the switcher, and the navigation in te reo."""

from pathlib import Path

from django.conf import settings
from django.test import Client

from hononga.conftest import client_for
from hononga.factories import TEST_PASSWORD

LOCALE = Path(settings.BASE_DIR) / "hononga" / "locale" / "mi" / "LC_MESSAGES"


def test_the_compiled_catalogue_is_in_the_repository():
    # A fresh machine may lack gettext, so the .mo file is kept beside the .po file.
    assert (LOCALE / "django.po").exists()
    assert (LOCALE / "django.mo").exists()
    assert ("mi", "Te reo Māori") in [(c, str(n)) for c, n in settings.LANGUAGES]


def test_switching_to_te_reo_shows_the_navigation_in_te_reo(supervisor):
    client = client_for(supervisor)
    page = client.get("/").content.decode()
    assert 'lang="en"' in page
    assert ">Home<" in page
    response = client.post("/i18n/setlang/", {"language": "mi", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert 'lang="mi"' in page
    for label in ("Kāinga", "Tāngata", "Arotake", "Takiputa", "Peke ki te ihirangi matua"):
        assert label in page, label
    assert ">Home<" not in page
    # And back again.
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert ">Home<" in client.get("/").content.decode()


def test_the_login_page_in_te_reo(db):
    client = Client()
    client.post("/i18n/setlang/", {"language": "mi", "next": "/accounts/login/"})
    page = client.get("/accounts/login/").content.decode()
    assert "Takiuru ki Hononga" in page
    assert "Ingoa kaiwhakamahi" in page


def test_the_switcher_is_a_csrf_protected_post_form(db):
    page = Client().get("/accounts/login/").content.decode()
    assert 'action="/i18n/setlang/"' in page
    assert 'name="csrfmiddlewaretoken"' in page.split('action="/i18n/setlang/"')[1]
    assert 'lang="mi"' in page  # the option names itself in its own language
    enforcing = Client(enforce_csrf_checks=True)
    assert enforcing.post("/i18n/setlang/", {"language": "mi"}).status_code == 403


def test_an_unknown_language_is_ignored(practitioner_client):
    practitioner_client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert 'lang="en"' in practitioner_client.get("/").content.decode()


def test_logging_in_gives_the_person_the_language_they_chose_last_time(practitioner):
    # They chose te reo Māori on another device; this one has never seen them.
    practitioner.language = "mi"
    practitioner.save(update_fields=["language"])
    client = Client()
    assert 'lang="en"' in client.get("/accounts/login/").content.decode()
    response = client.post(
        "/accounts/login/", {"username": "practitioner", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "mi"
    page = client.get("/").content.decode()
    assert 'lang="mi"' in page
    assert "Kāinga" in page


def test_logging_in_after_someone_else_switched_this_device_gives_back_english(practitioner):
    client = Client()
    client.post("/i18n/setlang/", {"language": "mi", "next": "/accounts/login/"})
    client.post("/accounts/login/", {"username": "practitioner", "password": TEST_PASSWORD})
    assert 'lang="en"' in client.get("/").content.decode()


def test_a_failed_login_leaves_the_language_alone(practitioner):
    practitioner.language = "mi"
    practitioner.save(update_fields=["language"])
    client = Client()
    response = client.post("/accounts/login/", {"username": "practitioner", "password": "nope"})
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert 'lang="en"' in response.content.decode()
