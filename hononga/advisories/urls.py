from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "advisories"

urlpatterns: list[URLPattern | URLResolver] = [
    path("advisories/", views.advisory_list, name="list"),
    path("advisories/new/", views.advisory_create, name="create"),
    path("advisories/rules/", views.rule_table, name="rules"),
    path(
        "people/<int:person_pk>/immunisation/<str:disease>/",
        views.immunisation_edit,
        name="immunisation",
    ),
    path("advisories/report/", views.report_view, name="report"),
    path("advisories/<int:pk>/", views.advisory_detail, name="detail"),
    path("advisories/<int:pk>/edit/", views.advisory_edit, name="edit"),
    path("advisories/<int:pk>/end/", views.advisory_end, name="end"),
    path("whanau/<int:whanau_pk>/screen/", views.screen, name="screen"),
    path("screenings/<int:pk>/", views.screening_detail, name="screening"),
]
