from django.urls import path

from hononga.whanau import views

app_name = "whanau"

urlpatterns = [
    path("whanau/", views.whanau_list_view, name="list"),
    path("whanau/new/", views.whanau_create_view, name="create"),
    path("whanau/<int:pk>/", views.whanau_detail_view, name="detail"),
    path("whanau/<int:pk>/edit/", views.whanau_edit_view, name="edit"),
    path("whanau/<int:pk>/archive/", views.whanau_archive_view, name="archive"),
    path("whanau/<int:pk>/members/add/", views.membership_add_view, name="membership_add"),
    path("whanau/<int:pk>/allocations/new/", views.allocation_create_view, name="allocation_add"),
    path("memberships/<int:pk>/edit/", views.membership_edit_view, name="membership_edit"),
    path("memberships/<int:pk>/remove/", views.membership_archive_view, name="membership_archive"),
    path("allocations/<int:pk>/end/", views.allocation_end_view, name="allocation_end"),
    path("people/", views.people_list_view, name="people"),
    path("people/new/", views.person_create_view, name="person_create"),
    path("people/<int:pk>/", views.person_detail_view, name="person"),
    path("people/<int:pk>/edit/", views.person_edit_view, name="person_edit"),
    path("people/<int:pk>/archive/", views.person_archive_view, name="person_archive"),
    path("break-glass/", views.break_glass_view, name="break_glass"),
]
