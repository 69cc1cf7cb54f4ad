from django.urls import URLPattern, URLResolver

app_name = "advisories"

urlpatterns: list[URLPattern | URLResolver] = []
