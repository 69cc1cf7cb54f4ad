from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hononga.accounts.models import Team
from hononga.core.models import Region

from . import diseases
from .models import Condition, Evidence, ImmunisationStatus

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
PLANNED_MODES = [
    ("home_visit", _("Home visit")),
    ("office", _("Office")),
    ("school", _("School")),
    ("outdoor", _("Outdoors")),
    ("other", _("Other in person")),
]


class AdvisoryForm(forms.Form):
    """Every field the service requires is required here, so the labels tell the truth (no
    "(optional)" on a field that is then refused empty)."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example: Whooping cough — Tāmaki Makaurau."),
        error_messages={"required": _("Give the advisory a title, e.g. “Measles outbreak”.")},
    )
    condition = forms.ChoiceField(
        label=_("Disease"),
        choices=Condition.choices,
        help_text=_(
            "The screening asks this disease's questions and reads people's recorded "
            "immunisation status for it."
        ),
    )
    disease_name = forms.CharField(
        label=_("Name of the disease, if it is not in the list"),
        max_length=100,
        required=False,
        help_text=_("Needed only when the disease is “Another disease”."),
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions"),
        queryset=Region.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one region.")},
    )
    starts = forms.DateField(
        label=_("Starts"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Give the date the advisory starts.")},
    )
    ends = forms.DateField(
        label=_("Ends"),
        required=False,
        help_text=_("Leave empty while it lasts; end it when public health says so."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    guidance = forms.CharField(
        label=_("Guidance for practitioners"),
        widget=forms.Textarea,
        error_messages={"required": _("Write the guidance practitioners should follow.")},
    )


def screening_form_class(disease: diseases.Disease) -> type[forms.Form]:
    """The screening questions of one disease, as a form (built from diseases.py)."""
    fields: dict[str, Any] = {
        "planned_mode": forms.ChoiceField(label=_("Planned contact"), choices=PLANNED_MODES)
    }
    for question in disease.questions():
        fields[question.key] = forms.ChoiceField(
            label=str(question.text),
            choices=YES_NO,
            widget=forms.RadioSelect,
            error_messages={"required": _("Answer yes or no.")},
        )
    if disease.asks_practitioner:
        fields["practitioner_immunisation"] = forms.ChoiceField(
            label=_("Your own %(disease)s immunisation status") % {"disease": disease.label},
            choices=ImmunisationStatus.choices,
            widget=forms.RadioSelect,
            error_messages={"required": _("Give your own immunisation status.")},
        )
    fields["immunity_claim"] = forms.CharField(
        label=_("Anything people told you about immunity"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Kept as what they said. It does not change the recommendation: only a status "
            "recorded above, with consent and documented evidence, does."
        ),
    )
    return type("ScreeningForm", (ScreeningFormBase,), fields)


class ScreeningFormBase(forms.Form):
    def symptom_fields(self, disease: diseases.Disease) -> list[Any]:
        return [self[q.key] for q in disease.symptoms]

    def vulnerable_fields(self, disease: diseases.Disease) -> list[Any]:
        return [self[q.key] for q in disease.vulnerable]

    def service_answers(self, disease: diseases.Disease) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "planned_mode": data["planned_mode"],
            "answers": {key: data[key] for key in disease.question_keys()},
            "practitioner_immunisation": data.get("practitioner_immunisation", ""),
            "immunity_claim": data.get("immunity_claim", ""),
        }


class ImmunisationForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ImmunisationStatus.choices)
    evidence = forms.ChoiceField(
        label=_("How you know"),
        choices=[("", _("Not stated")), *Evidence.choices],
        required=False,
        help_text=_("Only a record seen or a test (or, for measles, birth before 1969) counts."),
    )
    source = forms.CharField(
        label=_("Details"),
        max_length=200,
        required=False,
        help_text=_("For example: Well Child book seen, MMR doses 2012 and 2015."),
    )
    as_at = forms.DateField(
        label=_("As at"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The date of the record or test; today if empty."),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("What you decided, and anything the whānau asked for."),
    )


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)

    def __init__(self, *args: Any, teams: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The period cannot end before it starts."))
        return data
