"""Forms for staff pages, and the parsing of the eight answers (shared by every way to answer)."""

from datetime import datetime
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hononga.checkins import instrument
from hononga.checkins.models import CheckInSettings, Form, Language
from hononga.checkins.services import MAX_LINK_DAYS
from hononga.core.errors import PracticeError
from hononga.whanau.models import Person


def parse_answers(data: QueryDict) -> tuple[dict[str, Any], str]:
    """The posted answers as ints where they are whole numbers; anything else is passed on as
    it came, so the service rejects it with a clear message (never silently dropped)."""
    items: dict[str, Any] = {}
    for key in instrument.ITEM_KEYS:
        raw = data.get(key, "")
        raw = raw.strip() if isinstance(raw, str) else raw
        if raw in ("", None):
            items[key] = None
        elif isinstance(raw, str) and raw.isdecimal() and len(raw) <= 3:
            items[key] = int(raw)
        else:
            items[key] = raw
    return items, data.get("comment", "")[: instrument.COMMENT_MAX + 1]


def parse_overall(data: QueryDict) -> Any:
    """The overall "how are things" answer as an int where it is a whole number (else as it
    came, for the service to refuse), None when skipped."""
    raw = data.get("overall", "")
    raw = raw.strip() if isinstance(raw, str) else raw
    if raw in ("", None):
        return None
    if isinstance(raw, str) and raw.isdecimal() and len(raw) <= 3:
        return int(raw)
    return raw


def parse_moment(text: str) -> datetime | None:
    """A datetime-local value ("2026-03-01T14:30") in New Zealand time; blank means now."""
    text = text.strip()
    if not text:
        return None
    try:
        moment = datetime.strptime(text, "%Y-%m-%dT%H:%M")
    except ValueError:
        message = str(_("Give the date and time of the call, for example 1 March 2026 2:30 pm."))
        raise PracticeError(message, errors={"answered_at": [message]}) from None
    return timezone.make_aware(moment)


def _person_choices(people: list[Person]) -> list[tuple[str, str]]:
    return [(str(p.pk), p.full_name) for p in people]


class StartForm(forms.Form):
    """Start a check-in answered now on this device, or entered from a phone call."""

    rater = forms.TypedChoiceField(label=_("Who is answering?"), coerce=int)
    channel = forms.ChoiceField(
        label=_("How"),
        choices=[
            ("in_session", _("In session: hand this device to them")),
            ("phone", _("By phone: I enter their answers")),
        ],
        widget=forms.RadioSelect,
        initial="in_session",
    )
    form = forms.ChoiceField(
        label=_("Which form"),
        choices=[(Form.ADULT, _("Adult or rangatahi")), (Form.CHILD, _("Child (faces)"))],
        initial=Form.ADULT,
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices, initial=Language.EN)

    def __init__(self, *args: Any, people: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rater"].choices = _person_choices(people)  # type: ignore[attr-defined]


class LinkForm(forms.Form):
    rater = forms.TypedChoiceField(label=_("Who is the link for?"), coerce=int)
    form = forms.ChoiceField(
        label=_("Which form"),
        choices=[(Form.ADULT, _("Adult or rangatahi")), (Form.CHILD, _("Child (faces)"))],
        initial=Form.ADULT,
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices, initial=Language.EN)
    expires_in_days = forms.IntegerField(
        label=_("Link works for (days)"),
        min_value=1,
        max_value=MAX_LINK_DAYS,
        help_text=_("After this the link stops working. It also stops once answered."),
    )
    send_by = forms.ChoiceField(
        label=_("How should it reach them?"),
        choices=[
            ("text", _("Hononga sends it by text message to their mobile")),
            ("email", _("Hononga sends it by email")),
            ("copy", _("Show me the link, and I will send it myself")),
        ],
        initial="text",
        required=False,  # left out (older clients, tests): the link to copy, as before
        widget=forms.RadioSelect,
        help_text=_(
            "Hononga sends only to the number or address on their details, and only if they "
            "have agreed to be contacted that way."
        ),
    )

    def __init__(self, *args: Any, people: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rater"].choices = _person_choices(people)  # type: ignore[attr-defined]


class LinkSendForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Send it by"),
        choices=[("text", _("Text message")), ("email", _("Email"))],
    )


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        max_length=200,
        help_text=_("Only the practitioner can leave this screen."),
    )


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Why archive this check-in?"),
        max_length=2000,
        widget=forms.TextInput,
        help_text=_("For example: entered against the wrong person."),
    )


class SettingsForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = CheckInSettings
        fields = [
            "low_score",
            "low_item",
            "dropped",
            "gap_item",
            "gap_mean",
            "overdue_days",
            "rci_z",
            "reliable_change_floor",
            "default_sd",
            "default_alpha",
            "min_sample",
            "link_expiry_days",
        ]
