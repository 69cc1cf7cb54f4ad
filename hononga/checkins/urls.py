from django.urls import URLPattern, URLResolver

app_name = "checkins"

urlpatterns: list[URLPattern | URLResolver] = []
