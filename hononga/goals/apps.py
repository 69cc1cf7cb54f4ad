from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "hononga.goals"
    label = "goals"

    def ready(self) -> None:
        from hononga.core import panels
        from hononga.goals import panels as goal_panels

        panels.register("whanau", goal_panels.whanau_panel, order=15)
        panels.register("relationship", goal_panels.relationship_panel, order=15)
