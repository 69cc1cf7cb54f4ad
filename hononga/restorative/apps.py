from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RestorativeConfig(AppConfig):
    name = "hononga.restorative"
    label = "restorative"

    def ready(self) -> None:
        from hononga.accounts.models import Role
        from hononga.core import nav, panels
        from hononga.restorative import panels as restorative_panels

        panels.register("home", restorative_panels.home_panel, order=25)
        panels.register("whanau", restorative_panels.whanau_panel, order=40)
        panels.register("person", restorative_panels.person_panel, order=40)
        panels.register("relationship", restorative_panels.relationship_panel, order=40)
        panels.register("supervision", restorative_panels.supervision_panel, order=30)
        panels.register("manage", restorative_panels.manage_panel, order=40)
        staff = {Role.PRACTITIONER, Role.FACILITATOR, Role.SUPERVISOR}
        nav.register(_("Restorative processes"), "restorative:list", order=40, roles=staff)
