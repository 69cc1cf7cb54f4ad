from django.apps import AppConfig


class WhanauConfig(AppConfig):
    name = "hononga.whanau"
    label = "whanau"
