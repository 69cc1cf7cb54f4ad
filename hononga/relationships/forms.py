"""Forms for relationships and consent: they parse input; the services decide the rules."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hononga.relationships.models import (
    ConsentPurpose,
    ConsentStatus,
    Relationship,
    RelationshipKind,
    Strength,
    Stress,
    Support,
)
from hononga.relationships.selectors import Candidate
from hononga.whanau.models import TEXT_MAX

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RelationshipFieldsForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of relationship"),
        choices=RelationshipKind.choices,
        error_messages={"required": _("Choose the kind of relationship.")},
    )
    strength = forms.ChoiceField(
        label=_("Strength"),
        choices=Strength.choices,
        initial=Strength.MODERATE,
        help_text=_("On the map: strong is a thick line, tenuous a dashed one."),
    )
    stress = forms.ChoiceField(
        label=_("Stress"),
        choices=Stress.choices,
        initial=Stress.NONE,
        help_text=_("On the map: a stressful relationship is a jagged line."),
    )
    support = forms.ChoiceField(
        label=_("Direction of support"),
        choices=Support.choices,
        initial=Support.BOTH,
        help_text=_("On the map: arrows point the way support and energy flow."),
    )
    started = forms.DateField(label=_("Started"), required=False, widget=DATE_WIDGET)
    ended = forms.DateField(
        label=_("Ended"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Leave empty while the relationship goes on."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    FIELDS = ("kind", "strength", "stress", "support", "started", "ended", "notes")

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS if name in self.fields}

    @classmethod
    def initial_for(cls, relationship: Relationship) -> dict[str, Any]:
        return {name: getattr(relationship, name) for name in cls.FIELDS}


class RelationshipForm(RelationshipFieldsForm):
    """A new relationship: two people from the map, then what the relationship is like."""

    person_a = forms.ChoiceField(
        label=_("First person"), error_messages={"required": _("Choose the first person.")}
    )
    person_b = forms.ChoiceField(
        label=_("Second person"), error_messages={"required": _("Choose the second person.")}
    )

    field_order = ["person_a", "person_b", *RelationshipFieldsForm.FIELDS]

    def __init__(self, *args: Any, candidates: list[Candidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [("", _("Choose someone"))]
        choices += [(c.key, f"{c.name} ({c.detail})" if c.detail else c.name) for c in candidates]
        for name in ("person_a", "person_b"):
            self.fields[name].choices = choices  # type: ignore[attr-defined]
        del self.fields["ended"]  # a new relationship goes on; end it from its page

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("person_a") and data.get("person_a") == data.get("person_b"):
            self.add_error("person_b", _("A relationship needs two different people."))
        return data


class RelationshipEditForm(RelationshipFieldsForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        started, ended = data.get("started"), data.get("ended")
        if started and ended and ended < started:
            self.add_error("ended", _("A relationship cannot end before it started."))
        return data


class EndForm(forms.Form):
    ended = forms.DateField(
        label=_("Last day of the relationship"),
        widget=DATE_WIDGET,
        initial=timezone.localdate,
        error_messages={"required": _("Enter the date the relationship ended.")},
    )
    reason = forms.CharField(
        label=_("Why it ended"),
        required=False,
        max_length=100,
        help_text=_("A few words, kept in the relationship's history."),
    )


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Consent for"),
        choices=[("", _("Choose a purpose")), *ConsentPurpose.choices],
        error_messages={"required": _("Choose what the consent is for.")},
    )
    status = forms.ChoiceField(
        label=_("Consent"),
        choices=ConsentStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose given or withdrawn.")},
    )
    date = forms.DateField(
        label=_("Date"),
        widget=DATE_WIDGET,
        initial=timezone.localdate,
        error_messages={"required": _("Enter the date.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        help_text=_("How it was given or withdrawn, and anything the person asked for."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
