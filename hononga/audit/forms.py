from django import forms
from django.utils.translation import gettext_lazy as _

from hononga.audit.models import Action


class AuditFilterForm(forms.Form):
    actor = forms.CharField(
        label=_("Who"),
        max_length=150,
        required=False,
        help_text=_("A username, exactly as it is written."),
    )
    action = forms.ChoiceField(
        label=_("What"),
        required=False,
        choices=[("", _("Any action")), *Action.choices],
    )
    whanau = forms.IntegerField(
        label=_("Whānau number"),
        required=False,
        min_value=1,
        max_value=2**62,
        help_text=_("The number in the whānau page's address."),
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
