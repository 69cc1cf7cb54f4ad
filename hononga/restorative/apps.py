from django.apps import AppConfig


class RestorativeConfig(AppConfig):
    name = "hononga.restorative"
    label = "restorative"
