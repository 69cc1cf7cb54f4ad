"""Secrets never in logs: the output of the configured log handlers, captured while requests to a
one-time link fail (422, CSRF 403, 404) and succeed, holds no token, and neither do records
carrying API tokens, passwords or session ids.
"""

import io
import logging
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from hononga.accounts.models import User
from hononga.checkins import services
from hononga.checkins.tests import factories as f
from hononga.core.logfilter import MaskSecretsFilter, mask
from hononga.whanau.models import Person, Whanau


def _our_handlers() -> list[logging.Handler]:
    return [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, MaskSecretsFilter) for f in handler.filters)
    ]


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """What the handlers configured in settings.LOGGING write, while the test runs."""
    handlers = [h for h in _our_handlers() if isinstance(h, logging.StreamHandler)]
    assert handlers, "settings.LOGGING has a console handler with the mask"
    captured = io.StringIO()
    # Swapped directly: setStream() would flush the old stream, which pytest may have closed.
    previous = [h.stream for h in handlers]
    for handler in handlers:
        handler.stream = captured
    try:
        yield captured
    finally:
        for handler, stream in zip(handlers, previous, strict=True):
            handler.stream = stream


@pytest.fixture
def link_token(practitioner: User, whanau: Whanau, person: Person) -> str:
    worker = f.staff_person(practitioner)
    relationship = f.relationship_between(whanau, person, worker)
    f.give_consent(person, practitioner)
    _link, raw = services.link_create(
        actor=practitioner, relationship_id=relationship.pk, rater_id=person.pk
    )
    return raw


def test_every_handler_of_every_logger_masks_secrets() -> None:
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    unmasked = [
        (logger.name, handler)
        for logger in loggers
        for handler in logger.handlers
        # pytest's own capture handlers are not part of the configuration
        if not type(handler).__module__.startswith("_pytest")
        and not isinstance(handler, logging.NullHandler)  # libraries' "write nothing"
        and not any(isinstance(f, MaskSecretsFilter) for f in handler.filters)
    ]
    assert unmasked == []
    # Django's request and CSRF loggers reach a masking handler.
    for name in ("django.request", "django.security.csrf", "django.server"):
        assert logging.getLogger(name).hasHandlers()


@pytest.mark.django_db
def test_no_token_in_the_log_of_failed_and_successful_requests_to_a_link(
    link_token: str, log_output: io.StringIO
) -> None:
    url = reverse("checkins:answer", args=[link_token])
    assert link_token in url

    # 422: answers out of range
    response = Client().post(url, {"safety": "99"})
    assert response.status_code == 422
    # 403: no CSRF cookie
    response = Client(enforce_csrf_checks=True).post(url, {"safety": "5"})
    assert response.status_code == 403
    # 404 on the path with something after the token
    Client().get(url + "nothing-here/")
    # Success: the page opens, and the development server's access line for it
    assert Client().get(url).status_code == 200
    logging.getLogger("django.server").info('"%s" %s %s', f"GET {url} HTTP/1.1", "200", "1043")
    # An error with the path in its message and in the traceback
    try:
        raise ValueError(f"Could not handle {url}")
    except ValueError:
        logging.getLogger("hononga.test").exception("Failed on %s", url)

    written = log_output.getvalue()
    assert "Unprocessable Entity: /c/[masked]/" in written
    assert "Forbidden (CSRF cookie not set.): /c/[masked]/" in written
    assert "GET /c/[masked]/ HTTP/1.1" in written
    assert "ValueError: Could not handle /c/[masked]/" in written
    assert link_token not in written
    assert link_token[:12] not in written


def test_api_tokens_passwords_and_session_ids_are_masked(log_output: io.StringIO) -> None:
    log = logging.getLogger("hononga.test")
    log.warning("Header Authorization: Bearer %s", "hon_abcdefghijklmnopqrstuvwxyz0123")
    log.warning("Token seen: %s", "hon_zyxwvutsrqponmlkjihgfedcba9876")
    log.warning("Body: username=aroha&password=%s", "correct horse battery")
    log.warning("Cookie: __Secure-sessionid=%s; csrftoken=%s", "sess1234abcd", "csrf5678efgh")
    log.warning("%s", {"password": "s3cret-pass", "new_password1": "another-one"})
    written = log_output.getvalue()
    for secret in (
        "abcdefghijklmnopqrstuvwxyz0123",
        "zyxwvutsrqponmlkjihgfedcba9876",
        "correct",
        "sess1234abcd",
        "csrf5678efgh",
        "s3cret-pass",
        "another-one",
    ):
        assert secret not in written, secret
    assert "username=aroha" in written  # what is not a secret stays readable


def test_mask_keeps_what_is_not_a_secret() -> None:
    assert mask("GET /whanau/12/ 200") == "GET /whanau/12/ 200"
    assert mask("status_code=422 for /c/abc-DEF_123/?lang=mi") == (
        "status_code=422 for /c/[masked]/?lang=mi"
    )
    assert mask("https://hononga.example/c/tok3n") == "https://hononga.example/c/[masked]"
