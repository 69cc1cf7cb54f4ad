from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "hononga.relationships"
    label = "relationships"
