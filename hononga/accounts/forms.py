from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from hononga.accounts.models import Role, Team, User
from hononga.core.models import Region
from hononga.whanau.models import Whanau


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "The username or password is not right. Check them and try again. After 5 tries "
            "the account is locked from this device for 15 minutes."
        ),
        "inactive": _("This account is not active. Ask an administrator."),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].label = _("Username")
        self.fields["password"].label = _("Password")
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What will use it, for example “weekly report script”."),
    )
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=64,
        required=False,
        help_text=_(
            "A token works without your password or second factor, so making one needs a "
            "fresh code."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none"}),
    )

    def __init__(self, *args: Any, needs_code: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.needs_code = needs_code
        if needs_code:
            self.fields["code"].required = True
        else:
            del self.fields["code"]


# --- Administrators' manage pages ----------------------------------------------------------------


class UserSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        max_length=150,
        required=False,
        help_text=_("Part of a username or name."),
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("Any role")), *Role.choices]
    )
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.all(), empty_label=_("Any team")
    )
    active = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Active and inactive")), ("yes", _("Active")), ("no", _("Inactive"))],
    )


class _UserFields(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    preferred_name = forms.CharField(
        label=_("Preferred name"),
        max_length=100,
        required=False,
        help_text=_("What whānau call them; shown on check-in forms."),
    )
    email = forms.EmailField(label=_("Email"), max_length=254, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        required=False,
        queryset=Team.objects.select_related("region"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Supervisors see their teams' whānau; practitioners open whānau in them."),
    )
    lead_regions = forms.ModelMultipleChoiceField(
        label=_("Regions they lead"),
        required=False,
        queryset=Region.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Practice leads only: they see figures for these regions, never names or records. "
            "None ticked: the whole agency."
        ),
    )


class UserCreateForm(_UserFields):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only; used to log in."),
    )
    password = forms.CharField(
        label=_("First password"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. Give it to them in person; they can change it."),
    )

    field_order = ["username", "first_name", "last_name", "preferred_name", "email", "role"]


class UserEditForm(_UserFields):
    is_active = forms.BooleanField(
        label=_("Active (can log in)"),
        required=False,
        help_text=_("Users are never deleted; deactivate them instead."),
    )
    password = forms.CharField(
        label=_("New password"),
        strip=False,
        required=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep their password. At least 12 characters."),
    )


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=120)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False
    )
    new_region = forms.CharField(
        label=_("Or a new region"),
        max_length=100,
        required=False,
        help_text=_("Only if the region is not in the list."),
    )


class AllocationFilterForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.all(), empty_label=_("Any team")
    )
    user = forms.ModelChoiceField(
        label=_("Staff member"),
        required=False,
        queryset=User.objects.exclude(role=Role.ADMIN),
        empty_label=_("Anyone"),
    )
    current = forms.BooleanField(label=_("Only current allocations"), required=False)


class WhanauChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.team.name}, #{obj.pk})"


class AllocationCreateForm(forms.Form):
    whanau = WhanauChoiceField(label=_("Whānau"), queryset=Whanau.objects.none())
    user = forms.ModelChoiceField(
        label=_("Staff member"),
        # Administrators and practice leads hold no caseload: they never see case content.
        queryset=User.objects.filter(is_active=True).exclude(
            role__in=[Role.ADMIN, Role.PRACTICE_LEAD]
        ),
    )
    started = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ended = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["whanau"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = (
            Whanau.objects.filter(archived_at__isnull=True)
            .select_related("team")
            .order_by("search_key", "id")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("started"), data.get("ended")
        if start and end and end < start:
            self.add_error("ended", _("The end date is before the start date."))
        return data


class AllocationEndForm(forms.Form):
    version = forms.IntegerField(min_value=1, max_value=2**31, widget=forms.HiddenInput)
    ended = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))


class SecondFactorCodeForm(forms.Form):
    """A 6-digit code from the authenticator app, or one recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        help_text=_(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )


class EnrolCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=20,
        help_text=_("The 6 digits the app shows for Hononga once you have added it."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )


class SecurityPolicyForm(forms.Form):
    second_factor_required = forms.BooleanField(
        label=_("Require a second factor for every staff member"),
        required=False,
        help_text=_(
            "Everyone is asked to set up an authenticator app at their next page, and for a "
            "code after their password from then on."
        ),
    )
