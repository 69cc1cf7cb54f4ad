"""Checking and normalising where a message goes: mobile numbers (E.164) and email addresses."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

# Number types that can receive a text message. FIXED_LINE_OR_MOBILE: some countries (the US)
# cannot tell them apart by the number alone.
TEXTABLE = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    phonenumbers.PhoneNumberType.PAGER,
}


def normalise_mobile(raw: str) -> str:
    """The number in E.164 (+64211234567), or a ValidationError saying what is wrong.

    New Zealand numbers may be written as people write them (021 123 4567, 021-123-4567); others
    need + and the country code.
    """
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Enter a mobile number."), code="required")
    try:
        number = phonenumbers.parse(text, "NZ")
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _(
                "Enter a mobile number like 021 123 4567, or a number from another country "
                "starting with + and the country code, like +61 412 345 678."
            ),
            code="invalid",
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _(
                "%(number)s is not a phone number in use. Check the digits; a number from "
                "another country starts with + and the country code."
            ),
            code="invalid",
            params={"number": text},
        )
    if phonenumbers.number_type(number) not in TEXTABLE:
        raise ValidationError(
            _("%(number)s is a landline or service number; text messages need a mobile number."),
            code="not_mobile",
            params={"number": text},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(raw: str) -> str:
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Enter an email address."), code="required")
    try:
        validate_email(text)
    except ValidationError:
        raise ValidationError(
            _("Enter an email address like name@example.org."), code="invalid"
        ) from None
    return text
