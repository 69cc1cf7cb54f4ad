from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "hononga.checkins"
    label = "checkins"
