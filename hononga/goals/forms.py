"""Forms for the staff pages of the whānau plan, and parsing of ratings (shared by every way to
rate)."""

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from hononga.goals.models import STEP_MAX, WHO_MAX, WHY_MAX, WORDING_MAX, Goal, GoalStatus
from hononga.goals.services import EMPTY_WORDING
from hononga.relationships.models import Relationship
from hononga.whanau.models import Person

WHANAU_TOGETHER = ""


class DateInput(forms.DateInput):
    input_type = "date"


def holder_label(person: Person) -> str:
    if person.user_id:
        return str(_("%(name)s (practitioner — their own goal)") % {"name": person.full_name})
    return person.full_name


class GoalForm(forms.Form):
    holder = forms.ChoiceField(
        label=_("Whose goal is it?"),
        required=False,
        help_text=_("The person who holds it, or the whānau together."),
    )
    wording = forms.CharField(
        label=_("The goal, in their own words"),
        max_length=WORDING_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Write it as they said it. It is never rewritten later."),
        error_messages={"required": EMPTY_WORDING},
    )
    why = forms.CharField(
        label=_("Why it matters to them"),
        max_length=WHY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DateInput)
    concerns_people = forms.TypedMultipleChoiceField(
        label=_("People it concerns"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    concerns_relationships = forms.TypedMultipleChoiceField(
        label=_("Relationships it concerns"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        people: list[Person],
        relationships: list[Relationship],
        edit: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["holder"].choices = [
            (WHANAU_TOGETHER, _("The whānau together")),
            *((str(p.pk), holder_label(p)) for p in people),
        ]
        fields["concerns_people"].choices = [(p.pk, p.full_name) for p in people]
        fields["concerns_relationships"].choices = [
            (r.pk, f"{r.person_a.preferred_name} — {r.person_b.preferred_name}")
            for r in relationships
        ]
        if edit:
            del self.fields["holder"]
            del self.fields["wording"]
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ChangeWordingForm(forms.Form):
    wording = forms.CharField(
        label=_("The new wording, in their own words"),
        max_length=WORDING_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The old wording stays in the goal's history, with its ratings."),
        error_messages={"required": EMPTY_WORDING},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("What happened"),
        choices=[
            (GoalStatus.MET, _("Met — they got there")),
            (GoalStatus.SET_ASIDE, _("Set aside — not working on it now")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=WHY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when a goal is set aside: in their words where possible."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class StepForm(forms.Form):
    what = forms.CharField(label=_("What"), max_length=STEP_MAX)
    who = forms.CharField(label=_("Who does it"), max_length=WHO_MAX)
    by_when = forms.DateField(label=_("By when"), required=False, widget=DateInput)


class LinkForm(forms.Form):
    rater = forms.TypedChoiceField(label=_("Who is the link for?"), coerce=int)
    checkin_relationship = forms.TypedChoiceField(
        label=_("Ask a check-in too?"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_(
            "One link can carry the check-in on their relationship with a practitioner and "
            "then their goals."
        ),
    )
    form = forms.ChoiceField(
        label=_("Which form?"),
        choices=[("adult", _("Adult / rangatahi")), ("child", _("Child (faces)"))],
        initial="adult",
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("en", _("English")), ("mi", _("Te reo Māori"))]
    )
    expires_in_days = forms.IntegerField(
        label=_("Works for (days)"), min_value=1, max_value=60, initial=14
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

    def __init__(
        self,
        *args: Any,
        people: list[Person],
        relationships: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["rater"].choices = [(p.pk, p.full_name) for p in people]
        fields["checkin_relationship"].choices = [
            ("", _("No, only their goals")),
            *relationships,
        ]


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def parse_ratings(data: QueryDict, goals: list[Goal]) -> dict[int, Any]:
    """The posted rating of each goal ("goal-<id>") as an int where it is a whole number;
    anything else is passed on as it came so the service refuses it with a clear message."""
    values: dict[int, Any] = {}
    for goal in goals:
        raw = data.get(f"goal-{goal.pk}", "")
        raw = raw.strip() if isinstance(raw, str) else raw
        if raw in ("", None):
            values[goal.pk] = None
        elif isinstance(raw, str) and raw.isdecimal() and len(raw) <= 3:
            values[goal.pk] = int(raw)
        else:
            values[goal.pk] = raw
    return values
