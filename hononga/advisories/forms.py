from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hononga.accounts.models import Team
from hononga.core.models import Region
from hononga.whanau.models import ImmunisationStatus

from .models import Condition, PeopleImmunisation

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
PLANNED_MODES = [
    ("home_visit", _("Home visit")),
    ("office", _("Office")),
    ("school", _("School")),
    ("outdoor", _("Outdoors")),
    ("other", _("Other in person")),
]


class AdvisoryForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices)
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions"),
        queryset=Region.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    starts = forms.DateField(
        label=_("Starts"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends = forms.DateField(
        label=_("Ends"),
        required=False,
        help_text=_("Leave empty while it lasts; end it when public health says so."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    guidance = forms.CharField(
        label=_("Guidance for practitioners"), widget=forms.Textarea, required=False
    )


class ScreeningForm(forms.Form):
    planned_mode = forms.ChoiceField(label=_("Planned contact"), choices=PLANNED_MODES)
    fever = forms.ChoiceField(
        label=_("Does anyone in the household have a fever?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    cough = forms.ChoiceField(
        label=_("Does anyone in the household have a cough?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    rash = forms.ChoiceField(
        label=_("Does anyone in the household have a rash?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    exposure = forms.ChoiceField(
        label=_("Has anyone had known exposure in the last 14 days?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    people_immunisation = forms.ChoiceField(
        label=_("Immunisation of the people who will be present"),
        choices=PeopleImmunisation.choices,
        widget=forms.RadioSelect,
    )
    practitioner_immunisation = forms.ChoiceField(
        label=_("Your own immunisation status"),
        choices=ImmunisationStatus.choices,
        widget=forms.RadioSelect,
    )
    vulnerable_pepi = forms.ChoiceField(
        label=_("Will a pēpi too young to be immunised be there?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    vulnerable_pregnant = forms.ChoiceField(
        label=_("Will someone pregnant and not immune be there?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    vulnerable_immunocompromised = forms.ChoiceField(
        label=_("Will someone immunocompromised be there?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    vulnerable_housing = forms.ChoiceField(
        label=_("Is it an overcrowded or emergency housing setting?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )

    def answers(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        return data


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
