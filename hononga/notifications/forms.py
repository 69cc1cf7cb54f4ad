from typing import Any

from django import forms

from hononga.notifications.models import EmailDelivery, Kind, default_delivery


class PreferencesForm(forms.Form):
    """One choice a kind: by email at once, in the daily digest, or not by email."""

    def __init__(self, *args: Any, current: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=EmailDelivery.choices,
                initial=current.get(kind.value) or default_delivery(kind.value),
                widget=forms.RadioSelect,
            )
