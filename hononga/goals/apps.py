from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "hononga.goals"
    label = "goals"

    def ready(self) -> None:
        from hononga.core import panels
        from hononga.goals import panels as goal_panels

        panels.register("whanau", goal_panels.whanau_panel, order=15)
        panels.register("relationship", goal_panels.relationship_panel, order=15)
        register_link_follow_on()


def register_link_follow_on() -> None:
    """A check-in link that also carries goal ratings goes on to the goals once answered."""
    from hononga.checkins import hooks
    from hononga.goals.services import link_after_checkin

    if link_after_checkin not in hooks.AFTER_LINK_ANSWER:
        hooks.AFTER_LINK_ANSWER.append(link_after_checkin)
