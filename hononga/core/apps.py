from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hononga.core"
    label = "core"
