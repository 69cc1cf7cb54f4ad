"""Forms for the whānau and people pages. They only parse input; the services decide."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hononga.accounts.models import Team, User
from hononga.core.models import Region
from hononga.whanau.models import (
    NAME_MAX,
    TEXT_MAX,
    Membership,
    Person,
    PersonKind,
    Whanau,
    WhanauStatus,
)
from hononga.whanau.services import MIN_REASON

SEARCH_MAX = 200
REASON_MAX = 2000
# Largest id a form accepts; bigger numbers are "not found", never a database error.
ID_MAX = 2**31 - 1


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class WhanauFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search by name"),
        required=False,
        max_length=SEARCH_MAX,
        help_text=_("Macrons and capitals do not matter: “whanau” finds “Whānau”."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *WhanauStatus.choices],
    )
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.none(), empty_label=_("Any team")
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        required=False,
        queryset=Region.objects.none(),
        empty_label=_("Any region"),
    )
    mine = forms.BooleanField(label=_("Only whānau allocated to me"), required=False)

    def __init__(
        self, *args: Any, teams: QuerySet[Team], regions: QuerySet[Region], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]


class PeopleFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search by name"),
        required=False,
        max_length=SEARCH_MAX,
        help_text=_("Macrons and capitals do not matter."),
    )
    kind = forms.ChoiceField(
        label=_("Who they are"), required=False, choices=[("", _("Anyone")), *PersonKind.choices]
    )


class WhanauForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    status = forms.ChoiceField(
        label=_("Status"), choices=WhanauStatus.choices, initial=WhanauStatus.OPEN
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=Whanau._meta.get_field("summary").help_text,
    )

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        if not name.strip():
            raise forms.ValidationError(_("Give the whānau a name."))
        return name


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the record's history and the audit trail."),
    )


PERSON_FORM_FIELDS = [
    "preferred_name",
    "other_names",
    "kind",
    "date_of_birth",
    "languages",
    "phone",
    "email",
    "iwi",
    "hapu",
]


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = PERSON_FORM_FIELDS
        widgets = {
            "date_of_birth": DateInput(),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def clean_preferred_name(self) -> str:
        name: str = self.cleaned_data["preferred_name"]
        if not name.strip():
            raise forms.ValidationError(_("Give the name the person likes to be called."))
        return name

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PERSON_FORM_FIELDS}


class PersonCreateForm(PersonForm):
    whanau = forms.ModelChoiceField(label=_("Whānau"), queryset=Whanau.objects.none())
    membership_role = forms.CharField(
        label=_("Role in the whānau"),
        required=False,
        max_length=100,
        help_text=Membership._meta.get_field("role").help_text,
    )
    confirm_new = forms.BooleanField(
        label=_("None of these is the person: create a new record"), required=False
    )

    class Meta(PersonForm.Meta):
        pass

    field_order = ["whanau", "membership_role", *PERSON_FORM_FIELDS]

    def __init__(self, *args: Any, whanau: QuerySet[Whanau], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["whanau"].queryset = whanau  # type: ignore[attr-defined]


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "started", "ended"]
        widgets = {"started": DateInput(), "ended": DateInput()}


class MembershipAddForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    role = forms.CharField(
        label=_("Role in the whānau"),
        required=False,
        max_length=100,
        help_text=Membership._meta.get_field("role").help_text,
    )
    started = forms.DateField(label=_("From"), required=False, widget=DateInput())

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class AllocationForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Staff member"), queryset=User.objects.none())
    started = forms.DateField(label=_("From"), widget=DateInput())
    ended = forms.DateField(label=_("Until"), required=False, widget=DateInput())

    def __init__(self, *args: Any, staff: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff  # type: ignore[attr-defined]
        self.fields["user"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: f"{u.display_name} ({u.username}, {u.get_role_display()})"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        started, ended = data.get("started"), data.get("ended")
        if started and ended and ended < started:
            self.add_error("ended", _("The end date must be on or after the start date."))
        return data


class AllocationEndForm(forms.Form):
    ended = forms.DateField(label=_("Last day"), widget=DateInput())


class BreakGlassForm(forms.Form):
    whanau = forms.IntegerField(
        label=_("Whānau reference number"),
        min_value=1,
        max_value=ID_MAX,
        help_text=_("The number in the whānau's address, for example 42 in /whanau/42/."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        min_length=MIN_REASON,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What you need to see and why. The whānau's supervisors see this reason, and it is "
            "kept in the audit trail."
        ),
    )
