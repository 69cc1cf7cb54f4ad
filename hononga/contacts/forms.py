"""Forms for contacts: they parse input; the services decide (one rule set for pages and API)."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hononga.contacts.models import (
    PURPOSE_MAX,
    RATING_MAX,
    RATING_MIN,
    Contact,
    DecisionsWith,
    Mode,
    Quadrant,
)
from hononga.contacts.selectors import REFLECTION_MAX_DAYS, Period, default_period
from hononga.relationships.models import Relationship
from hononga.whanau.models import TEXT_MAX, Person

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return obj.full_name


class RelationshipChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Relationship) -> str:
        return f"{obj.person_a.full_name} — {obj.person_b.full_name} ({obj.get_kind_display()})"


class ContactForm(forms.Form):
    occurred_at = forms.DateTimeField(
        label=_("When"),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        help_text=_("Today and now unless you are recording an earlier contact."),
    )
    mode = forms.ChoiceField(label=_("How"), choices=Mode.choices)
    participants = PersonChoiceField(
        label=_("Who took part"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose who took part (at least one person).")},
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=PURPOSE_MAX,
        help_text=_("A few words: why you met or talked."),
        error_messages={"required": _("Say in a few words what the contact was for.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    own_words = forms.CharField(
        label=_("In their own words"),
        required=False,
        max_length=TEXT_MAX,
        help_text=_("What tamariki or whānau said, as they said it."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    decisions_with = forms.ChoiceField(
        label=_("Were decisions made with the people concerned?"),
        choices=DecisionsWith.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Say whether decisions were made with the people concerned.")
        },
    )
    support = forms.IntegerField(
        label=_("Support you gave (0–10)"),
        min_value=RATING_MIN,
        max_value=RATING_MAX,
        help_text=_("Encouragement, care, help. 6 or more is high."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "rating"}),
        error_messages={"required": _("Give the support you gave, from 0 to 10.")},
    )
    control = forms.IntegerField(
        label=_("Control you exercised (0–10)"),
        min_value=RATING_MIN,
        max_value=RATING_MAX,
        help_text=_("Limits, expectations, accountability. 6 or more is high."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "rating"}),
        error_messages={"required": _("Give the control you exercised, from 0 to 10.")},
    )
    relationships = RelationshipChoiceField(
        label=_("Relationships this contact was about"),
        queryset=Relationship.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    screening = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # Parsed here (the contact services receive it) but not rendered by this app's template: the
    # advisories app's "contact_form" panel shows the gate and the one input, with the id
    # "id_urgent_reason" so that the error summary links to it. Without an active advisory there
    # is no input and nothing needs it.
    urgent_reason = forms.CharField(
        label=_("Urgent reason it could not wait for a screening"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, members: Any, relationships: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = members  # type: ignore[attr-defined]
        self.fields["relationships"].queryset = relationships  # type: ignore[attr-defined]
        if not relationships.exists():
            del self.fields["relationships"]
        # The quadrant is shown live beside the two ratings (HTMX asks the server: one rule).
        live = {
            "hx-get": reverse_lazy("contacts:quadrant"),
            "hx-trigger": "input changed delay:150ms, change",
            "hx-include": "[name=support],[name=control]",
            "hx-target": "#quadrant-live",
        }
        for name in ("support", "control"):
            self.fields[name].widget.attrs.update(live)

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "occurred_at",
                "mode",
                "purpose",
                "note",
                "own_words",
                "decisions_with",
                "support",
                "control",
            )
        }

    def participant_ids(self) -> list[int]:
        return [p.pk for p in self.cleaned_data.get("participants") or []]

    def relationship_ids(self) -> list[int]:
        return [r.pk for r in self.cleaned_data.get("relationships") or []]

    @staticmethod
    def initial_for(contact: Contact) -> dict[str, Any]:
        return {
            "occurred_at": timezone.localtime(contact.occurred_at).strftime(DATETIME_FORMAT),
            "mode": contact.mode,
            "participants": list(contact.participants.all()),
            "relationships": list(contact.relationships.all()),
            "purpose": contact.purpose,
            "note": contact.note,
            "own_words": contact.own_words,
            "decisions_with": contact.decisions_with,
            "support": contact.support,
            "control": contact.control,
        }


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this contact being archived?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why this contact is being archived.")},
    )


class ContactFilterForm(forms.Form):
    whanau = forms.TypedChoiceField(label=_("Whānau"), required=False, coerce=int, empty_value=None)
    person = forms.TypedChoiceField(label=_("Person"), required=False, coerce=int, empty_value=None)
    practitioner = forms.TypedChoiceField(
        label=_("Practitioner"), required=False, coerce=int, empty_value=None
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    mode = forms.ChoiceField(
        label=_("How"), required=False, choices=[("", _("Any")), *Mode.choices]
    )
    quadrant = forms.ChoiceField(
        label=_("Quadrant"), required=False, choices=[("", _("Any")), *Quadrant.choices]
    )

    def __init__(
        self, *args: Any, whanau: Any, people: Any, practitioners: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        any_choice = [("", _("Any"))]
        self.fields["whanau"].choices = any_choice + [(w.pk, w.name) for w in whanau]  # type: ignore[attr-defined]
        self.fields["person"].choices = any_choice + [(p.pk, p.full_name) for p in people]  # type: ignore[attr-defined]
        self.fields["practitioner"].choices = any_choice + [  # type: ignore[attr-defined]
            (u.pk, u.display_name) for u in practitioners
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return data


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        default = default_period()
        start = data.get("start") or default.start
        end = data.get("end") or default.end
        if end < start:
            self.add_error("end", _("The end date must be on or after the start date."))
        elif (end - start).days > REFLECTION_MAX_DAYS:
            self.add_error("start", _("Choose a period of at most three years."))
        data["period"] = Period(start=start, end=end)
        return data

    def period(self) -> Period:
        if self.is_valid():
            return self.cleaned_data["period"]
        return default_period()


def today_minus(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)
