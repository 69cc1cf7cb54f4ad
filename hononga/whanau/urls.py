from django.urls import path

from hononga.whanau import views

app_name = "whanau"

urlpatterns = [
    path("whanau/", views.whanau_list_view, name="list"),
    path("whanau/new/", views.whanau_create_view, name="create"),
    path("whanau/<int:pk>/", views.whanau_detail_view, name="detail"),
    path("people/", views.people_list_view, name="people"),
    path("people/<int:pk>/", views.person_detail_view, name="person"),
    path("break-glass/", views.break_glass_view, name="break_glass"),
]
