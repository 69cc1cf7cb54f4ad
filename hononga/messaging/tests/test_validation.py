import pytest
from django.core.exceptions import ValidationError

from hononga.messaging.validation import normalise_email, normalise_mobile


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("021 123 4567", "+64211234567"),
        ("021-123-4567", "+64211234567"),
        ("(027) 555 0123", "+64275550123"),
        ("+64 21 123 4567", "+64211234567"),
        ("0064 21 123 4567", "+64211234567"),
        ("+61 412 345 678", "+61412345678"),  # Australia
        ("+1 202 555 0143", "+12025550143"),  # the US: mobile and landline look alike
    ],
)
def test_it_normalises_mobile_numbers_to_e164(written, e164):
    assert normalise_mobile(written) == e164


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("", "Enter a mobile number."),
        ("not a number", "Enter a mobile number like 021 123 4567"),
        ("12345", "12345 is not a phone number in use"),
        ("+64 21 12", "is not a phone number in use"),
        ("09 379 0000", "09 379 0000 is a landline or service number"),
        ("0800 123 456", "text messages need a mobile number"),
    ],
)
def test_it_says_what_is_wrong_with_a_number(written, says):
    with pytest.raises(ValidationError) as caught:
        normalise_mobile(written)
    assert says in caught.value.messages[0]


def test_it_checks_email_addresses():
    assert normalise_email("  aroha@example.org ") == "aroha@example.org"
    for bad, says in [("", "Enter an email address."), ("aroha@", "like name@example.org")]:
        with pytest.raises(ValidationError) as caught:
            normalise_email(bad)
        assert says in caught.value.messages[0]
