from django.contrib.auth import views as auth_views
from django.urls import include, path

from hononga.accounts import manage_views, views
from hononga.accounts.forms import LoginForm

app_name = "accounts"

# Administrators' pages, in their own namespace (accounts:manage:…) so the navigation can mark
# "Manage" as the current page on each of them.
manage_patterns = (
    [
        path("", manage_views.manage, name="index"),
        path("users/", manage_views.user_list, name="users"),
        path("users/new/", manage_views.user_create, name="user_create"),
        path("users/<str:user_id>/", manage_views.user_edit, name="user_edit"),
        path(
            "users/<str:user_id>/deactivate/",
            manage_views.user_deactivate,
            name="user_deactivate",
        ),
        path(
            "users/<str:user_id>/second-factor/reset/",
            manage_views.user_second_factor_reset,
            name="user_second_factor_reset",
        ),
        path("security/", manage_views.security_policy, name="security"),
        path("teams/", manage_views.team_list, name="teams"),
        path("teams/new/", manage_views.team_create, name="team_create"),
        path("teams/<str:team_id>/", manage_views.team_edit, name="team_edit"),
        path("allocations/", manage_views.allocation_list, name="allocations"),
        path("allocations/new/", manage_views.allocation_new, name="allocation_create"),
        path(
            "allocations/<str:allocation_id>/end/",
            manage_views.allocation_end,
            name="allocation_end",
        ),
    ],
    "manage",
)

urlpatterns = [
    path(
        "login/",
        views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_changed.html"),
        name="password_changed",
    ),
    path("second-factor/", views.second_factor_view, name="second_factor"),
    path("me/second-factor/", views.second_factor_enrol, name="second_factor_enrol"),
    path("me/second-factor/codes/", views.second_factor_codes, name="second_factor_codes"),
    path("me/second-factor/renew/", views.second_factor_renew, name="second_factor_renew"),
    path("me/", views.profile, name="profile"),
    path("me/tokens/", views.token_create_view, name="token_create"),
    path("me/tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("manage/", include(manage_patterns)),
    # The old name of the manage page, still used in templates: {% url 'accounts:manage' %}.
    path("manage/", manage_views.manage, name="manage"),
]
