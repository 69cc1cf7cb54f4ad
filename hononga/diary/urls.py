from django.urls import path

from hononga.diary import views

app_name = "diary"

urlpatterns = [
    path("", views.week_view, name="week"),
    path("calendar-feed/", views.feed_create_view, name="feed_create"),
    path("calendar-feed/off/", views.feed_revoke_view, name="feed_revoke"),
    path("feed/<str:token>.ics", views.feed_view, name="feed"),
]
