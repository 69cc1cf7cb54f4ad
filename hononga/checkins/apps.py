from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "hononga.checkins"
    label = "checkins"

    def ready(self) -> None:
        from hononga.checkins import panels as checkin_panels
        from hononga.core import panels

        panels.register("home", checkin_panels.home_panel, order=10)
        panels.register("relationship", checkin_panels.relationship_panel, order=20)
        panels.register("whanau", checkin_panels.whanau_panel, order=20)
        panels.register("person", checkin_panels.person_panel, order=20)
        panels.register("supervision", checkin_panels.supervision_panel, order=10)
        panels.register("manage", checkin_panels.manage_panel, order=30)
        register_map_provider()


def register_map_provider() -> None:
    """Give the ecomap each practitioner relationship's latest score and flags.

    hononga.relationships.hooks is the relationships app's; until it exists there is nothing
    to register with.
    """
    try:
        from hononga.relationships import hooks  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return
    from hononga.checkins.selectors import latest_checkins_for_relationships

    current = getattr(hooks, "LATEST_CHECKINS_PROVIDER", None)
    if isinstance(current, list):  # a list of providers
        if latest_checkins_for_relationships not in current:
            current.append(latest_checkins_for_relationships)
    else:
        hooks.LATEST_CHECKINS_PROVIDER = latest_checkins_for_relationships
