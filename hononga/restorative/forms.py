"""Forms for restorative processes: they parse input; the services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hononga.accounts.models import User
from hononga.relationships.models import Relationship
from hononga.restorative.models import (
    RATING_MAX,
    RATING_MIN,
    CredentialLevel,
    FgcStage,
    ItemStatus,
    Participant,
    ParticipantRole,
    ProcessKind,
    SafetyAssessment,
    Severity,
    State,
)
from hononga.restorative.questions import questions_for
from hononga.whanau.models import TEXT_MAX, Person

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return obj.full_name


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return obj.full_name


class ParticipantField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Participant) -> str:
        return f"{obj.person.full_name} ({obj.get_role_display()})"


class RelationshipsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Relationship) -> str:
        return f"{obj.person_a.full_name} — {obj.person_b.full_name} ({obj.get_kind_display()})"


class HarmForm(forms.Form):
    what = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say what happened.")},
        max_length=TEXT_MAX,
    )
    occurred_on = forms.DateField(
        label=_("When it happened"),
        widget=DATE,
        error_messages={"required": _("Give the date it happened.")},
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    harmed = PeopleField(
        label=_("Who was harmed"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose who was harmed (at least one person).")},
    )
    responsible = PeopleField(
        label=_("Who was responsible"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    relationships = RelationshipsField(
        label=_("Relationships it touched"),
        queryset=Relationship.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, members: Any, relationships: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["harmed"].queryset = members  # type: ignore[attr-defined]
        self.fields["responsible"].queryset = members  # type: ignore[attr-defined]
        self.fields["relationships"].queryset = relationships  # type: ignore[attr-defined]


class ReferForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type of process"),
        choices=ProcessKind.choices,
        initial=ProcessKind.FORMAL_CONFERENCE,
        help_text=_(
            "A formal conference or family group conference needs a credentialled facilitator."
        ),
    )
    facilitator = forms.ModelChoiceField(
        label=_("Facilitator"),
        queryset=User.objects.none(),
        error_messages={"required": _("Choose a facilitator.")},
    )

    def __init__(self, *args: Any, facilitators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = facilitators  # type: ignore[attr-defined]


class ParticipantAddForm(forms.Form):
    person = PersonField(
        label=_("Person"),
        queryset=Person.objects.none(),
        error_messages={"required": _("Choose a person from this whānau.")},
    )
    role = forms.ChoiceField(label=_("Role"), choices=ParticipantRole.choices)

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = members  # type: ignore[attr-defined]


class PreparationForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Participant
        fields = [
            "invited_on",
            "consented_on",
            "prepared_on",
            "preparation_notes",
            "support_person",
            "wants_mihi",
            "wants_karakia",
            "wants_te_reo",
            "venue",
            "interpreter",
            "accessibility",
        ]
        widgets = {
            "invited_on": DATE,
            "consented_on": DATE,
            "prepared_on": DATE,
            "preparation_notes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "consented_on": _("The day they agreed to take part. Your name is recorded with it."),
        }


class SafetyForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Radios need no "---------" choice: leaving them all unticked is the empty answer.
        for name in (
            "risk_of_further_harm",
            "power_imbalance",
            "accepts_responsibility",
            "outcome",
        ):
            field = self.fields[name]
            field.choices = [c for c in field.choices if c[0] != ""]  # type: ignore[attr-defined]

    class Meta:
        model = SafetyAssessment
        fields = [
            "risk_of_further_harm",
            "power_imbalance",
            "readiness",
            "accepts_responsibility",
            "outcome",
            "safeguards",
            "reason",
        ]
        widgets = {
            "readiness": forms.Textarea(attrs={"rows": 3}),
            "safeguards": forms.Textarea(attrs={"rows": 3}),
            "reason": forms.Textarea(attrs={"rows": 3}),
            "risk_of_further_harm": forms.RadioSelect,
            "power_imbalance": forms.RadioSelect,
            "accepts_responsibility": forms.RadioSelect,
            "outcome": forms.RadioSelect,
        }
        help_texts = {
            "safeguards": _("Needed when the outcome is “proceed with safeguards”."),
            "reason": _("Needed when the outcome is “not suitable”."),
        }


class ConferenceForm(forms.Form):
    """One text box per participant and question, in DESIGN.md's order of voices."""

    def __init__(self, *args: Any, participants: list[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups: list[tuple[Participant, list[str]]] = []
        for participant in participants:
            names = []
            existing = {r.question: r.answer for r in participant.responses.all()}
            for question, text in questions_for(participant.role).items():
                name = f"p{participant.pk}_{question}"
                self.fields[name] = forms.CharField(
                    label=str(text),
                    required=False,
                    max_length=10000,
                    initial=existing.get(question, ""),
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
                names.append(name)
            self.groups.append((participant, names))

    def answers(self) -> dict[int, dict[str, str]]:
        result: dict[int, dict[str, str]] = {}
        for participant, names in self.groups:
            result[participant.pk] = {
                name.split("_", 1)[1]: self.cleaned_data.get(name, "") for name in names
            }
        return result


class ConferenceDateForm(forms.Form):
    conference_planned_on = forms.DateField(
        label=_("Conference planned for"),
        required=False,
        widget=DATE,
        help_text=_("Shown in your diary and calendar. Leave empty if no date is set yet."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class FgcStageForm(forms.Form):
    fgc_stage = forms.ChoiceField(label=_("Conference stage"), choices=FgcStage.choices)


class ItemForm(forms.Form):
    what = forms.CharField(
        label=_("What"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say what will be done.")},
        max_length=TEXT_MAX,
    )
    owner = ParticipantField(
        label=_("Who does it"),
        queryset=Participant.objects.none(),
        error_messages={"required": _("Say who does it.")},
    )
    for_whom = ParticipantField(
        label=_("For whom"), queryset=Participant.objects.none(), required=False
    )
    due = forms.DateField(
        label=_("By when"), widget=DATE, error_messages={"required": _("Say by when.")}
    )

    def __init__(self, *args: Any, participants: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = participants  # type: ignore[attr-defined]
        self.fields["for_whom"].queryset = participants  # type: ignore[attr-defined]


class ItemStatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    status = forms.ChoiceField(
        label=_("Status"), choices=ItemStatus.choices, widget=forms.RadioSelect
    )
    status_reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the item was varied or not done."),
        max_length=TEXT_MAX,
    )


class FollowUpScheduleForm(forms.Form):
    participant = ParticipantField(
        label=_("With"),
        queryset=Participant.objects.none(),
        error_messages={"required": _("Choose a person harmed or responsible.")},
    )
    scheduled_for = forms.DateField(
        label=_("Date"), widget=DATE, error_messages={"required": _("Give the date.")}
    )

    def __init__(self, *args: Any, participants: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = participants  # type: ignore[attr-defined]


class FollowUpRecordForm(forms.Form):
    rating = forms.IntegerField(
        label=_("How far do they feel things have been put right? (0–10)"),
        min_value=RATING_MIN,
        max_value=RATING_MAX,
        required=False,
        help_text=_("0 = not at all, 10 = completely. Their number, not yours."),
    )
    own_words = forms.CharField(
        label=_("In their own words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX,
    )


class TransitionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    target = forms.ChoiceField(choices=State.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_MAX,
    )
    outcome_summary = forms.CharField(
        label=_("Outcome summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX,
    )
    on_safety_grounds = forms.BooleanField(label=_("On safety grounds"), required=False)


class StateFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Stage"), choices=[("", _("Any stage")), *State.choices], required=False
    )
    mine = forms.BooleanField(label=_("Only processes I facilitate"), required=False)


class CredentialForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Facilitator"), queryset=User.objects.none())
    level = forms.ChoiceField(label=_("Level"), choices=CredentialLevel.choices)
    issued = forms.DateField(label=_("Issued"), widget=DATE)
    expires = forms.DateField(label=_("Expires"), widget=DATE)

    def __init__(self, *args: Any, facilitators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = facilitators  # type: ignore[attr-defined]


class CredentialEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    level = forms.ChoiceField(label=_("Level"), choices=CredentialLevel.choices)
    issued = forms.DateField(label=_("Issued"), widget=DATE)
    expires = forms.DateField(label=_("Expires"), widget=DATE)


class CredentialEndForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    ended_on = forms.DateField(
        label=_("Not current from"),
        widget=DATE,
        help_text=_("Usually today. The credential is not current from this day on."),
        error_messages={"required": _("Give the day it ends.")},
    )
    reason = forms.CharField(
        label=_("Why it ends early"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_MAX,
        error_messages={"required": _("Say why the credential ends early.")},
    )


class FacilitatorField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.username})"


class ReassignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    facilitator = FacilitatorField(
        label=_("New facilitator"),
        queryset=User.objects.none(),
        error_messages={"required": _("Choose the new facilitator.")},
    )
    reason = forms.CharField(
        label=_("Why the process is reassigned"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_MAX,
        error_messages={"required": _("Say why the process is reassigned.")},
    )

    def __init__(self, *args: Any, facilitators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = facilitators  # type: ignore[attr-defined]


class ParticipantRemoveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why this participant is removed"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_MAX,
        help_text=_("For example: added by mistake, the wrong person of the same name."),
        error_messages={"required": _("Say why this participant is removed.")},
    )
