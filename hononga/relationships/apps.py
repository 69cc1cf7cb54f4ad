from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "hononga.relationships"
    label = "relationships"

    def ready(self) -> None:
        from hononga.core import panels
        from hononga.relationships import panels as relationship_panels

        panels.register("whanau", relationship_panels.whanau_panel, order=10)
        panels.register("person", relationship_panels.person_panel, order=10)
