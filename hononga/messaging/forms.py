from django import forms
from django.utils.translation import gettext_lazy as _

from hononga.messaging.models import Channel, MessageStatus


class OutboxFilterForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Any")), *Channel.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *MessageStatus.choices]
    )


class TestMessageForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Send by"), choices=Channel.choices, widget=forms.RadioSelect, initial="email"
    )
    to = forms.CharField(
        label=_("To"),
        max_length=254,
        help_text=_("An email address, or a mobile number such as 021 123 4567."),
    )
