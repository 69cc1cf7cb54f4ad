from django.urls import path

from hononga.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.list_view, name="list"),
    path("<int:pk>/open/", views.open_view, name="open"),
    path("<int:pk>/read/", views.read_view, name="read"),
    path("read-all/", views.read_all_view, name="read_all"),
    path("settings/", views.settings_view, name="settings"),
]
