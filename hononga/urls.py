from django.contrib import admin
from django.urls import include, path

from hononga.accounts import views as account_views
from hononga.api import api
from hononga.core import health
from hononga.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("health/", health.health, name="health"),
    # The switcher also keeps a signed-in user's choice (their emails come in it).
    path("i18n/setlang/", account_views.set_language_view, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("hononga.accounts.urls")),
    path("audit/", include("hononga.audit.urls")),
    path("messaging/", include("hononga.messaging.urls")),
    path("notifications/", include("hononga.notifications.urls")),
    path("my-week/", include("hononga.diary.urls")),
    path("", include("hononga.whanau.urls")),
    path("", include("hononga.relationships.urls")),
    path("", include("hononga.checkins.urls")),
    path("", include("hononga.contacts.urls")),
    path("", include("hononga.restorative.urls")),
    path("", include("hononga.advisories.urls")),
    path("", include("hononga.goals.urls")),
    path("", include("hononga.measures.urls")),
    path("", include("hononga.privacy.urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]

handler404 = "hononga.core.views.not_found"
handler403 = "hononga.core.views.forbidden"
handler500 = "hononga.core.views.server_error"
