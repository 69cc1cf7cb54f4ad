from django.urls import path

from hononga.measures import views

app_name = "measures"

urlpatterns = [
    path("figures/", views.agency_view, name="agency"),
    path("figures/regions/<str:pk>/", views.region_view, name="region"),
    path("figures/teams/", views.team_index_view, name="teams"),
    path("figures/teams/<str:pk>/", views.team_view, name="team"),
    path("figures/definitions/", views.definitions_view, name="definitions"),
]
