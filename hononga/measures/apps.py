from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "hononga.measures"
    label = "measures"

    def ready(self) -> None:
        from hononga.accounts.models import Role
        from hononga.core import nav, panels
        from hononga.measures import panels as measure_panels

        panels.register("home", measure_panels.home_panel, order=5)
        nav.register(_("Team figures"), "measures:teams", order=33, roles={Role.SUPERVISOR})
        nav.register(_("Figures"), "measures:agency", order=10, roles={Role.PRACTICE_LEAD})
