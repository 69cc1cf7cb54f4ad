from django.urls import URLPattern, URLResolver, path

from hononga.relationships import views

app_name = "relationships"

urlpatterns: list[URLPattern | URLResolver] = [
    path("whanau/<int:whanau_pk>/map/", views.map_view, name="map"),
    path("whanau/<int:whanau_pk>/relationships/", views.list_view, name="list"),
    path("whanau/<int:whanau_pk>/relationships/new/", views.create_view, name="create"),
    path("relationships/<int:pk>/", views.detail_view, name="detail"),
    path("relationships/<int:pk>/edit/", views.edit_view, name="edit"),
    path("relationships/<int:pk>/end/", views.end_view, name="end"),
    path("people/<int:person_pk>/consent/", views.consent_view, name="consent"),
]
