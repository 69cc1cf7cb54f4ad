from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    name = "hononga.synthetic"
    label = "synthetic"
