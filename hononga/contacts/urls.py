from django.urls import URLPattern, URLResolver, include, path

from hononga.contacts import views

app_name = "contacts"

# Reflection and supervision have namespaces of their own ("contacts:reflection:…"), so the
# main navigation marks "Reflection" or "Supervision" as the current page, not "Contacts".
reflection_patterns: list[URLPattern | URLResolver] = [
    path("", views.reflection_index_view, name="index"),
    path("practitioners/<int:pk>/", views.practitioner_reflection_view, name="practitioner"),
    path("teams/<int:pk>/", views.team_reflection_view, name="team"),
]
supervision_patterns: list[URLPattern | URLResolver] = [
    path("", views.supervision_index_view, name="index"),
    path("<int:pk>/", views.supervision_view, name="practitioner"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("contacts/", views.contact_list_view, name="list"),
    path("contacts/new/", views.choose_whanau_view, name="choose"),
    path("whanau/<int:whanau_pk>/contacts/new/", views.contact_create_view, name="create"),
    path("contacts/quadrant/", views.quadrant_view, name="quadrant"),
    path("contacts/<int:pk>/", views.contact_detail_view, name="detail"),
    path("contacts/<int:pk>/edit/", views.contact_edit_view, name="edit"),
    path("contacts/<int:pk>/archive/", views.contact_archive_view, name="archive"),
    path("reflection/", include((reflection_patterns, "reflection"))),
    path("supervision/", include((supervision_patterns, "supervision"))),
]
