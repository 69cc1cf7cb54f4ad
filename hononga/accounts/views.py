from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hononga.accounts.forms import TokenCreateForm
from hononga.accounts.models import ApiToken
from hononga.accounts.services import token_create, token_revoke
from hononga.audit.models import Action
from hononga.audit.services import record_event
from hononga.core.errors import PracticeError
from hononga.core.request import AuthedRequest


@login_required
def profile(request: AuthedRequest) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")[:50]
    return render(
        request,
        "accounts/profile.html",
        {
            "tokens": tokens,
            "form": TokenCreateForm(),
            "new_token": request.session.pop("new_token", None),
        },
    )


@login_required
@require_POST
def token_create_view(request: AuthedRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST)
    if form.is_valid():
        try:
            _token, raw = token_create(
                user=request.user, name=form.cleaned_data["name"], request=request
            )
        except PracticeError as error:
            form.add_error(None, error.message)
        else:
            # Shown once on the next page, then gone; only the hash is kept.
            request.session["new_token"] = raw
            return redirect("accounts:profile")
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")[:50]
    return render(request, "accounts/profile.html", {"tokens": tokens, "form": form}, status=400)


@login_required
@require_POST
def token_revoke_view(request: AuthedRequest, token_id: int) -> HttpResponse:
    token = token_revoke(user=request.user, token_id=token_id, request=request)
    messages.success(
        request,
        _("Token %(prefix)s… revoked. Scripts using it will stop working.")
        % {"prefix": token.prefix},
    )
    return redirect("accounts:profile")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password (old one required); audited; other sessions end."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_changed")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.user
        record_event(
            actor=user,
            action=Action.UPDATE,
            target=user,
            summary=f"Changed own password ({user.get_username()})",
            request=self.request,
        )
        return response
