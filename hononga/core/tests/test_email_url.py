import pytest
from django.core.exceptions import ImproperlyConfigured

from hononga.core.env import email_settings_from_url


def test_it_reads_smtp_with_starttls_and_a_decoded_password():
    got = email_settings_from_url(
        "smtp://hononga%40agency.nz:p%40ss:w0rd@mail.agency.nz:587/?tls=1"
    )
    assert got["EMAIL_HOST"] == "mail.agency.nz" and got["EMAIL_PORT"] == 587
    assert got["EMAIL_HOST_USER"] == "hononga@agency.nz"
    assert got["EMAIL_HOST_PASSWORD"] == "p@ss:w0rd"
    assert got["EMAIL_USE_TLS"] is True and got["EMAIL_USE_SSL"] is False
    assert got["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


def test_smtps_means_tls_from_the_start_on_465():
    got = email_settings_from_url("smtps://mail.agency.nz?timeout=5")
    assert (got["EMAIL_PORT"], got["EMAIL_USE_SSL"], got["EMAIL_TIMEOUT"]) == (465, True, 5.0)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://mail.agency.nz", "must start smtp:// or smtps://"),
        ("smtp://:587", "needs a host"),
        ("smtp://mail.agency.nz:port", "port that is not a number"),
        ("smtps://mail.agency.nz?tls=1", "not both"),
        ("smtp://mail.agency.nz?tls=maybe", "tls must be 1 or 0"),
        ("smtp://mail.agency.nz?timeout=soon", "timeout must be a number"),
    ],
)
def test_a_bad_url_says_what_is_wrong(url, says):
    with pytest.raises(ImproperlyConfigured, match=says):
        email_settings_from_url(url)
