from django.apps import AppConfig


class AdvisoriesConfig(AppConfig):
    name = "hononga.advisories"
    label = "advisories"
